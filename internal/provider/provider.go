package provider

import (
	"context"
	"os"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend/standalone"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend/waldurmode"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

var (
	_ provider.Provider                   = &WaldurProvider{}
	_ provider.ProviderWithValidateConfig = &WaldurProvider{}
)

// Environment variables the Waldur backend falls back to: the names Waldur's own provider uses.
const (
	envWaldurURL   = "WALDUR_API_URL"
	envWaldurToken = "WALDUR_ACCESS_TOKEN"
)

// WaldurProvider is the `waldur` provider: one resource, waldur_openstack_migration, and three data
// sources, served by either the Waldur backend (Waldur's migration API) or the standalone backend (this
// project's replication engine driving OpenStack directly); Configure chooses which.
type WaldurProvider struct {
	version string
	getenv  func(string) string
}

// New returns the provider factory; version is set by the release build.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &WaldurProvider{version: version, getenv: os.Getenv}
	}
}

// offeringNamePattern keeps offering names free of the separators of tenant and import ids.
var offeringNamePattern = regexp.MustCompile(`^[^/:\s]+$`)

// providerModel is the provider configuration.
type providerModel struct {
	Endpoint  types.String `tfsdk:"endpoint"`
	Token     types.String `tfsdk:"token"`
	AllowHTTP types.Bool   `tfsdk:"allow_http"`
	Insecure  types.Bool   `tfsdk:"insecure"`
	OpenStack types.Object `tfsdk:"openstack"`
}

type openStackModel struct {
	Offerings map[string]offeringModel `tfsdk:"offerings"`
}

type offeringModel struct {
	Cloud             types.String `tfsdk:"cloud"`
	Region            types.String `tfsdk:"region"`
	AuthURL           types.String `tfsdk:"auth_url"`
	Username          types.String `tfsdk:"username"`
	Password          types.String `tfsdk:"password"`
	ProjectName       types.String `tfsdk:"project_name"`
	UserDomainName    types.String `tfsdk:"user_domain_name"`
	ProjectDomainName types.String `tfsdk:"project_domain_name"`
	Insecure          types.Bool   `tfsdk:"insecure"`
	CACertFile        types.String `tfsdk:"cacert_file"`
	ExternalNetwork   types.String `tfsdk:"external_network"`
	DomainID          types.String `tfsdk:"domain_id"`
	MaxParallelWrites types.Int64  `tfsdk:"max_parallel_writes"`
}

func (p *WaldurProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "waldur"
	resp.Version = p.version
}

