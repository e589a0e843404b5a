package replication

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// portKind classifies a source port: "instance" (owned by compute, bound to a device), "vip" (owned by
// compute, unattached, admin up, DOWN: a free port kept for a virtual IP), "infrastructure" (router
// interfaces, DHCP, gateways: rebuilt by their owners, not copied) or "" for any other port.
func portKind(p openstack.Port) string {
	switch {
	case strings.HasPrefix(p.DeviceOwner, "network:"):
		return "infrastructure"
	case strings.HasPrefix(p.DeviceOwner, "compute:") && p.DeviceID != "":
		return "instance"
	case strings.HasPrefix(p.DeviceOwner, "compute:") && p.AdminStateUp && p.Status == "DOWN":
		return "vip"
	}
	return ""
}

// planPorts copies instance and VIP ports of the copied networks, keeping fixed IPs (subnets mapped),
// MAC addresses, DNS names and extra DHCP options (reported where the destination lacks their extension). The instances themselves are not copied, so the ports are created unbound.
func planPorts(snap *Snapshot, selected map[string]bool, facts Facts, p *Plan) {
	groups := map[string]bool{}
	for _, g := range p.SecurityGroups {
		groups[g.SourceID] = true
	}
	subnets := map[string]SubnetPlan{}
	for _, s := range p.Subnets {
		subnets[s.SourceID] = s
	}
	for _, port := range sortedCopy(snap.Ports, func(a, b openstack.Port) int { return byNameThenID(a.Name, a.ID, b.Name, b.ID) }) {
		kind := portKind(port)
		switch {
		case kind == "infrastructure":
			continue
		case kind == "":
			p.Skipped = append(p.Skipped, Skipped{Kind: "port", SourceID: port.ID,
				Reason: fmt.Sprintf("neither an instance port nor a free VIP port (device_owner %q, status %s)", port.DeviceOwner, port.Status)})
			continue
		case !selected[port.NetworkID]:
			p.Skipped = append(p.Skipped, Skipped{Kind: "port", SourceID: port.ID, Reason: fmt.Sprintf("network %s is not copied", port.NetworkID)})
			continue
		}
		pp := PortPlan{
			SourceID: port.ID, Kind: kind, NetworkSourceID: port.NetworkID, Name: port.Name, Description: port.Description,
			AdminStateUp: port.AdminStateUp, MACAddress: port.MACAddress, FixedIPs: []PlannedFixedIP{},
			SecurityGroupSourceIDs: []string{}, PortSecurityEnabled: port.PortSecurityEnabled,
			AllowedAddressPairs: slices.Clone(port.AllowedAddressPairs),
			DNSName:             port.DNSName, ExtraDHCPOpts: slices.Clone(port.ExtraDHCPOpts), Tags: userTags(port.Tags),
		}
		if pp.DNSName != "" && facts.NoDNS {
			pp.DNSName = ""
			p.Skipped = append(p.Skipped, Skipped{Kind: "port_dns_name", SourceID: port.ID,
				Reason: fmt.Sprintf("dns_name %q: the destination Neutron lacks the dns-integration extension", port.DNSName)})
		}
		if len(pp.ExtraDHCPOpts) > 0 && facts.NoExtraDHCPOpts {
			pp.ExtraDHCPOpts = nil
			p.Skipped = append(p.Skipped, Skipped{Kind: "port_extra_dhcp_opts", SourceID: port.ID,
				Reason: "extra_dhcp_opts: the destination Neutron lacks the extra_dhcp_opt extension"})
		}
		for _, ip := range port.FixedIPs {
			sp, ok := subnets[ip.SubnetID]
			if !ok {
				continue
			}
			fip := PlannedFixedIP{SubnetSourceID: ip.SubnetID, IPAddress: ip.IPAddress}
			if autoAddressed(sp) {
				fip.Derived = true
				if a, ok := eui64(sp.CIDR, port.MACAddress); ok {
					fip.IPAddress = a.String()
				}
			}
			pp.FixedIPs = append(pp.FixedIPs, fip)
		}
		for _, g := range port.SecurityGroups {
			if groups[g] {
				pp.SecurityGroupSourceIDs = append(pp.SecurityGroupSourceIDs, g)
			} else {
				p.Skipped = append(p.Skipped, Skipped{Kind: "port_security_group", SourceID: port.ID,
					Reason: fmt.Sprintf("security group %s is not a group of the source tenant", g)})
			}
		}
		slices.Sort(pp.SecurityGroupSourceIDs)
		p.Ports = append(p.Ports, pp)
	}
}

// autoAddressed reports whether Neutron gives ports their address on the subnet itself, from their MAC
// (SLAAC or DHCPv6-stateless, by either mode): it refuses any address sent for such a subnet.
func autoAddressed(s SubnetPlan) bool {
	auto := func(mode string) bool { return mode == "slaac" || mode == "dhcpv6-stateless" }
	return s.IPVersion == 6 && (auto(s.IPv6AddressMode) || auto(s.IPv6RAMode))
}

// eui64 is the address a MAC gets by modified EUI-64 in an IPv6 prefix of at most 64 bits, as Neutron
// derives it on an auto-addressed subnet: the MAC split by ff:fe, its universal/local bit flipped.
func eui64(cidr, mac string) (netip.Addr, bool) {
	prefix, err := netip.ParsePrefix(cidr)
	hw, merr := net.ParseMAC(mac)
	if err != nil || merr != nil || !prefix.Addr().Is6() || prefix.Bits() > 64 || len(hw) != 6 {
		return netip.Addr{}, false
	}
	b := prefix.Masked().Addr().As16()
	copy(b[8:], []byte{hw[0] ^ 0x02, hw[1], hw[2], 0xff, 0xfe, hw[3], hw[4], hw[5]})
	return netip.AddrFrom16(b), true
}
