package waldurtest

import (
	"context"
	"crypto/rand"
	"math/big"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// FabricatingRunner is the default Runner: it builds nothing anywhere, and reports a copy of the source
// tenant's registered objects as the destination's, with fresh backend ids and the mappings applied the
// simple way Waldur's own code does (only the selected networks; remapped subnet CIDRs with the gateway
// at the same offset and a regenerated allocation pool; routes kept when their destination lies in a
// destination subnet; rules' CIDRs remapped on an exact match; ports only with sync_instance_ports).
// It is for unit tests of clients; it makes no attempt at the engine's fidelity.
func FabricatingRunner(ctx context.Context, req MigrationRequest) (RunResult, error) {
	if err := ctx.Err(); err != nil {
		return RunResult{}, err
	}
	src := req.SourceObjects
	remap := map[string]string{}
	for _, m := range req.Mappings.Subnets {
		remap[m.SrcCIDR] = m.DstCIDR
	}
	selected := map[string]bool{}
	for _, id := range req.Mappings.Networks {
		selected[id] = true
	}
	ids := map[string]string{} // source backend id → destination backend id
	newID := func(old string) string {
		if old == "" {
			return ""
		}
		if id, ok := ids[old]; ok {
			return id
		}
		id := backendUUID()
		ids[old] = id
		return id
	}
	var out Objects
	for _, n := range src.Networks {
		if req.Mappings.SelectNetworks && !selected[n.BackendID] {
			continue
		}
		out.Networks = append(out.Networks, Network{
			BackendID: newID(n.BackendID), Name: n.Name, Description: n.Description, MTU: n.MTU, Type: n.Type,
		})
	}
	// translate moves an address of a remapped subnet to the same offset in the new CIDR.
	translate := func(addr, oldCIDR, newCIDR string) string {
		a, err1 := netip.ParseAddr(addr)
		op, err2 := netip.ParsePrefix(oldCIDR)
		np, err3 := netip.ParsePrefix(newCIDR)
		if err1 != nil || err2 != nil || err3 != nil || !op.Contains(a) || !a.Is4() || !np.Addr().Is4() {
			return addr
		}
		ab, ob, nb := a.As4(), op.Masked().Addr().As4(), np.Masked().Addr().As4()
		var res [4]byte
		for i := range res {
			res[i] = nb[i] + (ab[i] - ob[i])
		}
		return netip.AddrFrom4(res).String()
	}
	subnetCIDR := map[string][2]string{} // source subnet backend id → old, new CIDR
	var dstCIDRs []netip.Prefix
	for _, sn := range src.Subnets {
		if _, ok := ids[sn.NetworkBackendID]; !ok {
			continue
		}
		cidr := sn.CIDR
		c := sn
		c.UUID, c.TenantUUID = "", ""
		c.BackendID, c.NetworkBackendID = newID(sn.BackendID), ids[sn.NetworkBackendID]
		if d, ok := remap[sn.CIDR]; ok {
			cidr = d
			c.CIDR = d
			if c.GatewayIP != "" {
				c.GatewayIP = translate(c.GatewayIP, sn.CIDR, d)
			}
			if p, err := netip.ParsePrefix(d); err == nil && p.Addr().Is4() {
				b := p.Masked().Addr().As4()
				c.AllocationPools = []AllocationPool{{
					Start: netip.AddrFrom4([4]byte{b[0], b[1], b[2], 10}).String(),
					End:   netip.AddrFrom4([4]byte{b[0], b[1], b[2], 200}).String(),
				}}
			}
		}
		subnetCIDR[sn.BackendID] = [2]string{sn.CIDR, cidr}
		if p, err := netip.ParsePrefix(cidr); err == nil {
			dstCIDRs = append(dstCIDRs, p)
		}
		out.Subnets = append(out.Subnets, c)
	}
	for _, r := range src.Routers {
		c := Router{BackendID: newID(r.BackendID), Name: r.Name, Description: r.Description}
		for _, f := range r.Interfaces {
			if cidrs, ok := subnetCIDR[f.SubnetBackendID]; ok {
				c.Interfaces = append(c.Interfaces, FixedIP{IPAddress: translate(f.IPAddress, cidrs[0], cidrs[1]), SubnetBackendID: ids[f.SubnetBackendID]})
			}
		}
		for _, rt := range r.Routes {
			d, err := netip.ParsePrefix(rt.Destination)
			if err != nil {
				continue
			}
			for _, p := range dstCIDRs {
				if p.Contains(d.Addr()) && d.Bits() >= p.Bits() {
					c.Routes = append(c.Routes, rt)
					break
				}
			}
		}
		out.Routers = append(out.Routers, c)
	}
	for _, g := range src.SecurityGroups {
		newID(g.BackendID)
	}
	for _, g := range src.SecurityGroups {
		c := SecurityGroup{BackendID: ids[g.BackendID], Name: g.Name, Description: g.Description}
		for _, r := range g.Rules {
			r.RemoteGroupBackendID = ids[r.RemoteGroupBackendID]
			if d, ok := remap[r.CIDR]; ok {
				r.CIDR = d
			}
			c.Rules = append(c.Rules, r)
		}
		out.SecurityGroups = append(out.SecurityGroups, c)
	}
	if req.Mappings.SyncInstancePorts {
		for _, p := range src.Ports {
			if _, ok := ids[p.NetworkBackendID]; !ok || p.DeviceOwner == "network:router_interface" || p.DeviceOwner == "network:dhcp" {
				continue
			}
			c := p
			c.UUID, c.TenantUUID = "", ""
			c.BackendID, c.NetworkBackendID = newID(p.BackendID), ids[p.NetworkBackendID]
			c.FixedIPs = nil
			for _, f := range p.FixedIPs {
				if id, ok := ids[f.SubnetBackendID]; ok {
					c.FixedIPs = append(c.FixedIPs, FixedIP{IPAddress: f.IPAddress, SubnetBackendID: id})
				}
			}
			c.SecurityGroupBackendIDs = nil
			for _, g := range p.SecurityGroupBackendIDs {
				if id, ok := ids[g]; ok {
					c.SecurityGroupBackendIDs = append(c.SecurityGroupBackendIDs, id)
				}
			}
			c.DeviceID = ""
			out.Ports = append(out.Ports, c)
		}
	}
	return RunResult{
		TenantBackendID: strings.ReplaceAll(backendUUID(), "-", ""),
		Username:        usernameFor(req.Name),
		Password:        password(),
		Objects:         out,
	}, nil
}

// usernameFor derives a tenant user's name the way Waldur does: the tenant's name, slugged and cut, with
// a random suffix.
func usernameFor(name string) string {
	base := slug(name)
	if len(base) > 25 {
		base = base[:25]
	}
	if base == "" {
		base = "tenant"
	}
	return base + "-" + newUUID()[:6]
}

const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func password() string {
	var b strings.Builder
	for range 16 {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(passwordAlphabet))))
		b.WriteByte(passwordAlphabet[n.Int64()])
	}
	return b.String()
}

