package waldurtest

import (
	"sort"
	"time"
)

// OpenStack tenants and their Neutron objects, read-only.

// resourceOf is the marketplace resource whose scope is the tenant.
func (s *Server) resourceOf(tenant string) *resourceRec {
	for _, r := range s.st.resources.all() {
		if r.tenantUUID == tenant {
			return r
		}
	}
	return nil
}

// common are the fields every Waldur OpenStack object shows (its service settings, project and customer,
// state and marketplace links).
func (s *Server) common(base, collection, resourceType, uuid, name, description, backendID, state string, t *tenantRec, created time.Time) map[string]any {
	set := s.st.settings.m[t.settingsUUID]
	proj := s.st.projects.m[t.ProjectUUID]
	var backend any = backendID
	if backendID == "" {
		backend = nil
	}
	m := map[string]any{
		"url":                            base + collection + uuid + "/",
		"uuid":                           uuid,
		"name":                           name,
		"description":                    description,
		"service_name":                   set.name,
		"service_settings":               base + "service-settings/" + set.uuid + "/",
		"service_settings_uuid":          set.uuid,
		"service_settings_state":         "OK",
		"service_settings_error_message": "",
		"project":                        base + "projects/" + proj.uuid + "/",
		"project_name":                   proj.name,
		"project_uuid":                   proj.uuid,
		"customer":                       base + "customers/" + s.st.customer.uuid + "/",
		"customer_uuid":                  s.st.customer.uuid,
		"customer_name":                  s.st.customer.name,
		"customer_native_name":           "",
		"customer_abbreviation":          "",
		"error_message":                  "",
		"error_traceback":                "",
		"resource_type":                  resourceType,
		"state":                          s.stateLabel(state),
		"created":                        fmtTime(created),
		"modified":                       fmtTime(created),
		"backend_id":                     backend,
		"access_url":                     nil,
		"marketplace_offering_uuid":      nil,
		"marketplace_offering_name":      nil,
		"marketplace_category_uuid":      nil,
		"marketplace_category_name":      nil,
		"marketplace_resource_uuid":      nil,
		"marketplace_plan_uuid":          nil,
		"marketplace_resource_state":     nil,
		"is_usage_based":                 nil,
		"is_limit_based":                 nil,
	}
	if collection != "openstack-tenants/" {
		m["tenant"] = base + "openstack-tenants/" + t.UUID + "/"
		m["tenant_name"] = t.Name
		m["tenant_uuid"] = t.UUID
	}
	return m
}

func (s *Server) tenants(req *request) {
	fs := []filter[*tenantRec]{
		icontains("name", func(t *tenantRec) string { return t.Name }),
		exact("name_exact", func(t *tenantRec) string { return t.Name }),
		uuidEq("service_settings_uuid", func(t *tenantRec) string { return t.settingsUUID }),
		uuidEq("project_uuid", func(t *tenantRec) string { return t.ProjectUUID }),
		uuidEq("customer_uuid", func(t *tenantRec) string { return s.st.customer.uuid }),
		exact("backend_id", func(t *tenantRec) string { return t.BackendID }),
		uuidEq("uuid", func(t *tenantRec) string { return t.UUID }),
	}
	collection(req, s.st.tenants, func(t *tenantRec) bool { return s.projectVisible(req.user, t.ProjectUUID) }, fs, func(t *tenantRec) map[string]any { return s.renderTenant(req.base, t) })
}

func (s *Server) renderTenant(base string, t *tenantRec) map[string]any {
	m := s.common(base, "openstack-tenants/", "OpenStack.Tenant", t.UUID, t.Name, t.Description, t.BackendID, t.state, t, t.created)
	m["modified"] = fmtTime(t.modified)
	m["error_message"] = t.errorMessage
	m["availability_zone"] = ""
	m["internal_network_id"] = t.internalNetworkID
	m["external_network_id"] = t.ExternalNetworkID
	if !s.opts.HideTenantCredentials {
		m["user_username"] = t.UserUsername
		m["user_password"] = t.UserPassword
	}
	m["default_volume_type_name"] = ""
	m["skip_creation_of_default_router"] = false
	names := make([]string, 0, len(t.Quotas))
	for k := range t.Quotas {
		names = append(names, k)
	}
	sort.Strings(names)
	quotas := []map[string]any{}
	for _, k := range names {
		quotas = append(quotas, map[string]any{"name": k, "limit": t.Quotas[k], "usage": 0})
	}
	m["quotas"] = quotas
	if r := s.resourceOf(t.UUID); r != nil {
		off := s.st.offerings.m[r.offeringUUID]
		m["marketplace_offering_uuid"] = r.offeringUUID
		m["marketplace_offering_name"] = off.Name
		m["marketplace_resource_uuid"] = r.uuid
		m["marketplace_plan_uuid"] = r.planUUID
		m["marketplace_resource_state"] = r.state
		m["is_usage_based"] = false
		m["is_limit_based"] = true
	}
	return m
}

