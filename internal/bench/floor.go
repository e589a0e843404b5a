package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gopenstack "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// The floor is the least a migration must ask of the clouds, issued by a plain client one call after
// another, with nothing else: one token; one read per kind of source object and destination fact the plan
// needs; then the writes, with bulk creates wherever Neutron has them (networks, subnets, security groups,
// ports: one call each; rules: one call per group, since Neutron refuses a bulk spanning groups), one call
// per router and per interface (routers have no bulk), one route call per router, one call per quota set,
// and the project, its user and the user's role. What to build is decided by the engine's planner (pure
// computation, no calls), so that the floor builds exactly what the engine builds.

type floorClients struct {
	identity                   *gophercloud.ServiceClient
	srcNet, srcCompute, srcVol *gophercloud.ServiceClient
	dstNet, dstCompute, dstVol *gophercloud.ServiceClient
}

func childFloor(ctx context.Context, a childArgs) (childResult, error) {
	res := childResult{Created: map[string]int{}, Steps: map[string]string{}}
	start := time.Now()
	step := func(name string) { res.Steps[name] = time.Since(start).Round(time.Millisecond).String() }
	c, err := floorConnect(ctx, a.SrcCloud, a.DstCloud, nil)
	if err != nil {
		return res, err
	}
	step("token")
	plan, err := floorPlan(ctx, c, a)
	if err != nil {
		return res, err
	}
	step("read and plan")
	f := &floor{c: c, plan: plan, res: &res, step: step}
	err = f.build(ctx)
	res.WallSeconds = time.Since(start).Seconds()
	return res, err
}

