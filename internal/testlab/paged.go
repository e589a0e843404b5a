package testlab

import "fmt"

// PagedSpec is a source tenant with more than one page of every Neutron kind when Neutron pages at
// pageSize (pagination_max_limit): pageSize+1 networks (one IPv4 subnet each), security groups (one
// rule each; the default group is one more), address groups, routers with a gateway (each attached to
// one network by subnet) and instance ports (one on each network; with the routers' interfaces,
// 2*pageSize+2 ports), pageSize+1 floating IPs (on the routed ports, and one free) and two server groups.
func PagedSpec(seed uint64, pageSize int) GenSpec {
	n, routers := pageSize+1, pageSize+1
	b := 20 + int(seed%200)
	g := GenSpec{Seed: seed}
	for i := range n {
		cidr := fmt.Sprintf("10.%d.%d.0/24", b, i)
		g.Networks = append(g.Networks, GenNetwork{Name: fmt.Sprintf("net-%d", i), AdminStateUp: true,
			Subnets: []GenSubnet{{Name: fmt.Sprintf("subnet-%d", i), IPVersion: 4, CIDR: cidr, EnableDHCP: true, FirstHostOffset: 2}}})
		g.SecurityGroups = append(g.SecurityGroups, GenGroup{Name: fmt.Sprintf("sg-%d", i), Stateful: true,
			Rules: []GenRule{{Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", Min: ptr(22 + i), Max: ptr(22 + i), RemoteGroup: -1, RemoteAddressGroup: -1}}})
		g.AddressGroups = append(g.AddressGroups, GenAddressGroup{Name: fmt.Sprintf("ag-%d", i), Addresses: []string{cidr}})
	}
	for i := range routers {
		g.Routers = append(g.Routers, GenRouter{Name: fmt.Sprintf("router-%d", i), AdminStateUp: true, Gateway: true,
			Interfaces: []GenInterface{{Network: i}}})
	}
	for nw := range n {
		j := nw
		g.Ports = append(g.Ports, GenPort{Name: fmt.Sprintf("port-%d", j), Network: nw, AdminStateUp: true,
			MAC:   fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", seed%256, 0xa0, j),
			Owner: "compute:nova", DeviceID: fmt.Sprintf("3f0c6d1e-2b8a-4c47-9e1d-%012x", seed*1000+uint64(j)),
			FixedIPs: []GenFixedIP{{Subnet: 0, IP: addrAt(g.Networks[nw].Subnets[0].CIDR, 100+j)}}, Groups: []int{nw}})
	}
	for i := range pageSize + 1 {
		f := GenFloatingIP{Port: -1, Description: fmt.Sprintf("fip %d", i)}
		if i < pageSize { // port i is on network i, which router i connects
			f.Port, f.FixedIP = i, g.Ports[i].FixedIPs[0].IP
		}
		g.FloatingIPs = append(g.FloatingIPs, f)
	}
	g.ServerGroups = []GenServerGroup{{Name: "web", Policy: "anti-affinity"}, {Name: "db", Policy: "affinity"}}
	g.Compute = map[string]int{"cores": 20, "instances": 10, "ram": 51200}
	g.Network = map[string]int{"network": n + 5, "subnet": n + 5, "port": 8*n + 20, "router": routers + 2, "security_group": n + 5,
		"security_group_rule": 10*n + 100, "floatingip": pageSize + 5}
	g.Volume = map[string]int{"volumes": 10, "gigabytes": 100}
	return g
}
