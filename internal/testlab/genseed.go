package testlab

import (
	"context"
	"fmt"
	"net/url"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// GenTenant is a generated tenant built in a lab region: the ids of its objects, by the spec's indexes.
type GenTenant struct {
	Spec           GenSpec
	ProjectID      string
	ForeignProject string
	Networks       []string
	Subnets        [][]string // [network][subnet]
	Routers        []string
	SecurityGroups []string
	AddressGroups  []string
	Ports          []string
	ForeignGroup   string
	VolumeTypes    map[string]string
	SubnetPool     string   // "": none
	SharedIn       string   // the other project's network shared with the tenant ("": none)
	SharedInPorts  []string // the tenant's ports on it
	FloatingIPs    []string
	ServerGroups   []string
	// UserID is the tenant's user that made the server groups (Nova makes them in the caller's project).
	UserID string
}

// Cleanup deletes what a project teardown leaves: the subnet pool and the user. Call it after the
// projects' teardown (the pool's subnets first).
func (t *GenTenant) Cleanup(ctx context.Context, c *openstack.Cloud) error {
	if t.SubnetPool != "" {
		if err := openstack.Delete(ctx, c.Network, subnetPools, t.SubnetPool); err != nil {
			return err
		}
	}
	if t.UserID != "" {
		return openstack.DeleteUser(ctx, c.Identity, t.UserID)
	}
	return nil
}

var (
	subnetPools  = openstack.Resource{Path: "subnetpools", Plural: "subnetpools", Singular: "subnetpool"}
	rbacPolicies = openstack.Resource{Path: "rbac-policies", Plural: "rbac_policies", Singular: "rbac_policy"}
)

// SeedGenerated builds spec in c's region through the API, as a user would: a project named name and
// another project owning the groups that rules match across tenants. On error it returns what it built
// so far, for cleanup.
func SeedGenerated(ctx context.Context, c *openstack.Cloud, name string, spec GenSpec) (*GenTenant, error) {
	t := &GenTenant{Spec: spec}
	if err := seedGenerated(ctx, c, name, t); err != nil {
		return t, fmt.Errorf("seeding generated tenant %d: %w", spec.Seed, err)
	}
	return t, nil
}

func seedGenerated(ctx context.Context, c *openstack.Cloud, name string, t *GenTenant) error {
	spec := t.Spec
	p, err := openstack.CreateProject(ctx, c.Identity, openstack.Project{Name: name, Description: fmt.Sprintf("generated from seed %d", spec.Seed),
		DomainID: "default", Enabled: true, Tags: spec.ProjectTags})
	if err != nil {
		return err
	}
	t.ProjectID = p.ID
	other, err := openstack.CreateProject(ctx, c.Identity, openstack.Project{Name: name + "-other", DomainID: "default", Enabled: true})
	if err != nil {
		return err
	}
	t.ForeignProject = other.ID
	if t.VolumeTypes, err = EnsureVolumeTypes(ctx, c, VolumeTypeNames...); err != nil {
		return err
	}
	if err := openstack.SetComputeQuotas(ctx, c.Compute, p.ID, spec.Compute); err != nil {
		return err
	}
	if err := openstack.SetNetworkQuotas(ctx, c.Network, p.ID, spec.Network); err != nil {
		return err
	}
	if err := openstack.SetVolumeQuotas(ctx, c.BlockStorage, p.ID, spec.Volume); err != nil {
		return err
	}
	if sp := spec.SubnetPool; sp != nil {
		pool, err := openstack.Create[struct {
			ID string `json:"id"`
		}](ctx, c.Network, subnetPools, map[string]any{"name": sp.Name, "description": sp.Description, "project_id": p.ID,
			"prefixes": []string{sp.Prefix}, "default_prefixlen": sp.DefaultPrefixLen})
		if err != nil {
			return fmt.Errorf("subnet pool: %w", err)
		}
		t.SubnetPool = pool.ID
	}
	for _, n := range spec.Networks {
		body := map[string]any{"name": n.Name, "description": n.Description, "project_id": p.ID, "admin_state_up": n.AdminStateUp}
		if n.Shared {
			body["shared"] = true
		}
		if n.PortSecurity != nil {
			body["port_security_enabled"] = *n.PortSecurity
		}
		if n.MTU != 0 {
			body["mtu"] = n.MTU
		}
		if n.DNSDomain != "" {
			body["dns_domain"] = n.DNSDomain
		}
		nw, err := openstack.Create[openstack.Network](ctx, c.Network, openstack.Networks, body)
		if err != nil {
			return err
		}
		t.Networks = append(t.Networks, nw.ID)
		if err := tag(ctx, c, openstack.Networks, nw.ID, n.Tags); err != nil {
			return err
		}
		if n.RBACShared {
			if err := shareNetwork(ctx, c, p.ID, nw.ID, other.ID); err != nil {
				return err
			}
		}
		var subnets []string
		for _, s := range n.Subnets {
			if s.Late {
				continue
			}
			id, err := createSubnet(ctx, c, t, nw.ID, s)
			if err != nil {
				return err
			}
			subnets = append(subnets, id)
		}
		t.Subnets = append(t.Subnets, subnets)
	}
	if err := seedSharedIn(ctx, c, t); err != nil {
		return err
	}
	if err := seedGeneratedGroups(ctx, c, t); err != nil {
		return err
	}
	if err := seedGeneratedRouters(ctx, c, t); err != nil {
		return err
	}
	if err := seedGeneratedPorts(ctx, c, t); err != nil {
		return err
	}
	// Subnets added later: Neutron gives the ports already on the network an address there.
	for n, nw := range spec.Networks {
		for _, s := range nw.Subnets {
			if !s.Late {
				continue
			}
			id, err := createSubnet(ctx, c, t, t.Networks[n], s)
			if err != nil {
				return err
			}
			t.Subnets[n] = append(t.Subnets[n], id)
		}
	}
	if err := seedFloatingIPs(ctx, c, t); err != nil {
		return err
	}
	return seedServerGroups(ctx, c, t)
}

// shareNetwork shares a network of owner with target (access_as_shared), as owner's policy.
func shareNetwork(ctx context.Context, c *openstack.Cloud, owner, network, target string) error {
	_, err := openstack.Create[struct {
		ID string `json:"id"`
	}](ctx, c.Network, rbacPolicies, map[string]any{"object_type": "network", "object_id": network, "action": "access_as_shared",
		"target_tenant": target, "project_id": owner})
	if err != nil {
		return fmt.Errorf("sharing network %s with %s: %w", network, target, err)
	}
	return nil
}

// seedSharedIn makes the other project's network, shares it with the tenant and puts the tenant's
// instance ports on it.
func seedSharedIn(ctx context.Context, c *openstack.Cloud, t *GenTenant) error {
	in := t.Spec.SharedIn
	if in == nil {
		return nil
	}
	nw, err := openstack.Create[openstack.Network](ctx, c.Network, openstack.Networks, map[string]any{"name": "partner-net", "project_id": t.ForeignProject})
	if err != nil {
		return err
	}
	t.SharedIn = nw.ID
	sub, err := openstack.Create[openstack.Subnet](ctx, c.Network, openstack.Subnets, map[string]any{"project_id": t.ForeignProject,
		"network_id": nw.ID, "name": "partner-subnet", "ip_version": 4, "cidr": in.CIDR})
	if err != nil {
		return err
	}
	if err := shareNetwork(ctx, c, t.ForeignProject, nw.ID, t.ProjectID); err != nil {
		return err
	}
	for i := range in.Ports {
		port, err := openstack.Create[openstack.Port](ctx, c.Network, openstack.Ports, map[string]any{"project_id": t.ProjectID,
			"network_id": nw.ID, "name": fmt.Sprintf("on-partner-%d", i), "device_owner": "compute:nova",
			"device_id": fmt.Sprintf("7d2a1b9e-4c3f-4e21-8a6b-%012x", t.Spec.Seed*10+uint64(i)),
			"fixed_ips": []openstack.FixedIP{{SubnetID: sub.ID, IPAddress: addrAt(in.CIDR, 10+i)}}})
		if err != nil {
			return fmt.Errorf("port on the shared network: %w", err)
		}
		t.SharedInPorts = append(t.SharedInPorts, port.ID)
	}
	return nil
}

// createSubnet makes one of the spec's subnets on network (from the project's pool when FromPool).
func createSubnet(ctx context.Context, c *openstack.Cloud, t *GenTenant, network string, s GenSubnet) (string, error) {
	body := map[string]any{"project_id": t.ProjectID, "network_id": network, "name": s.Name, "description": s.Description,
		"ip_version": s.IPVersion, "cidr": s.CIDR, "enable_dhcp": s.EnableDHCP}
	switch s.Gateway {
	case "":
	case "none":
		body["gateway_ip"] = nil
	default:
		body["gateway_ip"] = s.Gateway
	}
	if len(s.Pools) > 0 {
		pools := []openstack.AllocationPool{}
		for _, pool := range s.Pools {
			pools = append(pools, openstack.AllocationPool{Start: pool[0], End: pool[1]})
		}
		body["allocation_pools"] = pools
	}
	if len(s.DNS) > 0 {
		body["dns_nameservers"] = s.DNS
	}
	if len(s.HostRoutes) > 0 {
		routes := []openstack.Route{}
		for _, r := range s.HostRoutes {
			routes = append(routes, openstack.Route{Destination: r[0], NextHop: r[1]})
		}
		body["host_routes"] = routes
	}
	if s.AddressMode != "" {
		body["ipv6_address_mode"] = s.AddressMode
	}
	if s.RAMode != "" {
		body["ipv6_ra_mode"] = s.RAMode
	}
	if s.FromPool {
		body["subnetpool_id"] = t.SubnetPool
	}
	sub, err := openstack.Create[openstack.Subnet](ctx, c.Network, openstack.Subnets, body)
	if err != nil {
		return "", fmt.Errorf("subnet %s %s: %w", s.Name, s.CIDR, err)
	}
	return sub.ID, tag(ctx, c, openstack.Subnets, sub.ID, s.Tags)
}

// seedGeneratedPorts makes the spec's ports in one bulk call, then tags them.
func seedGeneratedPorts(ctx context.Context, c *openstack.Cloud, t *GenTenant) error {
	var bodies []map[string]any
	for _, port := range t.Spec.Ports {
		body := map[string]any{"project_id": t.ProjectID, "network_id": t.Networks[port.Network], "name": port.Name,
			"description": port.Description, "mac_address": port.MAC, "admin_state_up": port.AdminStateUp,
			"device_owner": port.Owner, "device_id": port.DeviceID}
		fixed := []openstack.FixedIP{}
		for _, ip := range port.FixedIPs {
			fixed = append(fixed, openstack.FixedIP{SubnetID: t.Subnets[port.Network][ip.Subnet], IPAddress: ip.IP})
		}
		if len(fixed) > 0 || port.NoIPs {
			body["fixed_ips"] = fixed
		}
		groups := []string{}
		for _, g := range port.Groups {
			groups = append(groups, t.SecurityGroups[g])
		}
		body["security_groups"] = groups
		if port.PortSecurity != nil {
			body["port_security_enabled"] = *port.PortSecurity
		}
		if len(port.Pairs) > 0 {
			pairs := []openstack.AddressPair{}
			for _, pair := range port.Pairs {
				pairs = append(pairs, openstack.AddressPair{IPAddress: pair[0], MACAddress: pair[1]})
			}
			body["allowed_address_pairs"] = pairs
		}
		if port.DNSName != "" {
			body["dns_name"] = port.DNSName
		}
		if len(port.DHCPOpts) > 0 {
			opts := []openstack.ExtraDHCPOpt{}
			for _, o := range port.DHCPOpts {
				opts = append(opts, openstack.ExtraDHCPOpt{OptName: o[0], OptValue: o[1]})
			}
			body["extra_dhcp_opts"] = opts
		}
		bodies = append(bodies, body)
	}
	created, err := openstack.BulkCreate(ctx, c.Network, openstack.Ports, bodies)
	if err != nil {
		return fmt.Errorf("ports: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, port := range t.Spec.Ports {
		id, _ := created[i]["id"].(string)
		t.Ports = append(t.Ports, id)
		g.Go(func() error { return tag(gctx, c, openstack.Ports, id, port.Tags) })
	}
	return g.Wait()
}

func seedGeneratedGroups(ctx context.Context, c *openstack.Cloud, t *GenTenant) error {
	spec := t.Spec
	for _, a := range spec.AddressGroups {
		ag, err := openstack.Create[openstack.AddressGroup](ctx, c.Network, openstack.AddressGroups, openstack.AddressGroup{
			ProjectID: t.ProjectID, Name: a.Name, Description: a.Description, Addresses: a.Addresses})
		if err != nil {
			return err
		}
		t.AddressGroups = append(t.AddressGroups, ag.ID)
	}
	foreignAG, err := openstack.Create[openstack.AddressGroup](ctx, c.Network, openstack.AddressGroups, openstack.AddressGroup{
		ProjectID: t.ForeignProject, Name: "partners", Addresses: []string{"203.0.113.0/24"}})
	if err != nil {
		return err
	}
	foreign, err := openstack.Create[openstack.SecurityGroup](ctx, c.Network, openstack.SecurityGroups, map[string]any{"name": "partner", "project_id": t.ForeignProject})
	if err != nil {
		return err
	}
	t.ForeignGroup = foreign.ID
	for _, g := range spec.SecurityGroups {
		body := map[string]any{"name": g.Name, "description": g.Description, "project_id": t.ProjectID}
		if !g.Stateful {
			body["stateful"] = false
		}
		sg, err := openstack.Create[openstack.SecurityGroup](ctx, c.Network, openstack.SecurityGroups, body)
		if err != nil {
			return err
		}
		t.SecurityGroups = append(t.SecurityGroups, sg.ID)
		if err := tag(ctx, c, openstack.SecurityGroups, sg.ID, g.Tags); err != nil {
			return err
		}
	}
	// One bulk call per group (Neutron takes a bulk of one group's rules).
	for i, g := range spec.SecurityGroups {
		var rules []openstack.SecurityGroupRule
		for _, r := range g.Rules {
			rule := openstack.SecurityGroupRule{ProjectID: t.ProjectID, SecurityGroupID: t.SecurityGroups[i], Direction: r.Direction,
				EtherType: r.EtherType, Protocol: r.Protocol, PortRangeMin: r.Min, PortRangeMax: r.Max, RemoteIPPrefix: r.RemoteIP,
				Description: r.Description}
			switch r.RemoteGroup {
			case -1:
			case -2:
				rule.RemoteGroupID = foreign.ID
			default:
				rule.RemoteGroupID = t.SecurityGroups[r.RemoteGroup]
			}
			switch r.RemoteAddressGroup {
			case -1:
			case -2:
				rule.RemoteAddressGroupID = foreignAG.ID
			default:
				rule.RemoteAddressGroupID = t.AddressGroups[r.RemoteAddressGroup]
			}
			rules = append(rules, rule)
		}
		if _, err := openstack.BulkCreate(ctx, c.Network, openstack.SecurityGroupRules, rules); err != nil {
			return fmt.Errorf("rules %+v of %s: %w", g.Rules, g.Name, err)
		}
	}
	return nil
}

func seedGeneratedRouters(ctx context.Context, c *openstack.Cloud, t *GenTenant) error {
	var external string
	if len(t.Spec.Routers) > 0 {
		ext, err := openstack.List[openstack.Network](ctx, c.Network, openstack.Networks, url.Values{"router:external": {"true"}})
		if err != nil || len(ext) == 0 {
			return fmt.Errorf("no external network in the lab region (%v)", err)
		}
		external = ext[0].ID
	}
	for _, r := range t.Spec.Routers {
		body := openstack.Router{ProjectID: t.ProjectID, Name: r.Name, Description: r.Description, AdminStateUp: r.AdminStateUp}
		if r.Gateway {
			body.ExternalGateway = &openstack.GatewayInfo{NetworkID: external}
		}
		router, err := openstack.Create[openstack.Router](ctx, c.Network, openstack.Routers, body)
		if err != nil {
			return err
		}
		t.Routers = append(t.Routers, router.ID)
		if err := tag(ctx, c, openstack.Routers, router.ID, r.Tags); err != nil {
			return err
		}
		for _, in := range r.Interfaces {
			subnet := t.Subnets[in.Network][in.Subnet]
			if in.IP == "" {
				if _, err := openstack.AddRouterInterface(ctx, c.Network, router.ID, subnet, ""); err != nil {
					return fmt.Errorf("interface of %s on %s: %w", r.Name, subnet, err)
				}
				continue
			}
			port, err := openstack.Create[openstack.Port](ctx, c.Network, openstack.Ports, map[string]any{"project_id": t.ProjectID,
				"network_id": t.Networks[in.Network], "fixed_ips": []openstack.FixedIP{{SubnetID: subnet, IPAddress: in.IP}}})
			if err != nil {
				return err
			}
			if _, err := openstack.AddRouterInterface(ctx, c.Network, router.ID, "", port.ID); err != nil {
				return fmt.Errorf("interface of %s at %s: %w", r.Name, in.IP, err)
			}
		}
		if len(r.Routes) > 0 {
			routes := []openstack.Route{}
			for _, rt := range r.Routes {
				routes = append(routes, openstack.Route{Destination: rt[0], NextHop: rt[1]})
			}
			if _, err := openstack.Update[openstack.Router](ctx, c.Network, openstack.Routers, router.ID, map[string]any{"routes": routes}); err != nil {
				return fmt.Errorf("routes of %s: %w", r.Name, err)
			}
		}
	}
	return nil
}

// tag sets an object's user tags (Zed takes no tags in create calls).
func tag(ctx context.Context, c *openstack.Cloud, r openstack.Resource, id string, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	return openstack.SetTags(ctx, c.Network, r, id, tags)
}

// seedFloatingIPs allocates the spec's floating IPs on the region's external network, associated with
// their port at its fixed IP or free.
func seedFloatingIPs(ctx context.Context, c *openstack.Cloud, t *GenTenant) error {
	if len(t.Spec.FloatingIPs) == 0 {
		return nil
	}
	ext, err := openstack.List[openstack.Network](ctx, c.Network, openstack.Networks, url.Values{"router:external": {"true"}})
	if err != nil || len(ext) == 0 {
		return fmt.Errorf("no external network in the lab region (%v)", err)
	}
	for _, f := range t.Spec.FloatingIPs {
		body := map[string]any{"floating_network_id": ext[0].ID, "project_id": t.ProjectID, "description": f.Description}
		if f.Port >= 0 {
			body["port_id"], body["fixed_ip_address"] = t.Ports[f.Port], f.FixedIP
		}
		fip, err := openstack.Create[openstack.FloatingIP](ctx, c.Network, openstack.FloatingIPs, body)
		if err != nil {
			return fmt.Errorf("floating IP %+v: %w", f, err)
		}
		t.FloatingIPs = append(t.FloatingIPs, fip.ID)
		if err := tag(ctx, c, openstack.FloatingIPs, fip.ID, f.Tags); err != nil {
			return err
		}
	}
	return nil
}

// seedServerGroups makes the spec's server groups as a member of the tenant: Nova makes server groups in
// the caller's project only.
func seedServerGroups(ctx context.Context, c *openstack.Cloud, t *GenTenant) error {
	if len(t.Spec.ServerGroups) == 0 {
		return nil
	}
	password := "Gen-" + Suffix() + "-pw-long-enough"
	u, err := openstack.CreateUser(ctx, c.Identity, openstack.User{Name: fmt.Sprintf("gen%d-sg-%s", t.Spec.Seed, Suffix()), Password: password,
		DomainID: c.DomainID, DefaultProjectID: t.ProjectID, Enabled: true})
	if err != nil {
		return err
	}
	t.UserID = u.ID
	role, err := openstack.RoleID(ctx, c.Identity, "member")
	if err != nil {
		return err
	}
	if err := openstack.AssignProjectRole(ctx, c.Identity, t.ProjectID, u.ID, role); err != nil {
		return err
	}
	token, err := openstack.ProjectToken(ctx, c.Identity, u.ID, password, t.ProjectID)
	if err != nil {
		return err
	}
	for _, g := range t.Spec.ServerGroups {
		made, err := openstack.CreateServerGroup(ctx, c.Compute, token, openstack.ServerGroup{Name: g.Name, Policy: g.Policy, Rules: g.Rules})
		if err != nil {
			return fmt.Errorf("server group %+v: %w", g, err)
		}
		t.ServerGroups = append(t.ServerGroups, made.ID)
	}
	return nil
}
