package testlab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Tenant is a seeded source tenant: its project and its objects' ids by name.
type Tenant struct {
	ProjectID      string
	Name           string
	Networks       map[string]string
	Subnets        map[string]string
	Routers        map[string]string
	SecurityGroups map[string]string
	AddressGroups  map[string]string
	Ports          map[string]string
	VolumeTypes    map[string]string // name -> id in the tenant's region
	ForeignProject string            // a second project whose group a rule references
}

// VolumeTypeNames are created in every lab region the tests use: "ssd" and "hdd" carry per-type quotas
// in the source; "fast" is a destination type several source types can be mapped onto.
var VolumeTypeNames = []string{"ssd", "hdd", "fast"}

// EnsureVolumeTypes makes sure the named volume types exist in c's region and returns their ids.
func EnsureVolumeTypes(ctx context.Context, c *openstack.Cloud, names ...string) (map[string]string, error) {
	types, err := openstack.VolumeTypes(ctx, c.BlockStorage)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for _, t := range types {
		ids[t.Name] = t.ID
	}
	for _, n := range names {
		if _, ok := ids[n]; ok {
			continue
		}
		t, err := openstack.CreateVolumeType(ctx, c.BlockStorage, n, "lab volume type "+n)
		if err != nil {
			return nil, err
		}
		ids[n] = t.ID
	}
	return ids, nil
}

// Suffix returns a short random suffix for unique names.
func Suffix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func ptr[T any](v T) *T { return &v }

// SeedThreeTier builds a realistic source tenant in c's region, through the API:
//   - networks web, app, db (subnets 10.10.1.0/24, 10.10.2.0/24, 10.10.3.0/24 with allocation pools, DNS
//     servers and host routes) and mgmt (10.10.9.0/24, no gateway, not routed);
//   - router edge with a gateway on the external network, interfaces on web and db at their gateways and
//     on app at 10.10.2.254, and static routes: 10.10.3.128/25 via 10.10.2.10 (kept) and 192.168.100.0/24
//     via 10.10.1.20 (dropped: outside every subnet);
//   - security groups web, app, db (stateless) referencing each other and themselves, rules with CIDRs inside the
//     subnets, and a rule referencing a group of another project (reported, not copied);
//   - address group "office" (10.10.1.32/27 in web, 10.10.3.0/26 in db, 192.0.2.0/24 outside every subnet)
//     matched by a rule of db, and one of another project matched by a rule of web (reported, not copied);
//   - instance ports (compute:nova with a device_id) and a free VIP port, with fixed IPs, MACs, security
//     groups and an allowed address pair, and one unowned port (skipped);
//   - quotas in compute, network and block storage, with per-type quotas for ssd and hdd.
func SeedThreeTier(ctx context.Context, c *openstack.Cloud, name string) (*Tenant, error) {
	s := &seeder{ctx: ctx, c: c, t: &Tenant{Name: name, Networks: map[string]string{}, Subnets: map[string]string{},
		Routers: map[string]string{}, SecurityGroups: map[string]string{}, Ports: map[string]string{}}}
	steps := []func() error{s.project, s.quotas, s.networks, s.router, s.securityGroups, s.ports}
	for _, step := range steps {
		if err := step(); err != nil {
			return s.t, fmt.Errorf("seeding %s: %w", name, err)
		}
	}
	return s.t, nil
}

type seeder struct {
	ctx context.Context
	c   *openstack.Cloud
	t   *Tenant
}

func (s *seeder) project() error {
	p, err := openstack.CreateProject(s.ctx, s.c.Identity, openstack.Project{Name: s.t.Name, Description: "three-tier sample tenant", DomainID: "default", Enabled: true})
	if err != nil {
		return err
	}
	s.t.ProjectID = p.ID
	other, err := openstack.CreateProject(s.ctx, s.c.Identity, openstack.Project{Name: s.t.Name + "-other", Description: "another tenant", DomainID: "default", Enabled: true})
	if err != nil {
		return err
	}
	s.t.ForeignProject = other.ID
	s.t.VolumeTypes, err = EnsureVolumeTypes(s.ctx, s.c, VolumeTypeNames...)
	return err
}

