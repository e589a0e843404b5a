package replication

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// clearStale removes, in a project an earlier run built, what must go before subnets, routers and
// interfaces are built, in dependency order:
//
//  1. with Prune, the stale ports (prior copies of ports no longer planned);
//  2. router interfaces on copied subnets no longer planned for their router, on subnets that go, and
//     (with Prune) every interface of a stale router, each router's static routes first set to those
//     that stay valid (Neutron refuses to detach a subnet a route's next hop is on); then, with Prune,
//     the stale routers;
//  3. the addresses ports of the migration hold on subnets that go (the planned ones get their planned
//     addresses when the ports are updated), and the unattached interface ports an earlier run left there;
//  4. the subnets that go: copies whose planned CIDR changed (made again by createSubnets: the new
//     CIDR may overlap the old one on the same network) and, with Prune, stale subnets and those of
//     stale networks;
//  5. with Prune, the stale networks.
//
// Security groups and address groups go last (pruneGroups).
func (e *execution) clearStale(ctx context.Context) error {
	pr, prune := e.pairs, e.opts.Prune
	doomed := doomedSubnets(e.plan, pr, e.objects, prune)
	// 1. Stale ports.
	if prune {
		if err := e.removeAll(ctx, openstack.Ports, "port", idsOf(pr.stale.ports, func(p openstack.Port) string { return p.ID })); err != nil {
			return err
		}
	}

	// 2. Router interfaces and stale routers.
	if err := e.clearRouters(ctx, doomed); err != nil {
		return err
	}

	// 3. Addresses on subnets that go.
	if len(doomed) > 0 {
		if err := e.releaseAddresses(ctx, doomed); err != nil {
			return err
		}
	}

	// 4. Subnets, 5. networks.
	if err := e.removeAll(ctx, openstack.Subnets, "subnet", slices.Sorted(func(yield func(string) bool) {
		for id := range doomed {
			if !yield(id) {
				return
			}
		}
	})); err != nil {
		return err
	}
	if prune {
		return e.removeAll(ctx, openstack.Networks, "network", idsOf(pr.stale.networks, func(n openstack.Network) string { return n.ID }))
	}
	return nil
}

// doomedSubnets are the destination subnets a sync deletes: the copies whose planned CIDR changed and,
// with prune, the stale copies and every subnet of a stale network.
func doomedSubnets(p *Plan, pr *pairing, d ProjectObjects, prune bool) map[string]bool {
	doomed := map[string]bool{}
	for _, s := range p.Subnets {
		if have, ok := pr.subnets[s.SourceID]; ok && subnetReplaced(s, have) {
			doomed[have.ID] = true
		}
	}
	if prune {
		for _, s := range pr.stale.subnets {
			doomed[s.ID] = true
		}
		staleNet := map[string]bool{}
		for _, n := range pr.stale.networks {
			staleNet[n.ID] = true
		}
		for _, s := range d.Subnets {
			if staleNet[s.NetworkID] {
				doomed[s.ID] = true
			}
		}
	}
	return doomed
}

// detachments are the router interfaces a sync removes, by router id (the migration's routers only):
// on copied subnets no longer planned for the router, on doomed subnets, and with prune every
// interface of a stale router (stale says which routers go, then).
func detachments(p *Plan, pr *pairing, d ProjectObjects, doomed map[string]bool, prune bool) (out map[string][]string, stale map[string]bool) {
	plannedOn := map[string]map[string]bool{}
	copied := map[string]bool{} // destination ids of planned subnets' copies
	for _, s := range p.Subnets {
		if have, ok := pr.subnets[s.SourceID]; ok {
			copied[have.ID] = true
		}
	}
	for _, r := range p.Routers {
		have, ok := pr.routers[r.SourceID]
		if !ok {
			continue
		}
		plannedOn[have.ID] = map[string]bool{}
		for _, iface := range r.Interfaces {
			if s, ok := pr.subnets[iface.SubnetSourceID]; ok {
				plannedOn[have.ID][s.ID] = true
			}
		}
	}
	stale = map[string]bool{}
	if prune {
		for _, r := range pr.stale.routers {
			stale[r.ID] = true
		}
	}
	out = map[string][]string{}
	for _, router := range d.Routers {
		if plannedOn[router.ID] == nil && !stale[router.ID] {
			continue // not the migration's
		}
		var detach []string
		for _, port := range pr.interfacePorts {
			if port.DeviceID != router.ID {
				continue
			}
			for _, ip := range port.FixedIPs {
				if stale[router.ID] || doomed[ip.SubnetID] || copied[ip.SubnetID] && !plannedOn[router.ID][ip.SubnetID] {
					detach = append(detach, ip.SubnetID)
				}
			}
		}
		slices.Sort(detach)
		if detach = slices.Compact(detach); len(detach) > 0 {
			out[router.ID] = detach
		}
	}
	return out, stale
}

