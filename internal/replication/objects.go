package replication

import (
	"context"
	"net/url"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// listProject reads a project's Neutron objects (floating IPs included) and Nova server groups with one
// list call per type, in parallel (address groups read as none where Neutron lacks them). With onlyGroups it reads the security groups alone (what a
// project created a moment ago can hold). Listing a project's security groups makes Neutron create its
// default group if it has none yet.
func listProject(ctx context.Context, c *openstack.Cloud, projectID string, onlyGroups bool) (ProjectObjects, error) {
	var d ProjectObjects
	byProject := url.Values{"project_id": {projectID}}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		d.SecurityGroups, err = openstack.List[openstack.SecurityGroup](ctx, c.Network, openstack.SecurityGroups, byProject)
		return err
	})
	if !onlyGroups {
		g.Go(func() (err error) {
			d.Networks, err = openstack.List[openstack.Network](ctx, c.Network, openstack.Networks, byProject)
			return err
		})
		g.Go(func() (err error) {
			d.Subnets, err = openstack.List[openstack.Subnet](ctx, c.Network, openstack.Subnets, byProject)
			return err
		})
		g.Go(func() (err error) {
			d.Routers, err = openstack.List[openstack.Router](ctx, c.Network, openstack.Routers, byProject)
			return err
		})
		g.Go(func() (err error) {
			d.Ports, err = openstack.List[openstack.Port](ctx, c.Network, openstack.Ports, byProject)
			return err
		})
		g.Go(func() (err error) {
			d.AddressGroups, err = openstack.List[openstack.AddressGroup](ctx, c.Network, openstack.AddressGroups, byProject)
			if openstack.IsNotFound(err) { // a Neutron without the address-group extension
				return nil
			}
			return err
		})
		g.Go(func() (err error) {
			d.FloatingIPs, err = openstack.List[openstack.FloatingIP](ctx, c.Network, openstack.FloatingIPs, byProject)
			return err
		})
		g.Go(func() (err error) {
			d.ServerGroups, err = openstack.ListServerGroups(ctx, c.Compute, projectID)
			return err
		})
	}
	return d, g.Wait()
}

// ListDestination reads a destination project's Neutron objects, one list call per type.
func ListDestination(ctx context.Context, c *openstack.Cloud, projectID string) (ProjectObjects, error) {
	return listProject(ctx, c, projectID, false)
}

// IDs returns the ids of every object in d, the security groups' rules included.
func (d ProjectObjects) IDs() map[string]bool {
	ids := map[string]bool{}
	for _, n := range d.Networks {
		ids[n.ID] = true
	}
	for _, s := range d.Subnets {
		ids[s.ID] = true
	}
	for _, r := range d.Routers {
		ids[r.ID] = true
	}
	for _, p := range d.Ports {
		ids[p.ID] = true
	}
	for _, g := range d.SecurityGroups {
		ids[g.ID] = true
		for _, r := range g.Rules {
			ids[r.ID] = true
		}
	}
	for _, a := range d.AddressGroups {
		ids[a.ID] = true
	}
	for _, f := range d.FloatingIPs {
		ids[f.ID] = true
	}
	for _, sg := range d.ServerGroups {
		ids[sg.ID] = true
	}
	return ids
}
