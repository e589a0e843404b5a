package replication_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// labPageSize is the second cloud's Neutron pagination_max_limit (lab/up.sh): every list it answers
// holds at most this many objects, with a rel=next link to the rest.
const labPageSize = 7

// TestLabPaging proves the engine reads whole collections from a Neutron that pages (the second cloud,
// pagination_max_limit = 7), as a source and as a destination, on a tenant with more than one page of
// every kind (testlab.PagedSpec). The two run side by side. As a source: the snapshot holds every object, read in the calls the
// pages take (13 calls for a tenant within one page of each kind, one more per further page), and the
// copy in RegionTwo, which does not page, holds every object and equals the source. As a destination:
// a copy from RegionOne into the second cloud, applied again without the id maps, finds every object
// (nothing created, no orphans, nothing to change).
func TestLabPaging(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	spec := testlab.PagedSpec(5150, labPageSize)
	// What a project built from spec holds, by counter key of its list call.
	ports := len(spec.Ports) + len(spec.Routers) // instance ports and the routers' interfaces (no DHCP agent: no DHCP ports)
	want := map[string]int{"networks": len(spec.Networks), "subnets": len(spec.Networks), "routers": len(spec.Routers),
		"ports": ports, "security-groups": len(spec.SecurityGroups) + 1, "address-groups": len(spec.AddressGroups),
		"floatingips": len(spec.FloatingIPs)}

	t.Run("source", func(t *testing.T) {
		t.Parallel()
		paged := connectCounted(t, ctx, testlab.OtherCloudOne)
		tenant := seedGenerated(t, ctx, paged, spec)
		requirePaging(t, ctx, paged, tenant.ProjectID)

		paged.Counter.Reset()
		snap, err := replication.ReadSnapshot(ctx, paged, tenant.ProjectID)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]int{"networks": len(snap.Networks), "subnets": len(snap.Subnets), "routers": len(snap.Routers),
			"ports": len(snap.Ports), "security-groups": len(snap.SecurityGroups), "address-groups": len(snap.AddressGroups),
			"floatingips": len(snap.FloatingIPs)}
		calls := paged.Counter.Snapshot()
		extra := 0
		for kind, n := range want {
			if have[kind] != n {
				t.Errorf("the snapshot holds %d %s, the source %d", have[kind], kind, n)
			}
			// Neutron adds a next link to every full page: n objects take n/7+1 calls.
			if got := calls["network GET /v2.0/"+kind]; got != n/labPageSize+1 {
				t.Errorf("%s read in %d calls, want %d (%d objects, %d a page)", kind, got, n/labPageSize+1, n, labPageSize)
			}
			extra += n / labPageSize
		}
		if len(snap.ServerGroups) != len(spec.ServerGroups) {
			t.Errorf("the snapshot holds %d server groups, want %d", len(snap.ServerGroups), len(spec.ServerGroups))
		}
		if total := paged.Counter.Total(); total != 13+extra {
			t.Errorf("the snapshot took %d calls, want 13 + %d further pages: %v", total, extra, calls)
		}
		t.Logf("snapshot of %d objects in %d calls (13 + %d further pages)", sum(have), paged.Counter.Total(), extra)

		dst := testlab.Connect(t, testlab.RegionTwo)
		m := replication.Mappings{SyncInstancePorts: true}
		mig := replication.Migration{Source: paged, SourceProjectID: tenant.ProjectID, Destination: dst, Mappings: m,
			Target: replication.Target{Name: "paged-copy-" + testlab.Suffix()}}
		_, res, err := mig.Run(ctx, replication.Options{})
		if res != nil && res.ProjectID != "" {
			t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
		}
		if err != nil {
			t.Fatal(err)
		}
		// RegionTwo does not page: its lists are the truth the paged reads are checked against.
		checkCounts(t, ctx, dst, res.ProjectID, want, spec)
		for _, d := range differences(ctx, paged, tenant, dst, m, res) {
			t.Error(d)
		}
	})

	t.Run("destination", func(t *testing.T) {
		t.Parallel()
		paged := connectCounted(t, ctx, testlab.OtherCloudOne)
		src := testlab.Connect(t, testlab.RegionOne)
		tenant := seedGenerated(t, ctx, src, spec)
		m := replication.Mappings{SyncInstancePorts: true}
		mig := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: paged, Mappings: m,
			Target: replication.Target{Name: "paged-copy-" + testlab.Suffix()}}
		plan, res, err := mig.Run(ctx, replication.Options{})
		if res != nil && res.ProjectID != "" {
			t.Cleanup(func() { cleanupProject(t, paged, res.ProjectID) })
		}
		if err != nil {
			t.Fatal(err)
		}
		requirePaging(t, ctx, paged, res.ProjectID)
		// Again without the id maps: the scan must see every object to adopt it.
		paged.Counter.Reset()
		again, err := replication.Execute(ctx, paged, plan, replication.Options{Previous: &res.Credentials})
		if err != nil {
			t.Fatal(err)
		}
		if n := sum(again.Created); n != 0 || again.ProjectID != res.ProjectID {
			t.Errorf("the re-run created %v in project %s (first run: %s)", again.Created, again.ProjectID, res.ProjectID)
		}
		if n := writes(paged.Counter); n != 0 {
			t.Errorf("the re-run wrote %d times: %v", n, paged.Counter.Snapshot())
		}
		if pages := paged.Counter.Snapshot()["network GET /v2.0/ports"]; pages < want["ports"]/labPageSize+1 {
			t.Errorf("the re-run read the destination's ports in %d calls, want at least %d", pages, want["ports"]/labPageSize+1)
		}
		objects := checkCounts(t, ctx, paged, res.ProjectID, want, spec)
		if orphans := testlab.Orphans(objects, again.IDMaps); len(orphans) > 0 {
			t.Errorf("objects no id map holds: %v", orphans)
		}
		quotas, err := replication.ReadQuotas(ctx, paged, res.ProjectID)
		if err != nil {
			t.Fatal(err)
		}
		if d := replication.Compare(plan, again.IDMaps, objects, &quotas); !d.Empty() {
			t.Errorf("the copy differs from its plan: %v", d.Summary())
		}
		for _, d := range differences(ctx, src, tenant, paged, m, again) {
			t.Error(d)
		}
	})
}

