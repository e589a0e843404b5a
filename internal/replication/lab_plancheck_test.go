package replication_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// Lab tests of the plan-time checks (issue #13: a plan that succeeds must apply).

// TestLabNewVolumeTypeKeepsThePlan: a volume type created in the source or the destination region between
// two plans of the same inputs leaves the plan as it was. Cinder lists an unlimited quota of each kind
// for every type of its region, and Terraform refuses an apply whose final plan differs from the one it
// showed ("Provider produced inconsistent final plan"), which CI met when another test created a type.
// The copy made from the plan is then in sync with it: the quotas left out are not drift.
func TestLabNewVolumeTypeKeepsThePlan(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	dst := testlab.Connect(t, testlab.RegionTwo)
	for _, c := range []*openstack.Cloud{src, dst} {
		if _, err := testlab.EnsureVolumeTypes(ctx, c, testlab.VolumeTypeNames...); err != nil {
			t.Fatal(err)
		}
	}
	tenant := seed(t, ctx, src)
	migrations := map[string]replication.Migration{
		"other region": {Source: src, SourceProjectID: tenant.ProjectID, Destination: dst, Target: replication.Target{Name: "copy-" + tenant.Name}},
		"same region":  {Source: src, SourceProjectID: tenant.ProjectID, Destination: src, Target: replication.Target{Name: "copy-" + tenant.Name}},
	}
	planJSON := func(m replication.Migration) string {
		t.Helper()
		p, err := m.Plan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	before := map[string]string{}
	for name, m := range migrations {
		before[name] = planJSON(m)
	}
	// A new type in each region (the source's region is also the same-region copy's destination).
	for _, c := range []*openstack.Cloud{src, dst} {
		vt, err := openstack.CreateVolumeType(ctx, c.BlockStorage, "wom-new-"+testlab.Suffix(), "created between two plans")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := openstack.DeleteVolumeType(context.Background(), c.BlockStorage, vt.ID); err != nil {
				t.Errorf("deleting volume type %s: %v", vt.Name, err)
			}
		})
		// The source project's quota list names the new type (what changed the plan before).
		if c == src {
			q, err := openstack.VolumeQuotas(ctx, src.BlockStorage, tenant.ProjectID)
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := q["volumes_"+vt.Name]; !ok || v != replication.Unlimited {
				t.Fatalf("the source quotas do not list the new type %s as unlimited (%v): the test tests nothing", vt.Name, q)
			}
		}
	}
	for name, m := range migrations {
		if after := planJSON(m); after != before[name] {
			t.Errorf("%s: the plan changed with a new volume type:\nbefore %s\nafter  %s", name, before[name], after)
		}
	}

	// The copy is in sync with its plan, quotas included: what was left out is not drift.
	m := migrations["other region"]
	plan, res, err := m.Run(ctx, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
	}
	if err != nil {
		t.Fatal(err)
	}
	objects, err := replication.ListDestination(ctx, dst, res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	quotas, err := replication.ReadQuotas(ctx, dst, res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	if d := replication.Compare(plan, res.IDMaps, objects, &quotas); !d.Empty() {
		t.Errorf("a fresh copy differs from its plan: %v", d.Summary())
	}
	// Left out, the unlimited per-type quotas of unmapped types are unlimited on the destination too.
	srcQuotas, err := openstack.VolumeQuotas(ctx, src.BlockStorage, tenant.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range srcQuotas {
		if _, planned := plan.Quotas.Volume[k]; planned || v != replication.Unlimited {
			continue
		}
		if got, ok := quotas.Volume[k]; ok && got != v {
			t.Errorf("volume quota %s left out of the plan is %d on the destination, %d in the source", k, got, v)
		}
	}
}

// TestLabQuotaBelowTheCopy: a source tenant whose network quota was lowered below the networks it holds
// (Neutron lets an administrator do that). The plan raises the destination's quota to the count and says
// so; built with the source's quota instead, the destination refuses the networks over it.
func TestLabQuotaBelowTheCopy(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	dst := testlab.Connect(t, testlab.RegionTwo)
	if _, err := testlab.EnsureVolumeTypes(ctx, dst, testlab.VolumeTypeNames...); err != nil {
		t.Fatal(err)
	}
	tenant := seed(t, ctx, src)
	networks := len(tenant.Networks)
	if networks < 2 {
		t.Fatalf("the seeded tenant has %d networks, the test needs at least 2", networks)
	}
	if err := openstack.SetNetworkQuotas(ctx, src.Network, tenant.ProjectID, map[string]int{"network": 1}); err != nil {
		t.Fatal(err)
	}
	m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst, Target: replication.Target{Name: "copy-" + tenant.Name}}
	plan, err := m.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := plan.Quotas.Network["network"]; got != networks {
		t.Fatalf("planned network quota = %d, want the %d networks copied", got, networks)
	}
	reported := false
	for _, s := range plan.Skipped {
		reported = reported || (s.Kind == "quota" && s.SourceID == "network.network")
	}
	if !reported {
		t.Errorf("the raised network quota is not reported: %+v", plan.Skipped)
	}

	// Without the raise, the destination refuses: built with the source's quota, the apply fails.
	unraised := *plan
	unraised.Quotas.Network = maps.Clone(plan.Quotas.Network)
	unraised.Quotas.Network["network"] = 1
	unraised.Project.Name += "-unraised"
	res, err := replication.Execute(ctx, dst, &unraised, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
	}
	if err == nil || !strings.Contains(err.Error(), "Quota") {
		t.Errorf("built with a network quota of 1 for %d networks, the apply gave %v, want Neutron's quota refusal", networks, err)
	} else {
		t.Logf("without the raise: %v", err)
	}

	// With it, the copy is built and holds every network.
	res, err = replication.Execute(ctx, dst, plan, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := openstack.List[openstack.Network](ctx, dst.Network, openstack.Networks, url.Values{"project_id": {res.ProjectID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != networks {
		t.Errorf("the copy has %d networks, the source %d", len(got), networks)
	}
	q, err := openstack.NetworkQuotas(ctx, dst.Network, res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	if q["network"] != networks {
		t.Errorf("destination network quota = %d, want %d", q["network"], networks)
	}
}

// TestLabSubnetFromAPool: a tenant subnet allocated from a subnet pool (subnetpool_id set). The
// destination does not have the pool, and refuses a subnet naming it; the copy is a plain subnet at the same
// range, without a pool.
func TestLabSubnetFromAPool(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	dst := testlab.Connect(t, testlab.RegionTwo)
	name := "pool-" + testlab.Suffix()
	project, err := openstack.CreateProject(ctx, src.Identity, openstack.Project{Name: name, DomainID: "default", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	type subnetPool struct {
		ID string `json:"id"`
	}
	pool, err := openstack.Create[subnetPool](ctx, src.Network, subnetPoolsResource, map[string]any{
		"name": name, "project_id": project.ID, "prefixes": []string{"10.77.0.0/16"}, "default_prefixlen": 24})
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last first: the pool goes once the project's subnets are gone.
	t.Cleanup(func() {
		if err := openstack.Delete(context.Background(), src.Network, subnetPoolsResource, pool.ID); err != nil {
			t.Errorf("deleting subnet pool %s: %v", pool.ID, err)
		}
	})
	t.Cleanup(func() { cleanupProject(t, src, project.ID) })
	if err := openstack.SetNetworkQuotas(ctx, src.Network, project.ID, map[string]int{"network": 5, "subnet": 10, "port": 50}); err != nil {
		t.Fatal(err)
	}
	network, err := openstack.Create[openstack.Network](ctx, src.Network, openstack.Networks, map[string]any{"name": "pooled", "project_id": project.ID})
	if err != nil {
		t.Fatal(err)
	}
	type pooledSubnet struct {
		openstack.Subnet
		SubnetPoolID string `json:"subnetpool_id"`
	}
	subnet, err := openstack.Create[pooledSubnet](ctx, src.Network, openstack.Subnets, map[string]any{
		"project_id": project.ID, "network_id": network.ID, "name": "from-pool", "ip_version": 4, "subnetpool_id": pool.ID})
	if err != nil {
		t.Fatal(err)
	}
	if subnet.SubnetPoolID != pool.ID || subnet.CIDR == "" {
		t.Fatalf("the source subnet is not from the pool: %+v", subnet)
	}

	m := replication.Migration{Source: src, SourceProjectID: project.ID, Destination: dst, Target: replication.Target{Name: "copy-" + name}}
	plan, res, err := m.Run(ctx, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Subnets) != 1 || plan.Subnets[0].CIDR != subnet.CIDR {
		t.Errorf("planned subnets %+v, want one at %s", plan.Subnets, subnet.CIDR)
	}
	reported := false
	for _, s := range plan.Skipped {
		reported = reported || (s.Kind == "subnet_pool" && s.SourceID == subnet.ID)
	}
	if !reported {
		t.Errorf("the subnet from a pool is not reported in skipped: %+v", plan.Skipped)
	}
	copies, err := openstack.List[pooledSubnet](ctx, dst.Network, openstack.Subnets, url.Values{"project_id": {res.ProjectID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) != 1 || copies[0].CIDR != subnet.CIDR || copies[0].SubnetPoolID != "" || copies[0].GatewayIP == nil || *copies[0].GatewayIP != *subnet.GatewayIP {
		t.Errorf("the copy is %+v, want a subnet at %s with gateway %v and no pool", copies, subnet.CIDR, *subnet.GatewayIP)
	}
	// Naming the source's pool, the destination refuses the subnet.
	refused, err := openstack.Create[pooledSubnet](ctx, dst.Network, openstack.Subnets, map[string]any{
		"project_id": res.ProjectID, "network_id": res.Networks[network.ID], "name": "naming-the-pool", "ip_version": 4,
		"subnetpool_id": pool.ID, "cidr": "10.77.200.0/24"})
	if err == nil {
		_ = openstack.Delete(ctx, dst.Network, openstack.Subnets, refused.ID)
		t.Errorf("the destination took a subnet naming the source region's pool %s", pool.ID)
	} else {
		t.Logf("naming the source's pool: %v", err)
	}
}

// TestLabNetworkMTUAboveTheDestinations: the largest MTU a destination allows follows from its
// configuration and no API shows it, so the plan cannot refuse it (doc.go); the apply's error names the
// networks and their MTU. The lab allows 1450 (VXLAN over 1500): a source network of 1500 is refused.
func TestLabNetworkMTUAboveTheDestinations(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	dst := testlab.Connect(t, testlab.RegionTwo)
	tenant := seed(t, ctx, src)
	m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst, Target: replication.Target{Name: "copy-" + tenant.Name}}
	plan, err := m.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The lab's regions share one configuration: a source network with a larger MTU than the
	// destination allows is made by raising it in the plan, as a source region with jumbo frames has it.
	plan.Networks[0].MTU = 1500
	res, err := replication.Execute(ctx, dst, plan, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
	}
	if err == nil {
		t.Fatal("the destination took a network of MTU 1500: the lab's maximum changed, the test tests nothing")
	}
	for _, want := range []string{"at most 1450", plan.Networks[0].Name, "mtu 1500", plan.Networks[0].SourceID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the apply's error does not say %q: %v", want, err)
		}
	}
	t.Logf("%v", err)
}

// TestLabKeptAddressTakenByAPort: a copy into the source's own region keeps a floating IP's address
// when the source released it, but another project's port (a router gateway, a load balancer's) on the
// shared external network may hold it by then. The plan does not promise the address (the preview shows
// only the source's); the apply must fall back to any address, not fail.
func TestLabKeptAddressTakenByAPort(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	tenant := seed(t, ctx, src)
	ext, err := openstack.List[openstack.Network](ctx, src.Network, openstack.Networks, url.Values{"router:external": {"true"}})
	if err != nil || len(ext) != 1 {
		t.Fatalf("external networks %v: %v", ext, err)
	}
	fip, err := openstack.Create[openstack.FloatingIP](ctx, src.Network, openstack.FloatingIPs, map[string]any{
		"floating_network_id": ext[0].ID, "project_id": tenant.ProjectID, "description": "keep"})
	if err != nil {
		t.Fatal(err)
	}
	m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: src, Target: replication.Target{Name: "copy-" + tenant.Name}}
	plan, err := m.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keep := false
	for _, f := range plan.FloatingIPs {
		keep = keep || (f.SourceID == fip.ID && f.KeepAddress)
	}
	if !keep {
		t.Fatalf("the plan does not try to keep %s in the same region: the test tests nothing", fip.FloatingIPAddress)
	}
	// The source releases the address (its cutover), and another project's port takes it.
	if err := openstack.Delete(ctx, src.Network, openstack.FloatingIPs, fip.ID); err != nil {
		t.Fatal(err)
	}
	port, err := openstack.Create[openstack.Port](ctx, src.Network, openstack.Ports, map[string]any{
		"network_id": ext[0].ID, "project_id": tenant.ForeignProject, "name": "holds-" + fip.FloatingIPAddress,
		"fixed_ips": []map[string]string{{"ip_address": fip.FloatingIPAddress}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = openstack.Delete(context.Background(), src.Network, openstack.Ports, port.ID) })

	res, err := replication.Execute(ctx, src, plan, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, src, res.ProjectID) })
	}
	if err != nil {
		t.Fatalf("the plan succeeded, the apply failed: %v", err)
	}
	copied, err := openstack.List[openstack.FloatingIP](ctx, src.Network, openstack.FloatingIPs, url.Values{"project_id": {res.ProjectID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(copied) != len(plan.FloatingIPs) {
		t.Errorf("%d floating IPs copied, %d planned", len(copied), len(plan.FloatingIPs))
	}
	for _, f := range copied {
		if f.FloatingIPAddress == fip.FloatingIPAddress {
			t.Errorf("the copy has %s, which the port %s holds", f.FloatingIPAddress, port.ID)
		}
	}
}