// clearRouters detaches the interfaces that go (see clearStale), routes first, and with Prune deletes
// the stale routers; routers in parallel.
func (e *execution) clearRouters(ctx context.Context, doomed map[string]bool) error {
	pr := e.pairs
	subnets := map[string]openstack.Subnet{}
	for _, s := range e.objects.Subnets {
		subnets[s.ID] = s
	}
	sourceOf := map[string]string{}
	for src, r := range pr.routers {
		sourceOf[r.ID] = src
	}
	detachAll, stale := detachments(e.plan, pr, e.objects, doomed, e.opts.Prune)
	var mu sync.Mutex
	detached := map[string]map[string]bool{} // router id -> subnet ids
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.opts.Concurrency)
	for _, router := range e.objects.Routers {
		src, paired := sourceOf[router.ID]
		detach := detachAll[router.ID]
		if len(detach) == 0 && !stale[router.ID] {
			continue
		}
		g.Go(func() error {
			keep := []openstack.Route{}
			for _, rt := range router.Routes {
				hop, err := netip.ParseAddr(rt.NextHop)
				valid := !stale[router.ID] && err == nil && !slices.ContainsFunc(detach, func(id string) bool {
					c, err := netip.ParsePrefix(subnets[id].CIDR)
					return err == nil && c.Contains(hop)
				})
				if valid {
					keep = append(keep, rt)
				}
			}
			if routesDiffer(keep, router.Routes) {
				if _, err := openstack.Update[openstack.Router](gctx, e.dst.Network, openstack.Routers, router.ID, map[string]any{"routes": keep}); err != nil {
					return fmt.Errorf("setting the routes of router %q (%s) before detaching it from subnets: %w", router.Name, router.ID, err)
				}
				if paired {
					e.mu.Lock()
					r := pr.routers[src]
					r.Routes = keep
					pr.routers[src] = r
					e.mu.Unlock()
				}
			}
			for _, subnetID := range detach {
				if err := openstack.RemoveRouterSubnet(gctx, e.dst.Network, router.ID, subnetID); err != nil {
					return fmt.Errorf("detaching router %q (%s) from subnet %s: %w", router.Name, router.ID, subnetID, err)
				}
				mu.Lock()
				if detached[router.ID] == nil {
					detached[router.ID] = map[string]bool{}
				}
				detached[router.ID][subnetID] = true
				mu.Unlock()
				e.countRemoved("router_interface", 1)
			}
			if stale[router.ID] {
				if err := openstack.Delete(gctx, e.dst.Network, openstack.Routers, router.ID); err != nil {
					return fmt.Errorf("removing router %q (%s): %w", router.Name, router.ID, err)
				}
				e.countRemoved("router", 1, router.ID)
			}
			return nil
		})
	}
	err := g.Wait()
	// What stays attached, for ensureInterfaces.
	var left []openstack.Port
	n := 0
	for _, p := range pr.interfacePorts {
		var ips []openstack.FixedIP
		for _, ip := range p.FixedIPs {
			if detached[p.DeviceID][ip.SubnetID] {
				n++
			} else {
				ips = append(ips, ip)
			}
		}
		if len(ips) > 0 {
			p.FixedIPs = ips
			left = append(left, p)
		}
	}
	pr.interfacePorts = left
	if n > 0 {
		e.report(Progress{Step: "clear stale objects", Kind: "router_interface", Removed: n})
	}
	return err
}

