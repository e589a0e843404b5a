package replication

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// planNetworks copies name, description, MTU, admin state, the port security default and the DNS domain
// (reported instead where the destination lacks dns-integration, or net-mtu-writable for the MTU). Provider attributes (segmentation) and
// the external/shared flags are the cloud's, not the tenant's.
func planNetworks(snap *Snapshot, selected map[string]bool, facts Facts, p *Plan) {
	for _, n := range sortedCopy(snap.Networks, func(a, b openstack.Network) int { return byNameThenID(a.Name, a.ID, b.Name, b.ID) }) {
		if !selected[n.ID] {
			reason := "not selected in mappings.networks"
			if n.External {
				reason = "external network: provider infrastructure, not tenant data"
			}
			p.Skipped = append(p.Skipped, Skipped{Kind: "network", SourceID: n.ID, Reason: reason})
			continue
		}
		np := NetworkPlan{
			SourceID: n.ID, Name: n.Name, Description: n.Description, MTU: n.MTU,
			AdminStateUp: n.AdminStateUp, PortSecurityEnabled: n.PortSecurityEnabled, DNSDomain: n.DNSDomain, Tags: userTags(n.Tags),
		}
		if np.DNSDomain != "" && facts.NoDNS {
			np.DNSDomain = ""
			p.Skipped = append(p.Skipped, Skipped{Kind: "network_dns_domain", SourceID: n.ID,
				Reason: fmt.Sprintf("dns_domain %q: the destination Neutron lacks the dns-integration extension", n.DNSDomain)})
		}
		if np.MTU != 0 && facts.NoMTUWritable {
			np.MTU = 0
			p.Skipped = append(p.Skipped, Skipped{Kind: "network_mtu", SourceID: n.ID,
				Reason: fmt.Sprintf("mtu %d: the destination Neutron lacks the net-mtu-writable extension (it refuses an MTU in a create): the copy gets the destination's default MTU", n.MTU)})
		}
		p.Networks = append(p.Networks, np)
	}
}

// planSubnets copies the subnets of the selected networks, moving remapped ones to their new CIDR.
func planSubnets(snap *Snapshot, selected map[string]bool, remaps remapTable, p *Plan) {
	for _, s := range sortedCopy(snap.Subnets, func(a, b openstack.Subnet) int { return byNameThenID(a.Name, a.ID, b.Name, b.ID) }) {
		if !selected[s.NetworkID] {
			p.Skipped = append(p.Skipped, Skipped{Kind: "subnet", SourceID: s.ID, Reason: fmt.Sprintf("network %s is not copied", s.NetworkID)})
			continue
		}
		sp := SubnetPlan{
			SourceID: s.ID, NetworkSourceID: s.NetworkID, Name: s.Name, Description: s.Description,
			IPVersion: s.IPVersion, SourceCIDR: s.CIDR, CIDR: s.CIDR, GatewayIP: s.GatewayIP,
			AllocationPools: sortedPools(s.AllocationPools), DNSNameservers: nonNil(s.DNSNameservers),
			HostRoutes: nonNil(s.HostRoutes), EnableDHCP: s.EnableDHCP,
			IPv6AddressMode: s.IPv6AddressMode, IPv6RAMode: s.IPv6RAMode, Tags: userTags(s.Tags),
		}
		if src, err := netip.ParsePrefix(s.CIDR); err == nil {
			if r, ok := remaps.lookup(src.Masked()); ok {
				remapSubnet(&sp, r)
			}
		}
		if pool := snap.SubnetPools[s.ID]; pool != "" {
			// A subnet can name only a pool of its own region, and a pool is not the tenant's to copy
			// (it is often shared, an administrator's): the copy is a plain subnet at the same range.
			p.Skipped = append(p.Skipped, Skipped{Kind: "subnet_pool", SourceID: s.ID, Reason: fmt.Sprintf(
				"allocated from subnet pool %s in the source: copied at %s without a subnet pool (the destination does not have that pool)", pool, sp.CIDR)})
		}
		for _, reason := range translateHostRoutes(&sp, remaps) {
			p.Skipped = append(p.Skipped, Skipped{Kind: "subnet_host_route", SourceID: s.ID, Reason: reason})
		}
		for _, reason := range translateNameservers(&sp, remaps) {
			p.Skipped = append(p.Skipped, Skipped{Kind: "subnet_dns_nameserver", SourceID: s.ID, Reason: reason})
		}
		p.Subnets = append(p.Subnets, sp)
	}
}

// remapSubnet moves a subnet to r.dst: the gateway and the pools keep their offsets when they fit,
// otherwise the gateway becomes the first host and the pools are regenerated over the rest of the range.
func remapSubnet(sp *SubnetPlan, r remap) {
	sp.CIDR = r.dst.String()
	var gateway netip.Addr
	if sp.GatewayIP != nil {
		if gw, err := netip.ParseAddr(*sp.GatewayIP); err == nil {
			moved, ok := moveAddr(gw, r.src, r.dst)
			if !ok || !usableHost(r.dst, moved) {
				moved = addrAt(r.dst, 1)
			}
			gateway = moved
			s := moved.String()
			sp.GatewayIP = &s
		}
	}
	pools, ok := movePools(sp.AllocationPools, r)
	if ok && gateway.IsValid() && inPools(pools, gateway) { // a gateway reset to the first host may hit a pool
		ok = false
	}
	if !ok {
		pools = regeneratePools(r.dst, gateway)
		sp.PoolsRegenerated = true
	}
	sp.AllocationPools = pools
}

