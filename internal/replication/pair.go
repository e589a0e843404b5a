package replication

import (
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// pairing is which destination object copies each planned source object, as Execute and Compare both
// see it: pairDestination is the one place that decides.
type pairing struct {
	networks      map[string]openstack.Network // source id -> its copy
	subnets       map[string]openstack.Subnet  // a copy with another CIDR than planned is replaced (subnetReplaced)
	routers       map[string]openstack.Router
	groups        map[string]openstack.SecurityGroup // the source default group's: the destination's own
	addressGroups map[string]openstack.AddressGroup
	// addressGroupsByPrior are the address groups paired by the prior id maps (the others by content).
	addressGroupsByPrior map[string]bool
	ports                map[string]openstack.Port
	floatingIPs          map[string]openstack.FloatingIP
	serverGroups         map[string]openstack.ServerGroup
	// serverGroupsByPrior are the server groups paired by the prior id maps (the others by content).
	serverGroupsByPrior map[string]bool
	// interfacePorts are the routers' interface ports in the project.
	interfacePorts []openstack.Port
	// loose are unattached ports an earlier run made for router interfaces away from the gateway (it
	// stopped before attaching them), by addressKey, for planned interfaces to take.
	loose map[string]openstack.Port
	// defaultGroup is the destination project's own default security group.
	defaultGroup *openstack.SecurityGroup
	// stale are the prior copies that exist and copy no planned object, by source id: Options.Prune
	// removes them. The destination's default group is never among them.
	stale staleCopies
}

type staleCopies struct {
	networks      map[string]openstack.Network
	subnets       map[string]openstack.Subnet
	routers       map[string]openstack.Router
	groups        map[string]openstack.SecurityGroup
	addressGroups map[string]openstack.AddressGroup
	ports         map[string]openstack.Port
	rules         map[string]string // source id -> destination rule id, rules of stale groups
	floatingIPs   map[string]openstack.FloatingIP
	serverGroups  map[string]openstack.ServerGroup
}

// ids are the pairs as id maps (source id -> destination id).
func (pr *pairing) ids() IDMaps {
	m := NewIDMaps()
	for s, o := range pr.networks {
		m.Networks[s] = o.ID
	}
	for s, o := range pr.subnets {
		m.Subnets[s] = o.ID
	}
	for s, o := range pr.routers {
		m.Routers[s] = o.ID
	}
	for s, o := range pr.groups {
		m.SecurityGroups[s] = o.ID
	}
	for s, o := range pr.addressGroups {
		m.AddressGroups[s] = o.ID
	}
	for s, o := range pr.ports {
		m.Ports[s] = o.ID
	}
	for s, o := range pr.floatingIPs {
		m.FloatingIPs[s] = o.ID
	}
	for s, o := range pr.serverGroups {
		m.ServerGroups[s] = o.ID
	}
	return m
}

// emptyPairing is the pairing of a project that holds nothing.
func emptyPairing() *pairing {
	return &pairing{
		networks: map[string]openstack.Network{}, subnets: map[string]openstack.Subnet{}, routers: map[string]openstack.Router{},
		groups: map[string]openstack.SecurityGroup{}, addressGroups: map[string]openstack.AddressGroup{}, ports: map[string]openstack.Port{},
		loose: map[string]openstack.Port{}, addressGroupsByPrior: map[string]bool{},
		floatingIPs: map[string]openstack.FloatingIP{}, serverGroups: map[string]openstack.ServerGroup{}, serverGroupsByPrior: map[string]bool{},
		stale: staleCopies{networks: map[string]openstack.Network{}, subnets: map[string]openstack.Subnet{}, routers: map[string]openstack.Router{},
			groups: map[string]openstack.SecurityGroup{}, addressGroups: map[string]openstack.AddressGroup{}, ports: map[string]openstack.Port{},
			rules: map[string]string{}, floatingIPs: map[string]openstack.FloatingIP{}, serverGroups: map[string]openstack.ServerGroup{}},
	}
}

// pairDestination pairs the planned objects with the destination project's objects d, kind by kind in
// dependency order (a subnet or port is paired only with an object on its network's copy):
//
//  1. by prior (the id maps an earlier run recorded), when that object still exists;
//  2. by marker (identity.go);
//  3. by content key, with an unmarked object not yet paired, in plan order.
//
// Address groups and server groups, which carry no markers, are paired by prior then by content in id
// order (pairInIDOrder). Floating IPs come after ports: an associated one is found by its port's copy.
// The prior copies left unpaired are stale.
func pairDestination(p *Plan, prior *IDMaps, d ProjectObjects) *pairing {
	if prior == nil {
		empty := NewIDMaps()
		prior = &empty
	}
	pr := emptyPairing()

	nets := make([]planned, len(p.Networks))
	for i, n := range p.Networks {
		nets[i] = planned{n.SourceID, nameKey(n.Name, n.Description)}
	}
	pairKind(nets, prior.Networks, d.Networks, func(n openstack.Network) string { return n.ID }, func(n openstack.Network) []string { return n.Tags },
		func(openstack.Network) []string { return nil }, func(n openstack.Network) []string { return []string{nameKey(n.Name, n.Description)} },
		pr.networks, pr.stale.networks)

	networkOf := func(sourceNetwork string) string { return pr.networks[sourceNetwork].ID }
	subs := make([]planned, len(p.Subnets))
	subNet := map[string]string{}
	for i, s := range p.Subnets {
		subNet[s.SourceID] = networkOf(s.NetworkSourceID)
		subs[i] = planned{s.SourceID, subnetKey(subNet[s.SourceID], s.CIDR)}
		if subNet[s.SourceID] == "" {
			subs[i].key = ""
		}
	}
	pairKind(subs, prior.Subnets, d.Subnets, func(s openstack.Subnet) string { return s.ID }, func(s openstack.Subnet) []string { return s.Tags },
		func(s openstack.Subnet) []string { return []string{s.NetworkID} }, func(s openstack.Subnet) []string { return []string{subnetKey(s.NetworkID, s.CIDR)} },
		pr.subnets, pr.stale.subnets, withPlace(subNet))

	rtrs := make([]planned, len(p.Routers))
	for i, r := range p.Routers {
		rtrs[i] = planned{r.SourceID, nameKey(r.Name, r.Description)}
	}
	pairKind(rtrs, prior.Routers, d.Routers, func(r openstack.Router) string { return r.ID }, func(r openstack.Router) []string { return r.Tags },
		func(openstack.Router) []string { return nil }, func(r openstack.Router) []string { return []string{nameKey(r.Name, r.Description)} },
		pr.routers, pr.stale.routers)

	var others []openstack.SecurityGroup
	for i, sg := range d.SecurityGroups {
		if sg.Name == "default" && SourceOf(sg.Tags) == "" {
			pr.defaultGroup = &d.SecurityGroups[i]
		} else {
			others = append(others, sg)
		}
	}
	var groups []planned
	for _, g := range p.SecurityGroups {
		if g.IsDefault {
			if pr.defaultGroup != nil {
				pr.groups[g.SourceID] = *pr.defaultGroup
			}
			continue
		}
		groups = append(groups, planned{g.SourceID, nameKey(g.Name, g.Description)})
	}
	priorGroups := map[string]string{}
	for s, id := range prior.SecurityGroups {
		if pr.defaultGroup == nil || id != pr.defaultGroup.ID {
			priorGroups[s] = id
		}
	}
	pairKind(groups, priorGroups, others, func(g openstack.SecurityGroup) string { return g.ID }, func(g openstack.SecurityGroup) []string { return g.Tags },
		func(openstack.SecurityGroup) []string { return nil }, func(g openstack.SecurityGroup) []string { return []string{nameKey(g.Name, g.Description)} },
		pr.groups, pr.stale.groups)
	pairAddressGroups(p, prior, d, pr)

	var plain, unattached []openstack.Port
	for _, port := range d.Ports {
		switch {
		case port.DeviceOwner == interfacePortOwner && port.DeviceID == "":
			unattached = append(unattached, port) // made for an interface, not attached yet
		case routerInterfaceOwners[port.DeviceOwner]:
			pr.interfacePorts = append(pr.interfacePorts, port)
		case !strings.HasPrefix(port.DeviceOwner, "network:"):
			plain = append(plain, port)
		}
	}
	ordered := byNetwork(p.Ports)
	ports := make([]planned, len(ordered))
	portNet := map[string]string{}
	for i, port := range ordered {
		portNet[port.SourceID] = networkOf(port.NetworkSourceID)
		ports[i] = planned{port.SourceID, macKey(portNet[port.SourceID], port.MACAddress)}
		if portNet[port.SourceID] == "" {
			ports[i].key = ""
		}
	}
	taken := pairKind(ports, prior.Ports, plain, func(p openstack.Port) string { return p.ID }, func(p openstack.Port) []string { return p.Tags },
		func(p openstack.Port) []string { return []string{p.NetworkID} }, portKeys, pr.ports, pr.stale.ports, withPlace(portNet))
	// Interface ports an earlier run made but did not attach, by address: with the router interface
	// owner, or (made by an earlier version) none.
	for _, port := range append(unattached, plain...) {
		if taken[port.ID] || SourceOf(port.Tags) != "" || len(port.FixedIPs) != 1 || port.DeviceOwner != "" && port.DeviceOwner != interfacePortOwner {
			continue
		}
		pr.loose[addressKey(port.NetworkID, port.FixedIPs[0].SubnetID, port.FixedIPs[0].IPAddress)] = port
	}
	pairFloatingIPs(p, prior, d, pr)
	pairServerGroups(p, prior, d, pr)

	// Rules of stale groups go with their group; the result keeps them without Options.Prune.
	staleGroup := map[string]bool{}
	for _, g := range pr.stale.groups {
		staleGroup[g.ID] = true
	}
	ruleGroup := map[string]string{}
	for _, g := range d.SecurityGroups {
		for _, r := range g.Rules {
			ruleGroup[r.ID] = g.ID
		}
	}
	plannedRules := map[string]bool{}
	for _, r := range p.Rules {
		plannedRules[r.SourceID] = true
	}
	for s, id := range prior.SecurityGroupRules {
		if !plannedRules[s] && staleGroup[ruleGroup[id]] {
			pr.stale.rules[s] = id
		}
	}
	return pr
}

// planned is a planned object to pair: its source id and its content key ("" when it has none).
type planned struct{ source, key string }

// placeOption restricts pairing by prior and by marker to objects at the planned place (a subnet's or a
// port's network copy): place(source) is the planned place, placeOf(object) the object's.
type placeOption map[string]string

func withPlace(m map[string]string) placeOption { return placeOption(m) }

// pairKind pairs one kind (see pairDestination) into paired, and puts the prior copies that exist and
// stay unpaired into stale. It returns the destination ids taken.
func pairKind[T any](plan []planned, prior map[string]string, objs []T, id func(T) string, tags func(T) []string,
	placeOf func(T) []string, keys func(T) []string, paired, stale map[string]T, place ...placeOption) map[string]bool {
	byID := map[string]T{}
	for _, o := range objs {
		byID[id(o)] = o
	}
	taken := map[string]bool{}
	atPlace := func(source string, o T) bool {
		if len(place) == 0 {
			return true
		}
		want := place[0][source]
		got := placeOf(o)
		return want != "" && len(got) > 0 && got[0] == want
	}
	isPlanned := map[string]bool{}
	for _, s := range plan {
		isPlanned[s.source] = true
	}
	// 1. By prior.
	for _, s := range plan {
		if o, ok := byID[prior[s.source]]; ok && !taken[id(o)] && atPlace(s.source, o) {
			paired[s.source] = o
			taken[id(o)] = true
		}
	}
	// 2. By marker.
	for _, o := range objs {
		src := SourceOf(tags(o))
		if src == "" || taken[id(o)] || !isPlanned[src] {
			continue
		}
		if _, done := paired[src]; !done && atPlace(src, o) {
			paired[src] = o
			taken[id(o)] = true
		}
	}
	// 3. By content, among unmarked objects.
	byKey := map[string][]T{}
	for _, o := range objs {
		if SourceOf(tags(o)) != "" || taken[id(o)] {
			continue
		}
		for _, k := range keys(o) {
			byKey[k] = append(byKey[k], o)
		}
	}
	for _, s := range plan {
		if _, done := paired[s.source]; done || s.key == "" {
			continue
		}
		for _, o := range byKey[s.key] {
			if !taken[id(o)] {
				paired[s.source] = o
				taken[id(o)] = true
				break
			}
		}
	}
	for s, did := range prior {
		if o, ok := byID[did]; ok && !taken[did] {
			if _, done := paired[s]; !done {
				stale[s] = o
			}
		}
	}
	return taken
}

// pairAddressGroups pairs address groups by prior, then by content in id order.
func pairAddressGroups(p *Plan, prior *IDMaps, d ProjectObjects, pr *pairing) {
	planned := make([]keyed, len(p.AddressGroups))
	for i, ag := range p.AddressGroups {
		planned[i] = keyed{id: ag.SourceID, key: addressGroupKey(ag.Name, ag.Description, ag.Addresses)}
	}
	pairByPriorThenContent(planned, d.AddressGroups, func(ag openstack.AddressGroup) string { return ag.ID },
		func(ag openstack.AddressGroup) string { return addressGroupKey(ag.Name, ag.Description, ag.Addresses) },
		prior.AddressGroups, pr.addressGroups, pr.addressGroupsByPrior, pr.stale.addressGroups)
}

// pairByPriorThenContent pairs the planned objects (source id and content key) with the destination's
// objects dst, for kinds that cannot carry a marker: by the prior id maps first, then by equal content
// in id order (pairInIDOrder). Each pair goes into paired by source id, and those made by prior into
// byPrior too; a prior copy that exists and copies no planned object goes into stale.
func pairByPriorThenContent[T any](planned []keyed, dst []T, id, key func(T) string, prior map[string]string,
	paired map[string]T, byPrior map[string]bool, stale map[string]T) {
	byID := make(map[string]T, len(dst))
	dstKeyed := make([]keyed, len(dst))
	for i, o := range dst {
		byID[id(o)] = o
		dstKeyed[i] = keyed{id: id(o), key: key(o)}
	}
	ids := map[string]string{}
	var src []keyed
	for _, k := range planned {
		if prev, ok := prior[k.id]; ok {
			if _, exists := byID[prev]; exists {
				ids[k.id] = prev
				byPrior[k.id] = true
				continue
			}
		}
		src = append(src, k)
	}
	pairInIDOrder(ids, src, dstKeyed)
	taken := map[string]bool{}
	for s, did := range ids {
		paired[s] = byID[did]
		taken[did] = true
	}
	for s, did := range prior {
		if o, ok := byID[did]; ok && !taken[did] {
			if _, done := paired[s]; !done {
				stale[s] = o
			}
		}
	}
}
