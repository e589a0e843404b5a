package replication_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestLabFloatingIPsAndServerGroups seeds the three-tier tenant with floating IPs (on instance ports, on
// the VIP port, on an unowned port that is not copied, free ones with and without a description, with
// tags) and server groups of every policy, copies it into RegionTwo and into the second cloud with a run
// cancelled after the ports (the floating IPs not yet made) and resumed, then compares floating IPs and
// server groups through the API, re-runs without the id maps (everything adopted, nothing written),
// syncs a disassociation and a deleted server group, and tears the copy down.
func TestLabFloatingIPsAndServerGroups(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	tenant := seed(t, ctx, src)
	fips := seedFloatingIPs(t, ctx, src, tenant)
	groups := seedServerGroups(t, ctx, src, tenant)

	for _, dstCloud := range []string{testlab.RegionTwo, testlab.OtherCloudOne} {
		t.Run(dstCloud, func(t *testing.T) {
			dst := testlab.Connect(t, dstCloud)
			m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst,
				Mappings: replication.Mappings{SyncInstancePorts: true}, Target: replication.Target{Name: "fip-copy-" + testlab.Suffix()}}
			plan, err := m.Plan(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if plan.Counts()["floating_ips"] != len(fips) || plan.Counts()["server_groups"] != len(groups) {
				t.Fatalf("counts %v, want %d floating IPs and %d server groups", plan.Counts(), len(fips), len(groups))
			}

			// A run cancelled once the ports are made: no floating IP yet.
			cctx, cancel := context.WithCancel(ctx)
			first, err := replication.Execute(cctx, dst, plan, replication.Options{Progress: func(p replication.Progress) {
				if p.Step == "ports" {
					cancel()
				}
			}})
			cancel()
			if first != nil && first.ProjectID != "" {
				t.Cleanup(func() { cleanupProject(t, dst, first.ProjectID) })
			}
			if err == nil {
				t.Log("the run finished before the cancellation took effect")
			}
			res, err := replication.Execute(ctx, dst, plan, replication.Options{Prior: &first.IDMaps, Previous: &first.Credentials})
			if err != nil {
				have, _ := openstack.List[openstack.FloatingIP](ctx, dst.Network, openstack.FloatingIPs, url.Values{"project_id": {first.ProjectID}})
				q, _ := openstack.NetworkQuotas(ctx, dst.Network, first.ProjectID)
				t.Fatalf("%v (first run: %v, created %v; the project holds %d floating IPs, quota %d)", err, first.Created, first.Created, len(have), q["floatingip"])
			}
			compareFloating(t, ctx, src, dst, tenant, plan, res)
			// Import reads the same maps back.
			back, err := replication.ReadBack(ctx, src, dst, res.ProjectID)
			if err != nil {
				t.Fatal(err)
			}
			if !equalMaps(back.Result.FloatingIPs, res.FloatingIPs) || !equalMaps(back.Result.ServerGroups, res.ServerGroups) ||
				!equalMaps(back.Result.FloatingIPAddresses, res.FloatingIPAddresses) {
				t.Errorf("read back: floating IPs %v, want %v; server groups %v, want %v; addresses %v, want %v",
					back.Result.FloatingIPs, res.FloatingIPs, back.Result.ServerGroups, res.ServerGroups, back.Result.FloatingIPAddresses, res.FloatingIPAddresses)
			}

			// Again, without the id maps: everything is found by content or marker, nothing written.
			dst.Counter.Reset()
			again, err := replication.Execute(ctx, dst, plan, replication.Options{Previous: &res.Credentials})
			if err != nil {
				t.Fatal(err)
			}
			if n := writes(dst.Counter); n != 0 || !equalMaps(again.FloatingIPs, res.FloatingIPs) || !equalMaps(again.ServerGroups, res.ServerGroups) {
				t.Fatalf("re-run wrote %d times (%v); floating IPs %v vs %v; server groups %v vs %v", n, dst.Counter.Snapshot(),
					again.FloatingIPs, res.FloatingIPs, again.ServerGroups, res.ServerGroups)
			}

			// The source changes: web-1's floating IP is disassociated, a server group deleted. A sync follows.
			if _, err := openstack.Update[openstack.FloatingIP](ctx, src.Network, openstack.FloatingIPs, fips["www"], map[string]any{"port_id": nil}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { // put the association back for the other destination
				_, _ = openstack.Update[openstack.FloatingIP](context.Background(), src.Network, openstack.FloatingIPs, fips["www"],
					map[string]any{"port_id": tenant.Ports["web-1"], "fixed_ip_address": "10.10.1.11"})
			})
			synced, err := m.Plan(ctx)
			if err != nil {
				t.Fatal(err)
			}
			before, _ := replication.ListDestination(ctx, dst, res.ProjectID)
			if d := replication.Compare(synced, res.IDMaps, before, nil); d.Kinds["floating_ips"] == nil || len(d.Kinds["floating_ips"].Change) != 1 {
				t.Errorf("drift after the disassociation = %+v", d.Summary())
			}
			res2, err := replication.Execute(ctx, dst, synced, replication.Options{Prior: &res.IDMaps, Prune: true, Previous: &res.Credentials})
			if err != nil {
				t.Fatal(err)
			}
			after, err := replication.ListDestination(ctx, dst, res.ProjectID)
			if err != nil {
				t.Fatal(err)
			}
			if d := replication.Compare(synced, res2.IDMaps, after, nil); !d.Empty() {
				t.Errorf("drift after the sync = %v", d.Summary())
			}
			for _, f := range after.FloatingIPs {
				if f.ID == res2.FloatingIPs[fips["www"]] && f.PortID != "" {
					t.Errorf("the copy of the disassociated floating IP is still on port %s", f.PortID)
				}
			}

			// Teardown: refused while it does not know the floating IPs are the migration's, then done.
			guard := replication.TeardownGuard{SourceProjectID: tenant.ProjectID, UserID: res2.Credentials.UserID}
			if err := replication.TeardownCopy(ctx, dst, res.ProjectID, 4, guard); !errors.Is(err, replication.ErrTeardownRefused) {
				t.Fatalf("teardown without the floating IP ids = %v, want a refusal", err)
			}
			for _, id := range res2.FloatingIPs {
				guard.FloatingIPIDs = append(guard.FloatingIPIDs, id)
			}
			tctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
			defer tcancel()
			if err := replication.TeardownCopy(tctx, dst, res.ProjectID, 4, guard); err != nil {
				t.Fatal(err)
			}
			left, err := openstack.List[openstack.FloatingIP](ctx, dst.Network, openstack.FloatingIPs, url.Values{"project_id": {res.ProjectID}})
			if err != nil || len(left) > 0 {
				t.Errorf("floating IPs left after teardown: %v (%v)", left, err)
			}
			sgs, err := openstack.ListServerGroups(ctx, dst.Compute, res.ProjectID)
			if err != nil || len(sgs) > 0 {
				t.Errorf("server groups left after teardown: %v (%v)", sgs, err)
			}
		})
	}
}

// seedFloatingIPs gives the tenant six floating IPs (its quota): by description, "www" on web-1, "vip"
// on db-vip, "" on app-1 (via the router's interface at .254), "scratch" on the unowned port (not
// copied: it stays free), "spare" free with tags, and one free without description.
func seedFloatingIPs(t *testing.T, ctx context.Context, c *openstack.Cloud, tenant *testlab.Tenant) map[string]string {
	t.Helper()
	ext, err := openstack.List[openstack.Network](ctx, c.Network, openstack.Networks, url.Values{"router:external": {"true"}})
	if err != nil || len(ext) == 0 {
		t.Fatalf("no external network: %v", err)
	}
	ids := map[string]string{}
	for _, s := range []struct {
		key, description, port, fixed string
		tags                          []string
	}{
		{"www", "www", "web-1", "10.10.1.11", []string{"dns:www.example.org"}},
		{"vip", "vip", "db-vip", "10.10.3.100", nil},
		{"app", "", "app-1", "10.10.2.11", nil},
		{"scratch", "scratch", "scratch", "10.10.2.99", nil},
		{"spare", "spare", "", "", []string{"reserved", "team:ops"}},
		{"free", "", "", "", nil},
	} {
		body := map[string]any{"floating_network_id": ext[0].ID, "project_id": tenant.ProjectID, "description": s.description}
		if s.port != "" {
			body["port_id"], body["fixed_ip_address"] = tenant.Ports[s.port], s.fixed
		}
		f, err := openstack.Create[openstack.FloatingIP](ctx, c.Network, openstack.FloatingIPs, body)
		if err != nil {
			t.Fatalf("floating IP %s: %v", s.key, err)
		}
		if len(s.tags) > 0 {
			if err := openstack.SetTags(ctx, c.Network, openstack.FloatingIPs, f.ID, s.tags); err != nil {
				t.Fatal(err)
			}
		}
		ids[s.key] = f.ID
	}
	return ids
}

// seedServerGroups makes a server group of each policy in the tenant, with a user of the tenant (Nova
// makes server groups in the caller's project only); the user goes with the tenant's teardown.
func seedServerGroups(t *testing.T, ctx context.Context, c *openstack.Cloud, tenant *testlab.Tenant) map[string]openstack.ServerGroup {
	t.Helper()
	password := "Seed-" + testlab.Suffix() + "-pw-long-enough"
	u, err := openstack.CreateUser(ctx, c.Identity, openstack.User{Name: "sg-seed-" + testlab.Suffix(), Password: password,
		DomainID: c.DomainID, DefaultProjectID: tenant.ProjectID, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = openstack.DeleteUser(context.Background(), c.Identity, u.ID) })
	role, err := openstack.RoleID(ctx, c.Identity, "member")
	if err != nil {
		t.Fatal(err)
	}
	if err := openstack.AssignProjectRole(ctx, c.Identity, tenant.ProjectID, u.ID, role); err != nil {
		t.Fatal(err)
	}
	token, err := openstack.ProjectToken(ctx, c.Identity, u.ID, password, tenant.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]openstack.ServerGroup{}
	for _, g := range []openstack.ServerGroup{
		{Name: "db", Policy: "affinity"},
		{Name: "web", Policy: "anti-affinity", Rules: map[string]int{"max_server_per_host": 1}},
		{Name: "cache", Policy: "soft-affinity"},
		{Name: "workers", Policy: "soft-anti-affinity"},
		{Name: "workers", Policy: "soft-anti-affinity"}, // a twin
	} {
		made, err := openstack.CreateServerGroup(ctx, c.Compute, token, g)
		if err != nil {
			t.Fatal(err)
		}
		out[made.ID] = made
	}
	return out
}

// compareFloating compares the copies of the floating IPs and server groups with the source, through
// the API: association (the copy of the port, the fixed IP), description, tags, the destination's
// external network and the address map; name, policy and rules; and no duplicates.
func compareFloating(t *testing.T, ctx context.Context, src, dst *openstack.Cloud, tenant *testlab.Tenant, plan *replication.Plan, res *replication.Result) {
	t.Helper()
	srcObjs, err := replication.ListDestination(ctx, src, tenant.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	dstObjs, err := replication.ListDestination(ctx, dst, res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	if len(dstObjs.FloatingIPs) != len(srcObjs.FloatingIPs) || len(dstObjs.ServerGroups) != len(srcObjs.ServerGroups) {
		t.Errorf("destination holds %d floating IPs and %d server groups, the source %d and %d",
			len(dstObjs.FloatingIPs), len(dstObjs.ServerGroups), len(srcObjs.FloatingIPs), len(srcObjs.ServerGroups))
	}
	byID := map[string]openstack.FloatingIP{}
	for _, f := range dstObjs.FloatingIPs {
		byID[f.ID] = f
	}
	for _, s := range srcObjs.FloatingIPs {
		d, ok := byID[res.FloatingIPs[s.ID]]
		if !ok {
			t.Errorf("floating IP %s (%s) not copied", s.FloatingIPAddress, s.ID)
			continue
		}
		if d.FloatingNetworkID != plan.ExternalNetworkID || d.Description != s.Description || !sameSet(userTagsOf(d.Tags), userTagsOf(s.Tags)) {
			t.Errorf("floating IP %s: copy %+v", s.FloatingIPAddress, d)
		}
		if res.FloatingIPAddresses[s.FloatingIPAddress] != d.FloatingIPAddress {
			t.Errorf("address map %s -> %s, the copy has %s", s.FloatingIPAddress, res.FloatingIPAddresses[s.FloatingIPAddress], d.FloatingIPAddress)
		}
		wantPort, wantFixed := res.Ports[s.PortID], s.FixedIPAddress
		if s.PortID == tenant.Ports["scratch"] { // its port is not copied: free, and reported
			wantPort, wantFixed = "", ""
			if !hasSkipped(res, "floating_ip_association") {
				t.Errorf("the lost association of %s is not reported", s.FloatingIPAddress)
			}
		}
		if d.PortID != wantPort || d.FixedIPAddress != wantFixed {
			t.Errorf("floating IP %s: on port %s at %s, want %s at %s", s.FloatingIPAddress, d.PortID, d.FixedIPAddress, wantPort, wantFixed)
		}
	}
	groups := map[string]openstack.ServerGroup{}
	for _, g := range dstObjs.ServerGroups {
		groups[g.ID] = g
	}
	for _, s := range srcObjs.ServerGroups {
		d, ok := groups[res.ServerGroups[s.ID]]
		if !ok || d.Name != s.Name || d.PolicyName() != s.PolicyName() || len(d.Rules) != len(s.Rules) || d.Rules["max_server_per_host"] != s.Rules["max_server_per_host"] {
			t.Errorf("server group %q (%s): copy %+v", s.Name, s.PolicyName(), d)
		}
	}
	dests := slices.Collect(func(yield func(string) bool) {
		for _, id := range res.ServerGroups {
			if !yield(id) {
				return
			}
		}
	})
	slices.Sort(dests)
	if len(slices.Compact(dests)) != len(srcObjs.ServerGroups) {
		t.Errorf("server groups map %v is not one to one", res.ServerGroups)
	}
}
