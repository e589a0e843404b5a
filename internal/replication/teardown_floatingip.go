package replication

import (
	"context"
	"net/url"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// foreignFloatingIPs are the floating IPs among fips that the migration did not make (not in
// guard.FloatingIPIDs): CheckTeardown refuses a project holding any.
func (guard TeardownGuard) foreignFloatingIPs(fips []openstack.FloatingIP) []openstack.FloatingIP {
	return slices.DeleteFunc(fips, func(f openstack.FloatingIP) bool { return slices.Contains(guard.FloatingIPIDs, f.ID) })
}

// releaseFloatingIPs releases every floating IP of the project: after the routes are cleared and
// before the interfaces are detached (Neutron refuses to detach an interface a floating IP reaches
// its port through). A project a teardown guard let through holds only the migration's.
func releaseFloatingIPs(ctx context.Context, dst *openstack.Cloud, byProject url.Values, concurrency int) error {
	fips, err := openstack.List[openstack.FloatingIP](ctx, dst.Network, openstack.FloatingIPs, byProject)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
	for _, f := range fips {
		g.Go(func() error { return openstack.Delete(gctx, dst.Network, openstack.FloatingIPs, f.ID) })
	}
	return g.Wait()
}

// deleteServerGroups deletes the project's Nova server groups (a group with instances in it means the
// project holds servers, which a teardown guard refuses before).
func deleteServerGroups(ctx context.Context, dst *openstack.Cloud, projectID string) error {
	groups, err := openstack.ListServerGroups(ctx, dst.Compute, projectID)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := openstack.DeleteServerGroup(ctx, dst.Compute, g.ID); err != nil {
			return err
		}
	}
	return nil
}
