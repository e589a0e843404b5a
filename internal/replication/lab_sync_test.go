package replication_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestLabSync keeps replicas in sync (issue #15): a tenant is migrated, its source changed through the
// API, Compare must report the changes, and Execute with the prior id maps and Prune must make the
// destination equal to the source again (differences), keep the ids of what did not change, and leave
// Compare empty.
func TestLabSync(t *testing.T) {
	testlab.Require(t)
	src := testlab.Connect(t, testlab.RegionOne)
	t.Run("every kind of change", func(t *testing.T) {
		t.Parallel()
		syncEveryKind(t, src)
	})
	t.Run("subnet remap changed", func(t *testing.T) {
		t.Parallel()
		syncRemap(t, src)
	})
	t.Run("cancelled midway", func(t *testing.T) {
		t.Parallel()
		syncCancelled(t, src)
	})
	t.Run("generated tenants mutated at random", func(t *testing.T) {
		t.Parallel()
		for _, seed := range []uint64{3, 5, 8} {
			t.Run(fmt.Sprint(seed), func(t *testing.T) {
				t.Parallel()
				syncGenerated(t, src, seed)
			})
		}
	})
}

// replica is a migrated tenant: its source, mappings and the last run's result.
type replica struct {
	src, dst *openstack.Cloud
	tenant   *testlab.GenTenant
	mig      replication.Migration
	res      *replication.Result
}

// migrate seeds spec in the source and migrates it with m into RegionTwo.
func migrate(t *testing.T, src *openstack.Cloud, spec testlab.GenSpec, name string, m func(*testlab.GenTenant) replication.Mappings) *replica {
	t.Helper()
	ctx := context.Background()
	tenant, err := testlab.SeedGenerated(ctx, src, name+"-"+testlab.Suffix(), spec)
	if tenant != nil {
		t.Cleanup(func() {
			cleanupProject(t, src, tenant.ProjectID)
			cleanupProject(t, src, tenant.ForeignProject)
			_ = tenant.Cleanup(context.Background(), src) // what is not the projects' (the generated subnet pools)
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	dst := testlab.Connect(t, testlab.RegionTwo)
	if _, err := testlab.EnsureVolumeTypes(ctx, dst, testlab.VolumeTypeNames...); err != nil {
		t.Fatal(err)
	}
	r := &replica{src: src, dst: dst, tenant: tenant, mig: replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst,
		Mappings: m(tenant), Target: replication.Target{Name: name + "-copy-" + testlab.Suffix()}}}
	plan, res, err := r.mig.Run(ctx, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
	}
	if err != nil {
		t.Fatal(err)
	}
	r.res = res
	// A fresh copy is in sync with its plan.
	if d := r.compare(t, plan); !d.Empty() {
		t.Fatalf("a fresh copy differs from its plan: %v", d.Summary())
	}
	return r
}

// compare lists the destination and compares it with plan (a new plan of the source when nil).
func (r *replica) compare(t *testing.T, plan *replication.Plan) replication.Drift {
	t.Helper()
	ctx := context.Background()
	if plan == nil {
		var err error
		if plan, err = r.mig.Plan(ctx); err != nil {
			t.Fatal(err)
		}
	}
	objects, err := replication.ListDestination(ctx, r.dst, r.res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	quotas, err := replication.ReadQuotas(ctx, r.dst, r.res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	return replication.Compare(plan, r.res.IDMaps, objects, &quotas)
}

// sync runs the migration again with the prior id maps and Prune, and checks the destination is then
// equal to the source and in sync with the plan.
func (r *replica) sync(t *testing.T, ctx context.Context) *replication.Result {
	t.Helper()
	plan, err := r.mig.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	prior := r.res.IDMaps
	res, err := replication.Execute(ctx, r.dst, plan, replication.Options{ProjectID: r.res.ProjectID, Previous: &r.res.Credentials, Prior: &prior, Prune: true})
	if err != nil {
		t.Errorf("the sync failed: %v", err)
		return res
	}
	r.res = res
	for _, d := range differences(context.Background(), r.src, r.tenant, r.dst, r.mig.Mappings, res) {
		t.Error(d)
	}
	if d := r.compare(t, plan); !d.Empty() {
		t.Errorf("after the sync the destination still differs: %v", d.Summary())
	}
	return res
}

// kept checks the objects named by ids (source ids) kept their destination ids.
func kept(t *testing.T, what string, before, after map[string]string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if before[id] == "" || before[id] != after[id] {
			t.Errorf("%s %s: destination id %q before the sync, %q after", what, id, before[id], after[id])
		}
	}
}

// syncGenerated migrates a generated tenant, mutates its source at random and syncs.
func syncGenerated(t *testing.T, src *openstack.Cloud, seed uint64) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 15))
	spec := testlab.Generate(seed)
	rep := migrate(t, src, spec, fmt.Sprintf("sync%d", seed), func(tenant *testlab.GenTenant) replication.Mappings {
		return replication.Mappings{SyncInstancePorts: true}
	})
	done := mutate(t, ctx, r, rep)
	if len(done) == 0 {
		t.Fatal("no mutation")
	}
	t.Logf("seed %d: %s", seed, strings.Join(done, "; "))
	d := rep.compare(t, nil)
	if d.Empty() {
		t.Fatalf("Compare found nothing after %v", done)
	}
	t.Logf("drift: %v", d.Summary())
	before := rep.res.IDMaps
	res := rep.sync(t, ctx)
	if res != rep.res {
		t.Fatalf("the sync failed")
	}
	t.Logf("created %v updated %v removed %v", res.Created, res.Updated, res.Removed)
	// Nothing was replaced: every object still copied kept its destination id.
	after := res.IDMaps
	for i, k := range before.Kinds() {
		now := *after.Kinds()[i].IDs
		for s, id := range *k.IDs {
			if d, ok := now[s]; ok && d != id {
				t.Errorf("%s %s: destination id %s before the sync, %s after", k.Kind, s, id, d)
			}
		}
	}
	if sum(res.Created) != 0 && res.Created["security_group_rule"] != sum(res.Created) {
		t.Errorf("the sync created %v: only rules were added", res.Created)
	}
}

// mutate changes the source tenant at random through the API: names and descriptions, tags, subnet
// attributes, rules, ports, address groups, quotas; it returns what it did.
func mutate(t *testing.T, ctx context.Context, r *rand.Rand, rep *replica) []string {
	t.Helper()
	c, tenant := rep.src, rep.tenant
	var done []string
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		done = append(done, what)
	}
	for i, id := range tenant.Networks {
		if r.IntN(2) == 0 {
			_, err := openstack.Update[openstack.Network](ctx, c.Network, openstack.Networks, id, map[string]any{"name": fmt.Sprintf("renamed-net-%d", i), "description": "changed"})
			must("rename network "+fmt.Sprint(i), err)
		}
		for j, sid := range tenant.Subnets[i] {
			if r.IntN(3) == 0 {
				body := map[string]any{"name": fmt.Sprintf("renamed-subnet-%d-%d", i, j)}
				if tenant.Spec.Networks[i].Subnets[j].IPVersion == 4 {
					body["dns_nameservers"] = []string{"8.8.4.4", "8.8.8.8"}
				}
				_, err := openstack.Update[openstack.Subnet](ctx, c.Network, openstack.Subnets, sid, body)
				must("change subnet "+fmt.Sprint(i, j), err)
			}
		}
	}
	for i, id := range tenant.Routers {
		if r.IntN(2) == 0 {
			_, err := openstack.Update[openstack.Router](ctx, c.Network, openstack.Routers, id, map[string]any{"description": "changed router", "admin_state_up": true})
			must("change router "+fmt.Sprint(i), err)
			must("tag router "+fmt.Sprint(i), openstack.SetTags(ctx, c.Network, openstack.Routers, id, []string{"synced"}))
		}
	}
	for i, id := range tenant.SecurityGroups {
		if r.IntN(2) == 0 {
			_, err := openstack.Update[openstack.SecurityGroup](ctx, c.Network, openstack.SecurityGroups, id, map[string]any{"name": fmt.Sprintf("renamed-sg-%d", i)})
			must("rename group "+fmt.Sprint(i), err)
		}
		if r.IntN(2) == 0 {
			_, err := openstack.Create[openstack.SecurityGroupRule](ctx, c.Network, openstack.SecurityGroupRules, openstack.SecurityGroupRule{
				SecurityGroupID: id, Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(9000 + i), PortRangeMax: ptr(9000 + i), RemoteGroupID: id})
			must("add a rule to group "+fmt.Sprint(i), err)
		}
		if r.IntN(3) == 0 {
			rules, err := openstack.List[openstack.SecurityGroupRule](ctx, c.Network, openstack.SecurityGroupRules, url.Values{"security_group_id": {id}})
			if err == nil && len(rules) > 0 {
				err = openstack.Delete(ctx, c.Network, openstack.SecurityGroupRules, rules[r.IntN(len(rules))].ID)
			}
			must("remove a rule of group "+fmt.Sprint(i), err)
		}
	}
	for i, id := range tenant.AddressGroups {
		if r.IntN(2) == 0 {
			must("add an address to address group "+fmt.Sprint(i), openstack.ChangeAddresses(ctx, c.Network, id, true, []string{fmt.Sprintf("192.0.2.%d/32", 10+i)}))
		}
	}
	removed := 0
	for i, id := range tenant.Ports {
		switch r.IntN(4) {
		case 0:
			if removed > 0 {
				continue
			}
			must("remove port "+fmt.Sprint(i), openstack.Delete(ctx, c.Network, openstack.Ports, id))
			tenant.Ports[i] = ""
			removed++
		case 1:
			_, err := openstack.Update[openstack.Port](ctx, c.Network, openstack.Ports, id, map[string]any{"name": fmt.Sprintf("renamed-port-%d", i), "admin_state_up": true})
			must("rename port "+fmt.Sprint(i), err)
		}
	}
	if r.IntN(2) == 0 || len(done) == 0 {
		tenant.Spec.Compute = maps.Clone(tenant.Spec.Compute)
		tenant.Spec.Compute["cores"]++
		must("change the cores quota", openstack.SetComputeQuotas(ctx, c.Compute, tenant.ProjectID, map[string]int{"cores": tenant.Spec.Compute["cores"]}))
	}
	return done
}

