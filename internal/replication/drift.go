package replication

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Drift is how a destination project differs from a plan: what a run of Execute with Options.Prior and
// Options.Prune would do there. Kinds are those of Plan.Counts, plus "quotas"; a kind without
// differences is absent.
type Drift struct{ Kinds map[string]*KindDrift }

// KindDrift lists the objects of one kind a sync would create, change in place and remove, by name: the
// source object's name (the destination object's for a removal), or its id when it has none. Router
// interfaces are named "router/subnet", routes "router: destination via next hop", rules by group and
// content, quotas by service ("compute", "network", "volume").
type KindDrift struct {
	Add    []string
	Change []Change
	Remove []string
}

// Change is one object a sync would update in place, with the attributes that differ (Neutron's
// names, sorted; "tags" for its tag set; a subnet's "cidr" means the subnet is replaced).
type Change struct {
	Name       string
	Attributes []string
}

// Empty reports whether the destination is in sync with the plan.
func (d Drift) Empty() bool {
	for _, k := range d.Kinds {
		if k != nil && (len(k.Add) > 0 || len(k.Change) > 0 || len(k.Remove) > 0) {
			return false
		}
	}
	return true
}

// summaryNames is how many names each part of a Summary line shows before "and N more".
const summaryNames = 10

// Summary renders the drift per kind: "add: a, b; change: c (description, name); remove: d", at most
// summaryNames names per part then "and N more"; kinds without differences are absent.
func (d Drift) Summary() map[string]string {
	out := map[string]string{}
	for kind, k := range d.Kinds {
		if k == nil {
			continue
		}
		var parts []string
		if len(k.Add) > 0 {
			parts = append(parts, "add: "+joinNames(k.Add))
		}
		if len(k.Change) > 0 {
			names := make([]string, len(k.Change))
			for i, c := range k.Change {
				names[i] = c.Name
				if len(c.Attributes) > 0 {
					names[i] += " (" + strings.Join(c.Attributes, ", ") + ")"
				}
			}
			parts = append(parts, "change: "+joinNames(names))
		}
		if len(k.Remove) > 0 {
			parts = append(parts, "remove: "+joinNames(k.Remove))
		}
		if len(parts) > 0 {
			out[kind] = strings.Join(parts, "; ")
		}
	}
	return out
}

func joinNames(names []string) string {
	if len(names) <= summaryNames {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:summaryNames], ", ") + fmt.Sprintf(" and %d more", len(names)-summaryNames)
}

// kind returns the drift of one kind, made on first use.
func (d *Drift) kind(name string) *KindDrift {
	if d.Kinds == nil {
		d.Kinds = map[string]*KindDrift{}
	}
	k := d.Kinds[name]
	if k == nil {
		k = &KindDrift{}
		d.Kinds[name] = k
	}
	return k
}

// sortDrift orders every list by name and drops the kinds left empty, for a stable rendering.
func (d *Drift) sortDrift() {
	for name, k := range d.Kinds {
		if len(k.Add)+len(k.Change)+len(k.Remove) == 0 {
			delete(d.Kinds, name)
			continue
		}
		slices.Sort(k.Add)
		slices.Sort(k.Remove)
		slices.SortFunc(k.Change, func(a, b Change) int { return strings.Compare(a.Name, b.Name) })
	}
}

// ReadQuotas reads a project's compute, network and volume quotas (three calls, in parallel), for
// Compare.
func ReadQuotas(ctx context.Context, dst *openstack.Cloud, projectID string) (Quotas, error) {
	var q Quotas
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		q.Compute, err = openstack.ComputeQuotas(gctx, dst.Compute, projectID)
		return err
	})
	g.Go(func() (err error) {
		q.Network, err = openstack.NetworkQuotas(gctx, dst.Network, projectID)
		return err
	})
	g.Go(func() (err error) {
		q.Volume, err = openstack.VolumeQuotas(gctx, dst.BlockStorage, projectID)
		return err
	})
	if err := g.Wait(); err != nil {
		return Quotas{}, fmt.Errorf("reading the quotas of project %s: %w", projectID, err)
	}
	return q, nil
}

