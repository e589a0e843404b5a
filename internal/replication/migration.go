package replication

import (
	"context"

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

// Plan reads the source and the destination facts and computes the plan, without writing anything.
func (m Migration) Plan(ctx context.Context) (*Plan, error) {
	snap, err := ReadSnapshot(ctx, m.Source, m.SourceProjectID)
	if err != nil {
		return nil, err
	}
	facts, err := ReadFacts(ctx, m.Destination, m.ExternalNetwork, len(snap.AddressGroups) > 0)
	if err != nil {
		return nil, err
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
