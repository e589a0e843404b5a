package replication

import (
	"fmt"
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

// planPorts copies instance and VIP ports of the copied networks, keeping fixed IPs (subnets mapped) and
// MAC addresses. The instances themselves are not copied, so the ports are created unbound.
func planPorts(snap *Snapshot, selected map[string]bool, p *Plan) {
	groups := map[string]bool{}
	for _, g := range p.SecurityGroups {
		groups[g.SourceID] = true
	}
	subnets := map[string]bool{}
	for _, s := range p.Subnets {
		subnets[s.SourceID] = true
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
		}
		for _, ip := range port.FixedIPs {
			if subnets[ip.SubnetID] {
				pp.FixedIPs = append(pp.FixedIPs, PlannedFixedIP{SubnetSourceID: ip.SubnetID, IPAddress: ip.IPAddress})
			}
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