// floorConnect authenticates once (the lab's regions share one Keystone) and makes the service clients
// of both regions from that one token.
func floorConnect(ctx context.Context, srcCloud, dstCloud string, transport http.RoundTripper) (*floorClients, error) {
	ao, srcEO, _, err := clouds.Parse(clouds.WithCloudName(srcCloud))
	if err != nil {
		return nil, err
	}
	dstAO, dstEO, _, err := clouds.Parse(clouds.WithCloudName(dstCloud))
	if err != nil {
		return nil, err
	}
	if dstAO.IdentityEndpoint != ao.IdentityEndpoint {
		return nil, fmt.Errorf("the floor client needs both regions behind one Keystone (%s, %s)", ao.IdentityEndpoint, dstAO.IdentityEndpoint)
	}
	provider, err := gopenstack.NewClient(ao.IdentityEndpoint)
	if err != nil {
		return nil, err
	}
	if transport != nil {
		provider.HTTPClient = http.Client{Transport: transport}
	}
	if err := gopenstack.Authenticate(ctx, provider, ao); err != nil {
		return nil, err
	}
	c := &floorClients{}
	src := gophercloud.EndpointOpts{Region: srcEO.Region}
	dst := gophercloud.EndpointOpts{Region: dstEO.Region}
	for _, mk := range []func() error{
		func() (err error) { c.identity, err = gopenstack.NewIdentityV3(provider, dst); return },
		func() (err error) { c.srcNet, err = gopenstack.NewNetworkV2(provider, src); return },
		func() (err error) { c.srcCompute, err = gopenstack.NewComputeV2(provider, src); return },
		func() (err error) { c.srcVol, err = gopenstack.NewBlockStorageV3(provider, src); return },
		func() (err error) { c.dstNet, err = gopenstack.NewNetworkV2(provider, dst); return },
		func() (err error) { c.dstCompute, err = gopenstack.NewComputeV2(provider, dst); return },
		func() (err error) { c.dstVol, err = gopenstack.NewBlockStorageV3(provider, dst); return },
	} {
		if err := mk(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// floorPlan reads the source and the destination facts, one call each, one after another, and plans.
func floorPlan(ctx context.Context, c *floorClients, a childArgs) (*replication.Plan, error) {
	byProject := url.Values{"project_id": {a.Source}}
	snap := &replication.Snapshot{}
	var facts replication.Facts
	reads := []func() error{
		func() (err error) { snap.Project, err = openstack.GetProject(ctx, c.identity, a.Source); return },
		func() (err error) {
			snap.Networks, err = openstack.List[openstack.Network](ctx, c.srcNet, openstack.Networks, byProject)
			return
		},
		func() (err error) {
			snap.Subnets, err = openstack.List[openstack.Subnet](ctx, c.srcNet, openstack.Subnets, byProject)
			return
		},
		func() (err error) {
			snap.Routers, err = openstack.List[openstack.Router](ctx, c.srcNet, openstack.Routers, byProject)
			return
		},
		func() (err error) {
			snap.Ports, err = openstack.List[openstack.Port](ctx, c.srcNet, openstack.Ports, byProject)
			return
		},
		func() (err error) {
			snap.SecurityGroups, err = openstack.List[openstack.SecurityGroup](ctx, c.srcNet, openstack.SecurityGroups, byProject)
			return
		},
		func() (err error) {
			snap.AddressGroups, err = openstack.List[openstack.AddressGroup](ctx, c.srcNet, openstack.AddressGroups, byProject)
			return
		},
		func() (err error) {
			snap.FloatingIPs, err = openstack.List[openstack.FloatingIP](ctx, c.srcNet, openstack.FloatingIPs, byProject)
			return
		},
		func() (err error) {
			snap.ServerGroups, err = openstack.ListServerGroups(ctx, c.srcCompute, a.Source)
			return
		},
		func() (err error) {
			snap.Quotas.Compute, err = openstack.ComputeQuotas(ctx, c.srcCompute, a.Source)
			return
		},
		func() (err error) {
			snap.Quotas.Network, err = openstack.NetworkQuotas(ctx, c.srcNet, a.Source)
			return
		},
		func() (err error) { snap.Quotas.Volume, err = openstack.VolumeQuotas(ctx, c.srcVol, a.Source); return },
		func() (err error) { snap.VolumeTypes, err = openstack.VolumeTypes(ctx, c.srcVol); return },
		func() error {
			ext, err := openstack.List[openstack.Network](ctx, c.dstNet, openstack.Networks, url.Values{"router:external": {"true"}})
			if err == nil && len(ext) == 1 {
				facts.ExternalNetworkID = ext[0].ID
			}
			return err
		},
		func() (err error) { facts.VolumeTypes, err = openstack.VolumeTypes(ctx, c.dstVol); return },
	}
	for _, read := range reads {
		if err := read(); err != nil {
			return nil, err
		}
	}
	for i, sg := range snap.SecurityGroups {
		snap.Rules = append(snap.Rules, sg.Rules...)
		snap.SecurityGroups[i].Rules = nil
	}
	facts.CanCreateProjects = true // the lab's admin
	return replication.BuildPlan(snap, replication.Mappings{SyncInstancePorts: true}, facts, replication.Target{Name: a.Target})
}

type floor struct {
	c    *floorClients
	plan *replication.Plan
	res  *childResult
	step func(string)
	mu   sync.Mutex

	projectID  string
	networks   map[string]string
	subnets    map[string]string
	portCopies map[string]string // source port id -> its copy
	groups     map[string]string
	rulesOf    map[string][]openstack.SecurityGroupRule // destination group id -> its rules as created
	byGroup    map[string][]replication.RulePlan
	ruleGroups []replication.SecurityGroupPlan // the groups whose rules are to be synced
}

func (f *floor) created(kind string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n > 0 {
		f.res.Created[kind] += n
	}
}

func (f *floor) build(ctx context.Context) error {
	// The floor builds what the benchmark's tenants hold; a plan with more is not measured wrongly.
	if n := len(f.plan.AddressGroups) + len(f.plan.ServerGroups); n > 0 {
		return fmt.Errorf("floor: the plan has %d address or server groups, which the floor does not build", n)
	}
	for _, s := range []struct {
		name string
		run  func(context.Context) error
	}{
		{"project", f.project}, {"user", f.user}, {"quotas", f.quotas}, {"networks", f.networksAndSubnets},
		{"routers", f.routers}, {"security groups", f.securityGroups}, {"ports", f.ports}, {"floating IPs", f.floatingIPs},
	} {
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("floor, %s: %w", s.name, err)
		}
		f.step(s.name)
	}
	return nil
}

func (f *floor) project(ctx context.Context) error {
	p, err := openstack.CreateProject(ctx, f.c.identity, openstack.Project{Name: f.plan.Project.Name, Description: f.plan.Project.Description,
		DomainID: "default", Enabled: true})
	if err != nil {
		return err
	}
	f.projectID, f.res.ProjectID = p.ID, p.ID
	f.created("project", 1)
	return nil
}

func (f *floor) user(ctx context.Context) error {
	role, err := openstack.RoleID(ctx, f.c.identity, "member")
	if err != nil {
		return err
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	u, err := openstack.CreateUser(ctx, f.c.identity, openstack.User{Name: f.plan.Project.Name + "-floor", Password: hex.EncodeToString(b),
		DomainID: "default", DefaultProjectID: f.projectID, Enabled: true})
	if err != nil {
		return err
	}
	f.created("user", 1)
	return openstack.AssignProjectRole(ctx, f.c.identity, f.projectID, u.ID, role)
}

func (f *floor) quotas(ctx context.Context) error {
	q := f.plan.Quotas
	if len(q.Network) > 0 {
		if err := openstack.SetNetworkQuotas(ctx, f.c.dstNet, f.projectID, q.Network); err != nil {
			return err
		}
	}
	if err := openstack.SetComputeQuotas(ctx, f.c.dstCompute, f.projectID, q.Compute); err != nil {
		return err
	}
	return openstack.SetVolumeQuotas(ctx, f.c.dstVol, f.projectID, q.Volume)
}

func (f *floor) networksAndSubnets(ctx context.Context) error {
	nets := make([]openstack.Network, len(f.plan.Networks))
	for i, n := range f.plan.Networks {
		nets[i] = openstack.Network{ProjectID: f.projectID, Name: n.Name, Description: n.Description, AdminStateUp: n.AdminStateUp,
			MTU: n.MTU, PortSecurityEnabled: n.PortSecurityEnabled}
	}
	created, err := openstack.BulkCreate(ctx, f.c.dstNet, openstack.Networks, nets)
	if err != nil {
		return err
	}
	f.networks = map[string]string{}
	for i, n := range created {
		f.networks[f.plan.Networks[i].SourceID] = n.ID
	}
	f.created("network", len(created))
	subs := make([]openstack.Subnet, len(f.plan.Subnets))
	for i, s := range f.plan.Subnets {
		subs[i] = openstack.Subnet{ProjectID: f.projectID, NetworkID: f.networks[s.NetworkSourceID], Name: s.Name, Description: s.Description,
			IPVersion: s.IPVersion, CIDR: s.CIDR, GatewayIP: s.GatewayIP, AllocationPools: s.AllocationPools,
			DNSNameservers: s.DNSNameservers, HostRoutes: s.HostRoutes, EnableDHCP: s.EnableDHCP,
			IPv6AddressMode: s.IPv6AddressMode, IPv6RAMode: s.IPv6RAMode}
	}
	createdSubs, err := openstack.BulkCreate(ctx, f.c.dstNet, openstack.Subnets, subs)
	if err != nil {
		return err
	}
	f.subnets = map[string]string{}
	for i, s := range createdSubs {
		f.subnets[f.plan.Subnets[i].SourceID] = s.ID
	}
	f.created("subnet", len(createdSubs))
	return nil
}

func (f *floor) routers(ctx context.Context) error {
	for _, r := range f.plan.Routers {
		if err := f.router(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// router creates one router with its gateway, attaches its interfaces one after another and sets its
// static routes.
func (f *floor) router(ctx context.Context, r replication.RouterPlan) error {
	networkOf := map[string]string{}
	for _, s := range f.plan.Subnets {
		networkOf[s.SourceID] = s.NetworkSourceID
	}
	body := openstack.Router{ProjectID: f.projectID, Name: r.Name, Description: r.Description, AdminStateUp: r.AdminStateUp}
	if r.ExternalGateway {
		body.ExternalGateway = &openstack.GatewayInfo{NetworkID: f.plan.ExternalNetworkID, EnableSNAT: r.EnableSNAT}
	}
	router, err := openstack.Create[openstack.Router](ctx, f.c.dstNet, openstack.Routers, body)
	if err != nil {
		return err
	}
	f.created("router", 1)
	for _, iface := range r.Interfaces {
		subnetID, portID := f.subnets[iface.SubnetSourceID], ""
		if !iface.AtGateway {
			port, err := openstack.Create[openstack.Port](ctx, f.c.dstNet, openstack.Ports, openstack.Port{ProjectID: f.projectID,
				NetworkID: f.networks[networkOf[iface.SubnetSourceID]], AdminStateUp: true, SecurityGroups: []string{},
				FixedIPs: []openstack.FixedIP{{SubnetID: subnetID, IPAddress: iface.IPAddress}}})
			if err != nil {
				return err
			}
			portID = port.ID
		}
		if _, err := openstack.AddRouterInterface(ctx, f.c.dstNet, router.ID, subnetID, portID); err != nil {
			return err
		}
		f.created("router_interface", 1)
	}
	if len(r.Routes) > 0 {
		if _, err := openstack.Update[openstack.Router](ctx, f.c.dstNet, openstack.Routers, router.ID, map[string]any{"routes": r.Routes}); err != nil {
			return err
		}
		f.created("route", len(r.Routes))
	}
	return nil
}

func (f *floor) securityGroups(ctx context.Context) error {
	if err := f.createGroups(ctx); err != nil {
		return err
	}
	for _, g := range f.ruleGroups {
		if err := f.rules(ctx, g); err != nil {
			return err
		}
	}
	return nil
}

// createGroups creates the groups in one bulk call (and reads the destination's default group when it
// needs changes or is referenced).
func (f *floor) createGroups(ctx context.Context) error {
	var groups []openstack.SecurityGroup
	var sources []replication.SecurityGroupPlan
	var defaultGroup *replication.SecurityGroupPlan
	for _, g := range f.plan.SecurityGroups {
		if g.IsDefault {
			defaultGroup = &g
			continue
		}
		groups = append(groups, openstack.SecurityGroup{ProjectID: f.projectID, Name: g.Name, Description: g.Description})
		sources = append(sources, g)
	}
	created, err := openstack.BulkCreate(ctx, f.c.dstNet, openstack.SecurityGroups, groups)
	if err != nil {
		return err
	}
	f.created("security_group", len(created))
	f.groups = map[string]string{}
	f.rulesOf = map[string][]openstack.SecurityGroupRule{}
	for i, g := range created {
		f.groups[sources[i].SourceID] = g.ID
		f.rulesOf[g.ID] = g.Rules
	}
	f.byGroup = rulesByGroup(f.plan)
	// The destination's default group is read only when something needs it: rules to add or remove in it,
	// or references to it from other rules or ports.
	if defaultGroup != nil && f.needsDefaultGroup(*defaultGroup, f.byGroup[defaultGroup.SourceID]) {
		list, err := openstack.List[openstack.SecurityGroup](ctx, f.c.dstNet, openstack.SecurityGroups, url.Values{"project_id": {f.projectID}, "name": {"default"}})
		if err != nil {
			return err
		}
		if len(list) != 1 {
			return fmt.Errorf("the destination project has %d default security groups", len(list))
		}
		f.groups[defaultGroup.SourceID] = list[0].ID
		f.rulesOf[list[0].ID] = list[0].Rules
		sources = append(sources, *defaultGroup)
	}
	f.ruleGroups = sources
	return nil
}

// rules deletes the automatic rules the source group lacks and creates the group's other rules in one
// bulk call.
func (f *floor) rules(ctx context.Context, g replication.SecurityGroupPlan) error {
	create, unwanted := groupRules(g, f.byGroup[g.SourceID])
	destID := f.groups[g.SourceID]
	for _, a := range unwanted {
		for _, r := range f.rulesOf[destID] {
			if r.Direction == a.direction && r.EtherType == a.ethertype && r.Protocol == "" && r.RemoteIPPrefix == "" &&
				(r.RemoteGroupID == "") == !a.self {
				if err := openstack.Delete(ctx, f.c.dstNet, openstack.SecurityGroupRules, r.ID); err != nil {
					return err
				}
			}
		}
	}
	if len(create) == 0 {
		return nil
	}
	rules := make([]openstack.SecurityGroupRule, len(create))
	for i, r := range create {
		rules[i] = openstack.SecurityGroupRule{ProjectID: f.projectID, SecurityGroupID: destID, Direction: r.Direction, EtherType: r.EtherType, Protocol: r.Protocol,
			PortRangeMin: r.PortRangeMin, PortRangeMax: r.PortRangeMax, RemoteIPPrefix: r.RemoteIPPrefix, Description: r.Description}
		if r.RemoteGroupSourceID != "" {
			rules[i].RemoteGroupID = f.groups[r.RemoteGroupSourceID]
		}
	}
	createdRules, err := openstack.BulkCreate(ctx, f.c.dstNet, openstack.SecurityGroupRules, rules)
	if err != nil {
		return err
	}
	f.created("security_group_rule", len(createdRules))
	return nil
}

func (f *floor) needsDefaultGroup(def replication.SecurityGroupPlan, rules []replication.RulePlan) bool {
	if create, unwanted := groupRules(def, rules); len(create)+len(unwanted) > 0 {
		return true
	}
	for _, r := range f.plan.Rules {
		if r.RemoteGroupSourceID == def.SourceID && r.GroupSourceID != def.SourceID {
			return true
		}
	}
	for _, p := range f.plan.Ports {
		for _, g := range p.SecurityGroupSourceIDs {
			if g == def.SourceID {
				return true
			}
		}
	}
	return false
}

func (f *floor) ports(ctx context.Context) error {
	return f.createPorts(ctx, f.portBodies())
}

func (f *floor) portBodies() []openstack.Port {
	ports := make([]openstack.Port, len(f.plan.Ports))
	for i, p := range f.plan.Ports {
		port := openstack.Port{ProjectID: f.projectID, NetworkID: f.networks[p.NetworkSourceID], Name: p.Name, Description: p.Description,
			AdminStateUp: p.AdminStateUp, MACAddress: p.MACAddress, PortSecurityEnabled: p.PortSecurityEnabled,
			AllowedAddressPairs: p.AllowedAddressPairs, SecurityGroups: []string{}}
		for _, ip := range p.FixedIPs {
			port.FixedIPs = append(port.FixedIPs, openstack.FixedIP{SubnetID: f.subnets[ip.SubnetSourceID], IPAddress: ip.IPAddress})
		}
		for _, g := range p.SecurityGroupSourceIDs {
			port.SecurityGroups = append(port.SecurityGroups, f.groups[g])
		}
		ports[i] = port
	}
	return ports
}

// createPorts creates ports with one bulk call.
func (f *floor) createPorts(ctx context.Context, ports []openstack.Port) error {
	created, err := openstack.BulkCreate(ctx, f.c.dstNet, openstack.Ports, ports)
	if err != nil {
		return err
	}
	f.created("port", len(created))
	f.mu.Lock()
	if f.portCopies == nil {
		f.portCopies = map[string]string{}
	}
	for i, p := range created {
		f.portCopies[f.plan.Ports[i].SourceID] = p.ID
	}
	f.mu.Unlock()
	// Neutron's bulk create drops allowed address pairs (seen on Zed): one update per affected port.
	for i, p := range created {
		if len(ports[i].AllowedAddressPairs) > 0 && len(p.AllowedAddressPairs) == 0 {
			if _, err := openstack.Update[openstack.Port](ctx, f.c.dstNet, openstack.Ports, p.ID, map[string]any{"allowed_address_pairs": ports[i].AllowedAddressPairs}); err != nil {
				return err
			}
		}
	}
	return nil
}

// floatingIPs allocates each planned floating IP with one call (Neutron has no bulk create for them),
// associated with its port's copy at the translated fixed IP in the same call.
func (f *floor) floatingIPs(ctx context.Context) error {
	for _, fp := range f.plan.FloatingIPs {
		body := openstack.FloatingIP{FloatingNetworkID: f.plan.ExternalNetworkID, ProjectID: f.projectID, Description: fp.Description, Tags: fp.Tags}
		if fp.PortSourceID != "" {
			body.PortID, body.FixedIPAddress = f.portCopies[fp.PortSourceID], fp.FixedIPAddress
		}
		if _, err := openstack.Create[openstack.FloatingIP](ctx, f.c.dstNet, openstack.FloatingIPs, body); err != nil {
			return err
		}
		f.created("floating_ip", 1)
	}
	return nil
}
