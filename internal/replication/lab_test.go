package replication_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// These tests run the engine against the real lab (lab/up.sh): a three-tier source tenant is seeded in
// RegionOne and copied into RegionTwo, into the second cloud and into RegionOne itself; each destination
// is read back through the API and compared with the source object by object.

type labCase struct {
	name     string
	dstCloud string
	mappings func(src *testlab.Tenant, dstTypes map[string]string) replication.Mappings
	expect   expectation
	options  replication.Options
}

// expectation says how the destination should differ from the source.
type expectation struct {
	cidr      map[string]string // source CIDR -> destination CIDR
	networks  []string          // copied networks (names); nil = all
	ports     bool
	volumeMap map[string]string // destination per-type quota key -> expected value
}

func seed(t *testing.T, ctx context.Context, src *openstack.Cloud) *testlab.Tenant {
	t.Helper()
	tenant, err := testlab.SeedThreeTier(ctx, src, "src-"+testlab.Suffix())
	if tenant != nil && tenant.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, src, tenant.ProjectID); cleanupProject(t, src, tenant.ForeignProject) })
	}
	if err != nil {
		t.Fatal(err)
	}
	return tenant
}

func cleanupProject(t *testing.T, c *openstack.Cloud, projectID string) {
	if projectID == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := replication.Teardown(ctx, c, projectID, 8); err != nil {
		t.Errorf("teardown of %s: %v", projectID, err)
	}
}