// drift checks that Compare reports exactly these names for one kind and action (add, remove), or
// among its changes the name with at least these attributes.
type driftCheck struct {
	kind, action, name string
	attrs              []string
}

func checkDrift(t *testing.T, d replication.Drift, checks []driftCheck) {
	t.Helper()
	for _, c := range checks {
		k := d.Kinds[c.kind]
		if k == nil {
			t.Errorf("Compare reports no %s at all, want %s %s", c.kind, c.action, c.name)
			continue
		}
		switch c.action {
		case "add":
			if !slices.Contains(k.Add, c.name) {
				t.Errorf("Compare: %s add = %v, want %s among them", c.kind, k.Add, c.name)
			}
		case "remove":
			if !slices.Contains(k.Remove, c.name) {
				t.Errorf("Compare: %s remove = %v, want %s among them", c.kind, k.Remove, c.name)
			}
		case "change":
			i := slices.IndexFunc(k.Change, func(ch replication.Change) bool { return ch.Name == c.name })
			if i < 0 {
				t.Errorf("Compare: %s change = %+v, want %s among them", c.kind, k.Change, c.name)
				continue
			}
			for _, a := range c.attrs {
				if !slices.Contains(k.Change[i].Attributes, a) {
					t.Errorf("Compare: %s change of %s = %v, want %s among them", c.kind, c.name, k.Change[i].Attributes, a)
				}
			}
		}
	}
}

