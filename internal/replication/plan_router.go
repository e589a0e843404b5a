package replication

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// routerInterfaceOwners are the device_owner values of a router's interface ports.
var routerInterfaceOwners = map[string]bool{
	"network:router_interface":               true,
	"network:router_interface_distributed":   true,
	"network:ha_router_replicated_interface": true,
}

// planRouters copies routers with their gateway (on the destination's external network, unless
// skipped), their interfaces on copied subnets (keeping the interface IP, moved under a remap) and, to be
// set last, the static routes that will still make sense.
func planRouters(snap *Snapshot, m Mappings, facts Facts, remaps remapTable, p *Plan) {
	subnets := map[string]SubnetPlan{}
	for _, s := range p.Subnets {
		subnets[s.SourceID] = s
	}
	cidrs := indexPrefixes(subnetCIDRs(p))
	sourceCIDRs := indexPrefixes(subnetSourceCIDRs(p))
	ifacePorts := routerInterfacePorts(snap)
	for _, r := range sortedCopy(snap.Routers, func(a, b openstack.Router) int { return byNameThenID(a.Name, a.ID, b.Name, b.ID) }) {
		rp := RouterPlan{SourceID: r.ID, Name: r.Name, Description: r.Description, AdminStateUp: r.AdminStateUp, Tags: userTags(r.Tags),
			Interfaces: []InterfacePlan{}, Routes: []openstack.Route{}, DroppedRoutes: []DroppedRoute{}}
		if r.ExternalGateway != nil && r.ExternalGateway.NetworkID != "" {
			switch {
			case m.SkipConnectionExtnet:
				p.Skipped = append(p.Skipped, Skipped{Kind: "router_gateway", SourceID: r.ID, Reason: "mappings.skip_connection_extnet is set"})
			case facts.ExternalNetworkID == "" && !facts.GatewaysByDestination:
				p.Skipped = append(p.Skipped, Skipped{Kind: "router_gateway", SourceID: r.ID, Reason: "the destination has no external network"})
			default:
				rp.ExternalGateway, rp.EnableSNAT = true, r.ExternalGateway.EnableSNAT
			}
		}
		rp.Interfaces = planInterfaces(ifacePorts[r.ID], subnets, remaps, p)
		rp.Routes, rp.DroppedRoutes = filterRoutes(r.Routes, rp.Interfaces, sourceCIDRs, cidrs, remaps)
		p.Routers = append(p.Routers, rp)
	}
}

