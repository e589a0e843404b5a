package waldurmode

import (
	"context"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// The data sources' lookups. Lookups by name ask Waldur for the case-insensitive substring match every
// version supports (`name`) and keep the exact matches, so that a name shared by many offerings still
// finds its one: every page of the list is read.

// Offering reads one of Waldur's public offerings of type OpenStack.Tenant, by uuid or by name.
func (b *Backend) Offering(ctx context.Context, q backend.OfferingQuery) (*backend.Offering, error) {
	api, err := b.api()
	if err != nil {
		return nil, err
	}
	if q.UUID != "" {
		at := replication.Root("uuid")
		o, err := api.GetOffering(ctx, q.UUID)
		if err != nil {
			if waldur.IsNotFound(err) {
				return nil, backend.NotFoundf(at, "Offering not found", "Waldur has no public offering %s that the token's user can see.", q.UUID)
			}
			return nil, backend.At(at, "Error reading offering", err)
		}
		if o.Type != waldur.OfferingTypeTenant {
			return nil, backend.Errorf(at, "Not an OpenStack tenant offering", "Offering %s (%q) is of type %q, not %s.", o.UUID, o.Name, o.Type, waldur.OfferingTypeTenant)
		}
		return offeringOf(*o), nil
	}
	at := replication.Root("name")
	all, err := api.ListOfferings(ctx, waldur.OfferingFilter{Type: waldur.OfferingTypeTenant, Name: q.Name})
	if err != nil {
		return nil, backend.At(at, "Error listing offerings", err)
	}
	var found []waldur.Offering
	for _, o := range all {
		if o.Name == q.Name {
			found = append(found, o)
		}
	}
	switch len(found) {
	case 1:
		return offeringOf(found[0]), nil
	case 0:
		return nil, backend.NotFoundf(at, "Offering not found",
			"Waldur has no %s offering named %q that the token's user can see (%d offerings contain the name).", waldur.OfferingTypeTenant, q.Name, len(all))
	default:
		ids := make([]string, len(found))
		for i, o := range found {
			ids[i] = o.UUID
		}
		return nil, backend.Errorf(at, "Several offerings match",
			"Waldur has %d %s offerings named %q (%s): use uuid instead.", len(found), waldur.OfferingTypeTenant, q.Name, strings.Join(ids, ", "))
	}
}

// offeringOf describes a Waldur offering.
func offeringOf(o waldur.Offering) *backend.Offering {
	out := &backend.Offering{UUID: o.UUID, Name: o.Name, Type: o.Type, State: o.State, ScopeUUID: o.ScopeUUID}
	for _, p := range o.Plans {
		out.Plans = append(out.Plans, backend.Plan{UUID: p.UUID, Name: p.Name, Archived: p.Archived, IsActive: p.IsActive, MaxAmount: p.MaxAmount})
	}
	return out
}

// VolumeType finds a volume type of the offering's service settings, or one available in the tenant
// (named by its marketplace resource, the tenant data source's id).
func (b *Backend) VolumeType(ctx context.Context, q backend.VolumeTypeQuery) (*backend.VolumeType, error) {
	api, err := b.api()
	if err != nil {
		return nil, err
	}
	where, at := q.Where()
	f := waldur.VolumeTypeFilter{Name: q.Name}
	if q.Tenant != "" {
		res, err := api.GetResource(ctx, q.Tenant)
		if err != nil {
			if waldur.IsNotFound(err) {
				return nil, backend.NotFoundf(at, "Error reading volume types",
					"Waldur has no marketplace resource %s that the token's user can see (tenant is the `id` of waldur_openstack_tenant).", q.Tenant)
			}
			return nil, backend.At(at, "Error reading volume types", err)
		}
		f.TenantUUID = res.ResourceUUID
	} else {
		f.OfferingUUID = q.Offering
	}
	all, err := api.ListVolumeTypes(ctx, f)
	if err != nil {
		return nil, backend.At(at, "Error reading volume types", err)
	}
	vts := make([]backend.VolumeType, 0, len(all))
	for _, v := range all {
		vts = append(vts, backend.VolumeType{ID: v.UUID, Name: v.Name, Description: v.Description})
	}
	return backend.PickVolumeType(vts, q.Name, where)
}

// Tenant finds the offering's marketplace resource of that name (terminated ones left out), its tenant
// and the tenant's networks (external ones left out) and subnets. The id is the marketplace
// resource's uuid, what a migration's src_resource takes.
func (b *Backend) Tenant(ctx context.Context, q backend.TenantQuery) (*backend.Tenant, error) {
	api, err := b.api()
	if err != nil {
		return nil, err
	}
	nameAttr := replication.Root("name")
	all, err := api.ListResources(ctx, waldur.ResourceFilter{OfferingUUID: q.Offering, Name: q.Name})
	if err != nil {
		return nil, backend.At(replication.Root("offering"), "Error listing tenants", err)
	}
	var found []waldur.Resource
	for _, r := range all {
		if r.Name == q.Name && r.State != waldur.ResourceTerminated && r.ResourceUUID != "" {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 1:
	case 0:
		return nil, backend.NotFoundf(nameAttr, "Tenant not found", "Offering %s has no tenant named %q that the token's user can see.", q.Offering, q.Name)
	default:
		ids := make([]string, len(found))
		for i, r := range found {
			ids[i] = r.UUID
		}
		return nil, backend.Errorf(nameAttr, "Several tenants match",
			"Offering %s has %d tenants named %q (marketplace resources %s), in different projects: rename one.", q.Offering, len(found), q.Name, strings.Join(ids, ", "))
	}
	res := found[0]
	tenant, err := api.GetTenant(ctx, res.ResourceUUID)
	if err != nil {
		return nil, err
	}
	f := waldur.TenantObjectFilter{TenantUUID: tenant.UUID}
	networks, err := api.ListNetworks(ctx, f)
	if err != nil {
		return nil, backend.At(replication.Path{}, "Error reading the tenant's networks", err)
	}
	subnets, err := api.ListSubnets(ctx, f)
	if err != nil {
		return nil, backend.At(replication.Path{}, "Error reading the tenant's subnets", err)
	}
	t := &backend.Tenant{ID: res.UUID, ProjectID: tenant.BackendID, Description: res.Description}
	for _, n := range networks {
		if !n.IsExternal {
			t.Networks = append(t.Networks, backend.Network{ID: n.UUID, Name: n.Name})
		}
	}
	for _, s := range subnets {
		t.Subnets = append(t.Subnets, backend.Subnet{ID: s.UUID, Name: s.Name, CIDR: s.CIDR, NetworkID: s.NetworkUUID()})
	}
	return t, nil
}
