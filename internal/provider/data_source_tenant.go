package provider

import (
	"cmp"
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
)

var (
	_ datasource.DataSource              = &TenantDataSource{}
	_ datasource.DataSourceWithConfigure = &TenantDataSource{}
)

// TenantDataSource is waldur_openstack_tenant.
type TenantDataSource struct{ dataSourceBase }

// NewTenantDataSource returns the data source.
func NewTenantDataSource() datasource.DataSource { return &TenantDataSource{} }

type tenantDataModel struct {
	Name        types.String         `tfsdk:"name"`
	Offering    types.String         `tfsdk:"offering"`
	ID          types.String         `tfsdk:"id"`
	ProjectID   types.String         `tfsdk:"project_id"`
	Description types.String         `tfsdk:"description"`
	Networks    []tenantNetworkModel `tfsdk:"networks"`
	Subnets     []tenantSubnetModel  `tfsdk:"subnets"`
}

type tenantNetworkModel struct {
	ID   types.String `tfsdk:"id"`
	Name types.String `tfsdk:"name"`
}

type tenantSubnetModel struct {
	ID        types.String `tfsdk:"id"`
	Name      types.String `tfsdk:"name"`
	CIDR      types.String `tfsdk:"cidr"`
	NetworkID types.String `tfsdk:"network_id"`
}

func (d *TenantDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_openstack_tenant"
}

func (d *TenantDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An OpenStack tenant, by name within an offering: the `id` to pass as a migration's " +
			"`src_resource`, and its networks and subnets, to select (`mappings.networks`) and remap (`mappings.subnets`). " +
			"Zero or several tenants of that name are errors.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant (Keystone project).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"offering": schema.StringAttribute{
				MarkdownDescription: "Offering the tenant belongs to (`uuid` of `waldur_marketplace_offering`). Standalone " +
					"backend: the search is limited to the offering's `domain_id` when it has one.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Id of the tenant, what `src_resource` takes. Standalone backend: `<offering>/<keystone project id>`.",
				Computed:            true,
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "Keystone id of the project.",
				Computed:            true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the tenant.",
				Computed:            true,
			},
			"networks": schema.ListNestedAttribute{
				MarkdownDescription: "Networks of the tenant, by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":   schema.StringAttribute{MarkdownDescription: "Id of the network, what `mappings.networks` takes.", Computed: true},
					"name": schema.StringAttribute{MarkdownDescription: "Name of the network.", Computed: true},
				}},
			},
			"subnets": schema.ListNestedAttribute{
				MarkdownDescription: "Subnets of the tenant, by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":         schema.StringAttribute{MarkdownDescription: "Id of the subnet.", Computed: true},
					"name":       schema.StringAttribute{MarkdownDescription: "Name of the subnet.", Computed: true},
					"cidr":       schema.StringAttribute{MarkdownDescription: "CIDR, what `mappings.subnets[*].src_cidr` takes.", Computed: true},
					"network_id": schema.StringAttribute{MarkdownDescription: "Id of the subnet's network.", Computed: true},
				}},
			},
		},
	}
}

func (d *TenantDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tenantDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	b := d.backendOr(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	t, err := b.Tenant(ctx, backend.TenantQuery{Name: m.Name.ValueString(), Offering: m.Offering.ValueString()})
	if err != nil {
		addBackendError(&resp.Diagnostics, "Error reading tenant", err)
		return
	}
	m.ID = types.StringValue(t.ID)
	m.ProjectID = types.StringValue(t.ProjectID)
	m.Description = types.StringValue(t.Description)
	m.Networks, m.Subnets = tenantNetworks(t.Networks, t.Subnets)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// tenantNetworks lists networks and subnets by name (then id), so the lists are stable across reads.
func tenantNetworks(networks []backend.Network, subnets []backend.Subnet) ([]tenantNetworkModel, []tenantSubnetModel) {
	networks, subnets = slices.Clone(networks), slices.Clone(subnets)
	slices.SortFunc(networks, func(a, b backend.Network) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	slices.SortFunc(subnets, func(a, b backend.Subnet) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	nets := make([]tenantNetworkModel, 0, len(networks))
	for _, n := range networks {
		nets = append(nets, tenantNetworkModel{ID: types.StringValue(n.ID), Name: types.StringValue(n.Name)})
	}
	subs := make([]tenantSubnetModel, 0, len(subnets))
	for _, s := range subnets {
		subs = append(subs, tenantSubnetModel{ID: types.StringValue(s.ID), Name: types.StringValue(s.Name), CIDR: types.StringValue(s.CIDR), NetworkID: types.StringValue(s.NetworkID)})
	}
	return nets, subs
}