// routerInterfacePorts indexes the interface ports of every router by router id, sorted by port id so that
// the plan does not depend on the order the API listed the ports in.
func routerInterfacePorts(snap *Snapshot) map[string][]openstack.Port {
	out := map[string][]openstack.Port{}
	for _, port := range snap.Ports {
		if port.DeviceID != "" && routerInterfaceOwners[port.DeviceOwner] {
			out[port.DeviceID] = append(out[port.DeviceID], port)
		}
	}
	for _, ports := range out {
		slices.SortFunc(ports, func(a, b openstack.Port) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out
}

func planInterfaces(ports []openstack.Port, subnets map[string]SubnetPlan, remaps remapTable, p *Plan) []InterfacePlan {
	out := []InterfacePlan{}
	for _, port := range ports {
		for _, ip := range port.FixedIPs {
			s, ok := subnets[ip.SubnetID]
			if !ok {
				p.Skipped = append(p.Skipped, Skipped{Kind: "router_interface", SourceID: port.ID,
					Reason: fmt.Sprintf("subnet %s is not copied", ip.SubnetID)})
				continue
			}
			addr, fits := remaps.translateString(ip.IPAddress)
			if !fits {
				addr = ""
				if s.GatewayIP != nil {
					addr = *s.GatewayIP
				}
				p.Skipped = append(p.Skipped, Skipped{Kind: "router_interface_ip", SourceID: port.ID,
					Reason: fmt.Sprintf("address %s does not fit the remapped subnet %s; attached at %s", ip.IPAddress, s.CIDR, cmp.Or(addr, "an address Neutron picks"))})
			}
			atGateway := s.GatewayIP != nil && *s.GatewayIP == addr
			out = append(out, InterfacePlan{SourcePortID: port.ID, SubnetSourceID: ip.SubnetID, IPAddress: addr, AtGateway: atGateway})
		}
	}
	return out
}

// filterRoutes keeps a static route only if its destination lies inside a copied subnet (in the source:
// a route to an outside range that a remap's new CIDR happens to cover would otherwise point at the
// tenant's own subnet) and, after remapping, its next hop lies on a subnet the router is attached to
// (Neutron rejects any other next hop). Every dropped route comes back with its reason.
func filterRoutes(routes []openstack.Route, ifaces []InterfacePlan, sourceCIDRs, cidrs prefixIndex, remaps remapTable) ([]openstack.Route, []DroppedRoute) {
	kept, dropped := []openstack.Route{}, []DroppedRoute{}
	for _, r := range routes {
		dest, err := netip.ParsePrefix(r.Destination)
		hop, err2 := netip.ParseAddr(r.NextHop)
		if err != nil || err2 != nil {
			dropped = append(dropped, DroppedRoute{Route: r, Reason: "not a valid destination CIDR and next hop"})
			continue
		}
		newDest, _, ok1 := remaps.translatePrefix(dest)
		newHop, _, ok2 := remaps.translateAddr(hop)
		if !ok1 || !ok2 {
			dropped = append(dropped, DroppedRoute{Route: r, Reason: "does not fit the remapped subnet"})
			continue
		}
		out := openstack.Route{Destination: newDest.String(), NextHop: newHop.String()}
		if !inside(dest, sourceCIDRs) || !inside(newDest, cidrs) {
			dropped = append(dropped, DroppedRoute{Route: r, Reason: fmt.Sprintf("destination %s is not inside any copied subnet", out.Destination)})
			continue
		}
		if !onAttached(newHop, ifaces, cidrs) {
			dropped = append(dropped, DroppedRoute{Route: r, Reason: fmt.Sprintf("next hop %s is not on a subnet the router is attached to", out.NextHop)})
			continue
		}
		kept = append(kept, out)
	}
	return kept, dropped
}

// inside reports whether p lies inside one of the CIDRs of subnets (by id), without going through
// them all: whether p masked to each prefix length the CIDRs have is one of them. A tenant's subnets
// have a few distinct lengths, so a route costs a few map lookups, not one per subnet (which made
// planning a 100,000-object tenant quadratic).
func inside(p netip.Prefix, subnets prefixIndex) bool {
	for _, bits := range subnets.lengths {
		if bits > p.Bits() {
			break
		}
		if q, err := p.Addr().Prefix(bits); err == nil && subnets.set[q] {
			return true
		}
	}
	return false
}

// onAttached reports whether hop lies on a subnet one of ifaces attaches the router to.
func onAttached(hop netip.Addr, ifaces []InterfacePlan, subnets prefixIndex) bool {
	for _, i := range ifaces {
		if c, ok := subnets.byID[i.SubnetSourceID]; ok && c.Contains(hop) {
			return true
		}
	}
	return false
}

// prefixIndex holds subnets' CIDRs by source id and as a set of masked prefixes, with the prefix
// lengths present in ascending order (IPv4 and IPv6 alike: a length that does not fit an address is
// skipped by Addr.Prefix's error).
type prefixIndex struct {
	byID    map[string]netip.Prefix
	set     map[netip.Prefix]bool
	lengths []int
}

func indexPrefixes(byID map[string]netip.Prefix) prefixIndex {
	x := prefixIndex{byID: byID, set: make(map[netip.Prefix]bool, len(byID))}
	seen := map[int]bool{}
	for _, c := range byID {
		x.set[c.Masked()] = true
		if !seen[c.Bits()] {
			seen[c.Bits()] = true
			x.lengths = append(x.lengths, c.Bits())
		}
	}
	slices.Sort(x.lengths)
	return x
}

// checkRouterOverlaps rejects remaps that would give one router two interfaces on overlapping subnets,
// which Neutron refuses midway through a build.
func checkRouterOverlaps(p *Plan, m Mappings, errs *ValidationErrors) {
	cidrs := subnetCIDRs(p)
	for _, r := range p.Routers {
		for i, a := range r.Interfaces {
			for _, b := range r.Interfaces[i+1:] {
				ca, cb := cidrs[a.SubnetSourceID], cidrs[b.SubnetSourceID]
				if a.SubnetSourceID == b.SubnetSourceID || !ca.Overlaps(cb) {
					continue
				}
				attr, value := subnetsAttr, ""
				for k, sm := range m.Subnets {
					if d, err := netip.ParsePrefix(sm.DstCIDR); err == nil && (d == ca || d == cb) {
						attr, value = subnetsAttr.Index(k).Attr("dst_cidr"), sm.DstCIDR
						break
					}
				}
				errs.add(attr, value, "router %q would be attached to overlapping subnets %s and %s", r.Name, ca, cb)
			}
		}
	}
}