func (p *WaldurProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	// Explicit credentials are ignored by the engine when a clouds.yaml entry is named, so mixing them is
	// refused rather than silently half-applied.
	notWithCloud := stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("cloud"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Replicates OpenStack tenants (`waldur_openstack_migration`). Configure exactly one backend: " +
			"the **Waldur backend** (`endpoint` and `token`), which asks a Waldur server to run the migration, or the " +
			"**standalone backend** (`openstack`), in which the provider reads the source tenant and builds the destination " +
			"itself through the OpenStack APIs.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Waldur backend: URL of the Waldur API, for example `https://waldur.example.com/api/`. " +
					"Falls back to the `WALDUR_API_URL` environment variable when `openstack` is not set. Conflicts with `openstack`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "Waldur backend: API token, sent as `Authorization: Token <token>`. Falls back to the " +
					"`WALDUR_ACCESS_TOKEN` environment variable when `openstack` is not set. Conflicts with `openstack`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"allow_http": schema.BoolAttribute{
				MarkdownDescription: "Waldur backend: accept an `endpoint` of plain `http://`, over which the API token travels " +
					"unencrypted. Default `false`: such an endpoint is an error, unless its host is a loopback address " +
					"(`127.0.0.0/8`, `::1`, `localhost`: an SSH tunnel, a test server), whose traffic never leaves the machine. " +
					"Conflicts with `openstack`.",
				Optional:   true,
				Validators: []validator.Bool{boolvalidator.ConflictsWith(path.MatchRoot("openstack"))},
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Waldur backend: skip the verification of the Waldur server's TLS certificate (a test " +
					"deployment with a self-signed certificate). Default `false`. Conflicts with `openstack`, whose offerings " +
					"have an `insecure` of their own.",
				Optional:   true,
				Validators: []validator.Bool{boolvalidator.ConflictsWith(path.MatchRoot("openstack"))},
			},
			"openstack": schema.SingleNestedAttribute{
				MarkdownDescription: "Standalone backend: the OpenStack clouds the provider reaches directly. Conflicts with " +
					"`endpoint` and `token`.",
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"offerings": schema.MapNestedAttribute{
						MarkdownDescription: "Offerings by name. In standalone mode an *offering* is one region of one OpenStack " +
							"cloud; its name (the map key) is what `dst_offering` and the data sources take, and tenants in it " +
							"are identified as `<offering>/<keystone project id>`. Names may not contain `/` or `:`.",
						Required: true,
						Validators: []validator.Map{
							mapvalidator.SizeAtLeast(1),
							mapvalidator.KeysAre(
								stringvalidator.LengthAtLeast(1),
								stringvalidator.RegexMatches(offeringNamePattern, "must not contain `/`, `:` or white space, which separate the parts of tenant and import ids"),
							),
						},
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"cloud": schema.StringAttribute{
								MarkdownDescription: "Name of a `clouds.yaml` entry. The file is found through `OS_CLIENT_CONFIG_FILE`, " +
									"or in the usual places (`./clouds.yaml`, `~/.config/openstack/clouds.yaml`, " +
									"`/etc/openstack/clouds.yaml`). Conflicts with `auth_url` and the explicit credentials. When " +
									"neither `cloud` nor `auth_url` is set, the `OS_*` environment variables are used.",
								Optional: true,
								Validators: []validator.String{
									stringvalidator.LengthAtLeast(1),
									stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("auth_url")),
								},
							},
							"region": schema.StringAttribute{
								MarkdownDescription: "Region of the cloud. Overrides the `clouds.yaml` entry's `region_name`.",
								Optional:            true,
								Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
							},
							"auth_url": schema.StringAttribute{
								MarkdownDescription: "Keystone v3 URL, for example `https://keystone.example.com:5000/v3`, when the " +
									"cloud is described here instead of in `clouds.yaml`. Requires `username` and `password`.",
								Optional: true,
								Validators: []validator.String{
									stringvalidator.LengthAtLeast(1),
									stringvalidator.AlsoRequires(
										path.MatchRelative().AtParent().AtName("username"),
										path.MatchRelative().AtParent().AtName("password"),
									),
								},
							},
							"username": schema.StringAttribute{
								MarkdownDescription: "User name, with `auth_url`. The user needs the `admin` role: the migration creates projects, users and quotas.",
								Optional:            true,
								Validators:          []validator.String{stringvalidator.LengthAtLeast(1), notWithCloud},
							},
							"password": schema.StringAttribute{
								MarkdownDescription: "Password, with `auth_url`.",
								Optional:            true,
								Sensitive:           true,
								Validators:          []validator.String{stringvalidator.LengthAtLeast(1), notWithCloud},
							},
							"project_name": schema.StringAttribute{
								MarkdownDescription: "Project to scope the token to, with `auth_url` (usually `admin`).",
								Optional:            true,
								Validators:          []validator.String{stringvalidator.LengthAtLeast(1), notWithCloud},
							},
							"user_domain_name": schema.StringAttribute{
								MarkdownDescription: "Domain of the user, with `auth_url`. Defaults to `Default`.",
								Optional:            true,
								Validators:          []validator.String{stringvalidator.LengthAtLeast(1), notWithCloud},
							},
							"project_domain_name": schema.StringAttribute{
								MarkdownDescription: "Domain of the project, with `auth_url`. Defaults to `Default`.",
								Optional:            true,
								Validators:          []validator.String{stringvalidator.LengthAtLeast(1), notWithCloud},
							},
							"insecure": schema.BoolAttribute{
								MarkdownDescription: "Skip TLS certificate verification, with `auth_url`. Defaults to `false`.",
								Optional:            true,
								Validators:          []validator.Bool{boolvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("cloud"))},
							},
							"cacert_file": schema.StringAttribute{
								MarkdownDescription: "PEM file of the CA that signed the cloud's certificates, with `auth_url`.",
								Optional:            true,
								Validators:          []validator.String{stringvalidator.LengthAtLeast(1), notWithCloud},
							},
							"external_network": schema.StringAttribute{
								MarkdownDescription: "Name of the external network that routers of tenants built in this offering " +
									"get their gateway on. Defaults to the only external network there is; required when there are several.",
								Optional:   true,
								Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
							},
							"domain_id": schema.StringAttribute{
								MarkdownDescription: "Keystone domain id that tenants built in this offering (and their users) are created in, " +
									"and that `waldur_openstack_tenant` searches. Defaults to the domain of the configured credentials.",
								Optional:   true,
								Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
							},
							"max_parallel_writes": schema.Int64Attribute{
								MarkdownDescription: "Most Neutron writes (creates, updates, deletes) sent to this offering at once. Each goes " +
									"on a fresh connection, started at least 100 ms after another still in flight, so that it reaches an idle neutron-server API " +
									"worker; set it to the number of API workers behind the endpoint (api_workers times servers). " +
									"Defaults to `2`.",
								Optional:   true,
								Validators: []validator.Int64{int64validator.Between(1, 64)},
							},
						}},
					},
				},
			},
		},
	}
}