func (s *seeder) quotas() error {
	if err := openstack.SetComputeQuotas(s.ctx, s.c.Compute, s.t.ProjectID, map[string]int{"cores": 40, "ram": 81920, "instances": 20, "key_pairs": 15}); err != nil {
		return err
	}
	if err := openstack.SetNetworkQuotas(s.ctx, s.c.Network, s.t.ProjectID, map[string]int{"network": 20, "subnet": 25, "port": 120, "router": 4, "security_group": 15, "security_group_rule": 150, "floatingip": 6}); err != nil {
		return err
	}
	return openstack.SetVolumeQuotas(s.ctx, s.c.BlockStorage, s.t.ProjectID, map[string]int{
		"volumes": 30, "gigabytes": 1000, "snapshots": 20,
		"gigabytes_ssd": 300, "volumes_ssd": 10, "gigabytes_hdd": 500, "snapshots_hdd": -1,
	})
}

type subnetSeed struct {
	network, cidr string
	gateway       *string
	pools         []openstack.AllocationPool
	dns           []string
	routes        []openstack.HostRoute
}

func (s *seeder) networks() error {
	seeds := []subnetSeed{
		{"web", "10.10.1.0/24", ptr("10.10.1.1"), []openstack.AllocationPool{{Start: "10.10.1.10", End: "10.10.1.99"}, {Start: "10.10.1.150", End: "10.10.1.200"}},
			[]string{"10.10.1.53", "9.9.9.9"}, []openstack.HostRoute{{Destination: "10.20.0.0/16", NextHop: "10.10.1.254"}}},
		{"app", "10.10.2.0/24", ptr("10.10.2.1"), []openstack.AllocationPool{{Start: "10.10.2.20", End: "10.10.2.200"}},
			[]string{"10.10.1.53"}, []openstack.HostRoute{{Destination: "10.30.0.0/16", NextHop: "10.10.2.250"}}},
		{"db", "10.10.3.0/24", ptr("10.10.3.1"), []openstack.AllocationPool{{Start: "10.10.3.10", End: "10.10.3.90"}}, nil, nil},
		{"mgmt", "10.10.9.0/24", nil, []openstack.AllocationPool{{Start: "10.10.9.2", End: "10.10.9.254"}}, nil, nil},
	}
	for i, seed := range seeds {
		n, err := openstack.Create[openstack.Network](s.ctx, s.c.Network, openstack.Networks, map[string]any{
			"name": seed.network, "description": seed.network + " tier", "project_id": s.t.ProjectID, "admin_state_up": i != 3,
		})
		if err != nil {
			return err
		}
		s.t.Networks[seed.network] = n.ID
		sub, err := openstack.Create[openstack.Subnet](s.ctx, s.c.Network, openstack.Subnets, openstack.Subnet{
			ProjectID: s.t.ProjectID, NetworkID: n.ID, Name: seed.network + "-subnet", Description: "subnet of " + seed.network,
			IPVersion: 4, CIDR: seed.cidr, GatewayIP: seed.gateway, AllocationPools: seed.pools,
			DNSNameservers: nonNil(seed.dns), HostRoutes: nonNil(seed.routes), EnableDHCP: seed.network != "db",
		})
		if err != nil {
			return err
		}
		s.t.Subnets[seed.network] = sub.ID
	}
	return nil
}

