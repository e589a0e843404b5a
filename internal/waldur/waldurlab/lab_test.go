package waldurlab

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// Labbed is a waldurtest server whose migrations run on the lab, with a seeded three-tier source tenant
// registered in it (offering "lab-one" on RegionOne) and a destination offering ("lab-two" on
// RegionTwo). Everything it made in the lab is torn down when the test ends.
type labbed struct {
	lab    *Lab
	srv    *waldurtest.Server
	source *testlab.Tenant
	src    Tenant
	srcOff Offering
	dstOff Offering
}

func newLabbed(t *testing.T, ctx context.Context) *labbed {
	t.Helper()
	testlab.Require(t)
	l := &labbed{lab: New()}
	srcCloud, err := l.lab.Cloud(ctx, testlab.RegionOne)
	if err != nil {
		t.Fatal(err)
	}
	dstCloud, err := l.lab.Cloud(ctx, testlab.RegionTwo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testlab.EnsureVolumeTypes(ctx, dstCloud, testlab.VolumeTypeNames...); err != nil {
		t.Fatal(err)
	}
	l.source, err = testlab.SeedThreeTier(ctx, srcCloud, "wlab-src-"+testlab.Suffix())
	if l.source != nil {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			for _, id := range []string{l.source.ProjectID, l.source.ForeignProject} {
				if id == "" {
					continue
				}
				if err := replication.Teardown(ctx, srcCloud, id, 8); err != nil {
					t.Errorf("tearing down source project %s: %v", id, err)
				}
			}
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	l.srv = waldurtest.New(waldurtest.Options{Runner: l.lab.Runner(), Terminator: l.lab.Terminator(), StepDuration: 20 * time.Millisecond, Logf: t.Logf})
	t.Cleanup(l.srv.Close)
	if l.srcOff, err = l.lab.AddOffering(ctx, l.srv, "lab-one", testlab.RegionOne); err != nil {
		t.Fatal(err)
	}
	if l.dstOff, err = l.lab.AddOffering(ctx, l.srv, "lab-two", testlab.RegionTwo); err != nil {
		t.Fatal(err)
	}
	if l.src, err = l.lab.AddTenant(ctx, l.srv, l.srcOff, l.source.ProjectID); err != nil {
		t.Fatal(err)
	}
	return l
}

// cleanupProjects tears down, when the test ends, every project named name in a lab cloud.
func (l *labbed) cleanupProjects(t *testing.T, cloud, name string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		c, err := l.lab.Cloud(ctx, cloud)
		if err != nil {
			t.Error(err)
			return
		}
		projects, err := openstack.FindProjects(ctx, c.Identity, url.Values{"name": {name}})
		if err != nil {
			t.Error(err)
			return
		}
		for _, p := range projects {
			if err := replication.Teardown(ctx, c, p.ID, 8); err != nil {
				t.Errorf("tearing down %s (%s): %v", name, p.ID, err)
			}
		}
	})
}

