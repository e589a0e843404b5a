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
	_ datasource.DataSource              = &OfferingDataSource{}
	_ datasource.DataSourceWithConfigure = &OfferingDataSource{}
)

// OfferingDataSource is waldur_marketplace_offering.
type OfferingDataSource struct{ dataSourceBase }

// NewOfferingDataSource returns the data source.
func NewOfferingDataSource() datasource.DataSource { return &OfferingDataSource{} }

type offeringDataModel struct {
	UUID      types.String        `tfsdk:"uuid"`
	Name      types.String        `tfsdk:"name"`
	Type      types.String        `tfsdk:"type"`
	State     types.String        `tfsdk:"state"`
	ScopeUUID types.String        `tfsdk:"scope_uuid"`
	Plans     []offeringPlanModel `tfsdk:"plans"`
}

type offeringPlanModel struct {
	UUID      types.String `tfsdk:"uuid"`
	Name      types.String `tfsdk:"name"`
	Archived  types.Bool   `tfsdk:"archived"`
	IsActive  types.Bool   `tfsdk:"is_active"`
	MaxAmount types.Int64  `tfsdk:"max_amount"`
}

func (d *OfferingDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_marketplace_offering"
}

func (d *OfferingDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	oneOf := stringvalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("uuid"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "A marketplace offering new tenants can be ordered from: the `dst_offering` of a migration. " +
			"Standalone backend: one of the provider's `openstack.offerings`, whose `uuid` and `name` are both its key, " +
			"with the single plan `default`. Zero or several matches are errors.",
		Attributes: map[string]schema.Attribute{
			"uuid": schema.StringAttribute{
				MarkdownDescription: "UUID of the offering (standalone backend: its name). Exactly one of `uuid` and `name` must be set.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), oneOf},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the offering. Exactly one of `uuid` and `name` must be set.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), oneOf},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Offering type: `OpenStack.Tenant`.",
				Computed:            true,
			},
			"state": schema.StringAttribute{
				MarkdownDescription: "Offering state, `Active` when new tenants can be ordered.",
				Computed:            true,
			},
			"scope_uuid": schema.StringAttribute{
				MarkdownDescription: "The service settings behind the offering. Standalone backend: the OpenStack region.",
				Computed:            true,
			},
			"plans": schema.ListNestedAttribute{
				MarkdownDescription: "Plans of the offering; a migration's `dst_plan` is one of their `uuid`s.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"uuid":       schema.StringAttribute{MarkdownDescription: "UUID of the plan (standalone backend: `default`).", Computed: true},
					"name":       schema.StringAttribute{MarkdownDescription: "Name of the plan.", Computed: true},
					"archived":   schema.BoolAttribute{MarkdownDescription: "Whether the plan is archived (no new orders).", Computed: true},
					"is_active":  schema.BoolAttribute{MarkdownDescription: "Whether the plan can be ordered.", Computed: true},
					"max_amount": schema.Int64Attribute{MarkdownDescription: "How many resources the plan allows; null for no limit.", Computed: true},
				}},
			},
		},
	}
}

func (d *OfferingDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m offeringDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	b := d.backendOr(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	o, err := b.Offering(ctx, backend.OfferingQuery{UUID: m.UUID.ValueString(), Name: m.Name.ValueString()})
	if err != nil {
		addBackendError(&resp.Diagnostics, "Error reading offering", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, offeringModelOf(o))...)
}

// offeringModelOf is the data source's model of an offering.
func offeringModelOf(o *backend.Offering) offeringDataModel {
	m := offeringDataModel{
		UUID: types.StringValue(o.UUID), Name: types.StringValue(o.Name), Type: types.StringValue(o.Type),
		State: types.StringValue(o.State), ScopeUUID: types.StringValue(o.ScopeUUID), Plans: []offeringPlanModel{},
	}
	for _, p := range o.Plans {
		maxAmount := types.Int64Null()
		if p.MaxAmount != nil {
			maxAmount = types.Int64Value(int64(*p.MaxAmount))
		}
		m.Plans = append(m.Plans, offeringPlanModel{
			UUID: types.StringValue(p.UUID), Name: types.StringValue(p.Name), Archived: types.BoolValue(p.Archived),
			IsActive: types.BoolValue(p.IsActive), MaxAmount: maxAmount,
		})
	}
	return m
}