// translateHostRoutes moves the host routes of any copied subnet through the whole remap table (a next hop
// moves with its remapped subnet, a destination may be another remapped subnet); those that do not fit
// are left out, with the reasons returned.
func translateHostRoutes(sp *SubnetPlan, remaps remapTable) (dropped []string) {
	if len(remaps) == 0 {
		return nil
	}
	routes := make([]openstack.HostRoute, 0, len(sp.HostRoutes))
	for _, hr := range sp.HostRoutes {
		out := hr
		if dst, err := netip.ParsePrefix(hr.Destination); err == nil {
			moved, wasMoved, ok := remaps.translatePrefix(dst)
			if !ok {
				dropped = append(dropped, fmt.Sprintf("host route %s via %s: destination does not fit the remapped subnet", hr.Destination, hr.NextHop))
				continue
			}
			if wasMoved {
				out.Destination = moved.String()
			}
		}
		hop, ok := remaps.translateString(hr.NextHop)
		if !ok {
			dropped = append(dropped, fmt.Sprintf("host route %s via %s: next hop does not fit the remapped subnet", hr.Destination, hr.NextHop))
			continue
		}
		out.NextHop = hop
		routes = append(routes, out)
	}
	sp.HostRoutes = routes
	return dropped
}

// translateNameservers moves DNS servers inside a remapped subnet with it (a tenant's own resolver keeps
// its offset in the new range), keeping their order; one that does not fit is left out, the reason returned.
func translateNameservers(sp *SubnetPlan, remaps remapTable) (dropped []string) {
	if len(remaps) == 0 {
		return nil
	}
	servers := make([]string, 0, len(sp.DNSNameservers))
	for _, ns := range sp.DNSNameservers {
		moved, ok := remaps.translateString(ns)
		if !ok {
			dropped = append(dropped, fmt.Sprintf("DNS server %s does not fit the remapped subnet", ns))
			continue
		}
		servers = append(servers, moved)
	}
	sp.DNSNameservers = servers
	return dropped
}

// inPools reports whether a lies inside one of the pools.
func inPools(pools []openstack.AllocationPool, a netip.Addr) bool {
	for _, pool := range pools {
		start, err1 := netip.ParseAddr(pool.Start)
		end, err2 := netip.ParseAddr(pool.End)
		if err1 == nil && err2 == nil && !a.Less(start) && !end.Less(a) {
			return true
		}
	}
	return false
}

// movePools moves every pool to the same offsets in r.dst; ok is false if any pool does not fit.
func movePools(pools []openstack.AllocationPool, r remap) ([]openstack.AllocationPool, bool) {
	out := make([]openstack.AllocationPool, 0, len(pools))
	for _, pool := range pools {
		start, err1 := netip.ParseAddr(pool.Start)
		end, err2 := netip.ParseAddr(pool.End)
		if err1 != nil || err2 != nil {
			return nil, false
		}
		ns, ok1 := moveAddr(start, r.src, r.dst)
		ne, ok2 := moveAddr(end, r.src, r.dst)
		if !ok1 || !ok2 || !usableHost(r.dst, ns) || !usableHost(r.dst, ne) {
			return nil, false
		}
		out = append(out, openstack.AllocationPool{Start: ns.String(), End: ne.String()})
	}
	return out, true
}

// regeneratePools covers network address + 2 .. broadcast - 1 (the last address for IPv6), leaving out
// the gateway if it falls inside that range.
func regeneratePools(p netip.Prefix, gateway netip.Addr) []openstack.AllocationPool {
	start, end := addrAt(p, 2), addrAt(p, -2)
	if p.Addr().Is6() {
		end = addrAt(p, -1)
	}
	if end.Less(start) {
		return nil
	}
	if !gateway.IsValid() || gateway.Less(start) || end.Less(gateway) {
		return []openstack.AllocationPool{{Start: start.String(), End: end.String()}}
	}
	var pools []openstack.AllocationPool
	if start.Less(gateway) {
		pools = append(pools, openstack.AllocationPool{Start: start.String(), End: gateway.Prev().String()})
	}
	if gateway.Less(end) {
		pools = append(pools, openstack.AllocationPool{Start: gateway.Next().String(), End: end.String()})
	}
	return pools
}

// usableHost reports whether a is inside p and, for IPv4, neither its network nor its broadcast address.
func usableHost(p netip.Prefix, a netip.Addr) bool {
	if !p.Contains(a) {
		return false
	}
	if p.Addr().Is4() && p.Bits() < 31 {
		return a != p.Masked().Addr() && a != lastAddr(p)
	}
	return true
}

// sortedPools orders pools by start address: Neutron lists them in no fixed order, and the plan (and the
// preview rendered from it) must not change with that order.
func sortedPools(pools []openstack.AllocationPool) []openstack.AllocationPool {
	out := slices.Clone(pools)
	slices.SortFunc(out, func(a, b openstack.AllocationPool) int {
		x, errA := netip.ParseAddr(a.Start)
		y, errB := netip.ParseAddr(b.Start)
		if errA != nil || errB != nil {
			return strings.Compare(a.Start, b.Start)
		}
		return x.Compare(y)
	})
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return slices.Clone(s)
}

// subnetCIDRs indexes the planned subnets' destination CIDRs by source subnet id.
func subnetCIDRs(p *Plan) map[string]netip.Prefix {
	out := make(map[string]netip.Prefix, len(p.Subnets))
	for _, s := range p.Subnets {
		if c, err := netip.ParsePrefix(s.CIDR); err == nil {
			out[s.SourceID] = c
		}
	}
	return out
}

// subnetSourceCIDRs indexes the planned subnets' source CIDRs by source subnet id.
func subnetSourceCIDRs(p *Plan) map[string]netip.Prefix {
	out := make(map[string]netip.Prefix, len(p.Subnets))
	for _, s := range p.Subnets {
		if c, err := netip.ParsePrefix(s.SourceCIDR); err == nil {
			out[s.SourceID] = c.Masked()
		}
	}
	return out
}