// TestLabMigrationThroughWaldur migrates a seeded lab tenant through the Waldur API of the test server:
// the engine builds it in the other region, Waldur lists what was built, and termination tears it down.
func TestLabMigrationThroughWaldur(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	l := newLabbed(t, ctx)
	name := "wlab-copy-" + testlab.Suffix()
	l.cleanupProjects(t, testlab.RegionTwo, name)

	c, err := waldur.New(l.srv.URL, l.srv.Token)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	m, err := c.CreateMigration(ctx, waldur.MigrationCreateRequest{
		SrcResource: l.src.Tenant.ResourceUUID, DstOffering: l.dstOff.Offering.UUID, DstPlan: l.dstOff.Plan.UUID, Name: name,
		Mappings: &waldur.Mappings{
			Subnets:     []waldur.SubnetMapping{{SrcCIDR: "10.10.1.0/24", DstCIDR: "10.20.1.0/24"}},
			VolumeTypes: []waldur.VolumeTypeMapping{{SrcTypeUUID: l.srcOff.VolumeTypes["ssd"].UUID, DstTypeUUID: l.dstOff.VolumeTypes["fast"].UUID}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	done, err := waldur.WaitForMigration(ctx, c, m.UUID, waldur.WaitOptions{MinInterval: 200 * time.Millisecond, MaxInterval: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("migration OK in %s", time.Since(start).Round(time.Millisecond))

	res, err := c.GetResource(ctx, done.DstResourceUUID)
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := c.GetTenant(ctx, res.ResourceUUID)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := l.lab.Cloud(ctx, testlab.RegionTwo)
	if err != nil {
		t.Fatal(err)
	}
	project, err := openstack.GetProject(ctx, dst.Identity, tenant.BackendID)
	if err != nil || project.Name != name {
		t.Fatalf("the tenant's backend id %s is project %+v (%v), want %q in RegionTwo", tenant.BackendID, project, err, name)
	}
	if tenant.UserUsername == "" || tenant.UserPassword == "" {
		t.Errorf("the tenant shows no credentials: %q", tenant.UserUsername)
	}
	subnets, err := c.ListSubnets(ctx, waldur.TenantObjectFilter{TenantUUID: tenant.UUID})
	if err != nil {
		t.Fatal(err)
	}
	var cidrs []string
	for _, s := range subnets {
		cidrs = append(cidrs, s.CIDR)
	}
	slices.Sort(cidrs)
	if want := []string{"10.10.2.0/24", "10.10.3.0/24", "10.10.9.0/24", "10.20.1.0/24"}; !slices.Equal(cidrs, want) {
		t.Errorf("Waldur lists the copy's subnets %v, want %v", cidrs, want)
	}

	order, err := c.TerminateResource(ctx, done.DstResourceUUID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := waldur.WaitForOrder(ctx, c, order, waldur.WaitOptions{MinInterval: 200 * time.Millisecond, MaxInterval: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if _, err := openstack.GetProject(ctx, dst.Identity, tenant.BackendID); !openstack.IsNotFound(err) {
		t.Errorf("after termination, project %s: %v, want 404", tenant.BackendID, err)
	}
}

// TestLabMigrationErred: an engine failure makes the migration ERRED with the engine's message, and
// the partial project is torn down.
func TestLabMigrationErred(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	l := newLabbed(t, ctx)
	name := "wlab-erred-" + testlab.Suffix()
	l.cleanupProjects(t, testlab.RegionTwo, name)
	c, err := waldur.New(l.srv.URL, l.srv.Token)
	if err != nil {
		t.Fatal(err)
	}
	// A remap onto a CIDR that overlaps another copied subnet on the same router: Waldur's checks let it
	// through, the engine's planner refuses it.
	m, err := c.CreateMigration(ctx, waldur.MigrationCreateRequest{
		SrcResource: l.src.Tenant.ResourceUUID, DstOffering: l.dstOff.Offering.UUID, DstPlan: l.dstOff.Plan.UUID, Name: name,
		Mappings: &waldur.Mappings{Subnets: []waldur.SubnetMapping{{SrcCIDR: "10.10.1.0/24", DstCIDR: "10.10.3.0/24"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	done, err := waldur.WaitForMigration(ctx, c, m.UUID, waldur.WaitOptions{MinInterval: 200 * time.Millisecond, MaxInterval: 2 * time.Second})
	if done == nil || done.State != waldur.StateErred || done.ErrorMessage == "" {
		t.Fatalf("migration = %+v, %v; want ERRED with a message", done, err)
	}
	t.Logf("error_message: %s", done.ErrorMessage)
	dst, _ := l.lab.Cloud(ctx, testlab.RegionTwo)
	if projects, err := openstack.FindProjects(ctx, dst.Identity, url.Values{"name": {name}}); err != nil || len(projects) != 0 {
		t.Errorf("projects named %s after the failure: %v (%v), want none", name, projects, err)
	}
}