// Compare is how the destination objects dest (ListDestination) differ from plan p, pairing them with
// the plan as Execute does (the prior id maps first, then markers, then content) and judging each pair
// with the same per-kind change functions (diff_objects.go): a planned object without a copy is added
// (also when its prior copy is gone), a copy that differs is changed, a prior copy whose source is not
// planned is removed. With quotas nil the quotas are not compared. It does no I/O: after Execute with
// Options.Prior and Options.Prune has finished, Compare on a fresh listing is Empty.
func Compare(p *Plan, prior IDMaps, dest ProjectObjects, quotas *Quotas) Drift {
	var d Drift
	pr := pairDestination(p, &prior, dest)
	doomed := doomedSubnets(p, pr, dest, true)
	ids := pr.ids()
	for s, sn := range pr.subnets {
		if doomed[sn.ID] {
			delete(ids.Subnets, s) // made again: whatever refers to it changes
		}
	}
	named := func(name, id string) string {
		if name == "" {
			return id
		}
		return name
	}

	k := d.kind("networks")
	for _, n := range p.Networks {
		have, ok := pr.networks[n.SourceID]
		if !ok {
			k.Add = append(k.Add, named(n.Name, n.SourceID))
		} else if a := changedAttributes(networkChanges(n, have), tagsDiffer(have.Tags, wantedTags(n.SourceID, n.Marker, n.Tags))); len(a) > 0 {
			k.Change = append(k.Change, Change{named(n.Name, n.SourceID), a})
		}
	}
	for _, o := range pr.stale.networks {
		k.Remove = append(k.Remove, named(o.Name, o.ID))
	}

	k = d.kind("subnets")
	subnetName := map[string]string{} // destination id -> name, for interfaces
	for _, sn := range dest.Subnets {
		subnetName[sn.ID] = named(sn.Name, sn.ID)
	}
	for _, s := range p.Subnets {
		have, ok := pr.subnets[s.SourceID]
		switch {
		case !ok:
			k.Add = append(k.Add, named(s.Name, s.SourceID))
		case subnetReplaced(s, have):
			k.Change = append(k.Change, Change{named(s.Name, s.SourceID), []string{"cidr"}})
		default:
			if a := changedAttributes(subnetChanges(s, have), tagsDiffer(have.Tags, wantedTags(s.SourceID, s.Marker, s.Tags))); len(a) > 0 {
				k.Change = append(k.Change, Change{named(s.Name, s.SourceID), a})
			}
		}
	}
	planned := map[string]bool{}
	for _, sn := range pr.subnets {
		planned[sn.ID] = true
	}
	for _, sn := range dest.Subnets {
		if doomed[sn.ID] && !planned[sn.ID] {
			k.Remove = append(k.Remove, named(sn.Name, sn.ID))
		}
	}

	driftRouters(&d, p, pr, dest, ids, doomed, subnetName, named)

	k = d.kind("security_groups")
	groupName := map[string]string{} // destination id -> name
	for _, g := range dest.SecurityGroups {
		groupName[g.ID] = named(g.Name, g.ID)
	}
	for _, g := range p.SecurityGroups {
		have, ok := pr.groups[g.SourceID]
		if !ok {
			k.Add = append(k.Add, named(g.Name, g.SourceID))
		} else if a := changedAttributes(securityGroupChanges(g, have), tagsDiffer(have.Tags, wantedTags(g.SourceID, g.Marker, g.Tags))); len(a) > 0 {
			k.Change = append(k.Change, Change{named(g.Name, g.SourceID), a})
		}
	}
	for _, o := range pr.stale.groups {
		k.Remove = append(k.Remove, named(o.Name, o.ID))
	}
	for _, ag := range dest.AddressGroups {
		groupName[ag.ID] = named(ag.Name, ag.ID) // ids do not collide across kinds
	}
	driftRules(&d, p, pr, ids, groupName, named)

	k = d.kind("address_groups")
	for _, ag := range p.AddressGroups {
		have, ok := pr.addressGroups[ag.SourceID]
		if !ok {
			k.Add = append(k.Add, named(ag.Name, ag.SourceID))
			continue
		}
		body, add, remove := addressGroupChanges(ag, have)
		var extra []string
		if len(add)+len(remove) > 0 {
			extra = append(extra, "addresses")
		}
		if a := changedAttributes(body, false, extra...); len(a) > 0 {
			k.Change = append(k.Change, Change{named(ag.Name, ag.SourceID), a})
		}
	}
	for _, o := range pr.stale.addressGroups {
		k.Remove = append(k.Remove, named(o.Name, o.ID))
	}

	k = d.kind("ports")
	for _, port := range p.Ports {
		have, ok := pr.ports[port.SourceID]
		if !ok {
			k.Add = append(k.Add, named(port.Name, port.SourceID))
		} else if a := changedAttributes(portChanges(port, &ids, have), tagsDiffer(have.Tags, wantedTags(port.SourceID, port.Marker, port.Tags))); len(a) > 0 {
			k.Change = append(k.Change, Change{named(port.Name, port.SourceID), a})
		}
	}
	for _, o := range pr.stale.ports {
		k.Remove = append(k.Remove, named(o.Name, o.ID))
	}
	driftFloating(&d, p, pr, ids, named)

	if quotas != nil {
		k = d.kind("quotas")
		for _, q := range []struct {
			service    string
			want, have map[string]int
		}{{"compute", p.Quotas.Compute, quotas.Compute}, {"network", p.Quotas.Network, quotas.Network}, {"volume", p.Quotas.Volume, quotas.Volume}} {
			var keys []string
			for key, v := range q.want {
				if h, ok := q.have[key]; !ok || h != v {
					keys = append(keys, key)
				}
			}
			if len(keys) > 0 {
				slices.Sort(keys)
				k.Change = append(k.Change, Change{q.service, keys})
			}
		}
	}
	d.sortDrift()
	return d
}

