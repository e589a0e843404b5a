package replication

import (
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// The one definition of "a copy differs from its plan", per kind: each function returns the body of the
// update (PUT) that makes the copy match, with Neutron's attribute names and only the fields that
// differ, or nil when the copy is in sync. Execute sends these bodies; Compare reports their keys. Values
// are compared as Neutron means them: addresses and prefixes parsed, sets where Neutron keeps no order
// (pools, host routes, security groups, address pairs, DHCP options) and lists where it does (DNS name
// servers), nil and empty alike, an unset plan value (MTU 0, port security nil) not compared.

// networkChanges: name, description, admin_state_up, mtu, port_security_enabled, dns_domain.
func networkChanges(p NetworkPlan, have openstack.Network) map[string]any {
	body := map[string]any{}
	if have.Name != p.Name {
		body["name"] = p.Name
	}
	if have.Description != p.Description {
		body["description"] = p.Description
	}
	if have.AdminStateUp != p.AdminStateUp {
		body["admin_state_up"] = p.AdminStateUp
	}
	if p.MTU != 0 && have.MTU != p.MTU {
		body["mtu"] = p.MTU
	}
	if p.PortSecurityEnabled != nil && have.PortSecurityEnabled != nil && *have.PortSecurityEnabled != *p.PortSecurityEnabled {
		body["port_security_enabled"] = *p.PortSecurityEnabled
	}
	if normalizeDomain(have.DNSDomain) != normalizeDomain(p.DNSDomain) {
		body["dns_domain"] = p.DNSDomain
	}
	return nilIfEmpty(body)
}

// subnetChanges: name, description, gateway_ip, allocation_pools, dns_nameservers, host_routes,
// enable_dhcp. The CIDR cannot change in place (see subnetReplaced).
func subnetChanges(p SubnetPlan, have openstack.Subnet) map[string]any {
	body := map[string]any{}
	if have.Name != p.Name {
		body["name"] = p.Name
	}
	if have.Description != p.Description {
		body["description"] = p.Description
	}
	if normalizeAddrPtr(have.GatewayIP) != normalizeAddrPtr(p.GatewayIP) {
		body["gateway_ip"] = p.GatewayIP // nil sends null: no gateway
	}
	if !slices.Equal(poolKeys(have.AllocationPools), poolKeys(p.AllocationPools)) {
		body["allocation_pools"] = nonNil(p.AllocationPools)
	}
	if !slices.Equal(addrList(have.DNSNameservers), addrList(p.DNSNameservers)) {
		body["dns_nameservers"] = nonNil(p.DNSNameservers)
	}
	if !slices.Equal(routeKeys(have.HostRoutes), routeKeys(p.HostRoutes)) {
		body["host_routes"] = nonNil(p.HostRoutes)
	}
	if have.EnableDHCP != p.EnableDHCP {
		body["enable_dhcp"] = p.EnableDHCP
	}
	return nilIfEmpty(body)
}

// subnetReplaced reports whether a subnet's copy has another CIDR than planned, or was marked to be
// created again (rebuild_subnets.go): Neutron cannot change a
// subnet's CIDR, so the copy is deleted and made again.
func subnetReplaced(p SubnetPlan, have openstack.Subnet) bool {
	return subnetKey("", have.CIDR) != subnetKey("", p.CIDR) || markedForRebuild(have)
}

// routerChanges: name, description, admin_state_up and the external gateway (present or not, its
// network, enable_snat when planned). Static routes are routesDiffer's.
func routerChanges(p RouterPlan, externalNetworkID string, have openstack.Router) map[string]any {
	body := map[string]any{}
	if have.Name != p.Name {
		body["name"] = p.Name
	}
	if have.Description != p.Description {
		body["description"] = p.Description
	}
	if have.AdminStateUp != p.AdminStateUp {
		body["admin_state_up"] = p.AdminStateUp
	}
	hasGateway := have.ExternalGateway != nil && have.ExternalGateway.NetworkID != ""
	switch {
	case !p.ExternalGateway && hasGateway:
		body["external_gateway_info"] = map[string]any{}
	case p.ExternalGateway && (!hasGateway || have.ExternalGateway.NetworkID != externalNetworkID ||
		p.EnableSNAT != nil && (have.ExternalGateway.EnableSNAT == nil || *have.ExternalGateway.EnableSNAT != *p.EnableSNAT)):
		gw := map[string]any{"network_id": externalNetworkID}
		if p.EnableSNAT != nil {
			gw["enable_snat"] = *p.EnableSNAT
		}
		body["external_gateway_info"] = gw
	}
	return nilIfEmpty(body)
}

// routesDiffer reports whether a router's static routes differ from the planned ones (as sets).
func routesDiffer(planned, have []openstack.Route) bool {
	return !slices.Equal(routeKeys(planned), routeKeys(have))
}

// securityGroupChanges: name, description and stateful (where the destination shows it). The
// destination's default group stands for the source's: Neutron refuses to rename it, and it stays
// stateful, so only its tags are synced.
func securityGroupChanges(p SecurityGroupPlan, have openstack.SecurityGroup) map[string]any {
	if p.IsDefault {
		return nil
	}
	body := map[string]any{}
	if have.Name != p.Name {
		body["name"] = p.Name
	}
	if have.Description != p.Description {
		body["description"] = p.Description
	}
	if have.Stateful != nil && *have.Stateful == p.Stateless {
		body["stateful"] = !p.Stateless
	}
	return nilIfEmpty(body)
}

// addressGroupChanges: name and description (the update body), and the addresses to add and to remove
// (Neutron changes them through add_addresses and remove_addresses only). remove holds the copy's own
// spelling of each address.
func addressGroupChanges(p AddressGroupPlan, have openstack.AddressGroup) (body map[string]any, add, remove []string) {
	body = map[string]any{}
	if have.Name != p.Name {
		body["name"] = p.Name
	}
	if have.Description != p.Description {
		body["description"] = p.Description
	}
	want := map[string]string{}
	for _, a := range p.Addresses {
		want[normalizeCIDR(a)] = a
	}
	got := map[string]string{}
	for _, a := range have.Addresses {
		got[normalizeCIDR(a)] = a
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if _, ok := got[k]; !ok {
			add = append(add, want[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			remove = append(remove, got[k])
		}
	}
	return nilIfEmpty(body), add, remove
}

// portChanges: name, description, admin_state_up, mac_address, fixed_ips, security_groups,
// port_security_enabled, allowed_address_pairs, dns_name, extra_dhcp_opts. ids maps the plan's source ids
// (subnets, security groups) to the destination's; one not mapped (not built yet) makes its field differ.
// Turning port security off takes the security groups and address pairs off in the same update
// (Neutron refuses a port without port security that has either).
func portChanges(p PortPlan, ids *IDMaps, have openstack.Port) map[string]any {
	body := map[string]any{}
	if have.Name != p.Name {
		body["name"] = p.Name
	}
	if have.Description != p.Description {
		body["description"] = p.Description
	}
	if have.AdminStateUp != p.AdminStateUp {
		body["admin_state_up"] = p.AdminStateUp
	}
	if p.MACAddress != "" && !strings.EqualFold(have.MACAddress, p.MACAddress) {
		body["mac_address"] = p.MACAddress
	}
	if fixedIPsDiffer(p, ids, have.FixedIPs) {
		body["fixed_ips"], _ = plannedFixedIPs(p, ids)
	}
	groups := make([]string, 0, len(p.SecurityGroupSourceIDs))
	for _, g := range p.SecurityGroupSourceIDs {
		groups = append(groups, ids.SecurityGroups[g])
	}
	if !slices.Equal(sortedStrings(have.SecurityGroups), sortedStrings(groups)) {
		body["security_groups"] = groups
	}
	mac := p.MACAddress
	if mac == "" {
		mac = have.MACAddress
	}
	if !slices.Equal(pairKeys(have.AllowedAddressPairs, have.MACAddress), pairKeys(p.AllowedAddressPairs, mac)) {
		body["allowed_address_pairs"] = nonNil(p.AllowedAddressPairs)
	}
	if p.PortSecurityEnabled != nil && have.PortSecurityEnabled != nil && *have.PortSecurityEnabled != *p.PortSecurityEnabled {
		body["port_security_enabled"] = *p.PortSecurityEnabled
		if !*p.PortSecurityEnabled {
			if len(have.SecurityGroups) > 0 {
				body["security_groups"] = groups
			}
			if len(have.AllowedAddressPairs) > 0 {
				body["allowed_address_pairs"] = nonNil(p.AllowedAddressPairs)
			}
		}
	}
	if normalizeDomain(have.DNSName) != normalizeDomain(p.DNSName) {
		body["dns_name"] = p.DNSName
	}
	if opts := dhcpOptChanges(p.ExtraDHCPOpts, have.ExtraDHCPOpts); opts != nil {
		body["extra_dhcp_opts"] = opts
	}
	return nilIfEmpty(body)
}

// plannedFixedIPs is the fixed_ips a port's copy must have (the update's value) and their keys to
// compare with the copy's. An auto-addressed address is sent as its subnet alone (Neutron derives it)
// and compared by the address the plan expects Neutron to derive, when known.
func plannedFixedIPs(p PortPlan, ids *IDMaps) (send []openstack.FixedIP, keys []string) {
	send = make([]openstack.FixedIP, 0, len(p.FixedIPs))
	keys = make([]string, 0, len(p.FixedIPs))
	for _, ip := range p.FixedIPs {
		f := openstack.FixedIP{SubnetID: ids.Subnets[ip.SubnetSourceID], IPAddress: ip.IPAddress}
		keys = append(keys, f.SubnetID+"="+normalizeAddr(f.IPAddress))
		if ip.Derived {
			f.IPAddress = ""
		}
		send = append(send, f)
	}
	slices.Sort(keys)
	return send, keys
}

// fixedIPsDiffer compares a copy's addresses with the planned ones; a derived address the plan could not
// compute matches any address on its subnet.
func fixedIPsDiffer(p PortPlan, ids *IDMaps, have []openstack.FixedIP) bool {
	_, want := plannedFixedIPs(p, ids)
	got := fixedIPKeys(have)
	if len(got) != len(want) {
		return true
	}
	for i := range want {
		if got[i] != want[i] && (!strings.HasSuffix(want[i], "=") || !strings.HasPrefix(got[i], want[i])) {
			return true
		}
	}
	return false
}

// dhcpOptChanges is the extra_dhcp_opts update that turns have into want, or nil when they are equal:
// the wanted options, and each option to drop with a null value (Neutron keeps options a list leaves out).
func dhcpOptChanges(want, have []openstack.ExtraDHCPOpt) []map[string]any {
	key := func(o openstack.ExtraDHCPOpt) string {
		v := o.IPVersion
		if v == 0 {
			v = 4
		}
		return o.OptName + "\x00" + string(rune('0'+v))
	}
	w, h := map[string]string{}, map[string]string{}
	for _, o := range want {
		w[key(o)] = o.OptValue
	}
	for _, o := range have {
		h[key(o)] = o.OptValue
	}
	if maps.Equal(w, h) {
		return nil
	}
	out := []map[string]any{}
	for _, o := range want {
		m := map[string]any{"opt_name": o.OptName, "opt_value": o.OptValue}
		if o.IPVersion != 0 {
			m["ip_version"] = o.IPVersion
		}
		out = append(out, m)
	}
	for _, o := range have {
		if _, ok := w[key(o)]; !ok {
			m := map[string]any{"opt_name": o.OptName, "opt_value": nil}
			if o.IPVersion != 0 {
				m["ip_version"] = o.IPVersion
			}
			out = append(out, m)
		}
	}
	return out
}

// tagsDiffer reports whether a copy's tags are not exactly the wanted set.
func tagsDiffer(have, want []string) bool {
	return !slices.Equal(sortedStrings(slices.Compact(sortedStrings(have))), slices.Compact(sortedStrings(want)))
}

// changedAttributes are the sorted attribute names of an update body, with "tags" when the tags differ.
func changedAttributes(body map[string]any, tags bool, extra ...string) []string {
	out := slices.Collect(maps.Keys(body))
	if tags {
		out = append(out, "tags")
	}
	out = append(out, extra...)
	slices.Sort(out)
	return slices.Compact(out)
}

func nilIfEmpty(body map[string]any) map[string]any {
	if len(body) == 0 {
		return nil
	}
	return body
}

func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func normalizeAddr(s string) string {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().String()
	}
	return s
}

func normalizeAddrPtr(s *string) string {
	if s == nil || *s == "" {
		return "none"
	}
	return normalizeAddr(*s)
}

// normalizeCIDR reads an address or prefix as a prefix (an address is a host prefix), masked.
func normalizeCIDR(s string) string {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked().String()
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()).String()
	}
	return s
}

