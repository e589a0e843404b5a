package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

func samplePlan(t *testing.T, m replication.Mappings) *replication.Plan {
	t.Helper()
	p, err := replication.BuildPlan(sampleSnapshot(), m, sampleFacts(), replication.Target{Name: "shop-copy"})
	if err != nil {
		t.Fatalf("BuildPlan: %v", err)
	}
	return p
}

func TestPreviewHasTheSchemaType(t *testing.T) {
	ctx := context.Background()
	obj, diags := previewFromPlan(ctx, samplePlan(t, replication.Mappings{}))
	requireNoErrors(t, diags)
	if want := resourceSchema.Attributes["preview"].GetType(); !obj.Type(ctx).Equal(want) {
		t.Fatalf("preview type %s differs from the schema's %s", obj.Type(ctx), want)
	}
	// Empty collections are empty, not null: a plan without ports shows "ports = []".
	ports, ok := obj.Attributes()["ports"].(types.List)
	if !ok || ports.IsNull() || len(ports.Elements()) != 0 {
		t.Errorf("ports = %v, want an empty list", obj.Attributes()["ports"])
	}
}

func TestPreviewAppliesMappings(t *testing.T) {
	p := samplePlan(t, replication.Mappings{
		Subnets:     []replication.SubnetRemap{{SrcCIDR: "10.0.1.0/24", DstCIDR: "192.168.1.0/24"}},
		VolumeTypes: []replication.VolumeTypeMap{{SrcTypeID: "vt-ssd", DstTypeID: "dvt-fast"}, {SrcTypeID: "vt-hdd", DstTypeID: "dvt-fast"}},
	})
	got := renderPreview(p)

	if got.Name != "shop-copy" || got.Description != "the shop" {
		t.Errorf("project = %q, %q", got.Name, got.Description)
	}
	subnets := map[string]previewSubnetModel{}
	for _, s := range got.Subnets {
		subnets[s.Name] = s
	}
	web := subnets["web-v4"]
	if web.SourceCIDR != "10.0.1.0/24" || web.CIDR != "192.168.1.0/24" || web.Network != "web" {
		t.Errorf("web subnet = %+v", web)
	}
	if web.GatewayIP == nil || *web.GatewayIP != "192.168.1.1" {
		t.Errorf("web gateway = %v, want 192.168.1.1", web.GatewayIP)
	}
	if !reflect.DeepEqual(web.AllocationPools, []previewPoolModel{{Start: "192.168.1.10", End: "192.168.1.99"}}) {
		t.Errorf("web pools = %+v", web.AllocationPools)
	}
	if db := subnets["db-v4"]; db.CIDR != "10.0.3.0/24" || db.GatewayIP != nil {
		t.Errorf("db subnet = %+v, want its CIDR kept and no gateway", db)
	}

	if len(got.Routers) != 1 {
		t.Fatalf("routers = %+v", got.Routers)
	}
	r := got.Routers[0]
	if !r.ExternalGateway || !reflect.DeepEqual(r.Interfaces, []previewInterfaceModel{{Subnet: "web-v4", CIDR: "192.168.1.0/24", IPAddress: "192.168.1.1"}}) {
		t.Errorf("router = %+v", r)
	}
	dropped := map[string]string{}
	for _, d := range r.DroppedRoutes {
		dropped[d.Destination] = d.Reason
	}
	if dropped["172.16.50.0/24"] == "" {
		t.Errorf("the route to 172.16.50.0/24 is not reported as dropped: %+v", r.DroppedRoutes)
	}
	if len(r.Routes)+len(r.DroppedRoutes) != 2 {
		t.Errorf("routes %+v and dropped %+v do not account for the 2 source routes", r.Routes, r.DroppedRoutes)
	}
	for _, rt := range r.Routes {
		if rt.NextHop == "10.0.1.20" {
			t.Errorf("route %+v kept its next hop in the remapped subnet", rt)
		}
	}

	rules := map[string]int64{}
	for _, g := range got.SecurityGroups {
		rules[g.Name] = g.Rules
	}
	if !reflect.DeepEqual(rules, map[string]int64{"default": 1, "web": 4}) {
		t.Errorf("rule counts = %v", rules)
	}
	if got.Quotas.Volume["gigabytes_fast"] != 150 || got.Quotas.Volume["gigabytes"] != 500 {
		t.Errorf("volume quotas = %v, want gigabytes_fast summed to 150", got.Quotas.Volume)
	}
	if got.Quotas.Network["port"] != -1 {
		t.Errorf("network quotas = %v, want port unlimited", got.Quotas.Network)
	}
	// The address group's address in the remapped web subnet moves with it.
	wantGroups := []previewAddrGroupModel{{SourceID: "ag-office", Name: "office", Addresses: []string{"192.168.1.64/26", "198.51.100.0/24"}}}
	if !reflect.DeepEqual(got.AddressGroups, wantGroups) {
		t.Errorf("address groups = %+v, want %+v", got.AddressGroups, wantGroups)
	}
	if got.Counts["networks"] != 2 || got.Counts["subnets"] != 2 || got.Counts["security_group_rules"] != 5 || got.Counts["address_groups"] != 1 || got.Counts["ports"] != 0 {
		t.Errorf("counts = %v", got.Counts)
	}
}

func TestPreviewShowsPorts(t *testing.T) {
	got := renderPreview(samplePlan(t, replication.Mappings{SyncInstancePorts: true}))
	want := []previewPortModel{{SourceID: "port-web-1", Name: "web-1-eth0", Kind: "instance", Network: "web", IPs: []string{"10.0.1.11"}, MAC: "fa:16:3e:01:01:01"}}
	if !reflect.DeepEqual(got.Ports, want) {
		t.Errorf("ports = %+v, want %+v", got.Ports, want)
	}
}

// The same source and mappings give the same preview, or `terraform apply` would see the plan change
// between plan and apply.
func TestPreviewIsDeterministic(t *testing.T) {
	ctx := context.Background()
	m := replication.Mappings{Subnets: []replication.SubnetRemap{{SrcCIDR: "10.0.1.0/24", DstCIDR: "192.168.1.0/24"}}}
	a, diags := previewFromPlan(ctx, samplePlan(t, m))
	requireNoErrors(t, diags)
	for range 5 {
		b, diags := previewFromPlan(ctx, samplePlan(t, m))
		requireNoErrors(t, diags)
		if !a.Equal(b) {
			t.Fatal("two previews of the same plan differ")
		}
	}
}
