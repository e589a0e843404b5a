package testlab

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// The shape of the large tenant (issue 5's benchmark tenant).
const (
	LargeNetworks         = 20 // each with one /24 subnet
	LargeRouters          = 4  // each attached to LargeNetworks/LargeRouters subnets, at their gateways
	LargeRoutesPerRouter  = 5
	LargeSecurityGroups   = 50
	LargeRulesPerGroup    = 10 // one of them a remote-group reference: a tenth of all rules
	LargePorts            = 200
	LargeVIPEvery         = 10 // every tenth port is a free VIP port, the others instance ports
	LargeFloatingIPs      = 40 // the first LargeAssociatedFIPs associated with instance ports, the others free
	LargeAssociatedFIPs   = 30
	largeFIPParallel      = 4
	largeRuleBulkParallel = 4
	largePortBulkCalls    = 4
)

// LargeShape is the size of a large tenant: the counts above, times Scale (≥ 1).
type LargeShape struct {
	Scale                                                                 int
	Networks, Routers, SecurityGroups, Ports, FloatingIPs, AssociatedFIPs int
}

// LargeScaled is the shape of the large tenant times scale: every count scales, the routes and rules
// per router and group stay.
func LargeScaled(scale int) LargeShape {
	scale = max(scale, 1)
	return LargeShape{Scale: scale, Networks: LargeNetworks * scale, Routers: LargeRouters * scale, SecurityGroups: LargeSecurityGroups * scale,
		Ports: LargePorts * scale, FloatingIPs: LargeFloatingIPs * scale, AssociatedFIPs: LargeAssociatedFIPs * scale}
}

// LargeNetworkCIDR is the CIDR of large network i.
func LargeNetworkCIDR(i int) string { return fmt.Sprintf("10.100.%d.0/24", i) }

// SeedLarge builds the benchmark's large source tenant in c's region, through the API, with bulk calls
// sent in parallel where Neutron has them:
//   - LargeNetworks networks, each with a subnet 10.100.<i>.0/24 (gateway .1, pool .10-.240, DNS server
//     and DHCP on every other one);
//   - LargeRouters routers with a gateway on the external network, each attached at the gateways of
//     LargeNetworks/LargeRouters subnets (20 interfaces in all), and LargeRoutesPerRouter static routes
//     each (20 in all): next hop .250 on an attached subnet, destination a /26 inside another subnet;
//   - LargeSecurityGroups groups with LargeRulesPerGroup rules each (500 in all; one rule per group
//     references another group of the tenant as its remote group), besides Neutron's two automatic
//     egress rules per group;
//   - LargePorts ports spread over the networks, with fixed IPs, MAC addresses and one or two security
//     groups: instance ports (compute:nova with a device_id) and, every LargeVIPEvery-th, a free VIP port;
//   - LargeFloatingIPs floating IPs on the external network, with descriptions: the first
//     LargeAssociatedFIPs associated with instance ports (every fifth port, at its fixed IP), the others
//     free (one call each: Neutron has no bulk create for them);
//   - quotas in compute, network and block storage, with per-type quotas for the ssd and hdd types.
//
// On error it returns the tenant seeded so far (ProjectID set once the project exists) for cleanup.
func SeedLarge(ctx context.Context, c *openstack.Cloud, name string) (*Tenant, error) {
	return SeedLargeScaled(ctx, c, name, LargeScaled(1))
}

// SeedLargeScaled builds a large tenant of the given shape (see SeedLarge; LargeScaled).
func SeedLargeScaled(ctx context.Context, c *openstack.Cloud, name string, shape LargeShape) (*Tenant, error) {
	t := &Tenant{Name: name, Networks: map[string]string{}, Subnets: map[string]string{}, Routers: map[string]string{},
		SecurityGroups: map[string]string{}, Ports: map[string]string{}}
	s := &largeSeeder{ctx: ctx, c: c, t: t, n: shape}
	if err := s.run(); err != nil {
		return t, fmt.Errorf("seeding large tenant %s: %w", name, err)
	}
	return t, nil
}

type largeSeeder struct {
	ctx context.Context
	c   *openstack.Cloud
	t   *Tenant
	n   LargeShape
	mu  sync.Mutex

	networks []openstack.Network
	subnets  []openstack.Subnet
	groups   []openstack.SecurityGroup
	external string
}

