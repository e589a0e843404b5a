package replication

import (
	"context"
	"fmt"
	"net/url"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// ReadSnapshot reads the source tenant with one call per object type, all in parallel: the project,
// networks, subnets, routers, ports, security groups (whose list carries their rules), address groups,
// floating IPs, server groups, the three quota sets and the region's volume types. Thirteen calls,
// whatever the tenant's size.
func ReadSnapshot(ctx context.Context, src *openstack.Cloud, projectID string) (*Snapshot, error) {
	s := &Snapshot{}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		s.Project, err = openstack.GetProject(ctx, src.Identity, projectID)
		if openstack.IsNotFound(err) {
			return fmt.Errorf("source project %q does not exist", projectID)
		}
		return err
	})
	g.Go(func() error {
		objects, err := listProject(ctx, src, projectID, false)
		s.Networks, s.Subnets, s.Routers, s.Ports, s.SecurityGroups = objects.Networks, objects.Subnets, objects.Routers, objects.Ports, objects.SecurityGroups
		s.AddressGroups, s.FloatingIPs, s.ServerGroups = objects.AddressGroups, objects.FloatingIPs, objects.ServerGroups
		return err
	})
	g.Go(func() (err error) {
		s.Quotas.Compute, err = openstack.ComputeQuotas(ctx, src.Compute, projectID)
		return err
	})
	g.Go(func() (err error) {
		s.Quotas.Network, err = openstack.NetworkQuotas(ctx, src.Network, projectID)
		return err
	})
	g.Go(func() (err error) {
		s.Quotas.Volume, err = openstack.VolumeQuotas(ctx, src.BlockStorage, projectID)
		return err
	})
	g.Go(func() (err error) {
		s.VolumeTypes, err = openstack.VolumeTypes(ctx, src.BlockStorage)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("reading source tenant %s: %w", projectID, err)
	}
	for _, sn := range s.Subnets {
		if sn.SubnetPoolID != "" {
			if s.SubnetPools == nil {
				s.SubnetPools = map[string]string{}
			}
			s.SubnetPools[sn.ID] = sn.SubnetPoolID
		}
	}
	for i, sg := range s.SecurityGroups {
		s.Rules = append(s.Rules, sg.Rules...)
		s.SecurityGroups[i].Rules = nil
	}
	return s, nil
}

// ReadFacts reads what the plan needs to know about the destination region: its external network (the
// one named externalNetwork, or the only one there is), its volume types, whether the credentials may
// create projects and whether Neutron takes an MTU in a network create (net-mtu-writable). (Whether Neutron has address groups is asked by Migration.Plan, only of a source
// that has some.)
func ReadFacts(ctx context.Context, dst *openstack.Cloud, externalNetwork string) (Facts, error) {
	f := Facts{CanCreateProjects: dst.IsAdmin(), User: dst.UserID}
	query := url.Values{"router:external": {"true"}}
	if externalNetwork != "" {
		query.Set("name", externalNetwork)
	}
	g, gctx := errgroup.WithContext(ctx)
	var externals []openstack.Network
	g.Go(func() (err error) {
		externals, err = openstack.List[openstack.Network](gctx, dst.Network, openstack.Networks, query)
		return err
	})
	g.Go(func() (err error) {
		f.VolumeTypes, err = openstack.VolumeTypes(gctx, dst.BlockStorage)
		return err
	})
	g.Go(func() error {
		has, err := openstack.HasExtension(gctx, dst.Network, "net-mtu-writable")
		f.NoMTUWritable = !has
		return err
	})
	if err := g.Wait(); err != nil {
		return f, fmt.Errorf("reading destination facts: %w", err)
	}
	switch {
	case len(externals) == 1:
		f.ExternalNetworkID = externals[0].ID
	case len(externals) > 1:
		return f, fmt.Errorf("the destination region %q has %d external networks: name the one to use (external_network)", dst.Region, len(externals))
	case externalNetwork != "":
		return f, fmt.Errorf("the destination region %q has no external network named %q", dst.Region, externalNetwork)
	}
	return f, nil
}