// connectCounted connects to a lab cloud with a request counter of its own (testlab.Connect shares one
// among the Connects of a cloud): the subtests run side by side and count their own calls.
func connectCounted(t *testing.T, ctx context.Context, cloud string) *openstack.Cloud {
	t.Helper()
	c, err := openstack.Connect(ctx, openstack.Config{Cloud: cloud}, openstack.NewRequestCounter())
	if err != nil {
		t.Fatalf("connecting to %s: %v", cloud, err)
	}
	return c
}

// seedGenerated builds spec in c's region and cleans it up after the test.
func seedGenerated(t *testing.T, ctx context.Context, c *openstack.Cloud, spec testlab.GenSpec) *testlab.GenTenant {
	t.Helper()
	tenant, err := testlab.SeedGenerated(ctx, c, fmt.Sprintf("paged%d-%s", spec.Seed, testlab.Suffix()), spec)
	if tenant != nil {
		t.Cleanup(func() {
			cleanupProject(t, c, tenant.ProjectID)
			cleanupProject(t, c, tenant.ForeignProject)
			if err := tenant.Cleanup(context.Background(), c); err != nil {
				t.Error(err)
			}
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	return tenant
}

// requirePaging checks, with a call of its own, that c's Neutron answers a project's networks in
// pages: the first page full, with a rel=next link.
func requirePaging(t *testing.T, ctx context.Context, c *openstack.Cloud, projectID string) {
	t.Helper()
	var page struct {
		Networks []struct {
			ID string `json:"id"`
		} `json:"networks"`
		Links []struct {
			Rel  string `json:"rel"`
			Href string `json:"href"`
		} `json:"networks_links"`
	}
	u := c.Network.ServiceURL("networks") + "?" + url.Values{"project_id": {projectID}}.Encode()
	if _, err := c.Network.Get(ctx, u, &page, nil); err != nil {
		t.Fatal(err)
	}
	next := false
	for _, l := range page.Links {
		next = next || l.Rel == "next" && strings.Contains(l.Href, "marker=")
	}
	if len(page.Networks) != labPageSize || !next {
		t.Fatalf("the second cloud's Neutron does not page at %d (a page of %d networks, links %v): lab/up.sh sets pagination_max_limit = %d; "+
			"a neutron-server started before that setting needs a restart (lab/up.sh starts a stopped one)", labPageSize, len(page.Networks), page.Links, labPageSize)
	}
}

// checkCounts lists a project's objects and checks it holds as many of each kind as a copy of spec.
func checkCounts(t *testing.T, ctx context.Context, c *openstack.Cloud, projectID string, want map[string]int, spec testlab.GenSpec) replication.ProjectObjects {
	t.Helper()
	d, err := replication.ListDestination(ctx, c, projectID)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]int{"networks": len(d.Networks), "subnets": len(d.Subnets), "routers": len(d.Routers),
		"ports": len(d.Ports), "security-groups": len(d.SecurityGroups), "address-groups": len(d.AddressGroups),
		"floatingips": len(d.FloatingIPs)}
	for kind, n := range want {
		if have[kind] != n {
			t.Errorf("project %s in %s holds %d %s, want %d", projectID, c.Region, have[kind], kind, n)
		}
	}
	if len(d.ServerGroups) != len(spec.ServerGroups) {
		t.Errorf("project %s in %s holds %d server groups, want %d", projectID, c.Region, len(d.ServerGroups), len(spec.ServerGroups))
	}
	return d
}