func (s *largeSeeder) run() error {
	ctx := s.ctx
	vtypes := make(chan error, 1)
	go func() {
		var err error
		types, err := EnsureVolumeTypes(ctx, s.c, VolumeTypeNames...)
		s.mu.Lock()
		s.t.VolumeTypes = types
		s.mu.Unlock()
		vtypes <- err
	}()
	p, err := openstack.CreateProject(ctx, s.c.Identity, openstack.Project{Name: s.t.Name, Description: fmt.Sprintf("large benchmark tenant (×%d)", s.n.Scale),
		DomainID: "default", Enabled: true})
	if err != nil {
		return errors.Join(err, <-vtypes) // waits for the volume types too
	}
	s.t.ProjectID = p.ID
	if err := <-vtypes; err != nil {
		return err
	}

	// Phase 1: quotas (the defaults allow 10 groups and 100 rules), the external network, networks and
	// subnets.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		k := s.n.Scale
		return openstack.SetComputeQuotas(gctx, s.c.Compute, p.ID, map[string]int{"cores": 200 * k, "ram": 409600 * k, "instances": 100 * k, "key_pairs": 20})
	})
	g.Go(func() error {
		return openstack.SetVolumeQuotas(gctx, s.c.BlockStorage, p.ID, map[string]int{
			"volumes": 100 * s.n.Scale, "gigabytes": 5000 * s.n.Scale, "snapshots": 50,
			"gigabytes_ssd": 1000, "volumes_ssd": 40, "gigabytes_hdd": 3000, "snapshots_hdd": -1,
		})
	})
	g.Go(func() error {
		return openstack.SetNetworkQuotas(gctx, s.c.Network, p.ID, map[string]int{
			"network": 30 * s.n.Scale, "subnet": 30 * s.n.Scale, "port": 300 * s.n.Scale, "router": 8 * s.n.Scale, "security_group": 60 * s.n.Scale,
			"security_group_rule": 700 * s.n.Scale, "floatingip": s.n.FloatingIPs + 10,
		})
	})
	g.Go(func() error {
		ext, err := openstack.List[openstack.Network](gctx, s.c.Network, openstack.Networks, url.Values{"router:external": {"true"}})
		if err != nil {
			return err
		}
		if len(ext) == 0 {
			return fmt.Errorf("no external network in region %s", s.c.Region)
		}
		s.external = ext[0].ID
		return nil
	})
	g.Go(s.networksAndSubnets)
	if err := g.Wait(); err != nil {
		return err
	}

	// Phase 2: groups then their rules and the ports; routers then their interfaces and routes.
	g, gctx = errgroup.WithContext(ctx)
	groupsDone := make(chan struct{})
	g.Go(func() error {
		if err := s.securityGroups(gctx); err != nil {
			return err
		}
		close(groupsDone)
		return s.rules(gctx)
	})
	g.Go(func() error {
		select {
		case <-groupsDone:
		case <-gctx.Done():
			return gctx.Err()
		}
		return s.ports(gctx)
	})
	for k := range s.n.Routers {
		g.Go(func() error { return s.router(gctx, k) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// Phase 3: floating IPs, once the ports are on subnets the routers connect to the external network.
	return s.floatingIPs(ctx)
}

// FloatingIPPort is the port floating IP i is associated with, or -1 for a free one.
func (n LargeShape) FloatingIPPort(i int) int {
	if i >= n.AssociatedFIPs {
		return -1
	}
	return i * 5 // never a VIP port (those are the ports p with p%LargeVIPEvery == LargeVIPEvery-1)
}

// floatingIPs allocates the tenant's floating IPs, a few at a time.
func (s *largeSeeder) floatingIPs(ctx context.Context) error {
	ids := make([]string, s.n.Ports)
	addrs := make([]string, s.n.Ports)
	for p := range s.n.Ports {
		name := fmt.Sprintf("port-%03d", p)
		if p%LargeVIPEvery == LargeVIPEvery-1 {
			name = fmt.Sprintf("vip-%03d", p)
		}
		ids[p] = s.t.Ports[name]
		addrs[p] = s.n.portAddress(p)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(largeFIPParallel)
	for i := range s.n.FloatingIPs {
		body := openstack.FloatingIP{FloatingNetworkID: s.external, ProjectID: s.t.ProjectID, Description: fmt.Sprintf("public address %d", i)}
		if p := s.n.FloatingIPPort(i); p >= 0 {
			if ids[p] == "" {
				return fmt.Errorf("floating IP %d: port %d was not created", i, p)
			}
			body.PortID, body.FixedIPAddress = ids[p], addrs[p]
		}
		g.Go(func() error {
			_, err := openstack.Create[openstack.FloatingIP](gctx, s.c.Network, openstack.FloatingIPs, body)
			return err
		})
	}
	return g.Wait()
}

func (s *largeSeeder) networksAndSubnets() error {
	nets := make([]openstack.Network, s.n.Networks)
	for i := range nets {
		nets[i] = openstack.Network{ProjectID: s.t.ProjectID, Name: fmt.Sprintf("net-%02d", i),
			Description: fmt.Sprintf("large tenant network %d", i), AdminStateUp: true}
	}
	created, err := openstack.BulkCreate(s.ctx, s.c.Network, openstack.Networks, nets)
	if err != nil {
		return err
	}
	s.networks = created
	subs := make([]openstack.Subnet, s.n.Networks)
	for i, n := range created {
		gw := fmt.Sprintf("10.100.%d.1", i)
		dns := []string{}
		if i%2 == 0 {
			dns = []string{"10.100.0.53"}
		}
		subs[i] = openstack.Subnet{ProjectID: s.t.ProjectID, NetworkID: n.ID, Name: fmt.Sprintf("subnet-%02d", i),
			Description: "subnet of " + n.Name, IPVersion: 4, CIDR: LargeNetworkCIDR(i), GatewayIP: &gw,
			AllocationPools: []openstack.AllocationPool{{Start: fmt.Sprintf("10.100.%d.10", i), End: fmt.Sprintf("10.100.%d.240", i)}},
			DNSNameservers:  dns, HostRoutes: []openstack.HostRoute{}, EnableDHCP: i%2 == 0}
	}
	createdSubs, err := openstack.BulkCreate(s.ctx, s.c.Network, openstack.Subnets, subs)
	if err != nil {
		return err
	}
	s.subnets = createdSubs
	for i := range created {
		s.t.Networks[created[i].Name] = created[i].ID
		s.t.Subnets[created[i].Name] = createdSubs[i].ID
	}
	return nil
}

func (s *largeSeeder) securityGroups(ctx context.Context) error {
	groups := make([]openstack.SecurityGroup, s.n.SecurityGroups)
	for i := range groups {
		groups[i] = openstack.SecurityGroup{ProjectID: s.t.ProjectID, Name: fmt.Sprintf("sg-%02d", i), Description: fmt.Sprintf("tier %d", i)}
	}
	created, err := openstack.BulkCreate(ctx, s.c.Network, openstack.SecurityGroups, groups)
	if err != nil {
		return err
	}
	s.groups = created
	s.mu.Lock()
	for _, g := range created {
		s.t.SecurityGroups[g.Name] = g.ID
	}
	s.mu.Unlock()
	return nil
}

// LargeRules are the rules of large security group i, given the ids of all groups: ten distinct rules,
// the last one referencing the next group (the last group references itself).
func LargeRules(i int, groupIDs []string) []openstack.SecurityGroupRule {
	net := func(k int) string { return LargeNetworkCIDR(k % LargeNetworks) }
	n := len(groupIDs)
	remote := groupIDs[(i+1)%n]
	if i == n-1 {
		remote = groupIDs[i]
	}
	return []openstack.SecurityGroupRule{
		{Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(22), PortRangeMax: ptr(22), RemoteIPPrefix: net(i), Description: "ssh"},
		{Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(80), PortRangeMax: ptr(80), RemoteIPPrefix: "0.0.0.0/0"},
		{Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(443), PortRangeMax: ptr(443), RemoteIPPrefix: "0.0.0.0/0", Description: "https"},
		{Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(8000 + i), PortRangeMax: ptr(8000 + i), RemoteIPPrefix: net(i + 1)},
		{Direction: "ingress", EtherType: "IPv4", Protocol: "udp", PortRangeMin: ptr(53), PortRangeMax: ptr(53), RemoteIPPrefix: net(i + 2)},
		{Direction: "ingress", EtherType: "IPv4", Protocol: "icmp", PortRangeMin: ptr(8), PortRangeMax: ptr(0), RemoteIPPrefix: net(i + 3)},
		{Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(5432), PortRangeMax: ptr(5432), RemoteIPPrefix: fmt.Sprintf("10.100.%d.0/25", (i+4)%LargeNetworks)},
		{Direction: "egress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(3306), PortRangeMax: ptr(3306), RemoteIPPrefix: net(i + 5), Description: "to the databases"},
		{Direction: "ingress", EtherType: "IPv6", Protocol: "tcp", PortRangeMin: ptr(22), PortRangeMax: ptr(22), RemoteIPPrefix: fmt.Sprintf("fd00:100:%x::/64", i)},
		{Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(9000), PortRangeMax: ptr(9100), RemoteGroupID: remote, Description: "cluster"},
	}
}

// rules creates each group's rules with one bulk call per group (Neutron refuses a bulk spanning groups),
// a few groups at a time.
func (s *largeSeeder) rules(ctx context.Context) error {
	ids := make([]string, len(s.groups))
	for i, g := range s.groups {
		ids[i] = g.ID
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(largeRuleBulkParallel)
	for i, sg := range s.groups {
		g.Go(func() error {
			rules := LargeRules(i, ids)
			for k := range rules {
				rules[k].SecurityGroupID = sg.ID
				rules[k].ProjectID = s.t.ProjectID
			}
			_, err := openstack.BulkCreate(gctx, s.c.Network, openstack.SecurityGroupRules, rules)
			return err
		})
	}
	return g.Wait()
}

// router creates router k with its gateway, attaches it at the gateways of its share of the subnets
// (one after another: Neutron serialises a router's interfaces) and sets its static routes.
func (s *largeSeeder) router(ctx context.Context, k int) error {
	r, err := openstack.Create[openstack.Router](ctx, s.c.Network, openstack.Routers, openstack.Router{
		ProjectID: s.t.ProjectID, Name: fmt.Sprintf("router-%d", k), Description: fmt.Sprintf("router %d", k), AdminStateUp: true,
		ExternalGateway: &openstack.GatewayInfo{NetworkID: s.external},
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.t.Routers[r.Name] = r.ID
	s.mu.Unlock()
	per := LargeNetworks / LargeRouters
	var routes []openstack.Route
	for j := range per {
		n := k*per + j
		if _, err := openstack.AddRouterInterface(ctx, s.c.Network, r.ID, s.subnets[n].ID, ""); err != nil {
			return err
		}
		if j < LargeRoutesPerRouter {
			routes = append(routes, openstack.Route{
				Destination: fmt.Sprintf("10.100.%d.192/26", (n+per)%s.n.Networks),
				NextHop:     fmt.Sprintf("10.100.%d.250", n),
			})
		}
	}
	_, err = openstack.Update[openstack.Router](ctx, s.c.Network, openstack.Routers, r.ID, map[string]any{"routes": routes})
	return err
}

// PortMAC is the MAC address of large port p.
func (n LargeShape) PortMAC(p int) string {
	return fmt.Sprintf("fa:16:3e:64:%02x:%02x", p%n.Networks, p/n.Networks)
}

// portAddress is the fixed IP of large port p, on network p % Networks.
func (n LargeShape) portAddress(p int) string {
	return fmt.Sprintf("10.100.%d.%d", p%n.Networks, 20+p/n.Networks)
}

// ports creates the ports in a few bulk calls sent in parallel.
func (s *largeSeeder) ports(ctx context.Context) error {
	ports := make([]openstack.Port, s.n.Ports)
	for p := range ports {
		n := p % s.n.Networks
		groups := []string{s.groups[p%s.n.SecurityGroups].ID}
		if p%3 == 0 {
			groups = append(groups, s.groups[(p+7)%s.n.SecurityGroups].ID)
		}
		port := openstack.Port{ProjectID: s.t.ProjectID, NetworkID: s.networks[n].ID, Name: fmt.Sprintf("port-%03d", p),
			Description: fmt.Sprintf("port %d", p), AdminStateUp: true, MACAddress: s.n.PortMAC(p),
			FixedIPs:       []openstack.FixedIP{{SubnetID: s.subnets[n].ID, IPAddress: s.n.portAddress(p)}},
			SecurityGroups: groups, DeviceOwner: "compute:nova"}
		if p%LargeVIPEvery != LargeVIPEvery-1 {
			port.DeviceID = fmt.Sprintf("5c1f1a8e-0b7e-4d53-9c55-%012x", p)
		} else {
			port.Name = fmt.Sprintf("vip-%03d", p)
		}
		ports[p] = port
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(largePortBulkCalls)
	per := (len(ports) + largePortBulkCalls*s.n.Scale - 1) / (largePortBulkCalls * s.n.Scale)
	for start := 0; start < len(ports); start += per {
		chunk := ports[start:min(start+per, len(ports))]
		g.Go(func() error {
			created, err := openstack.BulkCreate(gctx, s.c.Network, openstack.Ports, chunk)
			if err != nil {
				return err
			}
			s.mu.Lock()
			for _, p := range created {
				s.t.Ports[p.Name] = p.ID
			}
			s.mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}
