package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

func TestAttributePath(t *testing.T) {
	mappings := replication.Root("mappings")
	tests := []struct {
		in   replication.Path
		want path.Path
		ok   bool
	}{
		{replication.Root("src_resource"), path.Root("src_resource"), true},
		{replication.Root("dst_offering"), path.Root("dst_offering"), true},
		{mappings.Attr("sync_instance_ports"), path.Root("mappings").AtName("sync_instance_ports"), true},
		{mappings.Attr("networks").Index(0), path.Root("mappings").AtName("networks").AtListIndex(0), true},
		{mappings.Attr("subnets").Index(1).Attr("dst_cidr"), path.Root("mappings").AtName("subnets").AtListIndex(1).AtName("dst_cidr"), true},
		{mappings.Attr("subnets").Index(12).Attr("src_cidr"), path.Root("mappings").AtName("subnets").AtListIndex(12).AtName("src_cidr"), true},
		{mappings.Attr("volume_types").Index(0).Attr("src_type_uuid"), path.Root("mappings").AtName("volume_types").AtListIndex(0).AtName("src_type_uuid"), true},
		{mappings.Attr("volume_types"), path.Root("mappings").AtName("volume_types"), true},
		// nested indexes
		{replication.Root("a").Index(1).Index(2), path.Root("a").AtListIndex(1).AtListIndex(2), true},
		{replication.Root("a").Index(0).Attr("b").Index(3).Attr("c"), path.Root("a").AtListIndex(0).AtName("b").AtListIndex(3).AtName("c"), true},
		// map keys, taken as they are: dots, brackets and quotes in a key are not steps
		{replication.Root("offerings").Key("old").Attr("cloud"), path.Root("offerings").AtMapKey("old").AtName("cloud"), true},
		{replication.Root("tags").Key(`a.b["c"][0]`), path.Root("tags").AtMapKey(`a.b["c"][0]`), true},
		{replication.Root("m").Key("x").Key("").Index(4), path.Root("m").AtMapKey("x").AtMapKey("").AtListIndex(4), true},
		{replication.Root("m").Index(2).Key("k"), path.Root("m").AtListIndex(2).AtMapKey("k"), true},
		// names no attribute
		{replication.Path{}, path.Empty(), false},
		{replication.Path{}.Index(0).Attr("x"), path.Empty(), false},
		{replication.Path{}.Key("k"), path.Empty(), false},
	}
	for _, tt := range tests {
		t.Run(tt.in.String(), func(t *testing.T) {
			got, ok := attributePath(tt.in)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("attributePath(%s) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			// the engine's text and Terraform's agree on every path
			if ok && got.String() != tt.in.String() {
				t.Errorf("Terraform spells %s as %s", tt.in, got)
			}
		})
	}
}

func TestAddValidationErrors(t *testing.T) {
	var diags diag.Diagnostics
	err := fmt.Errorf("planning: %w", replication.ValidationErrors{
		{Attribute: replication.Root("mappings").Attr("subnets").Index(0).Attr("dst_cidr"), Value: "8.8.8.0/24", Message: "is not a private network"},
		{Attribute: replication.Path{}, Value: "x", Message: "odd"},
		{Attribute: replication.Root("offerings").Key("old").Attr("cloud"), Value: "nowhere", Message: "is not a cloud"},
	})
	if !addValidationErrors(&diags, err) {
		t.Fatal("a wrapped ValidationErrors was not recognised")
	}
	requireAttributeError(t, diags, "mappings.subnets[0].dst_cidr", "Invalid migration input")
	requireAttributeError(t, diags, `offerings["old"].cloud`, "Invalid migration input")
	if diags.ErrorsCount() != 3 {
		t.Errorf("want 3 errors, got %v", diags)
	}
	for _, d := range diags.Errors() {
		if _, ok := d.(diag.DiagnosticWithPath); !ok && d.Detail() != ` = "x": odd` {
			t.Errorf("an error without a path: %q", d.Detail())
		}
	}
	if addValidationErrors(&diags, fmt.Errorf("HTTP 500")) {
		t.Error("a plain error was taken for validation errors")
	}
}

// Every attribute the engine names in a validation error must be an attribute of the resource schema,
// or the diagnostic would point nowhere.
func TestEngineValidationErrorsPointAtSchemaAttributes(t *testing.T) {
	ctx := context.Background()
	snap := sampleSnapshot()
	snap.Quotas = replication.Quotas{} // "the source tenant has no quota limits set"
	facts := sampleFacts()
	facts.CanCreateProjects = false
	m := replication.Mappings{
		Networks: []string{"net-web", "net-elsewhere"},
		Subnets: []replication.SubnetRemap{
			{SrcCIDR: "10.0.1.0/24", DstCIDR: "8.8.8.0/24"},
			{SrcCIDR: "10.9.9.0/24", DstCIDR: "192.168.9.0/24"},
			{SrcCIDR: "10.0.1.5/24", DstCIDR: "192.168.10.0/24"},
		},
		VolumeTypes:       []replication.VolumeTypeMap{{SrcTypeID: "vt-nope", DstTypeID: "dvt-nope"}},
		SyncInstancePorts: true,
	}
	_, err := replication.BuildPlan(snap, m, facts, replication.Target{})
	var errs replication.ValidationErrors
	if err == nil {
		t.Fatal("BuildPlan accepted invalid inputs")
	}
	if !asValidationErrors(err, &errs) {
		t.Fatalf("BuildPlan returned %T, not ValidationErrors: %v", err, err)
	}
	seen := map[string]bool{}
	for _, e := range errs {
		p, ok := attributePath(e.Attribute)
		if !ok {
			t.Errorf("engine attribute %s names no attribute", e.Attribute)
			continue
		}
		// An element of a list of strings has no schema of its own: its list must exist.
		if steps := e.Attribute.Steps(); steps[len(steps)-1].Kind == replication.IndexStep {
			p = p.ParentPath()
		}
		if _, diags := resourceSchema.AttributeAtPath(ctx, p); diags.HasError() {
			t.Errorf("engine attribute %s is not in the schema: %v", e.Attribute, diags)
		}
		seen[e.Attribute.String()] = true
	}
	for _, want := range []string{"src_resource", "dst_offering", "mappings.networks[1]", "mappings.subnets[0].dst_cidr", "mappings.sync_instance_ports"} {
		if !seen[want] {
			t.Errorf("no validation error on %s; got %v", want, errs)
		}
	}
}
