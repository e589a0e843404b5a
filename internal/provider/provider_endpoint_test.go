package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend/waldurmode"
)

// TestConfigureWaldurEndpointSecurity: a plain-HTTP endpoint off the machine is an error on endpoint
// unless allow_http = true; insecure reaches the backend; both default to false.
func TestConfigureWaldurEndpointSecurity(t *testing.T) {
	ctx := context.Background()
	configure := func(t *testing.T, endpoint string, allowHTTP, insecure *bool) *provider.ConfigureResponse {
		t.Helper()
		p := testProvider(map[string]string{})
		sresp := &provider.SchemaResponse{}
		p.Schema(ctx, provider.SchemaRequest{}, sresp)
		typ := mustBe[tftypes.Object](t, sresp.Schema.Type().TerraformType(ctx))
		set := map[string]tftypes.Value{
			"endpoint": tftypes.NewValue(tftypes.String, endpoint),
			"token":    tftypes.NewValue(tftypes.String, "t"),
		}
		if allowHTTP != nil {
			set["allow_http"] = tftypes.NewValue(tftypes.Bool, *allowHTTP)
		}
		if insecure != nil {
			set["insecure"] = tftypes.NewValue(tftypes.Bool, *insecure)
		}
		resp := &provider.ConfigureResponse{}
		p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: objectWith(typ, set)}}, resp)
		return resp
	}
	yes := true
	resp := configure(t, "http://waldur.example.com/api/", nil, nil)
	if !resp.Diagnostics.HasError() || resp.Diagnostics.Errors()[0].Summary() != "Invalid Waldur endpoint" {
		t.Fatalf("plain HTTP accepted: %v", resp.Diagnostics)
	}
	if d, ok := resp.Diagnostics.Errors()[0].(interface{ Path() path.Path }); !ok || !d.Path().Equal(path.Root("endpoint")) {
		t.Errorf("the error is not on endpoint: %v", resp.Diagnostics)
	}
	for name, tc := range map[string]struct {
		endpoint  string
		allowHTTP *bool
	}{
		"allowed":  {"http://waldur.example.com/api/", &yes},
		"loopback": {"http://127.0.0.1:8000/api/", nil},
		"https":    {"https://waldur.example.com/api/", nil},
	} {
		t.Run(name, func(t *testing.T) {
			resp := configure(t, tc.endpoint, tc.allowHTTP, nil)
			requireNoErrors(t, resp.Diagnostics)
			b := mustBe[*waldurmode.Backend](t, resp.ResourceData)
			if s := b.Settings(); s.Insecure || s.AllowHTTP != (tc.allowHTTP != nil) {
				t.Errorf("settings %+v", s)
			}
		})
	}
	resp = configure(t, "https://waldur.example.com/api/", nil, &yes)
	requireNoErrors(t, resp.Diagnostics)
	if s := mustBe[*waldurmode.Backend](t, resp.ResourceData).Settings(); !s.Insecure {
		t.Errorf("insecure not passed on: %+v", s)
	}
}
