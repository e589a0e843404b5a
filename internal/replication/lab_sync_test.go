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
		t.Cleanup(func() { cleanupProject(t, src, tenant.ProjectID); cleanupProject(t, src, tenant.ForeignProject) })
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

func ptr[T any](v T) *T { return &v }

var _ = errors.Is
var _ = atomic.Int32{}
var _ = slices.Contains[[]string]
