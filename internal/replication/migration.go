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
	dns, opts, tags := usesExtensions(snap)
	for _, ext := range []struct {
		used  bool
		alias string
		lacks *bool
	}{{dns, "dns-integration", &facts.NoDNS}, {opts, "extra_dhcp_opt", &facts.NoExtraDHCPOpts}, {tags, "standard-attr-tag", &facts.NoTags}} {
		if !ext.used {
			continue
		}
		has, err := openstack.HasExtension(ctx, m.Destination.Network, ext.alias)
		if err != nil {
			return nil, fmt.Errorf("reading destination facts: %w", err)
		}
		*ext.lacks = !has
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

// usesExtensions reports whether the source has DNS domains or names, extra DHCP options and user tags:
// only then does the plan need to know whether the destination has their extensions.
func usesExtensions(snap *Snapshot) (dns, opts, tags bool) {
	for _, n := range snap.Networks {
		dns = dns || n.DNSDomain != ""
		tags = tags || len(userTags(n.Tags)) > 0
	}
	for _, p := range snap.Ports {
		dns = dns || p.DNSName != ""
		opts = opts || len(p.ExtraDHCPOpts) > 0
		tags = tags || len(userTags(p.Tags)) > 0
	}
	for _, s := range snap.Subnets {
		tags = tags || len(userTags(s.Tags)) > 0
	}
	for _, r := range snap.Routers {
		tags = tags || len(userTags(r.Tags)) > 0
	}
	for _, g := range snap.SecurityGroups {
		tags = tags || len(userTags(g.Tags)) > 0
	}
	for _, f := range snap.FloatingIPs {
		tags = tags || len(userTags(f.Tags)) > 0
	}
	return dns, opts, tags
}
