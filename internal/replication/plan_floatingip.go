package replication

import (
	"cmp"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// FloatingIPPlan is one floating IP to allocate on the destination's external network (Plan.ExternalNetworkID),
// associated with the copy of its port at the (translated) fixed IP, or free.
type FloatingIPPlan struct {
	SourceID string `json:"source_id"`
	// SourceAddress is the source's floating address; the copy gets another one (each external network
	// has its own range), unless KeepAddress.
	SourceAddress string `json:"source_address"`
	Description   string `json:"description"`
	// PortSourceID is the source port whose copy the floating IP is associated with ("" : free).
	PortSourceID string `json:"port_source_id,omitempty"`
	// FixedIPAddress is the copy's fixed IP the floating IP points at (translated like the port's).
	FixedIPAddress string `json:"fixed_ip_address,omitempty"`
	// KeepAddress: the destination external network is the source's, so the source address is asked for
	// when it is free there (the source released it); otherwise Neutron picks one.
	KeepAddress bool `json:"keep_address,omitempty"`
	// Tags are the user's tags on the source object, copied (markers aside).
	Tags []string `json:"tags,omitempty"`
	// Marker: the copy carries a wom:src: tag, its content not telling it from others (identity.go).
	Marker bool `json:"marker,omitempty"`
}

// floatingIPsAttr is the mappings switch for floating IPs.
var floatingIPsAttr = mappingsAttr.Attr("floating_ips")

// planFloatingIPs plans one floating IP per source floating IP (mappings.floating_ips says which): on the
// destination's external network, with its description and tags, associated with the copy of its port at
// the translated fixed IP. One whose port, or fixed IP, is not copied, or whose subnet no copied router
// connects to the external network (Neutron refuses the association then), is allocated free and the
// lost association reported (floating_ip_association): a replica keeps as many public addresses as its
// source, ready to be associated. A destination without an external network is an error; a floatingip
// quota too small for them is raised (raiseQuotas).
func planFloatingIPs(snap *Snapshot, m Mappings, facts Facts, p *Plan, errs *ValidationErrors) {
	mode := cmp.Or(m.FloatingIPs, FloatingIPsAll)
	switch mode {
	case FloatingIPsAll, FloatingIPsAssociated, FloatingIPsNone:
	default:
		errs.add(floatingIPsAttr, m.FloatingIPs, "must be %q, %q or %q", FloatingIPsAll, FloatingIPsAssociated, FloatingIPsNone)
		return
	}
	ports := map[string]PortPlan{}
	for _, port := range p.Ports {
		ports[port.SourceID] = port
	}
	sourcePorts := map[string]openstack.Port{}
	for _, port := range snap.Ports {
		sourcePorts[port.ID] = port
	}
	// Subnets a copied router with a gateway is attached to: a floating IP can reach ports there.
	reachable := map[string]bool{}
	for _, r := range p.Routers {
		if r.ExternalGateway || facts.GatewaysByDestination {
			for _, iface := range r.Interfaces {
				reachable[iface.SubnetSourceID] = true
			}
		}
	}
	fips := sortedCopy(snap.FloatingIPs, func(a, b openstack.FloatingIP) int {
		return byNameThenID(addrSortKey(a.FloatingIPAddress), a.ID, addrSortKey(b.FloatingIPAddress), b.ID)
	})
	for _, f := range fips {
		skip := func(reason string) {
			p.Skipped = append(p.Skipped, Skipped{Kind: "floating_ip", SourceID: f.ID, Reason: fmt.Sprintf("%s: %s", f.FloatingIPAddress, reason)})
		}
		switch {
		case mode == FloatingIPsNone:
			skip(fmt.Sprintf("%s = %q", floatingIPsAttr, mode))
			continue
		case mode == FloatingIPsAssociated && f.PortID == "":
			skip(fmt.Sprintf("free (associated with no port), and %s = %q", floatingIPsAttr, mode))
			continue
		}
		fp := FloatingIPPlan{SourceID: f.ID, SourceAddress: f.FloatingIPAddress, Description: f.Description, Tags: userTags(f.Tags),
			KeepAddress: facts.ExternalNetworkID != "" && f.FloatingNetworkID == facts.ExternalNetworkID}
		if f.PortID != "" {
			port, fixed, why := associationOf(f, ports, sourcePorts, reachable)
			if why == "" {
				fp.PortSourceID, fp.FixedIPAddress = port, fixed
			} else {
				p.Skipped = append(p.Skipped, Skipped{Kind: "floating_ip_association", SourceID: f.ID,
					Reason: fmt.Sprintf("%s stays free on the destination: %s", f.FloatingIPAddress, why)})
			}
		}
		p.FloatingIPs = append(p.FloatingIPs, fp)
	}
	if len(p.FloatingIPs) == 0 {
		return
	}
	if facts.ExternalNetworkID == "" && !facts.GatewaysByDestination {
		errs.add(dstOfferingAttr, "", "the destination has no external network for the source's %d floating IP(s): name one (external_network), or set %s = %q",
			len(p.FloatingIPs), floatingIPsAttr, FloatingIPsNone)
	}
}

// associationOf finds where a source floating IP points on the destination: the copy of its port and
// the fixed IP the copy has for the source's fixed IP; why says why not.
func associationOf(f openstack.FloatingIP, ports map[string]PortPlan, source map[string]openstack.Port, reachable map[string]bool) (port, fixed, why string) {
	pp, ok := ports[f.PortID]
	if !ok {
		sp, known := source[f.PortID]
		switch {
		case !known:
			return "", "", fmt.Sprintf("its port %s is not in the source tenant", f.PortID)
		case portKind(sp) == "instance" || portKind(sp) == "vip":
			return "", "", fmt.Sprintf("its port %s is not copied (mappings.sync_instance_ports is false, or its network is not copied)", f.PortID)
		default:
			return "", "", fmt.Sprintf("its port %s (device_owner %q) is not copied", f.PortID, sp.DeviceOwner)
		}
	}
	subnet := ""
	for _, ip := range source[f.PortID].FixedIPs {
		if sameAddr(ip.IPAddress, f.FixedIPAddress) {
			subnet = ip.SubnetID
		}
	}
	for _, ip := range pp.FixedIPs {
		if ip.SubnetSourceID == subnet && subnet != "" {
			if !reachable[subnet] {
				return "", "", fmt.Sprintf("no copied router with an external gateway is attached to subnet %s of port %s (Neutron refuses the association)", subnet, f.PortID)
			}
			return pp.SourceID, ip.IPAddress, ""
		}
	}
	return "", "", fmt.Sprintf("the fixed IP %s of port %s is not copied", f.FixedIPAddress, f.PortID)
}

func sameAddr(a, b string) bool {
	x, err1 := netip.ParseAddr(a)
	y, err2 := netip.ParseAddr(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return x == y
}

// addrSortKey orders IPv4 addresses numerically in the plan (10.0.0.9 before 10.0.0.10).
func addrSortKey(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return s
	}
	b := a.As4()
	return strconv.Itoa(int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3]) + 1<<32)
}

