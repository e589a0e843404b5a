package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
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
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data != nil && d.data.waldur != nil {
		d.readVolumeTypeWaldur(ctx, m, resp)
		return
	}
	b := backendFor(d.data, &resp.Diagnostics)
	if b == nil {
		return
	}
	var cloud *openstack.Cloud
	var err error
	where, at := "", path.Root("offering")
	if !m.Tenant.IsNull() {
		at = path.Root("tenant")
		var ref tenantRef
		ref, cloud, err = b.tenant(ctx, m.Tenant.ValueString())
		if err == nil {
			_, err = openstack.GetProject(ctx, cloud.Identity, ref.ProjectID)
			if openstack.IsNotFound(err) {
				err = fmt.Errorf("offering %q has no project %s", ref.Offering, ref.ProjectID)
			}
		}
		where = "tenant " + m.Tenant.ValueString()
	} else {
		cloud, err = b.cloud(ctx, m.Offering.ValueString())
		where = "offering " + m.Offering.ValueString()
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(at, "Error reading volume types", err.Error())
		return
	}
	all, err := openstack.VolumeTypes(ctx, cloud.BlockStorage)
	if err != nil {
		resp.Diagnostics.AddAttributeError(at, "Error reading volume types", err.Error())
		return
	}
	vt, err := pickVolumeType(all, m.Name.ValueString(), where)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Volume type not found", err.Error())
		return
	}
	m.UUID = types.StringValue(vt.ID)
	m.Description = types.StringValue(vt.Description)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// pickVolumeType returns the one type named name, or says why there is not exactly one.
func pickVolumeType(all []openstack.VolumeType, name, where string) (openstack.VolumeType, error) {
	var found []openstack.VolumeType
	var names []string
	for _, vt := range all {
		names = append(names, vt.Name)
		if vt.Name == name {
			found = append(found, vt)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return openstack.VolumeType{}, fmt.Errorf("%s has no volume type named %q; it has: %s", where, name, strings.Join(names, ", "))
	default:
		ids := make([]string, len(found))
		for i, vt := range found {
			ids[i] = vt.ID
		}
		return openstack.VolumeType{}, fmt.Errorf("%s has %d volume types named %q (%s): rename one, or use its id directly", where, len(found), name, strings.Join(ids, ", "))
	}
}
