package waldurlab

import (
	"context"
	"fmt"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// Offering is a lab region registered in a waldurtest server: the offering, its one plan and the
// region's volume types by name.
type Offering struct {
	Offering    waldurtest.Offering
	Plan        waldurtest.Plan
	VolumeTypes map[string]waldurtest.VolumeType
}

// AddOffering registers the lab cloud entry cloud as an OpenStack.Tenant offering named name, with new
// service settings whose Backend is the entry, a plan, and the region's volume types (Waldur's uuids,
// the Cinder ids as backend ids).
func (l *Lab) AddOffering(ctx context.Context, srv *waldurtest.Server, name, cloud string) (Offering, error) {
	c, err := l.Cloud(ctx, cloud)
	if err != nil {
		return Offering{}, err
	}
	types, err := openstack.VolumeTypes(ctx, c.BlockStorage)
	if err != nil {
		return Offering{}, fmt.Errorf("listing the volume types of %s: %w", cloud, err)
	}
	off := srv.AddOffering(waldurtest.Offering{Name: name, ScopeName: name + " (" + cloud + ")", Backend: cloud})
	out := Offering{
		Offering:    off,
		Plan:        srv.AddPlan(waldurtest.Plan{OfferingUUID: off.UUID, Name: name + " plan"}),
		VolumeTypes: map[string]waldurtest.VolumeType{},
	}
	for _, t := range types {
		out.VolumeTypes[t.Name] = srv.AddVolumeType(waldurtest.VolumeType{SettingsUUID: off.ScopeUUID, Name: t.Name, Description: t.Description, BackendID: t.ID})
	}
	return out, nil
}

// Tenant is a lab project registered in a waldurtest server.
type Tenant struct {
	Tenant  waldurtest.Tenant
	Objects waldurtest.Objects
}

// AddTenant registers the project projectID of the offering's cloud (a tenant seeded with
// testlab.SeedThreeTier, say) as a tenant of the offering: its marketplace resource, with limits from
// the project's quotas (Waldur refuses to migrate a tenant without), and its Neutron objects as Waldur
// would list them.
func (l *Lab) AddTenant(ctx context.Context, srv *waldurtest.Server, off Offering, projectID string) (Tenant, error) {
	c, err := l.Cloud(ctx, off.Offering.Backend)
	if err != nil {
		return Tenant{}, err
	}
	snap, err := replication.ReadSnapshot(ctx, c, projectID)
	if err != nil {
		return Tenant{}, err
	}
	t := srv.AddTenant(waldurtest.Tenant{
		OfferingUUID: off.Offering.UUID, PlanUUID: off.Plan.UUID, Name: snap.Project.Name, Description: snap.Project.Description,
		BackendID: projectID, Limits: LimitsOf(snap.Quotas), Quotas: QuotasOf(snap.Quotas), ExternalNetworkID: ExternalNetworkOf(snap),
	})
	return Tenant{Tenant: t, Objects: srv.AddObjects(t.UUID, ObjectsOf(snap))}, nil
}

// Resync lists the tenant's project again and makes the server show what it holds now, as Waldur's
// periodic pull does: its Neutron objects (SetObjects: what stayed keeps its uuid) and the limits of its
// quotas. A test changes a source through the lab's API, then resyncs it before reading it through
// Waldur.
func (l *Lab) Resync(ctx context.Context, srv *waldurtest.Server, off Offering, t Tenant) (Tenant, error) {
	c, err := l.Cloud(ctx, off.Offering.Backend)
	if err != nil {
		return t, err
	}
	snap, err := replication.ReadSnapshot(ctx, c, t.Tenant.BackendID)
	if err != nil {
		return t, err
	}
	srv.SetLimits(t.Tenant.UUID, LimitsOf(snap.Quotas))
	return Tenant{Tenant: t.Tenant, Objects: srv.SetObjects(t.Tenant.UUID, ObjectsOf(snap))}, nil
}