func (s *Server) tenantOf(id string) *tenantRec { return s.st.tenants.m[id] }

func (s *Server) networks(req *request) {
	fs := []filter[*netRec]{
		uuidEq("tenant_uuid", func(n *netRec) string { return n.TenantUUID }),
		icontains("name", func(n *netRec) string { return n.Name }),
		exact("name_exact", func(n *netRec) string { return n.Name }),
		exact("backend_id", func(n *netRec) string { return n.BackendID }),
		boolEq("is_external", func(n *netRec) bool { return n.IsExternal }),
		exact("type", func(n *netRec) string { return n.Type }),
		uuidEq("uuid", func(n *netRec) string { return n.UUID }),
	}
	collection(req, s.st.networks, func(o *netRec) bool { return s.tenantVisible(req.user, o.TenantUUID) }, fs, func(n *netRec) map[string]any {
		t := s.tenantOf(n.TenantUUID)
		m := s.common(req.base, "openstack-networks/", "OpenStack.Network", n.UUID, n.Name, n.Description, n.BackendID, "OK", t, n.created)
		m["is_external"] = n.IsExternal
		m["type"] = n.Type
		m["segmentation_id"] = n.SegmentationID
		m["mtu"] = n.MTU
		m["rbac_policies"] = []any{}
		subnets := []map[string]any{}
		for _, sn := range s.st.subnets.all() {
			if sn.TenantUUID == n.TenantUUID && sn.NetworkBackendID == n.BackendID {
				subnets = append(subnets, map[string]any{
					"uuid": sn.UUID, "name": sn.Name, "description": sn.Description, "cidr": sn.CIDR,
					"gateway_ip": nullable(sn.GatewayIP), "allocation_pools": pools(sn.AllocationPools),
					"ip_version": sn.IPVersion, "enable_dhcp": sn.EnableDHCP,
				})
			}
		}
		m["subnets"] = subnets
		return m
	})
}

// networkOf finds a tenant's network by backend id.
func (s *Server) networkOf(tenant, backendID string) *netRec {
	for _, n := range s.st.networks.all() {
		if n.TenantUUID == tenant && n.BackendID == backendID {
			return n
		}
	}
	return nil
}

func (s *Server) subnetOf(tenant, backendID string) *subnetRec {
	for _, n := range s.st.subnets.all() {
		if n.TenantUUID == tenant && n.BackendID == backendID {
			return n
		}
	}
	return nil
}

func (s *Server) groupOf(tenant, backendID string) *sgRec {
	for _, g := range s.st.sgs.all() {
		if g.TenantUUID == tenant && g.BackendID == backendID {
			return g
		}
	}
	return nil
}

