package bench

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// TPOConfig renders the plan as a terraform-provider-openstack configuration that builds the same
// destination: the project, its user and role, the three quota sets, then one resource per network,
// subnet, router, interface, static route, security group, rule and port, as a Terraform user would
// write it for that provider. Neutron's automatic rules are not declared (Neutron makes them); the
// networking resources wait for the network quotas (the defaults are too small for the tenant). cloud is
// the clouds.yaml entry of the destination.
func TPOConfig(p *replication.Plan, cloud, password string) (string, map[string]int) {
	g := &tfgen{b: &strings.Builder{}, counts: map[string]int{}}
	g.line(`terraform {`)
	g.line(`  required_providers {`)
	g.line(`    openstack = { source = "terraform-provider-openstack/openstack" }`)
	g.line(`  }`)
	g.line(`}`)
	g.line(``)
	g.line(`provider "openstack" {`)
	g.attr("cloud", cloud)
	g.line(`}`)
	g.line(``)

	g.block("resource", "openstack_identity_project_v3", "project", func() {
		g.attr("name", p.Project.Name)
		g.attr("description", p.Project.Description)
		g.raw("enabled", "true")
	})
	g.count("project")
	g.line(`data "openstack_identity_role_v3" "member" {` + "\n" + `  name = "member"` + "\n}\n")
	g.block("resource", "openstack_identity_user_v3", "user", func() {
		g.attr("name", p.Project.Name+"-tpo")
		g.attr("password", password)
		g.raw("default_project_id", "openstack_identity_project_v3.project.id")
	})
	g.count("user")
	g.block("resource", "openstack_identity_role_assignment_v3", "member", func() {
		g.raw("project_id", "openstack_identity_project_v3.project.id")
		g.raw("user_id", "openstack_identity_user_v3.user.id")
		g.raw("role_id", "data.openstack_identity_role_v3.member.id")
	})
	g.quotas(p.Quotas)

	networks := map[string]string{} // source id -> resource address
	for i, n := range p.Networks {
		name := fmt.Sprintf("n%03d", i)
		networks[n.SourceID] = "openstack_networking_network_v2." + name
		g.block("resource", "openstack_networking_network_v2", name, func() {
			g.attr("name", n.Name)
			g.attr("description", n.Description)
			g.raw("admin_state_up", strconv.FormatBool(n.AdminStateUp))
			g.raw("tenant_id", "openstack_identity_project_v3.project.id")
			if n.MTU > 0 {
				g.raw("mtu", strconv.Itoa(n.MTU))
			}
			if n.PortSecurityEnabled != nil {
				g.raw("port_security_enabled", strconv.FormatBool(*n.PortSecurityEnabled))
			}
			g.raw("depends_on", "[openstack_networking_quota_v2.quota]")
		})
		g.count("network")
	}
	subnets := map[string]string{}
	subnetNetwork := map[string]string{}
	for i, s := range p.Subnets {
		name := fmt.Sprintf("s%03d", i)
		subnets[s.SourceID] = "openstack_networking_subnet_v2." + name
		subnetNetwork[s.SourceID] = networks[s.NetworkSourceID]
		g.block("resource", "openstack_networking_subnet_v2", name, func() {
			g.raw("network_id", networks[s.NetworkSourceID]+".id")
			g.attr("name", s.Name)
			g.attr("description", s.Description)
			g.raw("ip_version", strconv.Itoa(s.IPVersion))
			g.attr("cidr", s.CIDR)
			if s.GatewayIP != nil {
				g.attr("gateway_ip", *s.GatewayIP)
			} else {
				g.raw("no_gateway", "true")
			}
			g.raw("enable_dhcp", strconv.FormatBool(s.EnableDHCP))
			g.raw("dns_nameservers", hclList(s.DNSNameservers))
			if s.IPv6AddressMode != "" {
				g.attr("ipv6_address_mode", s.IPv6AddressMode)
			}
			if s.IPv6RAMode != "" {
				g.attr("ipv6_ra_mode", s.IPv6RAMode)
			}
			g.raw("tenant_id", "openstack_identity_project_v3.project.id")
			for _, pool := range s.AllocationPools {
				g.line("  allocation_pool {")
				g.line("    start = " + hclString(pool.Start))
				g.line("    end   = " + hclString(pool.End))
				g.line("  }")
			}
		})
		g.count("subnet")
		for k, hr := range s.HostRoutes {
			g.block("resource", "openstack_networking_subnet_route_v2", fmt.Sprintf("%s_hr%d", name, k), func() {
				g.raw("subnet_id", subnets[s.SourceID]+".id")
				g.attr("destination_cidr", hr.Destination)
				g.attr("next_hop", hr.NextHop)
			})
		}
	}
	for i, r := range p.Routers {
		name := fmt.Sprintf("r%02d", i)
		g.block("resource", "openstack_networking_router_v2", name, func() {
			g.attr("name", r.Name)
			g.attr("description", r.Description)
			g.raw("admin_state_up", strconv.FormatBool(r.AdminStateUp))
			g.raw("tenant_id", "openstack_identity_project_v3.project.id")
			if r.ExternalGateway {
				g.attr("external_network_id", p.ExternalNetworkID)
				if r.EnableSNAT != nil {
					g.raw("enable_snat", strconv.FormatBool(*r.EnableSNAT))
				}
			}
			g.raw("depends_on", "[openstack_networking_quota_v2.quota]")
		})
		g.count("router")
		var ifaces []string
		for k, iface := range r.Interfaces {
			ifName := fmt.Sprintf("%s_if%02d", name, k)
			ifaces = append(ifaces, "openstack_networking_router_interface_v2."+ifName)
			portRef := ""
			if !iface.AtGateway {
				portRef = "openstack_networking_port_v2." + ifName + "_port"
				g.block("resource", "openstack_networking_port_v2", ifName+"_port", func() {
					g.raw("network_id", subnetNetwork[iface.SubnetSourceID]+".id")
					g.raw("admin_state_up", "true")
					g.raw("no_security_groups", "true")
					g.raw("tenant_id", "openstack_identity_project_v3.project.id")
					g.line("  fixed_ip {")
					g.line("    subnet_id  = " + subnets[iface.SubnetSourceID] + ".id")
					if iface.IPAddress != "" {
						g.line("    ip_address = " + hclString(iface.IPAddress))
					}
					g.line("  }")
				})
			}
			g.block("resource", "openstack_networking_router_interface_v2", ifName, func() {
				g.raw("router_id", "openstack_networking_router_v2."+name+".id")
				if portRef != "" {
					g.raw("port_id", portRef+".id")
				} else {
					g.raw("subnet_id", subnets[iface.SubnetSourceID]+".id")
				}
			})
			g.count("router_interface")
		}
		for k, rt := range r.Routes {
			g.block("resource", "openstack_networking_router_route_v2", fmt.Sprintf("%s_rt%02d", name, k), func() {
				g.raw("router_id", "openstack_networking_router_v2."+name+".id")
				g.attr("destination_cidr", rt.Destination)
				g.attr("next_hop", rt.NextHop)
				g.raw("depends_on", "["+strings.Join(ifaces, ", ")+"]")
			})
			g.count("route")
		}
	}
	groups := map[string]string{} // source id -> expression of the destination group id
	byGroup := rulesByGroup(p)
	for i, sg := range p.SecurityGroups {
		if sg.IsDefault {
			groups[sg.SourceID] = "data.openstack_networking_secgroup_v2.default.id"
			continue
		}
		name := fmt.Sprintf("g%03d", i)
		groups[sg.SourceID] = "openstack_networking_secgroup_v2." + name + ".id"
		_, unwanted := groupRules(sg, byGroup[sg.SourceID])
		g.block("resource", "openstack_networking_secgroup_v2", name, func() {
			g.attr("name", sg.Name)
			g.attr("description", sg.Description)
			g.raw("tenant_id", "openstack_identity_project_v3.project.id")
			if len(unwanted) > 0 {
				// Declared explicitly below instead: the source group lacks some of Neutron's automatic rules.
				g.raw("delete_default_rules", "true")
			}
			g.raw("depends_on", "[openstack_networking_quota_v2.quota]")
		})
		g.count("security_group")
	}
	usesDefault := false
	n := 0
	for _, sg := range p.SecurityGroups {
		create, unwanted := groupRules(sg, byGroup[sg.SourceID])
		if !sg.IsDefault && len(unwanted) > 0 {
			create = byGroup[sg.SourceID] // delete_default_rules: declare every rule
		}
		if sg.IsDefault && len(create) > 0 {
			usesDefault = true
		}
		for _, r := range create {
			g.block("resource", "openstack_networking_secgroup_rule_v2", fmt.Sprintf("rule%04d", n), func() {
				g.raw("security_group_id", groups[sg.SourceID])
				g.attr("direction", r.Direction)
				g.attr("ethertype", r.EtherType)
				if r.Protocol != "" {
					g.attr("protocol", r.Protocol)
				}
				if r.PortRangeMin != nil {
					g.raw("port_range_min", strconv.Itoa(*r.PortRangeMin))
				}
				if r.PortRangeMax != nil {
					g.raw("port_range_max", strconv.Itoa(*r.PortRangeMax))
				}
				if r.RemoteIPPrefix != "" {
					g.attr("remote_ip_prefix", r.RemoteIPPrefix)
				}
				if r.RemoteGroupSourceID != "" {
					g.raw("remote_group_id", groups[r.RemoteGroupSourceID])
					usesDefault = usesDefault || strings.HasPrefix(groups[r.RemoteGroupSourceID], "data.")
				}
				if r.Description != "" {
					g.attr("description", r.Description)
				}
				g.raw("tenant_id", "openstack_identity_project_v3.project.id")
			})
			g.count("security_group_rule")
			n++
		}
	}
	ports := map[string]string{} // source id -> resource address
	for i, port := range p.Ports {
		name := fmt.Sprintf("p%04d", i)
		ports[port.SourceID] = "openstack_networking_port_v2." + name
		g.block("resource", "openstack_networking_port_v2", name, func() {
			g.attr("name", port.Name)
			g.attr("description", port.Description)
			g.raw("network_id", networks[port.NetworkSourceID]+".id")
			g.raw("admin_state_up", strconv.FormatBool(port.AdminStateUp))
			if port.MACAddress != "" {
				g.attr("mac_address", port.MACAddress)
			}
			g.raw("tenant_id", "openstack_identity_project_v3.project.id")
			if len(port.SecurityGroupSourceIDs) == 0 {
				g.raw("no_security_groups", "true")
			} else {
				var ids []string
				for _, sg := range port.SecurityGroupSourceIDs {
					ids = append(ids, groups[sg])
					usesDefault = usesDefault || strings.HasPrefix(groups[sg], "data.")
				}
				g.raw("security_group_ids", "["+strings.Join(ids, ", ")+"]")
			}
			if port.PortSecurityEnabled != nil {
				g.raw("port_security_enabled", strconv.FormatBool(*port.PortSecurityEnabled))
			}
			for _, ip := range port.FixedIPs {
				g.line("  fixed_ip {")
				g.line("    subnet_id  = " + subnets[ip.SubnetSourceID] + ".id")
				g.line("    ip_address = " + hclString(ip.IPAddress))
				g.line("  }")
			}
			for _, pair := range port.AllowedAddressPairs {
				g.line("  allowed_address_pairs {")
				g.line("    ip_address = " + hclString(pair.IPAddress))
				if pair.MACAddress != "" {
					g.line("    mac_address = " + hclString(pair.MACAddress))
				}
				g.line("  }")
			}
		})
		g.count("port")
	}
	g.floatingIPs(p, ports)
	if usesDefault {
		g.block("data", "openstack_networking_secgroup_v2", "default", func() {
			g.attr("name", "default")
			g.raw("tenant_id", "openstack_identity_project_v3.project.id")
		})
	}
	g.line(`output "project_id" {` + "\n" + `  value = openstack_identity_project_v3.project.id` + "\n}")
	return g.b.String(), g.counts
}

