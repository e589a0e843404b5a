package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend/standalone"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend/waldurmode"
)

// testAccProtoV6ProviderFactories serves the provider in-process to acceptance tests
// (resource.Test{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, ...}).
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"waldur": providerserver.NewProtocol6WithError(New("test")()),
}

func testProvider(env map[string]string) *WaldurProvider {
	return &WaldurProvider{version: "test", getenv: func(k string) string { return env[k] }}
}

func TestProviderSchemaIsValid(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	resp := &provider.SchemaResponse{}
	p.Schema(ctx, provider.SchemaRequest{}, resp)
	requireNoErrors(t, resp.Diagnostics)
	requireNoErrors(t, resp.Schema.ValidateImplementation(ctx))

	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		rresp := &resource.SchemaResponse{}
		r.Schema(ctx, resource.SchemaRequest{}, rresp)
		requireNoErrors(t, rresp.Diagnostics)
		requireNoErrors(t, rresp.Schema.ValidateImplementation(ctx))
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		dresp := &datasource.SchemaResponse{}
		d.Schema(ctx, datasource.SchemaRequest{}, dresp)
		requireNoErrors(t, dresp.Diagnostics)
		requireNoErrors(t, dresp.Schema.ValidateImplementation(ctx))
	}
}

func TestTypeNames(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var names []string
	for _, newResource := range p.Resources(ctx) {
		resp := &resource.MetadataResponse{}
		newResource().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "waldur"}, resp)
		names = append(names, resp.TypeName)
	}
	for _, newDataSource := range p.DataSources(ctx) {
		resp := &datasource.MetadataResponse{}
		newDataSource().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "waldur"}, resp)
		names = append(names, resp.TypeName)
	}
	want := "waldur_openstack_migration waldur_marketplace_offering waldur_openstack_volume_type waldur_openstack_tenant"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("type names = %q, want %q", got, want)
	}
}

// Every description is documentation: tfplugindocs renders the MarkdownDescriptions, so none may be empty.
func TestEveryAttributeIsDescribed(t *testing.T) {
	var missing []string
	var walk func(prefix string, attrs map[string]describedAttr)
	walk = func(prefix string, attrs map[string]describedAttr) {
		for name, a := range attrs {
			if a.desc == "" {
				missing = append(missing, prefix+name)
			}
			walk(prefix+name+".", a.children)
		}
	}
	walk("", describeResource())
	if len(missing) > 0 {
		t.Errorf("attributes without MarkdownDescription: %v", missing)
	}
}

func TestCheckBackends(t *testing.T) {
	tests := []struct {
		name    string
		s       backendSettings
		wantErr string // substring of the summary; "" for none
		path    string
	}{
		{"standalone", backendSettings{OpenStack: true}, "", ""},
		{"standalone ignores Waldur environment", backendSettings{OpenStack: true, EnvEndpoint: true, EnvToken: true}, "", ""},
		{"waldur from configuration", backendSettings{Endpoint: true, Token: true}, "", ""},
		{"waldur from environment", backendSettings{EnvEndpoint: true, EnvToken: true}, "", ""},
		{"waldur mixed", backendSettings{Endpoint: true, EnvToken: true}, "", ""},
		{"none", backendSettings{}, "No backend configured", "openstack"},
		{"both", backendSettings{OpenStack: true, Endpoint: true, Token: true}, "Two backends configured", "openstack"},
		{"both, token only", backendSettings{OpenStack: true, Token: true}, "Two backends configured", "openstack"},
		{"endpoint without token", backendSettings{Endpoint: true}, "Missing Waldur token", "token"},
		{"token without endpoint", backendSettings{Token: true}, "Missing Waldur endpoint", "endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := checkBackends(tt.s, true)
			if tt.wantErr == "" {
				requireNoErrors(t, diags)
				return
			}
			requireAttributeError(t, diags, tt.path, tt.wantErr)

			// Validation (without requireOne) lets "none" through, for `terraform validate` without
			// credentials, and refuses everything else the same way.
			diags = checkBackends(tt.s, false)
			if tt.name == "none" {
				requireNoErrors(t, diags)
			} else {
				requireAttributeError(t, diags, tt.path, tt.wantErr)
			}
		})
	}
}

func TestValidateConfig(t *testing.T) {
	ctx := context.Background()
	offering := map[string]tftypes.Value{"cloud": tftypes.NewValue(tftypes.String, "lab-RegionOne")}
	tests := []struct {
		name    string
		config  map[string]any
		env     map[string]string
		wantErr string
	}{
		{"zero backends pass validation, for terraform validate without credentials", nil, nil, ""},
		{"two backends", map[string]any{"endpoint": "https://waldur.example.com/api/", "token": "t", "offerings": offering}, nil, "Two backends configured"},
		{"standalone", map[string]any{"offerings": offering}, nil, ""},
		{"waldur", map[string]any{"endpoint": "https://waldur.example.com/api/", "token": "t"}, nil, ""},
		{"waldur from environment", nil, map[string]string{envWaldurURL: "https://waldur.example.com/api/", envWaldurToken: "t"}, ""},
		{"standalone with waldur environment", map[string]any{"offerings": offering}, map[string]string{envWaldurURL: "x", envWaldurToken: "t"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testProvider(tt.env)
			resp := &provider.ValidateConfigResponse{}
			p.ValidateConfig(ctx, provider.ValidateConfigRequest{Config: providerConfig(t, p, tt.config)}, resp)
			if tt.wantErr == "" {
				requireNoErrors(t, resp.Diagnostics)
			} else if !hasError(resp.Diagnostics, tt.wantErr) {
				t.Fatalf("want error %q, got %v", tt.wantErr, resp.Diagnostics)
			}
		})
	}
}