func (s *seeder) router() error {
	external, err := openstack.List[openstack.Network](s.ctx, s.c.Network, openstack.Networks, url.Values{"router:external": {"true"}})
	if err != nil || len(external) == 0 {
		return fmt.Errorf("no external network in the lab region (%v)", err)
	}
	r, err := openstack.Create[openstack.Router](s.ctx, s.c.Network, openstack.Routers, openstack.Router{
		ProjectID: s.t.ProjectID, Name: "edge", Description: "edge router", AdminStateUp: true,
		ExternalGateway: &openstack.GatewayInfo{NetworkID: external[0].ID},
	})
	if err != nil {
		return err
	}
	s.t.Routers["edge"] = r.ID
	for _, tier := range []string{"web", "db"} {
		if _, err := openstack.AddRouterInterface(s.ctx, s.c.Network, r.ID, s.t.Subnets[tier], ""); err != nil {
			return err
		}
	}
	port, err := openstack.Create[openstack.Port](s.ctx, s.c.Network, openstack.Ports, map[string]any{
		"project_id": s.t.ProjectID, "network_id": s.t.Networks["app"], "fixed_ips": []openstack.FixedIP{{SubnetID: s.t.Subnets["app"], IPAddress: "10.10.2.254"}},
	})
	if err != nil {
		return err
	}
	if _, err := openstack.AddRouterInterface(s.ctx, s.c.Network, r.ID, "", port.ID); err != nil {
		return err
	}
	_, err = openstack.Update[openstack.Router](s.ctx, s.c.Network, openstack.Routers, r.ID, map[string]any{"routes": []openstack.Route{
		{Destination: "10.10.3.128/25", NextHop: "10.10.2.10"},
		{Destination: "192.168.100.0/24", NextHop: "10.10.1.20"},
	}})
	return err
}