// floatingIPs renders one openstack_networking_floatingip_v2 per planned floating IP, associated in the
// same resource with its port's copy at the fixed IP: the provider's pool is the external network's name.
func (g *tfgen) floatingIPs(p *replication.Plan, ports map[string]string) {
	if len(p.FloatingIPs) == 0 {
		return
	}
	g.block("data", "openstack_networking_network_v2", "external", func() {
		g.attr("network_id", p.ExternalNetworkID)
	})
	for i, f := range p.FloatingIPs {
		g.block("resource", "openstack_networking_floatingip_v2", fmt.Sprintf("f%03d", i), func() {
			g.raw("pool", "data.openstack_networking_network_v2.external.name")
			g.raw("tenant_id", "openstack_identity_project_v3.project.id")
			if f.Description != "" {
				g.attr("description", f.Description)
			}
			if len(f.Tags) > 0 {
				g.raw("tags", hclList(f.Tags))
			}
			if f.PortSourceID != "" {
				g.raw("port_id", ports[f.PortSourceID]+".id")
				g.attr("fixed_ip", f.FixedIPAddress)
			}
			g.raw("depends_on", "[openstack_networking_quota_v2.quota]")
		})
		g.count("floating_ip")
	}
}

// quotas renders the three quota sets; keys the provider's resources do not have are left out.
func (g *tfgen) quotas(q replication.Quotas) {
	computeKeys := []string{"fixed_ips", "floating_ips", "injected_file_content_bytes", "injected_file_path_bytes", "injected_files", "key_pairs",
		"metadata_items", "ram", "security_group_rules", "security_groups", "cores", "instances", "server_groups", "server_group_members"}
	networkKeys := []string{"floatingip", "network", "port", "rbac_policy", "router", "security_group", "security_group_rule", "subnet", "subnetpool"}
	volumeKeys := []string{"volumes", "snapshots", "gigabytes", "per_volume_gigabytes", "backups", "backup_gigabytes", "groups"}
	set := func(typ, name string, values map[string]int, keys []string, extra func()) {
		g.block("resource", typ, name, func() {
			g.raw("project_id", "openstack_identity_project_v3.project.id")
			for _, k := range slices.Sorted(maps.Keys(values)) {
				if slices.Contains(keys, k) {
					g.raw(k, strconv.Itoa(values[k]))
				}
			}
			if extra != nil {
				extra()
			}
		})
	}
	set("openstack_compute_quotaset_v2", "quota", q.Compute, computeKeys, nil)
	set("openstack_networking_quota_v2", "quota", q.Network, networkKeys, nil)
	set("openstack_blockstorage_quotaset_v3", "quota", q.Volume, volumeKeys, func() {
		var perType []string
		for _, k := range slices.Sorted(maps.Keys(q.Volume)) {
			if !slices.Contains(volumeKeys, k) && (strings.HasPrefix(k, "gigabytes_") || strings.HasPrefix(k, "volumes_") || strings.HasPrefix(k, "snapshots_")) {
				perType = append(perType, fmt.Sprintf("    %s = %d", hclString(k), q.Volume[k]))
			}
		}
		if len(perType) > 0 {
			g.line("  volume_type_quota = {")
			for _, l := range perType {
				g.line(l)
			}
			g.line("  }")
		}
	})
}

type tfgen struct {
	b      *strings.Builder
	counts map[string]int
}

func (g *tfgen) line(s string) { g.b.WriteString(s + "\n") }

func (g *tfgen) block(kind, typ, name string, body func()) {
	g.line(fmt.Sprintf("%s %q %q {", kind, typ, name))
	body()
	g.line("}")
	g.line("")
}

func (g *tfgen) attr(name, value string) { g.line("  " + name + " = " + hclString(value)) }
func (g *tfgen) raw(name, expr string)   { g.line("  " + name + " = " + expr) }
func (g *tfgen) count(kind string)       { g.counts[kind]++ }

// hclString quotes s as an HCL string literal, with template sequences escaped.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		case (r == '$' || r == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func hclList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = hclString(s)
	}
	return "[" + strings.Join(out, ", ") + "]"
}