func TestLabReplication(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	tenant := seed(t, ctx, src)
	cases := []labCase{
		{name: "RegionTwo, no mappings, with ports", dstCloud: testlab.RegionTwo,
			mappings: func(*testlab.Tenant, map[string]string) replication.Mappings {
				return replication.Mappings{SyncInstancePorts: true}
			},
			expect: expectation{ports: true, volumeMap: map[string]string{"gigabytes_ssd": "300", "volumes_ssd": "10", "gigabytes_hdd": "500", "snapshots_hdd": "-1"}}},
		{name: "second cloud, subnet remaps and volume types many-to-one", dstCloud: testlab.OtherCloudOne,
			mappings: func(src *testlab.Tenant, dst map[string]string) replication.Mappings {
				return replication.Mappings{
					Subnets: []replication.SubnetRemap{{SrcCIDR: "10.10.1.0/24", DstCIDR: "192.168.11.0/24"}, {SrcCIDR: "10.10.2.0/24", DstCIDR: "172.20.2.0/24"}},
					VolumeTypes: []replication.VolumeTypeMap{
						{SrcTypeID: src.VolumeTypes["ssd"], DstTypeID: dst["fast"]}, {SrcTypeID: src.VolumeTypes["hdd"], DstTypeID: dst["fast"]},
					},
				}
			},
			expect: expectation{cidr: map[string]string{"10.10.1.0/24": "192.168.11.0/24", "10.10.2.0/24": "172.20.2.0/24"},
				volumeMap: map[string]string{"gigabytes_fast": "800", "volumes_fast": "-1", "snapshots_fast": "-1"}}}, // volumes_hdd is unlimited: 10 + unlimited = unlimited
		{name: "same region, selected networks, with ports, sequential one call per object", dstCloud: testlab.RegionOne,
			options: replication.Options{Concurrency: 1, OneCallPerObject: true},
			mappings: func(src *testlab.Tenant, _ map[string]string) replication.Mappings {
				return replication.Mappings{Networks: []string{src.Networks["web"], src.Networks["app"]}, SyncInstancePorts: true}
			},
			expect: expectation{networks: []string{"web", "app"}, ports: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst := testlab.Connect(t, tc.dstCloud)
			dstTypes, err := testlab.EnsureVolumeTypes(ctx, dst, testlab.VolumeTypeNames...)
			if err != nil {
				t.Fatal(err)
			}
			m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst,
				Mappings: tc.mappings(tenant, dstTypes), Target: replication.Target{Name: "copy-" + testlab.Suffix()}}
			var mu sync.Mutex
			progress := map[string]replication.Progress{}
			opts := tc.options
			opts.Progress = func(p replication.Progress) {
				mu.Lock()
				defer mu.Unlock()
				progress[p.Step] = p
			}
			plan, res, err := m.Run(ctx, opts)
			if res != nil && res.ProjectID != "" {
				t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
			}
			if err != nil {
				t.Fatal(err)
			}
			compareTenants(t, ctx, src, tenant, dst, plan, res, tc.expect)
			counts := plan.Counts()
			// Everything is created, but the default security group, which is Neutron's own.
			for step, want := range map[string][2]int{"networks": {counts["networks"], 0}, "subnets": {counts["subnets"], 0},
				"security groups": {counts["security_groups"] - 1, 1}, "ports": {counts["ports"], 0}} {
				if p := progress[step]; p.Created != want[0] || p.Adopted != want[1] || p.Total != want[0]+want[1] {
					t.Errorf("progress of step %q = %+v, want %d created and %d adopted", step, p, want[0], want[1])
				}
			}

			// The same migration again creates nothing: it adopts everything and writes nothing.
			dst.Counter.Reset()
			_, again, err := m.Run(ctx, replication.Options{Previous: &res.Credentials})
			if err != nil {
				t.Fatal(err)
			}
			if n := writes(dst.Counter); n != 0 {
				t.Fatalf("re-run wrote %d times: %v", n, dst.Counter.Snapshot())
			}
			if len(again.Created) != 0 || again.ProjectID != res.ProjectID || !equalMaps(again.Ports, res.Ports) || !equalMaps(again.SecurityGroupRules, res.SecurityGroupRules) {
				t.Fatalf("re-run result differs: created %v", again.Created)
			}

			// Someone renames the project. Given it by id (as a rebuild is), the run goes on in it, though
			// its name no longer finds it: nothing created, nothing written.
			body := map[string]any{"project": map[string]any{"name": "renamed-" + testlab.Suffix()}}
			if _, err := dst.Identity.Patch(ctx, dst.Identity.ServiceURL("projects", res.ProjectID), body, nil,
				&gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}}); err != nil {
				t.Fatal(err)
			}
			dst.Counter.Reset()
			_, byID, err := m.Run(ctx, replication.Options{Previous: &res.Credentials, ProjectID: res.ProjectID})
			if err != nil {
				t.Fatal(err)
			}
			if n := writes(dst.Counter); n != 0 || byID.ProjectID != res.ProjectID || len(byID.Created) != 0 {
				t.Fatalf("the run given project %s went to %s, created %v, wrote %d times", res.ProjectID, byID.ProjectID, byID.Created, n)
			}
			// A project given by id that is not a copy of the source (here the source itself, or a project
			// the destination does not know) is refused before anything is written.
			dst.Counter.Reset()
			if _, _, err := m.Run(ctx, replication.Options{ProjectID: tenant.ProjectID}); err == nil ||
				!strings.Contains(err.Error(), "is not a copy of source project") && !openstack.IsNotFound(err) {
				t.Fatalf("a run given a project that is not a copy of the source returned %v", err)
			}
			if n := writes(dst.Counter); n != 0 {
				t.Fatalf("the refused run wrote %d times: %v", n, dst.Counter.Snapshot())
			}
		})
	}
}

