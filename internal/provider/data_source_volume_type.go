package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
)

var (
	_ datasource.DataSource              = &VolumeTypeDataSource{}
	_ datasource.DataSourceWithConfigure = &VolumeTypeDataSource{}
)

// VolumeTypeDataSource is waldur_openstack_volume_type.
type VolumeTypeDataSource struct{ dataSourceBase }

// NewVolumeTypeDataSource returns the data source.
func NewVolumeTypeDataSource() datasource.DataSource { return &VolumeTypeDataSource{} }

type volumeTypeDataModel struct {
	Name        types.String `tfsdk:"name"`
	Offering    types.String `tfsdk:"offering"`
	Tenant      types.String `tfsdk:"tenant"`
	UUID        types.String `tfsdk:"uuid"`
	Description types.String `tfsdk:"description"`
}

func (d *VolumeTypeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_openstack_volume_type"
}

func (d *VolumeTypeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	oneOf := stringvalidator.ExactlyOneOf(path.MatchRoot("offering"), path.MatchRoot("tenant"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "A volume type (Cinder storage type), by name, for the `volume_types` mapping of a migration: " +
			"look up source types `within` the source tenant and destination types within the destination offering. " +
			"Zero or several types of that name are errors.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the volume type.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"offering": schema.StringAttribute{
				MarkdownDescription: "Offering to search (`uuid` of `waldur_marketplace_offering`). Exactly one of `offering` and `tenant` must be set.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), oneOf},
			},
			"tenant": schema.StringAttribute{
				MarkdownDescription: "Tenant whose volume types to search (`id` of `waldur_openstack_tenant`); standalone " +
					"backend: the types of the tenant's region. Exactly one of `offering` and `tenant` must be set.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), oneOf},
			},
			"uuid": schema.StringAttribute{
				MarkdownDescription: "Id of the volume type: what `src_type_uuid` and `dst_type_uuid` take.",
				Computed:            true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the volume type.",
				Computed:            true,
			},
		},
	}
}

func (d *VolumeTypeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m volumeTypeDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	b := d.backendOr(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	vt, err := b.VolumeType(ctx, backend.VolumeTypeQuery{Name: m.Name.ValueString(), Offering: m.Offering.ValueString(), Tenant: m.Tenant.ValueString()})
	if err != nil {
		addBackendError(&resp.Diagnostics, "Error reading volume types", err)
		return
	}
	m.UUID = types.StringValue(vt.ID)
	m.Description = types.StringValue(vt.Description)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
