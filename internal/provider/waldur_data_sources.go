package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// The data sources in the Waldur backend. Lookups by name ask Waldur for the case-insensitive
// substring match every version supports (`name`) and keep the exact matches, so that a name shared by
// many offerings still finds its one: every page of the list is read.

// readOfferingWaldur reads waldur_marketplace_offering from Waldur's public offerings of type
// OpenStack.Tenant.
func (d *OfferingDataSource) readOfferingWaldur(ctx context.Context, m offeringDataModel, resp *datasource.ReadResponse) {
	api := waldurAPI(d.data, &resp.Diagnostics)
	if api == nil {
		return
	}
	var off *waldur.Offering
	if !m.UUID.IsNull() {
		o, err := api.GetOffering(ctx, m.UUID.ValueString())
		if err != nil {
			if waldur.IsNotFound(err) {
				resp.Diagnostics.AddAttributeError(path.Root("uuid"), "Offering not found",
					fmt.Sprintf("Waldur has no public offering %s that the token's user can see.", m.UUID.ValueString()))
			} else {
				resp.Diagnostics.AddAttributeError(path.Root("uuid"), "Error reading offering", err.Error())
			}
			return
		}
		if o.Type != waldur.OfferingTypeTenant {
			resp.Diagnostics.AddAttributeError(path.Root("uuid"), "Not an OpenStack tenant offering",
				fmt.Sprintf("Offering %s (%q) is of type %q, not %s.", o.UUID, o.Name, o.Type, waldur.OfferingTypeTenant))
			return
		}
		off = o
	} else {
		name := m.Name.ValueString()
		all, err := api.ListOfferings(ctx, waldur.OfferingFilter{Type: waldur.OfferingTypeTenant, Name: name})
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Error listing offerings", err.Error())
			return
		}
		var found []waldur.Offering
		for _, o := range all {
			if o.Name == name {
				found = append(found, o)
			}
		}
		switch len(found) {
		case 1:
			off = &found[0]
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Offering not found",
				fmt.Sprintf("Waldur has no %s offering named %q that the token's user can see (%d offerings contain the name).", waldur.OfferingTypeTenant, name, len(all)))
			return
		default:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Several offerings match",
				fmt.Sprintf("Waldur has %d %s offerings named %q (%s): use uuid instead.", len(found), waldur.OfferingTypeTenant, name, offeringUUIDs(found)))
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, offeringOfWaldur(*off))...)
}

// offeringOfWaldur is the data source's model of a Waldur offering.
func offeringOfWaldur(o waldur.Offering) offeringDataModel {
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

func offeringUUIDs(os []waldur.Offering) string {
	ids := make([]string, len(os))
	for i, o := range os {
		ids[i] = o.UUID
	}
	return strings.Join(ids, ", ")
}

// readVolumeTypeWaldur reads waldur_openstack_volume_type: the types of the offering's service
// settings, or those available in the tenant (named by its marketplace resource, the tenant data
// source's id).
func (d *VolumeTypeDataSource) readVolumeTypeWaldur(ctx context.Context, m volumeTypeDataModel, resp *datasource.ReadResponse) {
	api := waldurAPI(d.data, &resp.Diagnostics)
	if api == nil {
		return
	}
	f := waldur.VolumeTypeFilter{Name: m.Name.ValueString()}
	where, at := "offering "+m.Offering.ValueString(), path.Root("offering")
	if !m.Tenant.IsNull() {
		where, at = "tenant "+m.Tenant.ValueString(), path.Root("tenant")
		res, err := api.GetResource(ctx, m.Tenant.ValueString())
		if err != nil {
			detail := err.Error()
			if waldur.IsNotFound(err) {
				detail = fmt.Sprintf("Waldur has no marketplace resource %s that the token's user can see (tenant is the `id` of waldur_openstack_tenant).", m.Tenant.ValueString())
			}
			resp.Diagnostics.AddAttributeError(at, "Error reading volume types", detail)
			return
		}
		f.TenantUUID = res.ResourceUUID
	} else {
		f.OfferingUUID = m.Offering.ValueString()
	}
	all, err := api.ListVolumeTypes(ctx, f)
	if err != nil {
		resp.Diagnostics.AddAttributeError(at, "Error reading volume types", err.Error())
		return
	}
	vts := make([]openstack.VolumeType, 0, len(all))
	for _, v := range all {
		vts = append(vts, openstack.VolumeType{ID: v.UUID, Name: v.Name, Description: v.Description})
	}
	vt, err := pickVolumeType(vts, m.Name.ValueString(), where)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Volume type not found", err.Error())
		return
	}
	m.UUID = types.StringValue(vt.ID)
	m.Description = types.StringValue(vt.Description)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// readTenantWaldur reads waldur_openstack_tenant: the offering's marketplace resource of that name
// (terminated ones left out), its tenant and the tenant's networks and subnets. The id is the marketplace
// resource's uuid, what a migration's src_resource takes.
func (d *TenantDataSource) readTenantWaldur(ctx context.Context, m tenantDataModel, resp *datasource.ReadResponse) {
	api := waldurAPI(d.data, &resp.Diagnostics)
	if api == nil {
		return
	}
	name, offering := m.Name.ValueString(), m.Offering.ValueString()
	all, err := api.ListResources(ctx, waldur.ResourceFilter{OfferingUUID: offering, Name: name})
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("offering"), "Error listing tenants", err.Error())
		return
	}
	var found []waldur.Resource
	for _, r := range all {
		if r.Name == name && r.State != waldur.ResourceTerminated && r.ResourceUUID != "" {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 1:
	case 0:
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Tenant not found",
			fmt.Sprintf("Offering %s has no tenant named %q that the token's user can see.", offering, name))
		return
	default:
		ids := make([]string, len(found))
		for i, r := range found {
			ids[i] = r.UUID
		}
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Several tenants match",
			fmt.Sprintf("Offering %s has %d tenants named %q (marketplace resources %s), in different projects: rename one.", offering, len(found), name, strings.Join(ids, ", ")))
		return
	}
	res := found[0]
	tenant, err := api.GetTenant(ctx, res.ResourceUUID)
	if err != nil {
		resp.Diagnostics.AddError("Error reading tenant", err.Error())
		return
	}
	f := waldur.TenantObjectFilter{TenantUUID: tenant.UUID}
	networks, err := api.ListNetworks(ctx, f)
	if err != nil {
		resp.Diagnostics.AddError("Error reading the tenant's networks", err.Error())
		return
	}
	subnets, err := api.ListSubnets(ctx, f)
	if err != nil {
		resp.Diagnostics.AddError("Error reading the tenant's subnets", err.Error())
		return
	}
	var nets []openstack.Network
	for _, n := range networks {
		if !n.IsExternal {
			nets = append(nets, openstack.Network{ID: n.UUID, Name: n.Name})
		}
	}
	var subs []openstack.Subnet
	for _, s := range subnets {
		subs = append(subs, openstack.Subnet{ID: s.UUID, Name: s.Name, CIDR: s.CIDR, NetworkID: s.NetworkUUID()})
	}
	m.ID = types.StringValue(res.UUID)
	m.ProjectID = types.StringValue(tenant.BackendID)
	m.Description = types.StringValue(res.Description)
	m.Networks, m.Subnets = tenantNetworks(nets, subs)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