// ValidateConfig refuses two backends and a half-configured Waldur backend. Unknown values count as
// set: they are known by the time the provider is configured. A configuration with no backend at all is
// refused by Configure instead, so that `terraform validate` passes in a CI job that has no credentials.
func (p *WaldurProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(checkBackends(backendSettingsOf(cfg, p.getenv), false)...)
}

// backendSettings says which backend settings are present, from configuration or environment.
type backendSettings struct {
	Endpoint, Token       bool // in the configuration
	EnvEndpoint, EnvToken bool // in the environment
	OpenStack             bool
}

func backendSettingsOf(cfg providerModel, getenv func(string) string) backendSettings {
	return backendSettings{
		Endpoint:    !cfg.Endpoint.IsNull(),
		Token:       !cfg.Token.IsNull(),
		EnvEndpoint: getenv(envWaldurURL) != "",
		EnvToken:    getenv(envWaldurToken) != "",
		OpenStack:   !cfg.OpenStack.IsNull(),
	}
}

// checkBackends enforces "exactly one backend" (with requireOne; without, only "at most one"). The
// environment fallback of the Waldur backend applies only when `openstack` is not configured, so a shell
// that exports WALDUR_* for other tools does not break a standalone configuration.
func checkBackends(s backendSettings, requireOne bool) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case s.OpenStack && (s.Endpoint || s.Token):
		diags.AddAttributeError(path.Root("openstack"), "Two backends configured",
			"Configure either the Waldur backend (endpoint and token) or the standalone backend (openstack), not both.")
	case s.OpenStack:
	case !s.Endpoint && !s.Token && !s.EnvEndpoint && !s.EnvToken:
		if !requireOne {
			break
		}
		diags.AddAttributeError(path.Root("openstack"), "No backend configured",
			"Configure exactly one backend: the Waldur backend with endpoint and token (or the "+envWaldurURL+" and "+
				envWaldurToken+" environment variables), or the standalone backend with openstack = { offerings = { ... } }.")
	case !s.Endpoint && !s.EnvEndpoint:
		diags.AddAttributeError(path.Root("endpoint"), "Missing Waldur endpoint",
			"The Waldur backend needs endpoint (or the "+envWaldurURL+" environment variable) together with token.")
	case !s.Token && !s.EnvToken:
		diags.AddAttributeError(path.Root("token"), "Missing Waldur token",
			"The Waldur backend needs token (or the "+envWaldurToken+" environment variable) together with endpoint.")
	}
	return diags
}

