package replication

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Migration names one tenant copy: from a project in a source cloud/region to a new project in a
// destination cloud/region, with the user's mappings. It is what the provider hands the engine.
type Migration struct {
	Source          *openstack.Cloud
	SourceProjectID string
	Destination     *openstack.Cloud
	// ExternalNetwork names the destination's external network; empty picks the only one there is.
	ExternalNetwork string
	Mappings        Mappings
	Target          Target
}

// Plan reads the source and the destination facts, in parallel, and computes the plan, without
// writing anything.
func (m Migration) Plan(ctx context.Context) (*Plan, error) {
	var snap *Snapshot
	var facts Facts
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		snap, err = ReadSnapshot(gctx, m.Source, m.SourceProjectID)
		return err
	})
	g.Go(func() (err error) {
		facts, err = ReadFacts(gctx, m.Destination, m.ExternalNetwork)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if len(snap.AddressGroups) > 0 {
		has, err := openstack.HasExtension(ctx, m.Destination.Network, "address-group")
		if err != nil {
			return nil, fmt.Errorf("reading destination facts: %w", err)
		}
		facts.NoAddressGroups = !has
	}
	return BuildPlan(snap, m.Mappings, facts, m.Target)
}

// Run plans and, when the plan is valid, builds it. Validation errors come back before anything is
// written; a failure during the build comes back with the partial Result, and running again resumes.
func (m Migration) Run(ctx context.Context, opts Options) (*Plan, *Result, error) {
	plan, err := m.Plan(ctx)
	if err != nil {
		return nil, nil, err
	}
	res, err := Execute(ctx, m.Destination, plan, opts)
	return plan, res, err
}