// driftRouters adds the routers, their interfaces and their static routes to the drift, as
// clearStale, ensureRouter, ensureInterfaces and ensureRoutes would change them.
func driftRouters(d *Drift, p *Plan, pr *pairing, dest ProjectObjects, ids IDMaps, doomed map[string]bool, subnetName map[string]string, named func(string, string) string) {
	k := d.kind("routers")
	ifaces, routes := d.kind("router_interfaces"), d.kind("routes")
	plannedSubnetName := map[string]string{}
	for _, s := range p.Subnets {
		plannedSubnetName[s.SourceID] = named(s.Name, s.SourceID)
	}
	routeName := func(router string, r openstack.Route) string {
		return router + ": " + r.Destination + " via " + r.NextHop
	}
	detach, stale := detachments(p, pr, dest, doomed, true)
	routerName := map[string]string{}
	for _, r := range dest.Routers {
		routerName[r.ID] = named(r.Name, r.ID)
	}
	for _, r := range p.Routers {
		name := named(r.Name, r.SourceID)
		have, ok := pr.routers[r.SourceID]
		if !ok {
			k.Add = append(k.Add, name)
			for _, iface := range r.Interfaces {
				ifaces.Add = append(ifaces.Add, name+"/"+plannedSubnetName[iface.SubnetSourceID])
			}
			for _, rt := range r.Routes {
				routes.Add = append(routes.Add, routeName(name, rt))
			}
			continue
		}
		if a := changedAttributes(routerChanges(r, p.ExternalNetworkID, have), tagsDiffer(have.Tags, wantedTags(r.SourceID, r.Marker, r.Tags))); len(a) > 0 {
			k.Change = append(k.Change, Change{name, a})
		}
		gone := map[string]bool{}
		for _, s := range detach[have.ID] {
			gone[s] = true
		}
		for _, iface := range r.Interfaces {
			subnetID := ids.Subnets[iface.SubnetSourceID]
			if subnetID == "" || gone[subnetID] || !isAttached(pr.interfacePorts, have.ID, subnetID) {
				ifaces.Add = append(ifaces.Add, name+"/"+plannedSubnetName[iface.SubnetSourceID])
			}
		}
		want, got := map[string]bool{}, map[string]bool{}
		for _, k := range routeKeys(r.Routes) {
			want[k] = true
		}
		for _, k := range routeKeys(have.Routes) {
			got[k] = true
		}
		for _, rt := range r.Routes {
			if key := routeKeys([]openstack.Route{rt})[0]; !got[key] {
				routes.Add = append(routes.Add, routeName(name, rt))
			}
		}
		for _, rt := range have.Routes {
			if key := routeKeys([]openstack.Route{rt})[0]; !want[key] {
				routes.Remove = append(routes.Remove, routeName(name, rt))
			}
		}
	}
	for routerID, subnets := range detach {
		for _, s := range subnets {
			ifaces.Remove = append(ifaces.Remove, routerName[routerID]+"/"+subnetName[s])
		}
	}
	for _, o := range pr.stale.routers {
		if stale[o.ID] {
			k.Remove = append(k.Remove, named(o.Name, o.ID))
		}
	}
}