// releaseAddresses takes the addresses on subnets that go off the migration's ports (planned or
// prior copies), and removes the unattached interface ports an earlier run left on them.
func (e *execution) releaseAddresses(ctx context.Context, doomed map[string]bool) error {
	pr := e.pairs
	ours := map[string]string{} // port id -> source id ("" for a stale copy)
	for s, p := range pr.ports {
		ours[p.ID] = s
	}
	if e.opts.Prior != nil {
		for _, id := range e.opts.Prior.Ports {
			if _, ok := ours[id]; !ok {
				ours[id] = ""
			}
		}
	}
	var loose []string
	for k, p := range pr.loose {
		if doomed[p.FixedIPs[0].SubnetID] {
			loose = append(loose, p.ID)
			delete(pr.loose, k)
		}
	}
	if err := e.removeAll(ctx, openstack.Ports, "", loose); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.opts.Concurrency)
	for _, p := range e.objects.Ports {
		src, mine := ours[p.ID]
		if !mine || e.removed[p.ID] {
			continue
		}
		keep := []openstack.FixedIP{}
		for _, ip := range p.FixedIPs {
			if !doomed[ip.SubnetID] {
				keep = append(keep, ip)
			}
		}
		if len(keep) == len(p.FixedIPs) {
			continue
		}
		g.Go(func() error {
			if _, err := openstack.Update[openstack.Port](gctx, e.dst.Network, openstack.Ports, p.ID, map[string]any{"fixed_ips": keep}); err != nil {
				return fmt.Errorf("taking port %q (%s) off the subnets that are removed: %w", p.Name, p.ID, err)
			}
			if src != "" {
				e.mu.Lock()
				have := pr.ports[src]
				have.FixedIPs = keep
				pr.ports[src] = have
				e.mu.Unlock()
			}
			return nil
		})
	}
	return g.Wait()
}

// pruneGroups removes, with Prune, the stale security groups (after the ports that used them were
// updated or removed, and with their rules; Neutron drops the rules of other groups that name them as
// remote group) and then the stale address groups (after the rules that matched them).
func (e *execution) pruneGroups(ctx context.Context) error {
	pr := e.pairs
	if err := e.removeAll(ctx, openstack.SecurityGroups, "security_group", idsOf(pr.stale.groups, func(g openstack.SecurityGroup) string { return g.ID })); err != nil {
		return err
	}
	return e.removeAll(ctx, openstack.AddressGroups, "address_group", idsOf(pr.stale.addressGroups, func(a openstack.AddressGroup) string { return a.ID }))
}

// removeAll deletes objects in parallel, counted as removed of kind (uncounted with kind "").
func (e *execution) removeAll(ctx context.Context, r openstack.Resource, kind string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.opts.Concurrency)
	for _, id := range ids {
		g.Go(func() error {
			if err := openstack.Delete(gctx, e.dst.Network, r, id); err != nil {
				return fmt.Errorf("removing %s %s: %w", r.Singular, id, err)
			}
			if kind != "" {
				e.countRemoved(kind, 1, id)
			} else {
				e.mu.Lock()
				e.removed[id] = true
				e.mu.Unlock()
			}
			return nil
		})
	}
	err := g.Wait()
	if kind != "" {
		e.mu.Lock()
		n := 0
		for _, id := range ids {
			if e.removed[id] {
				n++
			}
		}
		e.mu.Unlock()
		e.report(Progress{Step: "remove stale " + r.Plural, Kind: kind, Removed: n})
	}
	return err
}

// keepStale puts the prior copies left in place into the result's id maps: without Prune they still
// exist and are still the migration's; after a failure (failed set) every prior entry not removed and
// not recorded anew is kept, so that the next run, given this result as Prior, still knows them (to
// pair them, or with Prune to remove them).
func (e *execution) keepStale(failed bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	add := func(into map[string]string, src, id string) {
		if _, ok := into[src]; !ok && !e.removed[id] {
			into[src] = id
		}
	}
	if failed && e.opts.Prior != nil {
		prior := *e.opts.Prior
		for i, k := range e.res.Kinds() {
			for s, id := range *prior.Kinds()[i].IDs {
				add(*k.IDs, s, id)
			}
		}
		return
	}
	if e.pairs == nil || e.opts.Prune {
		return
	}
	st := e.pairs.stale
	for s, o := range st.networks {
		add(e.res.Networks, s, o.ID)
	}
	for s, o := range st.subnets {
		add(e.res.Subnets, s, o.ID)
	}
	for s, o := range st.routers {
		add(e.res.Routers, s, o.ID)
	}
	for s, o := range st.groups {
		add(e.res.SecurityGroups, s, o.ID)
	}
	for s, o := range st.addressGroups {
		add(e.res.AddressGroups, s, o.ID)
	}
	for s, o := range st.ports {
		add(e.res.Ports, s, o.ID)
	}
	for s, id := range st.rules {
		add(e.res.SecurityGroupRules, s, id)
	}
}

func idsOf[T any](m map[string]T, id func(T) string) []string {
	out := make([]string, 0, len(m))
	for _, o := range m {
		out = append(out, id(o))
	}
	slices.Sort(out)
	return out
}