// normalizeDomain treats a DNS name with and without its final dot alike.
func normalizeDomain(s string) string { return strings.TrimSuffix(s, ".") }

func addrList(as []string) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = normalizeAddr(a)
	}
	return out
}

func poolKeys(pools []openstack.AllocationPool) []string {
	out := make([]string, len(pools))
	for i, p := range pools {
		out[i] = normalizeAddr(p.Start) + "-" + normalizeAddr(p.End)
	}
	slices.Sort(out)
	return out
}

func routeKeys(routes []openstack.Route) []string {
	out := make([]string, len(routes))
	for i, r := range routes {
		out[i] = normalizeCIDR(r.Destination) + ">" + normalizeAddr(r.NextHop)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func fixedIPKeys(ips []openstack.FixedIP) []string {
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.SubnetID + "=" + normalizeAddr(ip.IPAddress)
	}
	slices.Sort(out)
	return out
}

// pairKeys are allowed address pairs as a set; a pair without a MAC is the port's own (Neutron fills it
// in).
func pairKeys(pairs []openstack.AddressPair, portMAC string) []string {
	out := make([]string, len(pairs))
	for i, p := range pairs {
		mac := p.MACAddress
		if mac == "" {
			mac = portMAC
		}
		ip := p.IPAddress
		if strings.Contains(ip, "/") {
			ip = normalizeCIDR(ip)
		} else {
			ip = normalizeAddr(ip)
		}
		out[i] = ip + "/" + strings.ToLower(mac)
	}
	slices.Sort(out)
	return out
}