func TestConfigure(t *testing.T) {
	ctx := context.Background()
	t.Run("zero backends", func(t *testing.T) {
		p := testProvider(nil)
		resp := &provider.ConfigureResponse{}
		p.Configure(ctx, provider.ConfigureRequest{Config: providerConfig(t, p, nil)}, resp)
		requireAttributeError(t, resp.Diagnostics, "openstack", "No backend configured")
	})
	t.Run("two backends", func(t *testing.T) {
		p := testProvider(nil)
		resp := &provider.ConfigureResponse{}
		offering := map[string]tftypes.Value{"cloud": tftypes.NewValue(tftypes.String, "lab-RegionOne")}
		p.Configure(ctx, provider.ConfigureRequest{Config: providerConfig(t, p, map[string]any{"token": "t", "offerings": offering})}, resp)
		requireAttributeError(t, resp.Diagnostics, "openstack", "Two backends configured")
	})
	t.Run("standalone", func(t *testing.T) {
		p := testProvider(nil)
		offerings := map[string]tftypes.Value{"cloud": tftypes.NewValue(tftypes.String, "lab-RegionOne"), "external_network": tftypes.NewValue(tftypes.String, "public")}
		resp := &provider.ConfigureResponse{}
		p.Configure(ctx, provider.ConfigureRequest{Config: providerConfig(t, p, map[string]any{"offerings": offerings})}, resp)
		requireNoErrors(t, resp.Diagnostics)
		b, ok := resp.ResourceData.(*standalone.Backend)
		if !ok || resp.DataSourceData != resp.ResourceData {
			t.Fatalf("want the standalone backend for resources and data sources, got %T, %T", resp.ResourceData, resp.DataSourceData)
		}
		o, err := b.OfferingSettings("old")
		if err != nil || o.Config.Cloud != "lab-RegionOne" || o.ExternalNetwork != "public" {
			t.Errorf("offering settings = %+v, %v", o, err)
		}
	})
	t.Run("waldur", func(t *testing.T) {
		p := testProvider(map[string]string{envWaldurToken: "from-env"})
		resp := &provider.ConfigureResponse{}
		p.Configure(ctx, provider.ConfigureRequest{Config: providerConfig(t, p, map[string]any{"endpoint": "https://waldur.example.com/api/"})}, resp)
		requireNoErrors(t, resp.Diagnostics)
		b, ok := resp.DataSourceData.(*waldurmode.Backend)
		if !ok || resp.DataSourceData != resp.ResourceData {
			t.Fatalf("want the Waldur backend for resources and data sources, got %T, %T", resp.ResourceData, resp.DataSourceData)
		}
		if s := b.Settings(); s.Endpoint != "https://waldur.example.com/api/" || s.Token != "from-env" {
			t.Fatalf("waldur settings = %+v", s)
		}
	})
}

// providerConfig builds a provider configuration: "endpoint" and "token" are strings, "offerings" the
// attributes of one offering named "old".
func providerConfig(t *testing.T, p provider.Provider, values map[string]any) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	resp := &provider.SchemaResponse{}
	p.Schema(ctx, provider.SchemaRequest{}, resp)
	typ := mustBe[tftypes.Object](t, resp.Schema.Type().TerraformType(ctx))
	set := map[string]tftypes.Value{}
	for k, v := range values {
		switch k {
		case "endpoint", "token":
			set[k] = tftypes.NewValue(tftypes.String, v)
		case "offerings":
			osType := mustBe[tftypes.Object](t, typ.AttributeTypes["openstack"])
			mapType := mustBe[tftypes.Map](t, osType.AttributeTypes["offerings"])
			offering := objectWith(mustBe[tftypes.Object](t, mapType.ElementType), mustBe[map[string]tftypes.Value](t, v))
			set["openstack"] = objectWith(osType, map[string]tftypes.Value{
				"offerings": tftypes.NewValue(mapType, map[string]tftypes.Value{"old": offering}),
			})
		default:
			t.Fatalf("unknown config key %q", k)
		}
	}
	return tfsdk.Config{Schema: resp.Schema, Raw: objectWith(typ, set)}
}

// objectWith is an object of type typ with the given attributes set and every other one null.
func objectWith(typ tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	all := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := set[name]; ok {
			all[name] = v
		} else {
			all[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(typ, all)
}

func requireNoErrors(t *testing.T, diags diag.Diagnostics) {
	t.Helper()
	if diags.HasError() {
		t.Fatalf("unexpected errors: %v", diags)
	}
}

func hasError(diags diag.Diagnostics, summary string) bool {
	for _, d := range diags.Errors() {
		if strings.Contains(d.Summary(), summary) {
			return true
		}
	}
	return false
}

func requireAttributeError(t *testing.T, diags diag.Diagnostics, path, summary string) {
	t.Helper()
	for _, d := range diags.Errors() {
		if wp, ok := d.(diag.DiagnosticWithPath); ok && wp.Path().String() == path && strings.Contains(d.Summary(), summary) {
			return
		}
	}
	t.Fatalf("want error %q on %s, got %v", summary, path, diags)
}

// The factories acceptance tests use serve a provider whose schemas the protocol server accepts.
func TestProviderServesSchemas(t *testing.T) {
	server, err := testAccProtoV6ProviderFactories["waldur"]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	if resp.ResourceSchemas["waldur_openstack_migration"] == nil || len(resp.DataSourceSchemas) != 3 {
		t.Errorf("resources %v, data sources %v", len(resp.ResourceSchemas), len(resp.DataSourceSchemas))
	}
}

// mustBe returns v as a T, and fails the test when it is not one.
func mustBe[T any](t testing.TB, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok {
		t.Fatalf("%T is not a %T", v, x)
	}
	return x
}
