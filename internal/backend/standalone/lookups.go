package standalone

import (
	"context"
	"fmt"
	"net/url"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// The data sources' lookups. An offering is a configured offering, described the way Waldur describes
// an OpenStack tenant offering (one plan, DefaultPlan), so configurations read the same against both
// backends; a tenant is a Keystone project of an offering, "<offering>/<project id>".

// Offering returns a configured offering; its uuid and its name are both its name.
func (b *Backend) Offering(ctx context.Context, q backend.OfferingQuery) (*backend.Offering, error) {
	name, at := q.Name, replication.Root("name")
	if q.UUID != "" {
		name, at = q.UUID, replication.Root("uuid")
	}
	if _, err := b.OfferingSettings(name); err != nil {
		return nil, backend.At(at, "Offering not found", err)
	}
	cloud, err := b.cloud(ctx, name)
	if err != nil {
		return nil, backend.At(at, "Cannot reach the offering", err)
	}
	return offeringOf(name, cloud.Region), nil
}

// offeringOf describes a configured offering.
func offeringOf(name, region string) *backend.Offering {
	return &backend.Offering{
		UUID:      name,
		Name:      name,
		Type:      backend.OfferingType,
		State:     backend.OfferingStateActive,
		ScopeUUID: region,
		Plans:     []backend.Plan{{UUID: DefaultPlan, Name: DefaultPlan, IsActive: true}},
	}
}

// VolumeType finds a volume type of an offering's region, or of the region of a tenant.
func (b *Backend) VolumeType(ctx context.Context, q backend.VolumeTypeQuery) (*backend.VolumeType, error) {
	where, at := q.Where()
	var cloud *openstack.Cloud
	var err error
	if q.Tenant != "" {
		var ref tenantRef
		ref, cloud, err = b.tenant(ctx, q.Tenant)
		if err == nil {
			_, err = openstack.GetProject(ctx, cloud.Identity, ref.ProjectID)
			if openstack.IsNotFound(err) {
				err = fmt.Errorf("offering %q has no project %s", ref.Offering, ref.ProjectID)
			}
		}
	} else {
		cloud, err = b.cloud(ctx, q.Offering)
	}
	if err != nil {
		return nil, backend.At(at, "Error reading volume types", err)
	}
	all, err := openstack.VolumeTypes(ctx, cloud.BlockStorage)
	if err != nil {
		return nil, backend.At(at, "Error reading volume types", err)
	}
	vts := make([]backend.VolumeType, 0, len(all))
	for _, vt := range all {
		vts = append(vts, backend.VolumeType{ID: vt.ID, Name: vt.Name, Description: vt.Description})
	}
	return backend.PickVolumeType(vts, q.Name, where)
}

// Tenant finds the project of that name in an offering (in its domain_id, when it has one), with its
// networks and subnets.
func (b *Backend) Tenant(ctx context.Context, q backend.TenantQuery) (*backend.Tenant, error) {
	offeringAttr, nameAttr := replication.Root("offering"), replication.Root("name")
	settings, err := b.OfferingSettings(q.Offering)
	if err != nil {
		return nil, backend.At(offeringAttr, "Offering not found", err)
	}
	cloud, err := b.cloud(ctx, q.Offering)
	if err != nil {
		return nil, backend.At(offeringAttr, "Cannot reach the offering", err)
	}
	query := url.Values{"name": {q.Name}}
	if settings.DomainID != "" {
		query.Set("domain_id", settings.DomainID)
	}
	projects, err := openstack.FindProjects(ctx, cloud.Identity, query)
	if err != nil {
		return nil, err
	}
	switch len(projects) {
	case 1:
	case 0:
		return nil, backend.NotFoundf(nameAttr, "Tenant not found", "Offering %q has no tenant named %q.", q.Offering, q.Name)
	default:
		return nil, backend.Errorf(nameAttr, "Several tenants match",
			"Offering %q has %d tenants named %q (in different domains): set the offering's domain_id to choose.", q.Offering, len(projects), q.Name)
	}
	p := projects[0]
	byProject := url.Values{"project_id": {p.ID}}
	networks, err := openstack.List[openstack.Network](ctx, cloud.Network, openstack.Networks, byProject)
	if err != nil {
		return nil, backend.At(replication.Path{}, "Error reading the tenant's networks", err)
	}
	subnets, err := openstack.List[openstack.Subnet](ctx, cloud.Network, openstack.Subnets, byProject)
	if err != nil {
		return nil, backend.At(replication.Path{}, "Error reading the tenant's subnets", err)
	}
	t := &backend.Tenant{ID: tenantRef{Offering: q.Offering, ProjectID: p.ID}.String(), ProjectID: p.ID, Description: p.Description}
	for _, n := range networks {
		t.Networks = append(t.Networks, backend.Network{ID: n.ID, Name: n.Name})
	}
	for _, s := range subnets {
		t.Subnets = append(t.Subnets, backend.Subnet{ID: s.ID, Name: s.Name, CIDR: s.CIDR, NetworkID: s.NetworkID})
	}
	return t, nil
}
