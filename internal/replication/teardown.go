package replication

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Teardown removes a destination tenant built by Execute, in reverse dependency order: static routes,
// then floating IPs, then interfaces (Neutron refuses to remove an interface a route or a floating IP
// still uses), interfaces and gateways
// before routers, ports before networks and security groups, security groups before address groups, then
// server groups, quotas, the migration's user and the project. Then it verifies through the API (Neutron,
// Nova and Cinder) that nothing is left.
// It is safe to run again after a failure. It checks nothing first, deletes the project's servers,
// volume snapshots and volumes (deleteForeign) and every user whose default project it is: for projects
// a test or a benchmark made; a migration's destination goes through TeardownCopy.
func Teardown(ctx context.Context, dst *openstack.Cloud, projectID string, concurrency int) error {
	if err := deleteForeign(ctx, dst, projectID, concurrency, nil); err != nil {
		return err
	}
	return teardown(ctx, dst, projectID, concurrency, func(openstack.User) bool { return true })
}

// teardown is Teardown deleting, of the users whose default project is projectID, those deleteUser says.
func teardown(ctx context.Context, dst *openstack.Cloud, projectID string, concurrency int, deleteUser func(openstack.User) bool) error {
	if concurrency <= 0 {
		concurrency = 8
	}
	byProject := url.Values{"project_id": {projectID}}
	routers, err := openstack.List[openstack.Router](ctx, dst.Network, openstack.Routers, byProject)
	if err != nil {
		return err
	}
	ports, err := openstack.List[openstack.Port](ctx, dst.Network, openstack.Ports, byProject)
	if err != nil {
		return err
	}
	// Routes first, then floating IPs, then interfaces and routers.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
	for _, r := range routers {
		g.Go(func() error { return clearRoutes(gctx, dst, r) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := releaseFloatingIPs(ctx, dst, byProject, concurrency); err != nil {
		return err
	}
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
	for _, r := range routers {
		g.Go(func() error { return teardownRouter(gctx, dst, r, ports) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := deleteAll(ctx, dst, openstack.Ports, byProject, concurrency, func(p openstack.Port) bool {
		// A router interface port never attached (a run stopped between its create and the attach) has
		// no router to detach it: it goes like any other port, or its network could not be deleted.
		return !strings.HasPrefix(p.DeviceOwner, "network:router") || p.DeviceID == ""
	}); err != nil {
		return err
	}
	if err := deleteAll(ctx, dst, openstack.Networks, byProject, concurrency, func(openstack.Network) bool { return true }); err != nil {
		return err
	}
	// Security groups are listed unfiltered: a list filtered by project makes Neutron re-create the
	// project's default group, which this step is deleting.
	if err := deleteAll(ctx, dst, openstack.SecurityGroups, nil, concurrency, func(sg openstack.SecurityGroup) bool { return sg.ProjectID == projectID }); err != nil {
		return err
	}
	// Address groups last among Neutron objects: Neutron refuses to delete one a rule still matches.
	if err := deleteAll(ctx, dst, openstack.AddressGroups, byProject, concurrency, func(openstack.AddressGroup) bool { return true }); err != nil && !openstack.IsNotFound(err) {
		return err
	}
	err = errors.Join(
		deleteServerGroups(ctx, dst, projectID),
		openstack.DeleteNetworkQuotas(ctx, dst.Network, projectID),
		openstack.DeleteQuotaSet(ctx, dst.Compute, projectID),
		openstack.DeleteQuotaSet(ctx, dst.BlockStorage, projectID),
		deleteMigrationUsers(ctx, dst, projectID, deleteUser),
	)
	if err != nil {
		return err
	}
	if err := verifyEmpty(ctx, dst, byProject); err != nil {
		return err
	}
	return openstack.DeleteProject(ctx, dst.Identity, projectID)
}

func clearRoutes(ctx context.Context, dst *openstack.Cloud, r openstack.Router) error {
	if len(r.Routes) > 0 {
		if _, err := openstack.Update[openstack.Router](ctx, dst.Network, openstack.Routers, r.ID, map[string]any{"routes": []openstack.Route{}}); err != nil {
			return fmt.Errorf("clearing the routes of router %s: %w", r.ID, err)
		}
	}
	return nil
}

func teardownRouter(ctx context.Context, dst *openstack.Cloud, r openstack.Router, ports []openstack.Port) error {
	for _, p := range ports {
		if p.DeviceID == r.ID && routerInterfaceOwners[p.DeviceOwner] {
			if err := openstack.RemoveRouterInterface(ctx, dst.Network, r.ID, p.ID); err != nil {
				return fmt.Errorf("detaching router %s from port %s: %w", r.ID, p.ID, err)
			}
		}
	}
	return openstack.Delete(ctx, dst.Network, openstack.Routers, r.ID)
}

func deleteAll[T interface {
	openstack.Port | openstack.Network | openstack.SecurityGroup | openstack.AddressGroup
}](ctx context.Context, dst *openstack.Cloud, r openstack.Resource, query url.Values, concurrency int, keep func(T) bool) error {
	items, err := openstack.List[T](ctx, dst.Network, r, query)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
	for _, it := range items {
		if !keep(it) {
			continue
		}
		id := idOf(it)
		g.Go(func() error { return openstack.Delete(gctx, dst.Network, r, id) })
	}
	return g.Wait()
}

func idOf(v any) string {
	switch o := v.(type) {
	case openstack.Port:
		return o.ID
	case openstack.Network:
		return o.ID
	case openstack.SecurityGroup:
		return o.ID
	case openstack.AddressGroup:
		return o.ID
	}
	return ""
}

// deleteMigrationUsers deletes the users Execute made for the project: of those whose default project
// is it, the ones deleteUser says.
func deleteMigrationUsers(ctx context.Context, dst *openstack.Cloud, projectID string, deleteUser func(openstack.User) bool) error {
	ids, err := openstack.ProjectUserIDs(ctx, dst.Identity, projectID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		u, err := openstack.GetUser(ctx, dst.Identity, id)
		if err != nil {
			if openstack.IsNotFound(err) {
				continue
			}
			return err
		}
		if u.DefaultProjectID == projectID && deleteUser(u) {
			if err := openstack.DeleteUser(ctx, dst.Identity, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// verifyEmpty checks that the project holds nothing any more: no network object in Neutron, no
// server in Nova, no volume or snapshot in Cinder.
func verifyEmpty(ctx context.Context, dst *openstack.Cloud, byProject url.Values) error {
	var left []string
	count := func(name string, n int, err error) error {
		if err == nil && n > 0 {
			left = append(left, fmt.Sprintf("%d %s", n, name))
		}
		return err
	}
	nets, err1 := openstack.List[openstack.Network](ctx, dst.Network, openstack.Networks, byProject)
	subs, err2 := openstack.List[openstack.Subnet](ctx, dst.Network, openstack.Subnets, byProject)
	rtrs, err3 := openstack.List[openstack.Router](ctx, dst.Network, openstack.Routers, byProject)
	ports, err4 := openstack.List[openstack.Port](ctx, dst.Network, openstack.Ports, byProject)
	all, err5 := openstack.List[openstack.SecurityGroup](ctx, dst.Network, openstack.SecurityGroups, url.Values{"fields": {"id", "project_id"}})
	ags, err6 := openstack.List[openstack.AddressGroup](ctx, dst.Network, openstack.AddressGroups, byProject)
	fips, err7 := openstack.List[openstack.FloatingIP](ctx, dst.Network, openstack.FloatingIPs, byProject)
	if openstack.IsNotFound(err6) {
		err6 = nil
	}
	var sgs []openstack.SecurityGroup
	for _, sg := range all {
		if sg.ProjectID == byProject.Get("project_id") {
			sgs = append(sgs, sg)
		}
	}
	if err := errors.Join(count("networks", len(nets), err1), count("subnets", len(subs), err2), count("routers", len(rtrs), err3),
		count("ports", len(ports), err4), count("security groups", len(sgs), err5), count("address groups", len(ags), err6),
		count("floating IPs", len(fips), err7)); err != nil {
		return err
	}
	foreign, err := countForeign(ctx, dst, byProject.Get("project_id"))
	if err != nil {
		return err
	}
	left = append(left, foreign...)
	if len(left) > 0 {
		return fmt.Errorf("the destination project still holds %s after teardown", strings.Join(left, ", "))
	}
	return nil
}