func (p *WaldurProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(checkBackends(backendSettingsOf(cfg, p.getenv), true)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The one place the backend is chosen: resources and data sources get it as their provider data.
	var b backend.Backend
	if cfg.OpenStack.IsNull() {
		endpoint := stringOr(cfg.Endpoint, p.getenv(envWaldurURL))
		if !cfg.Endpoint.IsUnknown() && !cfg.AllowHTTP.IsUnknown() {
			if err := waldur.CheckEndpointScheme(endpoint, cfg.AllowHTTP.ValueBool()); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Waldur endpoint", err.Error())
				return
			}
		}
		b = waldurmode.New(waldurmode.Settings{
			Endpoint:  endpoint,
			Token:     stringOr(cfg.Token, p.getenv(envWaldurToken)),
			Poll:      waldurPoll,
			AllowHTTP: cfg.AllowHTTP.ValueBool(),
			Insecure:  cfg.Insecure.ValueBool(),
		}, tfLogger{})
	} else {
		if cfg.OpenStack.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root("openstack"), "Unknown standalone backend configuration",
				"The openstack attribute depends on values known only after apply; the provider needs it to plan. Use values known at plan time.")
			return
		}
		var osm openStackModel
		resp.Diagnostics.Append(cfg.OpenStack.As(ctx, &osm, basetypes.ObjectAsOptions{})...)
		if resp.Diagnostics.HasError() {
			return
		}
		offerings, diags := offeringSettingsOf(osm)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		b = standalone.New(offerings, tfLogger{})
	}
	resp.ResourceData = b
	resp.DataSourceData = b
}

// waldurPoll tunes how the Waldur backend waits for migrations and orders (zero: from 2s, growing to
// 30s). Acceptance tests against the in-process server poll faster.
var waldurPoll = waldur.WaitOptions{}

// offeringSettingsOf turns the configured offerings into connection settings.
func offeringSettingsOf(osm openStackModel) (map[string]standalone.OfferingSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := map[string]standalone.OfferingSettings{}
	for name, o := range osm.Offerings {
		at := path.Root("openstack").AtName("offerings").AtMapKey(name)
		for attr, v := range map[string]types.String{
			"cloud": o.Cloud, "region": o.Region, "auth_url": o.AuthURL, "username": o.Username, "password": o.Password,
			"project_name": o.ProjectName, "user_domain_name": o.UserDomainName, "project_domain_name": o.ProjectDomainName,
			"cacert_file": o.CACertFile, "external_network": o.ExternalNetwork, "domain_id": o.DomainID,
		} {
			if v.IsUnknown() {
				diags.AddAttributeError(at.AtName(attr), "Unknown offering setting",
					"This value is known only after apply; the provider needs it to plan. Use a value known at plan time.")
			}
		}
		if o.Insecure.IsUnknown() {
			diags.AddAttributeError(at.AtName("insecure"), "Unknown offering setting",
				"This value is known only after apply; the provider needs it to plan. Use a value known at plan time.")
		}
		out[name] = standalone.OfferingSettings{
			Config: openstack.Config{
				Cloud:             o.Cloud.ValueString(),
				Region:            o.Region.ValueString(),
				AuthURL:           o.AuthURL.ValueString(),
				Username:          o.Username.ValueString(),
				Password:          o.Password.ValueString(),
				ProjectName:       o.ProjectName.ValueString(),
				UserDomainName:    o.UserDomainName.ValueString(),
				ProjectDomainName: o.ProjectDomainName.ValueString(),
				Insecure:          o.Insecure.ValueBool(),
				CACertFile:        o.CACertFile.ValueString(),
				NetworkWriteSlots: int(o.MaxParallelWrites.ValueInt64()),
			},
			ExternalNetwork: o.ExternalNetwork.ValueString(),
			DomainID:        o.DomainID.ValueString(),
		}
	}
	return out, diags
}

func stringOr(v types.String, fallback string) string {
	if v.IsNull() || v.IsUnknown() {
		return fallback
	}
	return v.ValueString()
}

func (p *WaldurProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewMigrationResource}
}

func (p *WaldurProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewOfferingDataSource, NewVolumeTypeDataSource, NewTenantDataSource}
}