// writes counts the requests that change something (authentication aside).
func writes(c *openstack.RequestCounter) int {
	n := 0
	for key, count := range c.Snapshot() {
		if !strings.Contains(key, " GET ") && !strings.HasSuffix(key, "/auth/tokens") {
			n += count
		}
	}
	return n
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestLabResumeAfterCancel stops a run as a given write is sent, runs it again at once, and checks the
// result equals an uninterrupted run, with no duplicates. The write in flight at the stop is let finish
// and recorded (Neutron would create its objects anyway): the resumed run must neither miss nor repeat it.
func TestLabResumeAfterCancel(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	tenant := seed(t, ctx, src)
	type stop struct {
		name string
		at   func(n int32, method, path string) bool // whether to stop at the n-th write (from 1)
	}
	for _, st := range []stop{
		{"at the 4th write", func(n int32, _, _ string) bool { return n == 4 }},
		{"at the 12th write", func(n int32, _, _ string) bool { return n == 12 }},
		{"at the subnets", func(_ int32, method, path string) bool { return method == "POST" && path == "/v2.0/subnets" }},
	} {
		t.Run(st.name, func(t *testing.T) {
			dst := testlab.Connect(t, testlab.RegionTwo)
			if _, err := testlab.EnsureVolumeTypes(ctx, dst, testlab.VolumeTypeNames...); err != nil {
				t.Fatal(err)
			}
			m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst,
				Mappings: replication.Mappings{SyncInstancePorts: true}, Target: replication.Target{Name: "resume-" + testlab.Suffix()}}
			cctx, cancel := context.WithCancel(ctx)
			var writes atomic.Int32
			var subnetsSent atomic.Bool
			dst.Counter.OnRequest = func(_, method, path string) {
				if method == "GET" {
					return
				}
				if method == "POST" && path == "/v2.0/subnets" {
					subnetsSent.Store(true)
				}
				if st.at(writes.Add(1), method, path) {
					cancel() // the hook runs as the write is sent
				}
			}
			_, partial, err := m.Run(cctx, replication.Options{Concurrency: 2})
			dst.Counter.OnRequest = nil
			cancel()
			if partial != nil && partial.ProjectID != "" {
				t.Cleanup(func() { cleanupProject(t, dst, partial.ProjectID) })
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("the cancelled run returned %v, want context.Canceled", err)
			}
			if subnetsSent.Load() {
				// What Neutron made of the bulk sent before the stop (nothing, if it refused it) must all be
				// in the partial result.
				made, err := openstack.List[openstack.Subnet](ctx, dst.Network, openstack.Subnets, url.Values{"project_id": {partial.ProjectID}})
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range made {
					if !slices.Contains(slices.Collect(maps.Values(partial.Subnets)), s.ID) {
						t.Fatalf("subnet %s (%s), made from the bulk sent before the stop, is missing from the partial result %v", s.ID, s.CIDR, partial.Subnets)
					}
				}
			}
			plan, res, err := m.Run(ctx, replication.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.ProjectID != partial.ProjectID {
				t.Fatalf("resumed into project %s, not the partial %s", res.ProjectID, partial.ProjectID)
			}
			if sum(res.Adopted) == 0 {
				t.Fatalf("the resumed run adopted nothing: %v", res.Adopted)
			}
			compareTenants(t, ctx, src, tenant, dst, plan, res, expectation{ports: true,
				volumeMap: map[string]string{"gigabytes_ssd": "300", "gigabytes_hdd": "500"}})
		})
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestLabBadInput checks that bad inputs (ports with remaps, volume types unknown on their side, CIDRs that
// are not private, match no source subnet or overlap, a network of another tenant, destination credentials
// without the admin role) are reported with their attribute before anything is written to the destination.
func TestLabBadInput(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	tenant := seed(t, ctx, src)
	dst := testlab.Connect(t, testlab.RegionTwo)
	dstTypes, err := testlab.EnsureVolumeTypes(ctx, dst, testlab.VolumeTypeNames...)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		mappings replication.Mappings
		attr     string
		message  string
	}{
		{"ports with remaps", replication.Mappings{SyncInstancePorts: true, Subnets: []replication.SubnetRemap{{SrcCIDR: "10.10.1.0/24", DstCIDR: "192.168.1.0/24"}}},
			"mappings.sync_instance_ports", "cannot be used together with mappings.subnets"},
		{"unknown source volume type", replication.Mappings{VolumeTypes: []replication.VolumeTypeMap{{SrcTypeID: "no-such-type", DstTypeID: dstTypes["fast"]}}},
			"mappings.volume_types[0].src_type_uuid", "is not a volume type available in the source tenant"},
		{"unknown destination volume type", replication.Mappings{VolumeTypes: []replication.VolumeTypeMap{{SrcTypeID: tenant.VolumeTypes["ssd"], DstTypeID: tenant.VolumeTypes["ssd"] + "x"}}},
			"mappings.volume_types[0].dst_type_uuid", "is not a volume type of the destination offering"},
		{"public destination CIDR", replication.Mappings{Subnets: []replication.SubnetRemap{{SrcCIDR: "10.10.1.0/24", DstCIDR: "8.8.8.0/24"}}},
			"mappings.subnets[0].dst_cidr", "is not a private network"},
		{"remap of no subnet", replication.Mappings{Subnets: []replication.SubnetRemap{{SrcCIDR: "10.99.0.0/24", DstCIDR: "192.168.1.0/24"}}},
			"mappings.subnets[0].src_cidr", "matches no subnet"},
		{"overlapping remaps", replication.Mappings{Subnets: []replication.SubnetRemap{{SrcCIDR: "10.10.1.0/24", DstCIDR: "192.168.0.0/16"}, {SrcCIDR: "10.10.2.0/24", DstCIDR: "192.168.5.0/24"}}},
			"mappings.subnets[1].dst_cidr", "overlaps the destination of another remap"},
		{"remap onto a sibling subnet", replication.Mappings{Subnets: []replication.SubnetRemap{{SrcCIDR: "10.10.1.0/24", DstCIDR: "10.10.2.0/24"}}},
			"mappings.subnets[0].dst_cidr", "would be attached to overlapping subnets"},
		{"foreign network", replication.Mappings{Networks: []string{tenant.Networks["web"], "0b9d3c4e-0000-4000-8000-000000000000"}},
			"mappings.networks[1]", "is not a network of the source tenant"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst.Counter.Reset()
			m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst, Mappings: tc.mappings,
				Target: replication.Target{Name: "bad-" + testlab.Suffix()}}
			_, res, err := m.Run(ctx, replication.Options{})
			var verrs replication.ValidationErrors
			if !errors.As(err, &verrs) {
				t.Fatalf("err = %v, want validation errors", err)
			}
			found := false
			for _, e := range verrs {
				if e.Attribute.String() == tc.attr && strings.Contains(e.Message, tc.message) {
					found = true
				}
			}
			if !found {
				t.Fatalf("no error on %s containing %q in: %v", tc.attr, tc.message, verrs)
			}
			if res != nil || writes(dst.Counter) != 0 {
				t.Fatalf("the destination was written to: %v", dst.Counter.Snapshot())
			}
		})
	}

	t.Run("destination credentials without the admin role", func(t *testing.T) {
		limited := limitedCloud(t, ctx, dst)
		m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: limited, Target: replication.Target{Name: "bad-" + testlab.Suffix()}}
		_, _, err := m.Run(ctx, replication.Options{})
		var verrs replication.ValidationErrors
		if !errors.As(err, &verrs) || verrs[0].Attribute.String() != "dst_offering" {
			t.Fatalf("err = %v, want a validation error on dst_offering", err)
		}
		if writes(limited.Counter) != 0 {
			t.Fatalf("the destination was written to: %v", limited.Counter.Snapshot())
		}
	})
}

