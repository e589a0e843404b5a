package replication

import (
	"net/netip"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// How a copy is told from other objects of the destination project, and which source object it copies.
//
// Content first: a copy repeats what identifies its source, and Neutron keeps some of it unique.
//   - subnet: its network and CIDR (Neutron refuses overlapping subnets on one network);
//   - port: its network and MAC address (Neutron refuses a MAC twice on one network);
//   - router interface port: its network, subnet and address (an address is taken once per subnet);
//   - network, router, security group: name and description, when no other source object of the same
//     kind has both the same;
//   - floating IP: associated, the copy of its port and its fixed IP (Neutron allows one floating IP per
//     fixed IP); free, its description, when no other free one copied has the same;
//   - server group: name, policy and rules (Nova can neither tag nor update a server group: twins are
//     paired in id order, like address groups, and a copy whose source changed is replaced).
//
// A marker tag (see marker.go) only where content does not tell: networks, routers and groups sharing
// name and description with another of their kind in the source tenant, remapped subnets that cannot
// be paired with their source by CIDR and name, and free floating IPs sharing their description. The planner decides which (Marker on the planned object);
// adoption on a re-run and ReadBack use the same keys. Neutron before 2023.1 (no tag-creation extension)
// needs one call per tag, which on a large tenant would be more calls than the whole migration otherwise
// makes, all on its critical path.

// nameKey identifies a network, router or security group by content.
func nameKey(name, description string) string { return name + "\x00" + description }

// subnetKey identifies a subnet on its (destination) network.
func subnetKey(networkID, cidr string) string {
	if p, err := netip.ParsePrefix(cidr); err == nil {
		cidr = p.Masked().String()
	}
	return "cidr\x00" + networkID + "\x00" + cidr
}

// macKey identifies a port on its network by MAC address.
func macKey(networkID, mac string) string {
	return "mac\x00" + networkID + "\x00" + strings.ToLower(mac)
}

// addressKey identifies an unattached router interface port by its address on a subnet.
func addressKey(networkID, subnetID, ip string) string {
	return "ip\x00" + networkID + "\x00" + subnetID + "\x00" + ip
}

// portKeys are the keys an existing destination port can be adopted by: as a copied port (MAC) or, when
// it has exactly one address and no owner yet, as an interface port an earlier run made.
func portKeys(p openstack.Port) []string {
	keys := []string{macKey(p.NetworkID, p.MACAddress)}
	if len(p.FixedIPs) == 1 && p.DeviceOwner == "" {
		keys = append(keys, addressKey(p.NetworkID, p.FixedIPs[0].SubnetID, p.FixedIPs[0].IPAddress))
	}
	return keys
}

// markAmbiguous sets Marker on the planned objects whose content does not identify them among the
// source tenant's objects of their kind (all of them, copied or not, so that ReadBack, which sees them
// all, can rely on the same rule).
func markAmbiguous(snap *Snapshot, p *Plan) {
	names := func(n int, key func(i int) string) map[string]int {
		count := map[string]int{}
		for i := range n {
			count[key(i)]++
		}
		return count
	}
	nets := names(len(snap.Networks), func(i int) string { return nameKey(snap.Networks[i].Name, snap.Networks[i].Description) })
	for i, n := range p.Networks {
		p.Networks[i].Marker = nets[nameKey(n.Name, n.Description)] > 1
	}
	rtrs := names(len(snap.Routers), func(i int) string { return nameKey(snap.Routers[i].Name, snap.Routers[i].Description) })
	for i, r := range p.Routers {
		p.Routers[i].Marker = rtrs[nameKey(r.Name, r.Description)] > 1
	}
	groups := names(len(snap.SecurityGroups), func(i int) string {
		return nameKey(snap.SecurityGroups[i].Name, snap.SecurityGroups[i].Description)
	})
	for i, g := range p.SecurityGroups {
		p.SecurityGroups[i].Marker = !g.IsDefault && groups[nameKey(g.Name, g.Description)] > 1
	}
	for i, s := range p.Subnets {
		p.Subnets[i].Marker = subnetNeedsMarker(snap.Subnets, s)
	}
	macs := names(len(snap.Ports), func(i int) string { return macKey(snap.Ports[i].NetworkID, snap.Ports[i].MACAddress) })
	for i, port := range p.Ports {
		p.Ports[i].Marker = port.MACAddress == "" || macs[macKey(port.NetworkSourceID, port.MACAddress)] > 1
	}
}

// subnetNeedsMarker: a subnet keeping its CIDR is found by it; a remapped one is paired with its source
// by name among its network's subnets, unless another source subnet of the network has that name, or
// has the new CIDR (which would pair it by CIDR with the wrong source).
func subnetNeedsMarker(source []openstack.Subnet, s SubnetPlan) bool {
	if subnetKey("", s.CIDR) == subnetKey("", s.SourceCIDR) {
		return false
	}
	for _, o := range source {
		if o.NetworkID != s.NetworkSourceID || o.ID == s.SourceID {
			continue
		}
		if o.Name == s.Name || subnetKey("", o.CIDR) == subnetKey("", s.CIDR) {
			return true
		}
	}
	return false
}

// matcher pairs source objects with destination objects: by marker, then by content key where the key
// names exactly one unpaired object on each side. Pairs land in into (source id → destination id).
type matcher struct {
	into  map[string]string
	taken map[string]bool // destination ids already paired
}

func newMatcher(into map[string]string) *matcher {
	m := &matcher{into: into, taken: map[string]bool{}}
	for _, d := range into {
		m.taken[d] = true
	}
	return m
}

// keyed is one object to pair: its id, its marker's source id (destination side) and its content key
// ("" when it has none).
type keyed struct{ id, marker, key string }

func (m *matcher) pair(src, dst []keyed) {
	for _, d := range dst {
		if d.marker != "" && !m.taken[d.id] {
			if _, done := m.into[d.marker]; !done {
				m.into[d.marker] = d.id
				m.taken[d.id] = true
			}
		}
	}
	srcBy, dstBy := map[string][]string{}, map[string][]string{}
	for _, s := range src {
		if _, done := m.into[s.id]; !done && s.key != "" {
			srcBy[s.key] = append(srcBy[s.key], s.id)
		}
	}
	for _, d := range dst {
		if !m.taken[d.id] && d.marker == "" && d.key != "" {
			dstBy[d.key] = append(dstBy[d.key], d.id)
		}
	}
	for key, ids := range srcBy {
		if len(ids) == 1 && len(dstBy[key]) == 1 {
			m.into[ids[0]] = dstBy[key][0]
			m.taken[dstBy[key][0]] = true
		}
	}
}