func (s *Server) subnets(req *request) {
	fs := []filter[*subnetRec]{
		uuidEq("tenant_uuid", func(n *subnetRec) string { return n.TenantUUID }),
		uuidWith("network_uuid", func(n *subnetRec, id string) bool {
			net := s.networkOf(n.TenantUUID, n.NetworkBackendID)
			return net != nil && net.UUID == id
		}),
		icontains("name", func(n *subnetRec) string { return n.Name }),
		exact("name_exact", func(n *subnetRec) string { return n.Name }),
		exact("backend_id", func(n *subnetRec) string { return n.BackendID }),
		boolEq("enable_dhcp", func(n *subnetRec) bool { return n.EnableDHCP }),
		uuidEq("uuid", func(n *subnetRec) string { return n.UUID }),
	}
	collection(req, s.st.subnets, func(o *subnetRec) bool { return s.tenantVisible(req.user, o.TenantUUID) }, fs, func(n *subnetRec) map[string]any {
		t := s.tenantOf(n.TenantUUID)
		m := s.common(req.base, "openstack-subnets/", "OpenStack.SubNet", n.UUID, n.Name, n.Description, n.BackendID, "OK", t, n.created)
		// The schema shows a subnet's tenant and network by URL only: no tenant_uuid, no network_uuid.
		delete(m, "tenant_uuid")
		net := s.networkOf(n.TenantUUID, n.NetworkBackendID)
		m["network"] = req.base + "openstack-networks/" + net.UUID + "/"
		m["network_name"] = net.Name
		m["cidr"] = n.CIDR
		m["gateway_ip"] = nullable(n.GatewayIP)
		m["disable_gateway"] = n.DisableGateway
		m["allocation_pools"] = pools(n.AllocationPools)
		m["ip_version"] = n.IPVersion
		m["enable_dhcp"] = n.EnableDHCP
		m["dns_nameservers"] = strs(n.DNSNameservers)
		m["host_routes"] = routes(n.HostRoutes)
		connected := false
		for _, r := range s.st.routers.all() {
			for _, f := range r.Interfaces {
				if r.TenantUUID == n.TenantUUID && f.SubnetBackendID == n.BackendID {
					connected = true
				}
			}
		}
		m["is_connected"] = connected
		return m
	})
}

func (s *Server) routers(req *request) {
	fs := []filter[*routerRec]{
		uuidEq("tenant_uuid", func(n *routerRec) string { return n.TenantUUID }),
		icontains("name", func(n *routerRec) string { return n.Name }),
		exact("name_exact", func(n *routerRec) string { return n.Name }),
	}
	collection(req, s.st.routers, func(o *routerRec) bool { return s.tenantVisible(req.user, o.TenantUUID) }, fs, func(n *routerRec) map[string]any {
		t := s.tenantOf(n.TenantUUID)
		m := s.common(req.base, "openstack-routers/", "OpenStack.Router", n.UUID, n.Name, n.Description, n.BackendID, "OK", t, n.created)
		m["routes"] = routes(n.Routes)
		fixed := []map[string]any{}
		ports := []map[string]any{}
		for _, f := range n.Interfaces {
			fixed = append(fixed, map[string]any{"ip_address": f.IPAddress, "subnet_id": f.SubnetBackendID})
			sn := s.subnetOf(n.TenantUUID, f.SubnetBackendID)
			ports = append(ports, map[string]any{
				"fixed_ips":          []map[string]any{{"ip_address": f.IPAddress, "subnet_id": f.SubnetBackendID}},
				"mac_address":        "",
				"subnet":             req.base + "openstack-subnets/" + sn.UUID + "/",
				"subnet_uuid":        sn.UUID,
				"subnet_name":        sn.Name,
				"subnet_description": sn.Description,
				"subnet_cidr":        sn.CIDR,
				"device_id":          n.BackendID,
				"device_owner":       "network:router_interface",
			})
		}
		m["fixed_ips"] = fixed
		m["ports"] = ports
		m["offering_external_ips"] = []any{}
		return m
	})
}

func (s *Server) securityGroups(req *request) {
	fs := []filter[*sgRec]{
		uuidEq("tenant_uuid", func(n *sgRec) string { return n.TenantUUID }),
		icontains("name", func(n *sgRec) string { return n.Name }),
		exact("name_exact", func(n *sgRec) string { return n.Name }),
		exact("backend_id", func(n *sgRec) string { return n.BackendID }),
		uuidEq("uuid", func(n *sgRec) string { return n.UUID }),
	}
	collection(req, s.st.sgs, func(o *sgRec) bool { return s.tenantVisible(req.user, o.TenantUUID) }, fs, func(g *sgRec) map[string]any {
		t := s.tenantOf(g.TenantUUID)
		m := s.common(req.base, "openstack-security-groups/", "OpenStack.SecurityGroup", g.UUID, g.Name, g.Description, g.BackendID, "OK", t, g.created)
		rules := []map[string]any{}
		for i, r := range g.Rules {
			rule := map[string]any{
				"id":                g.ruleIDs[i],
				"ethertype":         r.Ethertype,
				"direction":         r.Direction,
				"protocol":          r.Protocol,
				"from_port":         r.FromPort,
				"to_port":           r.ToPort,
				"cidr":              nullable(r.CIDR),
				"description":       r.Description,
				"remote_group":      nil,
				"remote_group_name": nil,
				"remote_group_uuid": nil,
			}
			if r.RemoteGroupBackendID != "" {
				if rg := s.groupOf(g.TenantUUID, r.RemoteGroupBackendID); rg != nil {
					rule["remote_group"] = req.base + "openstack-security-groups/" + rg.UUID + "/"
					rule["remote_group_name"] = rg.Name
					rule["remote_group_uuid"] = rg.UUID
				}
			}
			rules = append(rules, rule)
		}
		m["rules"] = rules
		return m
	})
}