// limitedCloud connects to dst's region as a new user with only the member role on a new project.
func limitedCloud(t *testing.T, ctx context.Context, admin *openstack.Cloud) *openstack.Cloud {
	t.Helper()
	name := "limited-" + testlab.Suffix()
	p, err := openstack.CreateProject(ctx, admin.Identity, openstack.Project{Name: name, DomainID: "default", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = openstack.DeleteProject(context.Background(), admin.Identity, p.ID) })
	u, err := openstack.CreateUser(ctx, admin.Identity, openstack.User{Name: name, Password: "limited-" + name, DomainID: "default", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = openstack.DeleteUser(context.Background(), admin.Identity, u.ID) })
	role, err := openstack.RoleID(ctx, admin.Identity, "member")
	if err != nil || role == "" {
		t.Fatalf("member role: %v", err)
	}
	if err := openstack.AssignProjectRole(ctx, admin.Identity, p.ID, u.ID, role); err != nil {
		t.Fatal(err)
	}
	c, err := openstack.Connect(ctx, openstack.Config{AuthURL: admin.Identity.IdentityBase, Username: name, Password: "limited-" + name,
		ProjectName: name, Region: admin.Region}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// compareTenants reads the destination back through the API and compares it with the source, object by
// object, modulo the mappings; and checks the id maps are complete and point at real objects.
func compareTenants(t *testing.T, ctx context.Context, src *openstack.Cloud, tenant *testlab.Tenant, dst *openstack.Cloud, plan *replication.Plan, res *replication.Result, want expectation) {
	t.Helper()
	s, err := replication.ReadSnapshot(ctx, src, tenant.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := replication.ReadSnapshot(ctx, dst, res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	copied := map[string]bool{}
	for name, id := range tenant.Networks {
		if want.networks == nil || slices.Contains(want.networks, name) {
			copied[id] = true
		}
	}
	// What import rebuilds from the destination alone (content keys, markers where content is ambiguous)
	// pairs the same objects as the run.
	back, err := replication.ReadBack(ctx, src, dst, res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	for kind, maps := range map[string][2]map[string]string{
		"networks": {res.Networks, back.Result.Networks}, "subnets": {res.Subnets, back.Result.Subnets},
		"routers": {res.Routers, back.Result.Routers}, "ports": {res.Ports, back.Result.Ports},
		"security groups":      {res.SecurityGroups, back.Result.SecurityGroups},
		"security group rules": {res.SecurityGroupRules, back.Result.SecurityGroupRules},
		"address groups":       {res.AddressGroups, back.Result.AddressGroups},
	} {
		if !reflect.DeepEqual(maps[0], maps[1]) {
			t.Errorf("%s read back: %v, the run's: %v", kind, maps[1], maps[0])
		}
	}
	cidr := func(c string) string {
		if m, ok := want.cidr[c]; ok {
			return m
		}
		return c
	}
	moveIP := func(ip string) string {
		for from, to := range want.cidr {
			fromPrefix, toPrefix := strings.TrimSuffix(from, "0/24"), strings.TrimSuffix(to, "0/24")
			if strings.HasPrefix(ip, fromPrefix) {
				return toPrefix + strings.TrimPrefix(ip, fromPrefix)
			}
		}
		return ip
	}

	// Project and user.
	if d.Project.Name != plan.Project.Name || d.Project.Description != s.Project.Description {
		t.Errorf("project %q/%q, want %q/%q", d.Project.Name, d.Project.Description, plan.Project.Name, s.Project.Description)
	}
	if res.Credentials.Username == "" || len(res.Credentials.Password) < 16 {
		t.Errorf("credentials not generated: user %q", res.Credentials.Username)
	}

	// Networks.
	dNets := index(d.Networks, func(n openstack.Network) string { return n.ID })
	checkMap(t, "networks", res.Networks, copied, dNets)
	for _, n := range s.Networks {
		if !copied[n.ID] {
			continue
		}
		got := dNets[res.Networks[n.ID]]
		if got.Name != n.Name || got.Description != n.Description || got.AdminStateUp != n.AdminStateUp || got.MTU != n.MTU ||
			fmt.Sprint(deref(got.PortSecurityEnabled)) != fmt.Sprint(deref(n.PortSecurityEnabled)) {
			t.Errorf("network %s: got %+v, source %+v", n.Name, got, n)
		}
	}

	// Subnets.
	dSubs := index(d.Subnets, func(s openstack.Subnet) string { return s.ID })
	srcSubs := map[string]bool{}
	for _, sub := range s.Subnets {
		if copied[sub.NetworkID] {
			srcSubs[sub.ID] = true
		}
	}
	checkMap(t, "subnets", res.Subnets, srcSubs, dSubs)
	for _, sub := range s.Subnets {
		if !srcSubs[sub.ID] {
			continue
		}
		got := dSubs[res.Subnets[sub.ID]]
		wantGW := "<none>"
		if sub.GatewayIP != nil {
			wantGW = moveIP(*sub.GatewayIP)
		}
		var wantPools, gotPools, wantRoutes, gotRoutes []string
		for _, p := range sub.AllocationPools {
			wantPools = append(wantPools, moveIP(p.Start)+"-"+moveIP(p.End))
		}
		for _, p := range got.AllocationPools {
			gotPools = append(gotPools, p.Start+"-"+p.End)
		}
		for _, r := range sub.HostRoutes {
			wantRoutes = append(wantRoutes, r.Destination+">"+moveIP(r.NextHop))
		}
		for _, r := range got.HostRoutes {
			gotRoutes = append(gotRoutes, r.Destination+">"+r.NextHop)
		}
		gotGW := "<none>"
		if got.GatewayIP != nil {
			gotGW = *got.GatewayIP
		}
		wantDNS := []string{} // a resolver inside a remapped subnet moves with it
		for _, a := range sub.DNSNameservers {
			wantDNS = append(wantDNS, moveIP(a))
		}
		if got.Name != sub.Name || got.Description != sub.Description || got.CIDR != cidr(sub.CIDR) || gotGW != wantGW ||
			!sameSet(gotPools, wantPools) || !sameSet(gotRoutes, wantRoutes) || !slices.Equal(nonNilStrings(got.DNSNameservers), wantDNS) ||
			got.EnableDHCP != sub.EnableDHCP || got.NetworkID != res.Networks[sub.NetworkID] {
			t.Errorf("subnet %s: got cidr %s gw %s pools %v routes %v dns %v dhcp %v; want cidr %s gw %s pools %v routes %v dns %v dhcp %v",
				sub.Name, got.CIDR, gotGW, gotPools, gotRoutes, got.DNSNameservers, got.EnableDHCP,
				cidr(sub.CIDR), wantGW, wantPools, wantRoutes, wantDNS, sub.EnableDHCP)
		}
	}

	// Routers, their interfaces and routes.
	dRouters := index(d.Routers, func(r openstack.Router) string { return r.ID })
	checkMap(t, "routers", res.Routers, map[string]bool{tenant.Routers["edge"]: true}, dRouters)
	for _, r := range s.Routers {
		got := dRouters[res.Routers[r.ID]]
		if got.Name != r.Name || got.Description != r.Description || got.ExternalGateway == nil || got.ExternalGateway.NetworkID != plan.ExternalNetworkID {
			t.Errorf("router %s: got %+v", r.Name, got)
		}
		var wantIfaces, gotIfaces []string
		for _, p := range s.Ports {
			if p.DeviceID == r.ID && p.DeviceOwner == "network:router_interface" && srcSubs[p.FixedIPs[0].SubnetID] {
				wantIfaces = append(wantIfaces, res.Subnets[p.FixedIPs[0].SubnetID]+"@"+moveIP(p.FixedIPs[0].IPAddress))
			}
		}
		for _, p := range d.Ports {
			if p.DeviceID == got.ID && p.DeviceOwner == "network:router_interface" {
				gotIfaces = append(gotIfaces, p.FixedIPs[0].SubnetID+"@"+p.FixedIPs[0].IPAddress)
			}
		}
		if !sameSet(gotIfaces, wantIfaces) {
			t.Errorf("router %s interfaces: got %v, want %v", r.Name, gotIfaces, wantIfaces)
		}
		var wantRoutes, gotRoutes []string
		if want.networks == nil { // 10.10.3.128/25 via 10.10.2.10 needs the db and app subnets
			wantRoutes = []string{moveIP("10.10.3.128") + "/25>" + moveIP("10.10.2.10")}
		}
		for _, rt := range got.Routes {
			gotRoutes = append(gotRoutes, rt.Destination+">"+rt.NextHop)
		}
		if !sameSet(gotRoutes, wantRoutes) {
			t.Errorf("router %s routes: got %v, want %v", r.Name, gotRoutes, wantRoutes)
		}
	}

	// Security groups and rules, remote groups resolved through the map.
	dGroups := index(d.SecurityGroups, func(g openstack.SecurityGroup) string { return g.ID })
	srcGroups := map[string]bool{}
	for _, g := range s.SecurityGroups {
		srcGroups[g.ID] = true
	}
	checkMap(t, "security groups", res.SecurityGroups, srcGroups, dGroups)
	for _, g := range s.SecurityGroups {
		if got := dGroups[res.SecurityGroups[g.ID]]; fmt.Sprint(deref(got.Stateful)) != fmt.Sprint(deref(g.Stateful)) {
			t.Errorf("security group %s: stateful %v, source %v", g.Name, deref(got.Stateful), deref(g.Stateful))
		}
	}
	if len(d.SecurityGroups) != len(s.SecurityGroups) {
		t.Errorf("destination has %d security groups, source %d", len(d.SecurityGroups), len(s.SecurityGroups))
	}
	// A rule prefix inside a remapped /24 moves with it.
	movePrefix := func(p string) string {
		addr, bits, ok := strings.Cut(p, "/")
		if !ok || bits < "24" {
			return p
		}
		return moveIP(addr) + "/" + bits
	}
	ruleKey := func(r openstack.SecurityGroupRule, group, remote, remoteAG string, move bool) string {
		prefix := r.RemoteIPPrefix
		if move {
			prefix = movePrefix(prefix)
		}
		return group + " " + replication.RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, prefix, remote, remoteAG) + " " + r.Description
	}

	// Address groups, their addresses moved with the remapped subnets.
	dAGs := index(d.AddressGroups, func(ag openstack.AddressGroup) string { return ag.ID })
	srcAGs := map[string]bool{}
	for _, ag := range s.AddressGroups {
		srcAGs[ag.ID] = true
		var moved []string
		for _, a := range ag.Addresses {
			moved = append(moved, movePrefix(a))
		}
		got := dAGs[res.AddressGroups[ag.ID]]
		if got.Name != ag.Name || got.Description != ag.Description || !sameSet(got.Addresses, moved) || got.ProjectID != res.ProjectID {
			t.Errorf("address group %s: got %+v, want addresses %v", ag.Name, got, moved)
		}
	}
	if len(s.AddressGroups) == 0 {
		t.Error("the source tenant has no address group: the seed should make one")
	}
	checkMap(t, "address groups", res.AddressGroups, srcAGs, dAGs)

	var wantRules, gotRules []string
	wantRuleIDs := map[string]bool{}
	for _, r := range s.Rules {
		remote, remoteAG := "", ""
		if r.RemoteGroupID != "" {
			if !srcGroups[r.RemoteGroupID] {
				continue // a group of another tenant: reported, not copied
			}
			remote = res.SecurityGroups[r.RemoteGroupID]
		}
		if r.RemoteAddressGroupID != "" {
			if !srcAGs[r.RemoteAddressGroupID] {
				continue // an address group of another tenant: reported, not copied
			}
			remoteAG = res.AddressGroups[r.RemoteAddressGroupID]
		}
		wantRuleIDs[r.ID] = true
		wantRules = append(wantRules, ruleKey(r, res.SecurityGroups[r.SecurityGroupID], remote, remoteAG, true))
	}
	for _, r := range d.Rules {
		gotRules = append(gotRules, ruleKey(r, r.SecurityGroupID, r.RemoteGroupID, r.RemoteAddressGroupID, false))
		if r.ProjectID != res.ProjectID {
			t.Errorf("rule %s belongs to project %s, not to the destination project", r.ID, r.ProjectID)
		}
	}
	if !sameSet(gotRules, wantRules) {
		t.Errorf("rules differ:\n got  %v\n want %v", sorted(gotRules), sorted(wantRules))
	}
	checkMap(t, "security group rules", res.SecurityGroupRules, wantRuleIDs, index(d.Rules, func(r openstack.SecurityGroupRule) string { return r.ID }))
	if !hasSkipped(res, "security_group_rule") {
		t.Errorf("the rule referencing another tenant's group is not reported as skipped: %v", res.Skipped)
	}

	// Ports.
	dPorts := index(d.Ports, func(p openstack.Port) string { return p.ID })
	wantPorts := map[string]bool{}
	if want.ports {
		for name, id := range tenant.Ports {
			net := strings.SplitN(name, "-", 2)[0]
			if name != "scratch" && (want.networks == nil || slices.Contains(want.networks, net)) {
				wantPorts[id] = true
			}
		}
	}
	checkMap(t, "ports", res.Ports, wantPorts, dPorts)
	copiedPorts := 0
	for _, p := range d.Ports {
		if !strings.HasPrefix(p.DeviceOwner, "network:") {
			copiedPorts++
		}
	}
	if copiedPorts != len(wantPorts) {
		t.Errorf("destination holds %d copied ports, want %d (duplicates?)", copiedPorts, len(wantPorts))
	}
	for _, p := range s.Ports {
		if !wantPorts[p.ID] {
			continue
		}
		got := dPorts[res.Ports[p.ID]]
		var wantGroups, wantIPs, gotIPs []string
		for _, g := range p.SecurityGroups {
			wantGroups = append(wantGroups, res.SecurityGroups[g])
		}
		for _, ip := range p.FixedIPs {
			wantIPs = append(wantIPs, res.Subnets[ip.SubnetID]+"@"+ip.IPAddress)
		}
		for _, ip := range got.FixedIPs {
			gotIPs = append(gotIPs, ip.SubnetID+"@"+ip.IPAddress)
		}
		if got.Name != p.Name || got.Description != p.Description || got.MACAddress != p.MACAddress || !sameSet(got.SecurityGroups, wantGroups) ||
			!sameSet(gotIPs, wantIPs) || fmt.Sprint(got.AllowedAddressPairs) != fmt.Sprint(p.AllowedAddressPairs) || got.NetworkID != res.Networks[p.NetworkID] {
			t.Errorf("port %s: got %+v, source %+v", p.Name, got, p)
		}
	}

	// Quotas.
	for k, v := range s.Quotas.Compute {
		if d.Quotas.Compute[k] != v {
			t.Errorf("compute quota %s = %d, source %d", k, d.Quotas.Compute[k], v)
		}
	}
	for k, v := range s.Quotas.Network {
		if d.Quotas.Network[k] != v {
			t.Errorf("network quota %s = %d, source %d", k, d.Quotas.Network[k], v)
		}
	}
	for _, k := range []string{"volumes", "gigabytes", "snapshots"} {
		if d.Quotas.Volume[k] != s.Quotas.Volume[k] {
			t.Errorf("volume quota %s = %d, source %d", k, d.Quotas.Volume[k], s.Quotas.Volume[k])
		}
	}
	for k, v := range want.volumeMap {
		if fmt.Sprint(d.Quotas.Volume[k]) != v {
			t.Errorf("volume quota %s = %d, want %s", k, d.Quotas.Volume[k], v)
		}
	}
}

func hasSkipped(res *replication.Result, kind string) bool {
	for _, s := range res.Skipped {
		if s.Kind == kind {
			return true
		}
	}
	return false
}

// checkMap checks an id map has exactly the expected source ids and points at existing objects.
func checkMap[T any](t *testing.T, what string, m map[string]string, want map[string]bool, existing map[string]T) {
	t.Helper()
	if len(m) != len(want) {
		t.Errorf("%s map has %d entries, want %d", what, len(m), len(want))
	}
	for src := range want {
		dst, ok := m[src]
		if !ok {
			t.Errorf("%s map lacks source %s", what, src)
			continue
		}
		if _, ok := existing[dst]; !ok {
			t.Errorf("%s map points %s at %s, which does not exist", what, src, dst)
		}
	}
}

func index[T any](items []T, id func(T) string) map[string]T {
	out := make(map[string]T, len(items))
	for _, it := range items {
		out[id(it)] = it
	}
	return out
}

func sameSet(a, b []string) bool { return slices.Equal(sorted(a), sorted(b)) }

func sorted(a []string) []string {
	out := slices.Clone(a)
	sort.Strings(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
