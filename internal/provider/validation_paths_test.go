package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

func TestAttributePath(t *testing.T) {
	tests := []struct {
		in   string
		want path.Path
		ok   bool
	}{
		{"src_resource", path.Root("src_resource"), true},
		{"dst_offering", path.Root("dst_offering"), true},
		{"mappings.sync_instance_ports", path.Root("mappings").AtName("sync_instance_ports"), true},
		{"mappings.networks[0]", path.Root("mappings").AtName("networks").AtListIndex(0), true},
		{"mappings.subnets[1].dst_cidr", path.Root("mappings").AtName("subnets").AtListIndex(1).AtName("dst_cidr"), true},
		{"mappings.subnets[12].src_cidr", path.Root("mappings").AtName("subnets").AtListIndex(12).AtName("src_cidr"), true},
		{"mappings.volume_types[0].src_type_uuid", path.Root("mappings").AtName("volume_types").AtListIndex(0).AtName("src_type_uuid"), true},
		{"mappings.volume_types", path.Root("mappings").AtName("volume_types"), true},
		{"a[1][2]", path.Root("a").AtListIndex(1).AtListIndex(2), true},
		{"", path.Empty(), false},
		{"mappings..subnets", path.Empty(), false},
		{"mappings.subnets[x]", path.Empty(), false},
		{"mappings.subnets[1", path.Empty(), false},
		{"Mappings", path.Empty(), false},
		{"the source", path.Empty(), false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := attributePath(tt.in)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("attributePath(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAddValidationErrors(t *testing.T) {
	var diags diag.Diagnostics
	err := fmt.Errorf("planning: %w", replication.ValidationErrors{
		{Attribute: "mappings.subnets[0].dst_cidr", Value: "8.8.8.0/24", Message: "is not a private network"},
		{Attribute: "something else entirely", Value: "x", Message: "odd"},
	})
	if !addValidationErrors(&diags, err) {
		t.Fatal("a wrapped ValidationErrors was not recognised")
	}
	requireAttributeError(t, diags, "mappings.subnets[0].dst_cidr", "Invalid migration input")
	if diags.ErrorsCount() != 2 {
		t.Errorf("want 2 errors, got %v", diags)
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
			t.Errorf("engine attribute %q does not parse", e.Attribute)
			continue
		}
		// An element of a list of strings has no schema of its own: its list must exist.
		if strings.HasSuffix(e.Attribute, "]") {
			p = p.ParentPath()
		}
		if _, diags := resourceSchema.AttributeAtPath(ctx, p); diags.HasError() {
			t.Errorf("engine attribute %q is not in the schema: %v", e.Attribute, diags)
		}
		seen[e.Attribute] = true
	}
	for _, want := range []string{"src_resource", "dst_offering", "mappings.networks[1]", "mappings.subnets[0].dst_cidr", "mappings.sync_instance_ports"} {
		if !seen[want] {
			t.Errorf("no validation error on %s; got %v", want, errs)
		}
	}
}
