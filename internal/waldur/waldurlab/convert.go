package waldurlab

import (
	"slices"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// ObjectsOf is what Waldur lists of a project's Neutron objects, from the engine's snapshot of it.
// Objects outside the project are left out, as Waldur keeps them with their own tenants: a router's
// gateway on the external network, a port's address on another project's subnet, a security group's
// reference to another project's group (Waldur shows no such rule; the engine reports it skipped).
// Router interfaces are shown on their router, not as ports.
func ObjectsOf(s *replication.Snapshot) waldurtest.Objects {
	var o waldurtest.Objects
	nets, subs, groups := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, n := range s.Networks {
		nets[n.ID] = true
		o.Networks = append(o.Networks, waldurtest.Network{
			BackendID: n.ID, Name: n.Name, Description: n.Description, MTU: n.MTU, IsExternal: n.External,
		})
	}
	for _, sn := range s.Subnets {
		if !nets[sn.NetworkID] {
			continue
		}
		subs[sn.ID] = true
		ws := waldurtest.Subnet{
			BackendID: sn.ID, NetworkBackendID: sn.NetworkID, Name: sn.Name, Description: sn.Description, CIDR: sn.CIDR,
			IPVersion: sn.IPVersion, EnableDHCP: sn.EnableDHCP, DNSNameservers: slices.Clone(sn.DNSNameservers),
			DisableGateway: sn.GatewayIP == nil,
		}
		if sn.GatewayIP != nil {
			ws.GatewayIP = *sn.GatewayIP
		}
		for _, p := range sn.AllocationPools {
			ws.AllocationPools = append(ws.AllocationPools, waldurtest.AllocationPool{Start: p.Start, End: p.End})
		}
		for _, r := range sn.HostRoutes {
			ws.HostRoutes = append(ws.HostRoutes, waldurtest.Route{Destination: r.Destination, NextHop: r.NextHop})
		}
		o.Subnets = append(o.Subnets, ws)
	}
	for _, g := range s.SecurityGroups {
		groups[g.ID] = true
	}
	for _, r := range s.Routers {
		wr := waldurtest.Router{BackendID: r.ID, Name: r.Name, Description: r.Description}
		for _, rt := range r.Routes {
			wr.Routes = append(wr.Routes, waldurtest.Route{Destination: rt.Destination, NextHop: rt.NextHop})
		}
		for _, p := range s.Ports {
			if p.DeviceID != r.ID || !isRouterInterface(p) {
				continue
			}
			for _, f := range p.FixedIPs {
				if subs[f.SubnetID] {
					wr.Interfaces = append(wr.Interfaces, waldurtest.FixedIP{IPAddress: f.IPAddress, SubnetBackendID: f.SubnetID})
				}
			}
		}
		o.Routers = append(o.Routers, wr)
	}
	for _, g := range s.SecurityGroups {
		wg := waldurtest.SecurityGroup{BackendID: g.ID, Name: g.Name, Description: g.Description}
		for _, r := range append(slices.Clone(g.Rules), rulesOf(s.Rules, g.ID)...) {
			if r.RemoteGroupID != "" && !groups[r.RemoteGroupID] {
				continue
			}
			if r.RemoteAddressGroupID != "" { // Waldur's rules have no address group field: not shown
				continue
			}
			wg.Rules = append(wg.Rules, waldurtest.SecurityGroupRule{
				Direction: r.Direction, Ethertype: r.EtherType, Protocol: r.Protocol, FromPort: r.PortRangeMin, ToPort: r.PortRangeMax,
				CIDR: r.RemoteIPPrefix, RemoteGroupBackendID: r.RemoteGroupID, Description: r.Description,
			})
		}
		o.SecurityGroups = append(o.SecurityGroups, wg)
	}
	for _, p := range s.Ports {
		if !nets[p.NetworkID] || isRouterInterface(p) {
			continue
		}
		wp := waldurtest.Port{
			BackendID: p.ID, NetworkBackendID: p.NetworkID, Name: p.Name, Description: p.Description, MACAddress: p.MACAddress,
			DeviceID: p.DeviceID, DeviceOwner: p.DeviceOwner, PortSecurityEnabled: p.PortSecurityEnabled, AdminStateUp: p.AdminStateUp,
			Status: p.Status,
		}
		for _, f := range p.FixedIPs {
			if subs[f.SubnetID] {
				wp.FixedIPs = append(wp.FixedIPs, waldurtest.FixedIP{IPAddress: f.IPAddress, SubnetBackendID: f.SubnetID})
			}
		}
		for _, a := range p.AllowedAddressPairs {
			wp.AllowedAddressPairs = append(wp.AllowedAddressPairs, waldurtest.AddressPair{IPAddress: a.IPAddress, MACAddress: a.MACAddress})
		}
		for _, g := range p.SecurityGroups {
			if groups[g] {
				wp.SecurityGroupBackendIDs = append(wp.SecurityGroupBackendIDs, g)
			}
		}
		o.Ports = append(o.Ports, wp)
	}
	return o
}

func rulesOf(rules []openstack.SecurityGroupRule, group string) []openstack.SecurityGroupRule {
	var out []openstack.SecurityGroupRule
	for _, r := range rules {
		if r.SecurityGroupID == group {
			out = append(out, r)
		}
	}
	return out
}

func isRouterInterface(p openstack.Port) bool {
	return strings.HasPrefix(p.DeviceOwner, "network:router_interface") || p.DeviceOwner == "network:ha_router_replicated_interface"
}

// ExternalNetworkOf is the external network a project's routers have their gateway on ("" for none):
// Waldur shows it on the tenant.
func ExternalNetworkOf(s *replication.Snapshot) string {
	for _, r := range s.Routers {
		if r.ExternalGateway != nil && r.ExternalGateway.NetworkID != "" {
			return r.ExternalGateway.NetworkID
		}
	}
	return ""
}

// LimitsOf are the marketplace limits Waldur keeps for a tenant with these quotas: cores, ram (MiB) and
// storage (GiB of block storage), and the per-type gigabytes_<type> that are limited.
func LimitsOf(q replication.Quotas) map[string]int {
	limits := map[string]int{}
	for from, to := range map[string]string{"cores": "cores", "ram": "ram"} {
		if v, ok := q.Compute[from]; ok {
			limits[to] = v
		}
	}
	for k, v := range q.Volume {
		switch {
		case k == "gigabytes":
			limits["storage"] = v
		case strings.HasPrefix(k, "gigabytes_") && v >= 0:
			// Cinder shows every type's quota, unlimited (-1) by default; Waldur's limits are what was
			// ordered, which an unlimited type never is.
			limits[k] = v
		}
	}
	return limits
}

// QuotasOf are a tenant's quotas under Waldur's names.
func QuotasOf(q replication.Quotas) map[string]int {
	out := LimitsOf(q)
	for from, to := range map[string]string{"instances": "instances", "key_pairs": "key_pairs"} {
		if v, ok := q.Compute[from]; ok {
			out[to] = v
		}
	}
	for from, to := range map[string]string{"volumes": "volumes", "snapshots": "snapshots"} {
		if v, ok := q.Volume[from]; ok {
			out[to] = v
		}
	}
	for from, to := range map[string]string{
		"network": "network_count", "subnet": "subnet_count", "port": "port_count", "router": "router_count",
		"security_group": "security_group_count", "security_group_rule": "security_group_rule_count", "floatingip": "floating_ip_count",
	} {
		if v, ok := q.Network[from]; ok {
			out[to] = v
		}
	}
	return out
}