// threeNetworks is a hand-made tenant: networks a (subnets a1, a2), b (b1) and c (c1); router r1 with a
// gateway, interfaces on a1, b1 (away from the gateway) and c1 and two routes, router r2 on a2; groups
// sg-web, sg-db (referencing each other and address group office) and sg-old; address groups office and
// old; instance ports p-web, p-db (with an address pair), p-c, and a free VIP port p-vip.
func threeNetworks() testlab.GenSpec {
	tcp := func(port, remoteGroup, remoteAG int) testlab.GenRule {
		return testlab.GenRule{Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", Min: ptr(port), Max: ptr(port), RemoteGroup: remoteGroup, RemoteAddressGroup: remoteAG}
	}
	web := tcp(80, -1, -1)
	web.RemoteIP = "0.0.0.0/0"
	return testlab.GenSpec{
		Seed: 1500,
		Networks: []testlab.GenNetwork{
			{Name: "net-a", Description: "a", AdminStateUp: true, Subnets: []testlab.GenSubnet{
				{Name: "a1", IPVersion: 4, CIDR: "10.61.1.0/24", EnableDHCP: true, Pools: [][2]string{{"10.61.1.10", "10.61.1.99"}},
					DNS: []string{"10.61.1.53", "9.9.9.9"}, HostRoutes: [][2]string{{"172.16.0.0/16", "10.61.1.230"}}},
				{Name: "a2", IPVersion: 4, CIDR: "10.61.2.0/24", EnableDHCP: true},
			}},
			{Name: "net-b", Description: "b", AdminStateUp: true, Subnets: []testlab.GenSubnet{{Name: "b1", IPVersion: 4, CIDR: "10.61.3.0/24", EnableDHCP: true}}},
			{Name: "net-c", Description: "c", AdminStateUp: true, Subnets: []testlab.GenSubnet{{Name: "c1", IPVersion: 4, CIDR: "10.61.4.0/24", EnableDHCP: true}}},
		},
		Routers: []testlab.GenRouter{
			{Name: "r1", Description: "edge", AdminStateUp: true, Gateway: true,
				Interfaces: []testlab.GenInterface{{Network: 0, Subnet: 0}, {Network: 1, Subnet: 0, IP: "10.61.3.250"}, {Network: 2, Subnet: 0}},
				Routes:     [][2]string{{"10.61.3.192/26", "10.61.1.240"}, {"10.61.4.64/26", "10.61.4.240"}}},
			{Name: "r2", AdminStateUp: true, Interfaces: []testlab.GenInterface{{Network: 0, Subnet: 1}}},
		},
		SecurityGroups: []testlab.GenGroup{
			{Name: "sg-web", Description: "web", Stateful: true, Rules: []testlab.GenRule{web, tcp(22, 1, -1), tcp(8080, 2, -1)}},
			{Name: "sg-db", Description: "db", Stateful: true, Rules: []testlab.GenRule{tcp(5432, 0, -1), tcp(22, -1, 0)}},
			{Name: "sg-old", Description: "old", Stateful: true, Rules: []testlab.GenRule{tcp(7, -1, -1)}},
		},
		AddressGroups: []testlab.GenAddressGroup{{Name: "office", Addresses: []string{"10.61.1.32/27"}}, {Name: "old", Addresses: []string{"198.51.100.0/24"}}},
		Ports: []testlab.GenPort{
			{Name: "p-web", Network: 0, MAC: "fa:16:3e:61:00:11", Owner: "compute:nova", DeviceID: "61000000-0000-4000-8000-000000000011", AdminStateUp: true,
				FixedIPs: []testlab.GenFixedIP{{Subnet: 0, IP: "10.61.1.11"}}, Groups: []int{0}},
			{Name: "p-db", Network: 1, MAC: "fa:16:3e:61:00:12", Owner: "compute:nova", DeviceID: "61000000-0000-4000-8000-000000000012", AdminStateUp: true,
				FixedIPs: []testlab.GenFixedIP{{Subnet: 0, IP: "10.61.3.11"}}, Groups: []int{1}, Pairs: [][2]string{{"10.61.3.100", ""}}},
			{Name: "p-vip", Network: 1, MAC: "fa:16:3e:61:00:13", Owner: "compute:nova", AdminStateUp: true,
				FixedIPs: []testlab.GenFixedIP{{Subnet: 0, IP: "10.61.3.100"}}, Groups: []int{1}},
			{Name: "p-c", Network: 2, MAC: "fa:16:3e:61:00:14", Owner: "compute:nova", DeviceID: "61000000-0000-4000-8000-000000000014", AdminStateUp: true,
				FixedIPs: []testlab.GenFixedIP{{Subnet: 0, IP: "10.61.4.11"}}, Groups: []int{2}},
		},
		Compute: map[string]int{"cores": 20, "instances": 10},
		Network: map[string]int{"network": 10, "subnet": 20, "port": 60, "router": 5, "security_group": 10, "security_group_rule": 100},
		Volume:  map[string]int{"volumes": 10, "gigabytes": 100},
	}
}

// syncEveryKind changes the source in every way (round 1), then moves a subnet to another CIDR
// (round 2), syncing after each.
func syncEveryKind(t *testing.T, src *openstack.Cloud) {
	ctx := context.Background()
	rep := migrate(t, src, threeNetworks(), "everykind", func(*testlab.GenTenant) replication.Mappings {
		return replication.Mappings{SyncInstancePorts: true}
	})
	c, tn := src.Network, rep.tenant
	N, S, R, G, A, P := tn.Networks, tn.Subnets, tn.Routers, tn.SecurityGroups, tn.AddressGroups, tn.Ports
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	update := func(r openstack.Resource, id string, body map[string]any) {
		t.Helper()
		_, err := openstack.Update[map[string]any](ctx, c, r, id, body)
		step("updating "+r.Singular+" "+id, err)
	}
	create := func(r openstack.Resource, body map[string]any) string {
		t.Helper()
		body["project_id"] = tn.ProjectID
		o, err := openstack.Create[map[string]any](ctx, c, r, body)
		step("creating "+r.Singular, err)
		id, _ := o["id"].(string)
		return id
	}

	// Round 1. Networks: a renamed, b down and tagged, d added (with subnet d1, on r1), c removed.
	update(openstack.Networks, N[0], map[string]any{"name": "net-a2", "description": "renamed"})
	update(openstack.Networks, N[1], map[string]any{"admin_state_up": false})
	step("tagging net-b", openstack.SetTags(ctx, c, openstack.Networks, N[1], []string{"env=prod"}))
	netD := create(openstack.Networks, map[string]any{"name": "net-d", "description": "d"})
	d1 := create(openstack.Subnets, map[string]any{"network_id": netD, "name": "d1", "ip_version": 4, "cidr": "10.61.5.0/24"})
	_, err := openstack.AddRouterInterface(ctx, c, R[0], d1, "")
	step("attaching r1 to d1", err)
	update(openstack.Routers, R[0], map[string]any{"description": "edge, changed", "routes": []openstack.Route{
		{Destination: "10.61.3.192/26", NextHop: "10.61.1.240"}, {Destination: "10.61.5.128/26", NextHop: "10.61.5.240"}}})
	step("detaching r1 from c1", openstack.RemoveRouterSubnet(ctx, c, R[0], S[2][0]))
	step("removing p-c", openstack.Delete(ctx, c, openstack.Ports, P[3]))
	step("removing net-c", openstack.Delete(ctx, c, openstack.Networks, N[2]))
	// r2 removed; a2 then without gateway nor DHCP; a1 changed.
	step("detaching r2", openstack.RemoveRouterSubnet(ctx, c, R[1], S[0][1]))
	step("removing r2", openstack.Delete(ctx, c, openstack.Routers, R[1]))
	update(openstack.Subnets, S[0][1], map[string]any{"gateway_ip": nil, "enable_dhcp": false})
	update(openstack.Subnets, S[0][0], map[string]any{"name": "a1-renamed", "dns_nameservers": []string{"9.9.9.9", "10.61.1.53"},
		"allocation_pools": []openstack.AllocationPool{{Start: "10.61.1.10", End: "10.61.1.120"}},
		"host_routes":      []openstack.Route{{Destination: "172.17.0.0/16", NextHop: "10.61.1.231"}}})
	// Security groups: sg-db renamed with a rule more, sg-web without its http rule and tagged, sg-old
	// removed (the rule of sg-web naming it goes with it), sg-new added.
	update(openstack.SecurityGroups, G[1], map[string]any{"name": "sg-database"})
	create(openstack.SecurityGroupRules, map[string]any{"security_group_id": G[1], "direction": "ingress", "ethertype": "IPv4", "protocol": "udp",
		"port_range_min": 53, "port_range_max": 53, "remote_group_id": G[0]})
	rules, err := openstack.List[openstack.SecurityGroupRule](ctx, c, openstack.SecurityGroupRules, url.Values{"security_group_id": {G[0]}, "port_range_min": {"80"}})
	step("listing the http rule", err)
	step("removing the http rule", openstack.Delete(ctx, c, openstack.SecurityGroupRules, rules[0].ID))
	step("tagging sg-web", openstack.SetTags(ctx, c, openstack.SecurityGroups, G[0], []string{"tier=web"}))
	step("removing sg-old", openstack.Delete(ctx, c, openstack.SecurityGroups, G[2]))
	sgNew := create(openstack.SecurityGroups, map[string]any{"name": "sg-new", "description": "new"})
	create(openstack.SecurityGroupRules, map[string]any{"security_group_id": sgNew, "direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
		"port_range_min": 443, "port_range_max": 443, "remote_group_id": sgNew})
	// Address groups: office renamed and moved, old removed, new added.
	update(openstack.AddressGroups, A[0], map[string]any{"name": "office2"})
	step("adding to office", openstack.ChangeAddresses(ctx, c, A[0], true, []string{"10.61.1.64/27"}))
	step("removing from office", openstack.ChangeAddresses(ctx, c, A[0], false, []string{"10.61.1.32/27"}))
	step("removing address group old", openstack.Delete(ctx, c, openstack.AddressGroups, A[1]))
	create(openstack.AddressGroups, map[string]any{"name": "new", "addresses": []string{"203.0.113.0/24"}})
	// Ports: p-web renamed, moved and in sg-new too; p-db with another address pair and tagged; p-vip
	// without port security; p-new added on d1.
	update(openstack.Ports, P[0], map[string]any{"name": "p-web2", "fixed_ips": []openstack.FixedIP{{SubnetID: S[0][0], IPAddress: "10.61.1.12"}},
		"security_groups": []string{G[0], sgNew}})
	update(openstack.Ports, P[1], map[string]any{"allowed_address_pairs": []openstack.AddressPair{{IPAddress: "10.61.3.101"}}})
	step("tagging p-db", openstack.SetTags(ctx, c, openstack.Ports, P[1], []string{"db"}))
	update(openstack.Ports, P[2], map[string]any{"port_security_enabled": false, "security_groups": []string{}})
	create(openstack.Ports, map[string]any{"name": "p-new", "network_id": netD, "mac_address": "fa:16:3e:61:00:15", "device_owner": "compute:nova",
		"device_id": "61000000-0000-4000-8000-000000000015", "fixed_ips": []openstack.FixedIP{{SubnetID: d1, IPAddress: "10.61.5.11"}}, "security_groups": []string{sgNew}})
	// Quotas.
	tn.Spec.Network = maps.Clone(tn.Spec.Network)
	tn.Spec.Network["port"]++
	step("changing the port quota", openstack.SetNetworkQuotas(ctx, src.Network, tn.ProjectID, map[string]int{"port": tn.Spec.Network["port"]}))

	d := rep.compare(t, nil)
	t.Logf("round 1 drift: %v", d.Summary())
	checkDrift(t, d, []driftCheck{
		{"networks", "add", "net-d", nil}, {"networks", "change", "net-a2", []string{"name", "description"}},
		{"networks", "change", "net-b", []string{"admin_state_up", "tags"}}, {"networks", "remove", "net-c", nil},
		{"subnets", "add", "d1", nil}, {"subnets", "change", "a1-renamed", []string{"name", "dns_nameservers", "allocation_pools", "host_routes"}},
		{"subnets", "change", "a2", []string{"gateway_ip", "enable_dhcp"}}, {"subnets", "remove", "c1", nil},
		{"routers", "change", "r1", []string{"description"}}, {"routers", "remove", "r2", nil},
		{"router_interfaces", "add", "r1/d1", nil}, {"router_interfaces", "remove", "r1/c1", nil}, {"router_interfaces", "remove", "r2/a2", nil},
		{"routes", "add", "r1: 10.61.5.128/26 via 10.61.5.240", nil}, {"routes", "remove", "r1: 10.61.4.64/26 via 10.61.4.240", nil},
		{"security_groups", "add", "sg-new", nil}, {"security_groups", "change", "sg-database", []string{"name"}},
		{"security_groups", "change", "sg-web", []string{"tags"}}, {"security_groups", "remove", "sg-old", nil},
		{"security_group_rules", "add", "sg-database: ingress IPv4 udp 53-53 from group sg-web", nil},
		{"security_group_rules", "remove", "sg-web: ingress IPv4 tcp 80-80", nil},
		{"address_groups", "add", "new", nil}, {"address_groups", "change", "office2", []string{"name", "addresses"}}, {"address_groups", "remove", "old", nil},
		{"ports", "add", "p-new", nil}, {"ports", "change", "p-web2", []string{"name", "fixed_ips", "security_groups"}},
		{"ports", "change", "p-db", []string{"allowed_address_pairs", "tags"}}, {"ports", "change", "p-vip", []string{"port_security_enabled", "security_groups"}},
		{"ports", "remove", "p-c", nil}, {"quotas", "change", "network", []string{"port"}},
	})
	before := rep.res.IDMaps
	res := rep.sync(t, ctx)
	t.Logf("round 1: created %v updated %v removed %v", res.Created, res.Updated, res.Removed)
	kept(t, "network", before.Networks, res.Networks, N[0], N[1])
	kept(t, "subnet", before.Subnets, res.Subnets, S[0][0], S[0][1], S[1][0])
	kept(t, "router", before.Routers, res.Routers, R[0])
	kept(t, "security group", before.SecurityGroups, res.SecurityGroups, G[0], G[1])
	kept(t, "address group", before.AddressGroups, res.AddressGroups, A[0])
	kept(t, "port", before.Ports, res.Ports, P[0], P[1], P[2])
	for _, gone := range []string{N[2], S[2][0], R[1], G[2], A[1], P[3]} {
		for _, k := range res.Kinds() {
			if _, ok := (*k.IDs)[gone]; ok {
				t.Errorf("the removed source %s %s is still in the id maps", k.Kind, gone)
			}
		}
	}
	if t.Failed() {
		return
	}

	// Round 2: b1 moves to 10.61.3.0/25 (in Neutron: a new subnet), its ports and r1 with it.
	step("detaching r1 from b1", openstack.RemoveRouterSubnet(ctx, c, R[0], S[1][0]))
	update(openstack.Ports, P[1], map[string]any{"fixed_ips": []openstack.FixedIP{}})
	update(openstack.Ports, P[2], map[string]any{"fixed_ips": []openstack.FixedIP{}})
	step("removing b1", openstack.Delete(ctx, c, openstack.Subnets, S[1][0]))
	b1 := create(openstack.Subnets, map[string]any{"network_id": N[1], "name": "b1", "ip_version": 4, "cidr": "10.61.3.0/25"})
	update(openstack.Ports, P[1], map[string]any{"fixed_ips": []openstack.FixedIP{{SubnetID: b1, IPAddress: "10.61.3.11"}}})
	update(openstack.Ports, P[2], map[string]any{"fixed_ips": []openstack.FixedIP{{SubnetID: b1, IPAddress: "10.61.3.100"}}})
	_, err = openstack.AddRouterInterface(ctx, c, R[0], b1, "")
	step("attaching r1 to the new b1", err)
	d = rep.compare(t, nil)
	t.Logf("round 2 drift: %v", d.Summary())
	checkDrift(t, d, []driftCheck{
		{"subnets", "add", "b1", nil}, {"subnets", "remove", "b1", nil},
		{"router_interfaces", "add", "r1/b1", nil}, {"router_interfaces", "remove", "r1/b1", nil},
		{"ports", "change", "p-db", []string{"fixed_ips"}}, {"ports", "change", "p-vip", []string{"fixed_ips"}},
	})
	before = rep.res.IDMaps
	res = rep.sync(t, ctx)
	t.Logf("round 2: created %v updated %v removed %v", res.Created, res.Updated, res.Removed)
	kept(t, "network", before.Networks, res.Networks, N[1])
	kept(t, "port", before.Ports, res.Ports, P[1], P[2])
}

// oneSubnet is a hand-made tenant for remaps: network x with subnet x1 (10.62.1.0/24), router rx on it
// with a route, a group whose rule names a prefix inside x1, an address group inside x1.
func oneSubnet() testlab.GenSpec {
	return testlab.GenSpec{
		Seed: 1501,
		Networks: []testlab.GenNetwork{{Name: "net-x", AdminStateUp: true, Subnets: []testlab.GenSubnet{
			{Name: "x1", IPVersion: 4, CIDR: "10.62.1.0/24", EnableDHCP: true, Pools: [][2]string{{"10.62.1.10", "10.62.1.99"}}}}}},
		Routers: []testlab.GenRouter{{Name: "rx", AdminStateUp: true, Interfaces: []testlab.GenInterface{{Network: 0, Subnet: 0}},
			Routes: [][2]string{{"10.62.1.128/26", "10.62.1.240"}}}},
		SecurityGroups: []testlab.GenGroup{{Name: "sg-x", Stateful: true, Rules: []testlab.GenRule{
			{Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", Min: ptr(22), Max: ptr(22), RemoteIP: "10.62.1.0/25", RemoteGroup: -1, RemoteAddressGroup: -1}}}},
		AddressGroups: []testlab.GenAddressGroup{{Name: "inside", Addresses: []string{"10.62.1.32/27"}}},
		Compute:       map[string]int{"cores": 8},
		Network:       map[string]int{"network": 5, "subnet": 5, "port": 20, "router": 2, "security_group": 5, "security_group_rule": 50},
		Volume:        map[string]int{"volumes": 5},
	}
}

// syncRemap changes the subnet remap of a migration: the subnet is replaced, with the router's
// interface and route, the rule and the address group following it.
func syncRemap(t *testing.T, src *openstack.Cloud) {
	ctx := context.Background()
	rep := migrate(t, src, oneSubnet(), "remap", func(*testlab.GenTenant) replication.Mappings {
		return replication.Mappings{Subnets: []replication.SubnetRemap{{SrcCIDR: "10.62.1.0/24", DstCIDR: "192.168.62.0/24"}}}
	})
	rep.mig.Mappings.Subnets = []replication.SubnetRemap{{SrcCIDR: "10.62.1.0/24", DstCIDR: "192.168.63.0/24"}}
	d := rep.compare(t, nil)
	t.Logf("drift: %v", d.Summary())
	checkDrift(t, d, []driftCheck{
		{"subnets", "change", "x1", []string{"cidr"}},
		{"router_interfaces", "add", "rx/x1", nil}, {"router_interfaces", "remove", "rx/x1", nil},
		{"routes", "add", "rx: 192.168.63.128/26 via 192.168.63.240", nil}, {"routes", "remove", "rx: 192.168.62.128/26 via 192.168.62.240", nil},
		{"security_group_rules", "add", "sg-x: ingress IPv4 tcp 22-22 from 192.168.63.0/25", nil},
		{"security_group_rules", "remove", "sg-x: ingress IPv4 tcp 22-22 from 192.168.62.0/25", nil},
		{"address_groups", "change", "inside", []string{"addresses"}},
	})
	tn := rep.tenant
	before := rep.res.IDMaps
	res := rep.sync(t, ctx)
	t.Logf("created %v updated %v removed %v", res.Created, res.Updated, res.Removed)
	kept(t, "network", before.Networks, res.Networks, tn.Networks[0])
	kept(t, "router", before.Routers, res.Routers, tn.Routers[0])
	kept(t, "security group", before.SecurityGroups, res.SecurityGroups, tn.SecurityGroups[0])
	kept(t, "address group", before.AddressGroups, res.AddressGroups, tn.AddressGroups[0])
	if before.Subnets[tn.Subnets[0][0]] == res.Subnets[tn.Subnets[0][0]] {
		t.Errorf("subnet x1 kept its copy %s across a CIDR change", res.Subnets[tn.Subnets[0][0]])
	}
}

// syncCancelled cancels a sync after its first few writes; the next sync (given the cancelled run's
// result as prior) converges without duplicates.
func syncCancelled(t *testing.T, src *openstack.Cloud) {
	ctx := context.Background()
	rep := migrate(t, src, testlab.Generate(8), "cancel", func(*testlab.GenTenant) replication.Mappings {
		return replication.Mappings{SyncInstancePorts: true}
	})
	done := mutate(t, ctx, rand.New(rand.NewPCG(8, 15)), rep)
	t.Logf("changes: %s", strings.Join(done, "; "))
	plan, err := rep.mig.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	var writes atomic.Int32
	rep.dst.Counter.OnRequest = func(_, method, _ string) {
		if method != "GET" && writes.Add(1) == 3 {
			cancel()
		}
	}
	prior := rep.res.IDMaps
	partial, err := replication.Execute(cctx, rep.dst, plan, replication.Options{ProjectID: rep.res.ProjectID, Previous: &rep.res.Credentials, Prior: &prior, Prune: true})
	rep.dst.Counter.OnRequest = nil
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled sync returned %v, want context.Canceled", err)
	}
	rep.res = partial
	if d := rep.compare(t, plan); d.Empty() {
		t.Fatalf("Compare finds nothing left to do after a sync cancelled at its third write")
	}
	res := rep.sync(t, ctx) // checks the destination equals the source: counts included, so no duplicates
	t.Logf("after the cancel: created %v updated %v removed %v", res.Created, res.Updated, res.Removed)
}

func ptr[T any](v T) *T { return &v }
