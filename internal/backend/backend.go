package backend

import (
	"context"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// Backend runs migrations and answers the data sources' lookups. The provider makes exactly one, from
// its configuration, and hands it to the resource and the data sources, which never ask which it is.
//
// Every method returns its problems as errors: replication.ValidationErrors for bad inputs (all of them
// at once), *Error for a problem that has a summary of its own and, usually, an attribute, ErrGone
// (Read) for a migration whose destination no longer exists; several problems come as one error made
// with errors.Join. Anything else is a plain error whose message says what failed.
type Backend interface {
	// Plan checks the inputs against the source tenant and the destination and plans the migration,
	// writing nothing: the plan is what `preview` shows.
	Plan(ctx context.Context, in Inputs) (*replication.Plan, error)

	// Create runs the migration, bounded by timeout (timeouts.create). A non-nil Migration exists
	// in the destination and is to be recorded, also when an error comes with it (its State says
	// how it ended). ctx outlives the run: what the backend reads after the run's deadline, it reads
	// with ctx.
	Create(ctx context.Context, in Inputs, timeout time.Duration) (*Migration, error)

	// Sync brings the destination of prior in line, in place and within timeout, with what the inputs
	// plan now: it rebuilds what Read found missing (State StateIncomplete), follows the source's
	// changes (in.FollowSource, prior.SourceDrift) and applies changed mappings (InPlaceSync). For a
	// migration recorded while still running it waits for it again. A nil Migration means nothing ran
	// and prior stays as it was.
	Sync(ctx context.Context, in Inputs, prior Migration, timeout time.Duration) (*Migration, error)

	// InPlaceSync is nil when Sync can run the migration again into its destination with the source's
	// changes and changed mappings (a backend that builds the copy itself). Otherwise (a service that
	// copies a tenant once: Waldur) it is the error, on follow_source, saying why not and what to do
	// instead: a replica's drift (Read still reports it) is then neither synced nor replaced, the plan
	// warns with this error, and a changed mapping is a new migration.
	InPlaceSync() error

	// Read refreshes a recorded migration: ErrGone when its destination no longer exists, otherwise
	// the migration with what changed since (State, ErrorMessage and IDs: see StateIncomplete) and,
	// with FollowSource, how the destination differs from the source as it is now (SourceDrift).
	// Problems that must not stop a plan (a source that cannot be read) come as Warnings.
	Read(ctx context.Context, m Migration) (*Migration, error)

	// Delete forgets the migration or, with m.DestroyDestination, removes its destination. An error
	// means the migration is to be kept, so that the delete can be run again.
	Delete(ctx context.Context, m Migration) error

	// Import rebuilds the record of a migration from its import id and what the destination shows.
	Import(ctx context.Context, id string) (*Imported, error)

	// Offering, VolumeType and Tenant are the lookups behind the data sources
	// waldur_marketplace_offering, waldur_openstack_volume_type and waldur_openstack_tenant.
	Offering(ctx context.Context, q OfferingQuery) (*Offering, error)
	VolumeType(ctx context.Context, q VolumeTypeQuery) (*VolumeType, error)
	Tenant(ctx context.Context, q TenantQuery) (*Tenant, error)
}

// StateIncomplete is the state of a migration whose destination has lost copies it built (someone
// deleted a network, a port or a rule there): Read reports it, and Sync rebuilds what is missing. The
// other states are Waldur's: OK, ERRED, and the transient ones a Waldur migration passes through.
const (
	StateOK         = "OK"
	StateErred      = "ERRED"
	StateIncomplete = "INCOMPLETE"
)

// Inputs are what a migration is asked to do: the resource's arguments.
type Inputs struct {
	// SrcResource is the source tenant, DstOffering and DstPlan where the copy goes, in the backend's
	// ids. DstPlan is "" when not set.
	SrcResource string
	DstOffering string
	DstPlan     string
	// Name and Description of the new tenant; "" means the source tenant's.
	Name        string
	Description string
	Mappings    replication.Mappings
	// Concurrency bounds the steps running at once (0: the engine's default).
	Concurrency int
	// FollowSource makes the migration a replica: Read compares the destination with the source as it
	// is now, and Sync removes the copies whose source is gone (or no longer selected); a backend without
	// in-place sync (InPlaceSync not nil) only reports the difference. Without it the
	// migration is a one-off copy, which the source's later changes (a decommissioning, usually) do not
	// touch.
	FollowSource bool
}

// Migration is a migration as the state records it: what it was asked to do and what came of it.
type Migration struct {
	Inputs
	ID                 string
	DestroyDestination bool
	// DestroyForeignObjects lets a teardown (DestroyDestination) delete what the migration did not make
	// in its destination (servers, volume snapshots, volumes, floating IPs) instead of refusing it.
	DestroyForeignObjects bool
	State                 string
	ErrorMessage          string
	// DstResourceUUID is the new tenant in the form SrcResource takes; DstProjectID its Keystone
	// project ("" when not known).
	DstResourceUUID string
	DstProjectID    string
	// Credentials of the user made in the new tenant; nil when there is none to show. A password or
	// user id that cannot be shown is "".
	Credentials *replication.Credentials
	IDs         IDMaps
	Skipped     []replication.Skipped
	// SourceDrift says, by kind of object, how the destination differs from the source as it is now
	// (replication.Drift.Summary); empty when in sync, and always without FollowSource. Read fills it;
	// a Sync brings the destination in line and leaves it empty.
	SourceDrift map[string]string
	// Plan is what the migration was planned as, the preview: set by Create, Sync and Import (when
	// the import could plan it).
	Plan *replication.Plan
	// Warnings are what the user should know about the run or the refresh that is no error
	// (credentials the service does not show, a source that cannot be read), in sentences; shown, not
	// recorded.
	Warnings []string
}

// Imported is a migration rebuilt by Import. NoPreview says why it could not be planned (Plan is nil
// then): the preview waits for the first plan after the import.
type Imported struct {
	Migration
	NoPreview error
}

// IDMaps map source ids to destination ids, per kind of object copied: the engine's, which both
// backends fill.
type IDMaps = replication.IDMaps

// IDMapKind is one of the maps of IDMaps, by the kind of object it holds.
type IDMapKind = replication.IDMapKind

// IDMapsOf takes the id maps of an engine result (nil gives none).
func IDMapsOf(res *replication.Result) IDMaps {
	if res == nil {
		return IDMaps{}
	}
	return res.IDMaps
}

// OfferingQuery names an offering by UUID or by Name (exactly one is set).
type OfferingQuery struct {
	UUID string
	Name string
}

// Offering is a marketplace offering new tenants can be ordered from.
type Offering struct {
	UUID      string
	Name      string
	Type      string
	State     string
	ScopeUUID string
	Plans     []Plan
}

// Plan is a billing plan of an offering. MaxAmount is nil for no limit.
type Plan struct {
	UUID      string
	Name      string
	Archived  bool
	IsActive  bool
	MaxAmount *int
}

// VolumeTypeQuery names a volume type by Name, within an Offering or a Tenant (exactly one is set).
type VolumeTypeQuery struct {
	Name     string
	Offering string
	Tenant   string
}

// VolumeType is a volume type; ID is what the volume type mappings take.
type VolumeType struct {
	ID          string
	Name        string
	Description string
}

// TenantQuery names a tenant by Name within an Offering.
type TenantQuery struct {
	Name     string
	Offering string
}

// Tenant is a tenant found by TenantQuery, with what mappings.networks and mappings.subnets refer to.
// ID is what SrcResource takes.
type Tenant struct {
	ID          string
	ProjectID   string
	Description string
	Networks    []Network
	Subnets     []Subnet
}

// Network is a network of a Tenant.
type Network struct {
	ID   string
	Name string
}

// Subnet is a subnet of a Tenant.
type Subnet struct {
	ID        string
	Name      string
	CIDR      string
	NetworkID string
}