func (s *Server) ports(req *request) {
	fs := []filter[*portRec]{
		uuidEq("tenant_uuid", func(n *portRec) string { return n.TenantUUID }),
		uuidWith("network_uuid", func(n *portRec, id string) bool {
			net := s.networkOf(n.TenantUUID, n.NetworkBackendID)
			return net != nil && net.UUID == id
		}),
		icontains("name", func(n *portRec) string { return n.Name }),
		exact("name_exact", func(n *portRec) string { return n.Name }),
		exact("backend_id", func(n *portRec) string { return n.BackendID }),
		exact("device_id", func(n *portRec) string { return n.DeviceID }),
		exact("device_owner", func(n *portRec) string { return n.DeviceOwner }),
		exact("mac_address", func(n *portRec) string { return n.MACAddress }),
		exact("status", func(n *portRec) string { return n.Status }),
	}
	collection(req, s.st.ports, func(o *portRec) bool { return s.tenantVisible(req.user, o.TenantUUID) }, fs, func(p *portRec) map[string]any {
		t := s.tenantOf(p.TenantUUID)
		m := s.common(req.base, "openstack-ports/", "OpenStack.Port", p.UUID, p.Name, p.Description, p.BackendID, "OK", t, p.created)
		fixed := []map[string]any{}
		for _, f := range p.FixedIPs {
			fixed = append(fixed, map[string]any{"ip_address": f.IPAddress, "subnet_id": f.SubnetBackendID})
		}
		m["fixed_ips"] = fixed
		m["mac_address"] = p.MACAddress
		pairs := []map[string]any{}
		for _, a := range p.AllowedAddressPairs {
			// The schema shows only the MAC address of a pair; ip_address is write-only.
			pairs = append(pairs, map[string]any{"mac_address": a.MACAddress})
		}
		m["allowed_address_pairs"] = pairs
		net := s.networkOf(p.TenantUUID, p.NetworkBackendID)
		m["network"] = req.base + "openstack-networks/" + net.UUID + "/"
		m["network_name"] = net.Name
		m["network_uuid"] = net.UUID
		m["floating_ips"] = []any{}
		m["device_id"] = nullable(p.DeviceID)
		m["device_owner"] = nullable(p.DeviceOwner)
		m["port_security_enabled"] = p.PortSecurityEnabled == nil || *p.PortSecurityEnabled
		groups := []map[string]any{}
		for _, id := range p.SecurityGroupBackendIDs {
			if g := s.groupOf(p.TenantUUID, id); g != nil {
				groups = append(groups, map[string]any{
					"uuid": g.UUID, "name": g.Name, "url": req.base + "openstack-security-groups/" + g.UUID + "/",
				})
			}
		}
		m["security_groups"] = groups
		m["admin_state_up"] = p.AdminStateUp
		m["status"] = p.Status
		return m
	})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func pools(ps []AllocationPool) []map[string]any {
	out := []map[string]any{}
	for _, p := range ps {
		out = append(out, map[string]any{"start": p.Start, "end": p.End})
	}
	return out
}

func routes(rs []Route) []map[string]any {
	out := []map[string]any{}
	for _, r := range rs {
		out = append(out, map[string]any{"destination": r.Destination, "nexthop": r.NextHop})
	}
	return out
}

func strs(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