var privateNets = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// pythonPrefixLen reads what follows the "/" of an IPv4 network the way Python's ipaddress does (Waldur
// validates with ipaddress.IPv4Network): a prefix length of ASCII digits (leading zeros allowed) up to
// 32, a netmask ("255.255.255.0") or a hostmask ("0.0.0.255"). Written from Python's rules, not from
// this project's client, so that the two agreeing means something.
func pythonPrefixLen(s string) (int, bool) {
	if s != "" && strings.Trim(s, "0123456789") == "" {
		n, err := strconv.Atoi(s)
		return n, err == nil && n <= 32
	}
	ip := net.ParseIP(s).To4()
	if ip == nil || strings.Count(s, ".") != 3 {
		return 0, false
	}
	if ones, size := net.IPMask(ip).Size(); size == 32 {
		return ones, true // a netmask: leading ones
	}
	inverted := make(net.IPMask, 4)
	for i, b := range ip {
		inverted[i] = ^b
	}
	if ones, size := inverted.Size(); size == 32 {
		return ones, true // a hostmask: leading zeros
	}
	return 0, false
}

// privateSubnetCIDR is Waldur's validate_private_subnet_cidr: "" when valid, else its message.
func privateSubnetCIDR(s string) string {
	addrPart, maskPart, hasMask := strings.Cut(s, "/")
	addr, err := netip.ParseAddr(addrPart)
	if err != nil || !addr.Is4() || addr.Zone() != "" {
		return MsgInvalidIPv4
	}
	bits := 32
	if hasMask {
		n, ok := pythonPrefixLen(maskPart)
		if !ok {
			return MsgInvalidIPv4
		}
		bits = n
	}
	p := netip.PrefixFrom(addr, bits)
	if p.Masked() != p {
		return MsgInvalidIPv4 // strict=True: host bits set
	}
	if bits != 24 {
		return MsgPrefixNot24
	}
	for _, n := range privateNets {
		if n.Contains(addr) {
			return ""
		}
	}
	return MsgNotPrivate
}