func isAttached(interfacePorts []openstack.Port, routerID, subnetID string) bool {
	for _, p := range interfacePorts {
		if p.DeviceID == routerID && slices.ContainsFunc(p.FixedIPs, func(ip openstack.FixedIP) bool { return ip.SubnetID == subnetID }) {
			return true
		}
	}
	return false
}

// driftRules adds the rules syncRules would create and delete in the groups that stay; the rules of
// a group to add are added with it, those of a group to remove go with it. groupName names the
// destination's security groups and address groups by id.
func driftRules(d *Drift, p *Plan, pr *pairing, ids IDMaps, groupName map[string]string, named func(string, string) string) {
	k := d.kind("security_group_rules")
	plannedName := map[string]string{}
	for _, g := range p.SecurityGroups {
		plannedName[g.SourceID] = named(g.Name, g.SourceID)
	}
	for _, ag := range p.AddressGroups {
		plannedName[ag.SourceID] = named(ag.Name, ag.SourceID)
	}
	byGroup := map[string][]RulePlan{}
	for _, r := range p.Rules {
		byGroup[r.GroupSourceID] = append(byGroup[r.GroupSourceID], r)
	}
	resolve := func(m map[string]string, src string) string {
		if src == "" {
			return ""
		}
		if id := m[src]; id != "" {
			return id
		}
		return "new:" + src
	}
	for _, g := range p.SecurityGroups {
		have, paired := pr.groups[g.SourceID]
		existing := map[string]openstack.SecurityGroupRule{}
		if paired {
			for _, r := range have.Rules {
				existing[RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, r.RemoteIPPrefix, r.RemoteGroupID, r.RemoteAddressGroupID)] = r
			}
		}
		wanted := map[string]bool{}
		for _, r := range byGroup[g.SourceID] {
			key := RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, r.RemoteIPPrefix,
				resolve(ids.SecurityGroups, r.RemoteGroupSourceID), resolve(ids.AddressGroups, r.RemoteAddressGroupSourceID))
			wanted[key] = true
			if _, ok := existing[key]; !ok {
				remote := r.RemoteIPPrefix
				if r.RemoteGroupSourceID != "" {
					remote = "group " + plannedName[r.RemoteGroupSourceID]
				} else if r.RemoteAddressGroupSourceID != "" {
					remote = "address group " + plannedName[r.RemoteAddressGroupSourceID]
				}
				k.Add = append(k.Add, ruleName(plannedName[g.SourceID], r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, remote))
			}
		}
		if !paired {
			continue
		}
		for key, r := range existing {
			if wanted[key] {
				continue
			}
			remote := r.RemoteIPPrefix
			if r.RemoteGroupID != "" {
				remote = "group " + named(groupName[r.RemoteGroupID], r.RemoteGroupID)
			} else if r.RemoteAddressGroupID != "" {
				remote = "address group " + named(groupName[r.RemoteAddressGroupID], r.RemoteAddressGroupID)
			}
			k.Remove = append(k.Remove, ruleName(plannedName[g.SourceID], r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, remote))
		}
	}
}

// ruleName names a rule by its group and content: "web: ingress IPv4 tcp 22-22 from 10.0.0.0/8".
func ruleName(group, direction, ethertype, protocol string, portMin, portMax *int, remote string) string {
	s := group + ": " + direction + " " + ethertype + " " + cmpOr(normalizeProtocol(protocol), "any")
	if portMin != nil || portMax != nil {
		s += " " + intOrAny(portMin) + "-" + intOrAny(portMax)
	}
	if remote = normalizePrefix(remote); remote != "" {
		if direction == "egress" {
			s += " to " + remote
		} else {
			s += " from " + remote
		}
	}
	return s
}

func cmpOr(a, b string) string {
	if a == "" {
		return b
	}
	return a
}