func (s *seeder) securityGroups() error {
	for _, name := range []string{"web", "app", "db"} {
		body := map[string]any{"name": name, "description": name + " tier", "project_id": s.t.ProjectID}
		if name == "db" {
			body["stateful"] = false // a stateless group, to be copied as one
		}
		g, err := openstack.Create[openstack.SecurityGroup](s.ctx, s.c.Network, openstack.SecurityGroups, body)
		if err != nil {
			return err
		}
		s.t.SecurityGroups[name] = g.ID
	}
	foreign, err := openstack.Create[openstack.SecurityGroup](s.ctx, s.c.Network, openstack.SecurityGroups, map[string]any{
		"name": "partner", "project_id": s.t.ForeignProject,
	})
	if err != nil {
		return err
	}
	office, err := openstack.Create[openstack.AddressGroup](s.ctx, s.c.Network, openstack.AddressGroups, openstack.AddressGroup{
		ProjectID: s.t.ProjectID, Name: "office", Description: "office and db admins", Addresses: []string{"10.10.1.32/27", "10.10.3.0/26", "192.0.2.0/24"},
	})
	if err != nil {
		return err
	}
	s.t.AddressGroups = map[string]string{"office": office.ID}
	partners, err := openstack.Create[openstack.AddressGroup](s.ctx, s.c.Network, openstack.AddressGroups, openstack.AddressGroup{
		ProjectID: s.t.ForeignProject, Name: "partners", Addresses: []string{"198.51.100.0/24"},
	})
	if err != nil {
		return err
	}
	g := s.t.SecurityGroups
	rules := []openstack.SecurityGroupRule{
		{SecurityGroupID: g["web"], Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(80), PortRangeMax: ptr(80), RemoteIPPrefix: "0.0.0.0/0", Description: "http"},
		{SecurityGroupID: g["web"], Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(443), PortRangeMax: ptr(443)},
		{SecurityGroupID: g["web"], Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(22), PortRangeMax: ptr(22), RemoteIPPrefix: "10.10.9.0/24", Description: "ssh from mgmt"},
		{SecurityGroupID: g["app"], Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(8080), PortRangeMax: ptr(8080), RemoteGroupID: g["web"]},
		{SecurityGroupID: g["app"], Direction: "ingress", EtherType: "IPv4", Protocol: "icmp", RemoteGroupID: g["app"], Description: "ping among app"},
		{SecurityGroupID: g["app"], Direction: "ingress", EtherType: "IPv4", Protocol: "udp", PortRangeMin: ptr(5000), PortRangeMax: ptr(5100), RemoteIPPrefix: "10.10.2.0/25"},
		{SecurityGroupID: g["db"], Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(5432), PortRangeMax: ptr(5432), RemoteGroupID: g["app"]},
		{SecurityGroupID: g["db"], Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(5432), PortRangeMax: ptr(5432), RemoteGroupID: foreign.ID, Description: "partner replica"},
		{SecurityGroupID: g["db"], Direction: "ingress", EtherType: "IPv4", Protocol: "icmp", PortRangeMin: ptr(8), PortRangeMax: ptr(0), RemoteIPPrefix: "10.10.3.0/24"},
		{SecurityGroupID: g["db"], Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(22), PortRangeMax: ptr(22), RemoteAddressGroupID: office.ID, Description: "ssh from the office"},
		{SecurityGroupID: g["web"], Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(8443), PortRangeMax: ptr(8443), RemoteAddressGroupID: partners.ID, Description: "partners"},
	}
	for _, r := range rules {
		r.ProjectID = s.t.ProjectID
		if _, err := openstack.Create[openstack.SecurityGroupRule](s.ctx, s.c.Network, openstack.SecurityGroupRules, r); err != nil {
			return err
		}
	}
	// The db group drops Neutron's automatic IPv6 egress rule, so that rule sets differ from the defaults.
	existing, err := openstack.List[openstack.SecurityGroupRule](s.ctx, s.c.Network, openstack.SecurityGroupRules, url.Values{"security_group_id": {g["db"]}, "ethertype": {"IPv6"}})
	if err != nil {
		return err
	}
	for _, r := range existing {
		if err := openstack.Delete(s.ctx, s.c.Network, openstack.SecurityGroupRules, r.ID); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) ports() error {
	type portSeed struct {
		name, network, ip, mac, owner, device string
		groups                                []string
		pairs                                 []openstack.AddressPair
	}
	g := s.t.SecurityGroups
	seeds := []portSeed{
		{"web-1", "web", "10.10.1.11", "fa:16:3e:10:01:11", "compute:nova", "5c1f1a8e-0b7e-4d53-9c55-0000000000a1", []string{g["web"]}, nil},
		{"web-2", "web", "10.10.1.12", "fa:16:3e:10:01:12", "compute:nova", "5c1f1a8e-0b7e-4d53-9c55-0000000000a2", []string{g["web"], g["app"]}, nil},
		{"app-1", "app", "10.10.2.11", "fa:16:3e:10:02:11", "compute:nova", "5c1f1a8e-0b7e-4d53-9c55-0000000000b1", []string{g["app"]}, nil},
		{"db-1", "db", "10.10.3.11", "fa:16:3e:10:03:11", "compute:nova", "5c1f1a8e-0b7e-4d53-9c55-0000000000c1", []string{g["db"]},
			[]openstack.AddressPair{{IPAddress: "10.10.3.100"}}},
		{"db-vip", "db", "10.10.3.100", "fa:16:3e:10:03:64", "compute:nova", "", []string{g["db"]}, nil},
		{"scratch", "app", "10.10.2.99", "", "", "", []string{}, nil},
	}
	for _, p := range seeds {
		body := map[string]any{
			"name": p.name, "description": "port " + p.name, "project_id": s.t.ProjectID, "network_id": s.t.Networks[p.network],
			"fixed_ips":       []openstack.FixedIP{{SubnetID: s.t.Subnets[p.network], IPAddress: p.ip}},
			"security_groups": p.groups, "device_owner": p.owner, "device_id": p.device,
		}
		if p.mac != "" {
			body["mac_address"] = p.mac
		}
		if p.pairs != nil {
			body["allowed_address_pairs"] = p.pairs
		}
		port, err := openstack.Create[openstack.Port](s.ctx, s.c.Network, openstack.Ports, body)
		if err != nil {
			return err
		}
		s.t.Ports[p.name] = port.ID
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