// freeFloatingIPKey identifies a free floating IP copy by content: its description (copies with one
// no other free floating IP of the source has are told apart by it; the others carry a marker).
func freeFloatingIPKey(description string) string { return "free\x00" + description }

// associatedFloatingIPKey identifies an associated floating IP copy: its port and fixed IP (Neutron
// allows one floating IP per fixed IP of a port).
func associatedFloatingIPKey(portID, fixedIP string) string {
	if a, err := netip.ParseAddr(fixedIP); err == nil {
		fixedIP = a.String()
	}
	return "port\x00" + portID + "\x00" + fixedIP
}

// floatingIPKeys are the keys an existing destination floating IP can be adopted by.
func floatingIPKeys(f openstack.FloatingIP) []string {
	if f.PortID != "" {
		return []string{associatedFloatingIPKey(f.PortID, f.FixedIPAddress)}
	}
	return []string{freeFloatingIPKey(f.Description)}
}

// markFloatingIPs sets Marker on the planned free floating IPs whose description another planned free
// one shares (associated ones are told by their port and fixed IP).
func markFloatingIPs(p *Plan) {
	count := map[string]int{}
	for _, f := range p.FloatingIPs {
		if f.PortSourceID == "" {
			count[f.Description]++
		}
	}
	for i, f := range p.FloatingIPs {
		p.FloatingIPs[i].Marker = f.PortSourceID == "" && count[f.Description] > 1
	}
}
