package provider

import (
	"context"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCIDRValidator(t *testing.T) {
	tests := []struct {
		in, wantErr string
	}{
		{"10.0.0.0/24", ""},
		{"192.168.1.0/24", ""},
		{"0.0.0.0/0", ""},
		{"fd00:1::/64", ""},
		{"10.0.0.5/24", "did you mean 10.0.0.0/24"},
		{"10.0.0.0", "is not a CIDR"},
		{"10.0.0.0/33", "is not a CIDR"},
		{"ten", "is not a CIDR"},
		{"", "is not a CIDR"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			resp := &validator.StringResponse{}
			cidr().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("cidr"), ConfigValue: types.StringValue(tt.in)}, resp)
			if tt.wantErr == "" {
				requireNoErrors(t, resp.Diagnostics)
				return
			}
			if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), tt.wantErr) {
				t.Errorf("want an error containing %q, got %v", tt.wantErr, resp.Diagnostics)
			}
		})
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		cidr().ValidateString(context.Background(), validator.StringRequest{ConfigValue: v}, resp)
		requireNoErrors(t, resp.Diagnostics)
	}
}

func TestPrivateNetworkValidator(t *testing.T) {
	tests := map[string]bool{
		"10.0.0.0/24": true, "10.0.0.0/8": true, "172.16.0.0/12": true, "172.31.255.0/24": true, "192.168.0.0/16": true,
		"fd12:3456::/64": true,
		"172.32.0.0/24":  false, "8.8.8.0/24": false, "0.0.0.0/0": false, "10.0.0.0/7": false, "2001:db8::/64": false,
		"not a cidr": true, // left to the CIDR validator
	}
	for in, ok := range tests {
		resp := &validator.StringResponse{}
		privateNetwork().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("dst_cidr"), ConfigValue: types.StringValue(in)}, resp)
		if resp.Diagnostics.HasError() == ok {
			t.Errorf("%s: errors %v, want ok = %v", in, resp.Diagnostics, ok)
		}
	}
}

func TestRemapConflicts(t *testing.T) {
	r := func(src, dst string) subnetRemapModel {
		return subnetRemapModel{SrcCIDR: types.StringValue(src), DstCIDR: types.StringValue(dst)}
	}
	got := remapConflicts([]subnetRemapModel{
		r("10.0.1.0/24", "192.168.1.0/24"),
		r("10.0.2.0/24", "192.168.2.0/24"),
		r("10.0.1.0/24", "192.168.3.0/24"), // source repeated
		r("10.0.4.0/24", "192.168.0.0/16"), // overlaps entry 0
		r("bad", "worse"),                  // left to the CIDR validator
		{SrcCIDR: types.StringUnknown(), DstCIDR: types.StringNull()},
	})
	want := []remapConflict{{2, "src_cidr", ""}, {3, "dst_cidr", ""}}
	if len(got) != len(want) {
		t.Fatalf("conflicts = %+v", got)
	}
	for i := range want {
		if got[i].index != want[i].index || got[i].attribute != want[i].attribute || got[i].message == "" {
			t.Errorf("conflict %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if c := remapConflicts([]subnetRemapModel{r("10.0.1.0/24", "192.168.1.0/24"), r("10.0.2.0/24", "192.168.2.0/24")}); len(c) != 0 {
		t.Errorf("disjoint remaps reported: %+v", c)
	}
}

func TestPortsKeepAddressesValidator(t *testing.T) {
	ctx := context.Background()
	typ := mustBe[tftypes.Object](t, resourceSchema.Type().TerraformType(ctx))
	mType := mustBe[tftypes.Object](t, typ.AttributeTypes["mappings"])
	subnetsType := mustBe[tftypes.List](t, mType.AttributeTypes["subnets"])
	remapType := mustBe[tftypes.Object](t, subnetsType.ElementType)
	config := func(remaps []tftypes.Value) tfsdk.Config {
		subnets := tftypes.NewValue(subnetsType, nil)
		if remaps != nil {
			subnets = tftypes.NewValue(subnetsType, remaps)
		}
		mappings := objectWith(mType, map[string]tftypes.Value{"subnets": subnets})
		return tfsdk.Config{Schema: resourceSchema, Raw: objectWith(typ, map[string]tftypes.Value{"mappings": mappings})}
	}
	remap := objectWith(remapType, map[string]tftypes.Value{
		"src_cidr": tftypes.NewValue(tftypes.String, "10.0.1.0/24"), "dst_cidr": tftypes.NewValue(tftypes.String, "192.168.1.0/24"),
	})
	at := path.Root("mappings").AtName("sync_instance_ports")
	for _, tt := range []struct {
		name    string
		value   bool
		config  tfsdk.Config
		wantErr bool
	}{
		{"ports with remaps", true, config([]tftypes.Value{remap}), true},
		{"ports without remaps", true, config(nil), false},
		{"ports with an empty remap list", true, config([]tftypes.Value{}), false},
		{"remaps without ports", false, config([]tftypes.Value{remap}), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := &validator.BoolResponse{}
			portsKeepAddresses().ValidateBool(ctx, validator.BoolRequest{Path: at, ConfigValue: types.BoolValue(tt.value), Config: tt.config}, resp)
			if resp.Diagnostics.HasError() != tt.wantErr {
				t.Errorf("errors = %v, want error %v", resp.Diagnostics, tt.wantErr)
			}
		})
	}
}
