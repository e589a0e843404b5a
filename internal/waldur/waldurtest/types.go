package waldurtest

import "context"

// The types below describe what a test seeds into the server and what a Runner hands back. Fields a
// server fills in (UUID, TenantUUID...) are ignored on input and set on the values the seeding methods
// return. Objects of a tenant refer to each other by BackendID (the OpenStack id), as OpenStack does.

// User is someone holding an API token. Staff see every migration; others only the ones they created.
// MayOrderWithoutReview is Waldur's "order should not be reviewed by consumer" for this user: without it
// (and without Staff) a migration is refused, and a termination order waits for approval forever.
type User struct {
	UUID                  string
	Token                 string
	Username              string
	FullName              string
	Staff                 bool
	MayOrderWithoutReview bool
	// Projects are the uuids of the projects the user is a member of. As in Waldur, a user who is not
	// staff sees only the marketplace resources, tenants and tenant objects of their projects (the rest
	// "does not exist" for them); the default user owns the customer and sees every project.
	Projects []string
	// CustomerOwner sees every project of the server's one customer.
	CustomerOwner bool
}

// Offering is a public marketplace offering and, through its scope, the service settings (a cloud and
// region) it creates tenants in. Set ScopeUUID to an existing offering's ScopeUUID to share settings;
// otherwise new settings named ScopeName (default: the offering's name) are made, carrying Backend: an
// opaque string handed to the Runner (e.g. "lab-b/RegionOne").
type Offering struct {
	UUID        string
	Name        string
	Type        string // default "OpenStack.Tenant"
	State       string // default "Active"; only Active offerings can be ordered, only Active and Paused are listed
	ScopeUUID   string
	ScopeName   string
	Backend     string
	StorageMode string // plugin_options.storage_mode; default "dynamic"
}

// Plan is a plan of an offering. MaxAmount 0 means unlimited; at MaxAmount non-terminated resources the
// plan stops being active, as does an archived plan (archived plans are also hidden from the public lists).
type Plan struct {
	UUID         string
	OfferingUUID string
	Name         string
	MaxAmount    int
	Archived     bool
}

// VolumeType is a volume type of some service settings.
type VolumeType struct {
	UUID         string
	SettingsUUID string
	Name         string
	Description  string
	BackendID    string
}

// Tenant is an OpenStack tenant with the marketplace resource that holds it. Limits are the resource's
// limits (cores, ram, storage, gigabytes_<type>...): nil or empty makes Waldur refuse to migrate it.
// Quotas are the tenant's quotas. VolumeTypeUUIDs are the types available in the tenant; nil means every
// type of the offering's settings.
type Tenant struct {
	UUID              string
	ResourceUUID      string // the marketplace resource
	OfferingUUID      string
	PlanUUID          string
	ProjectUUID       string // default: a shared default project
	ProjectName       string
	Name              string
	Description       string
	BackendID         string
	Limits            map[string]int
	Quotas            map[string]int
	VolumeTypeUUIDs   []string
	UserUsername      string
	UserPassword      string
	ExternalNetworkID string
}

// Objects are the Neutron objects of a tenant.
type Objects struct {
	Networks       []Network
	Subnets        []Subnet
	Routers        []Router
	SecurityGroups []SecurityGroup
	Ports          []Port
}

// Network is a network of a tenant. A BackendID is generated when empty.
type Network struct {
	UUID           string
	TenantUUID     string
	BackendID      string
	Name           string
	Description    string
	MTU            int
	IsExternal     bool
	Type           string
	SegmentationID *int
}

// Subnet is a subnet of a network of the same tenant (NetworkBackendID). GatewayIP "" means no gateway.
type Subnet struct {
	UUID             string
	TenantUUID       string
	BackendID        string
	NetworkBackendID string
	Name             string
	Description      string
	CIDR             string
	GatewayIP        string
	DisableGateway   bool
	AllocationPools  []AllocationPool
	IPVersion        int // default 4
	EnableDHCP       bool
	DNSNameservers   []string
	HostRoutes       []Route
}

// AllocationPool is a range of a subnet's addresses.
type AllocationPool struct{ Start, End string }

// Route is a static route.
type Route struct{ Destination, NextHop string }

// FixedIP is an address on a subnet of the same tenant.
type FixedIP struct{ IPAddress, SubnetBackendID string }

// AddressPair is an allowed address pair of a port.
type AddressPair struct{ IPAddress, MACAddress string }

// Router is a router with its interfaces on the tenant's subnets and its static routes.
type Router struct {
	UUID        string
	TenantUUID  string
	BackendID   string
	Name        string
	Description string
	Routes      []Route
	Interfaces  []FixedIP
}

// SecurityGroup is a security group with its rules.
type SecurityGroup struct {
	UUID        string
	TenantUUID  string
	BackendID   string
	Name        string
	Description string
	Rules       []SecurityGroupRule
}

// SecurityGroupRule is a rule; RemoteGroupBackendID names a group of the same tenant.
type SecurityGroupRule struct {
	Direction            string // default "ingress"
	Ethertype            string // default "IPv4"
	Protocol             string // "" for any
	FromPort, ToPort     *int
	CIDR                 string
	RemoteGroupBackendID string
	Description          string
}

// Port is a port on a network of the same tenant.
type Port struct {
	UUID                    string
	TenantUUID              string
	BackendID               string
	NetworkBackendID        string
	Name                    string
	Description             string
	MACAddress              string
	FixedIPs                []FixedIP
	AllowedAddressPairs     []AddressPair
	SecurityGroupBackendIDs []string
	DeviceID                string
	DeviceOwner             string
	PortSecurityEnabled     *bool
	AdminStateUp            bool
	Status                  string
}

// Runner executes a migration: it builds the destination tenant somewhere and reports what it built.
// The server calls it once the migration is CREATING; an error makes the migration ERRED with the
// error's text as error_message. ctx ends when the server is closed.
type Runner func(ctx context.Context, req MigrationRequest) (RunResult, error)

// MigrationRequest is everything a Runner needs, resolved from Waldur's records.
type MigrationRequest struct {
	MigrationUUID string
	// Name and Description of the new tenant (the request's, or else the source's).
	Name        string
	Description string
	// Source is the source tenant (BackendID is its Keystone project id), with its offering and settings.
	Source TenantInfo
	// SourceObjects are the source tenant's objects as registered in this server.
	SourceObjects Objects
	// Destination is the tenant Waldur made for the copy: no BackendID yet.
	Destination TenantInfo
	Mappings    RunMappings
}

// TenantInfo describes a tenant and where it lives.
type TenantInfo struct {
	UUID         string
	ResourceUUID string
	Name         string
	Description  string
	BackendID    string
	Offering     OfferingInfo
	Limits       map[string]int
	Quotas       map[string]int
	// VolumeTypes available in the tenant.
	VolumeTypes []VolumeType
}

// OfferingInfo is an offering with its scope.
type OfferingInfo struct {
	UUID      string
	Name      string
	ScopeUUID string
	ScopeName string
	Backend   string
}

// RunMappings are the migration's mappings, resolved. When SelectNetworks is true only Networks (the
// backend ids of the selected networks that belong to the source tenant) are copied, possibly none, as
// Waldur does; otherwise every network is.
type RunMappings struct {
	SelectNetworks       bool
	Networks             []string
	Subnets              []SubnetMapping
	VolumeTypes          []VolumeTypeMapping
	SkipConnectionExtnet bool
	SyncInstancePorts    bool
}

// SubnetMapping is a CIDR remap.
type SubnetMapping struct{ SrcCIDR, DstCIDR string }

// VolumeTypeMapping maps a source volume type to a destination one.
type VolumeTypeMapping struct{ Src, Dst VolumeType }

// RunResult is what a Runner built. TenantBackendID is required. The Objects are registered as the new
// tenant's, so that clients can list them; Quotas, when set, replace the tenant's quotas.
type RunResult struct {
	TenantBackendID   string
	Username          string
	Password          string
	ExternalNetworkID string
	InternalNetworkID string
	Quotas            map[string]int
	Objects           Objects
}

// Terminator tears a tenant down for a termination order; an error makes the order erred. With no
// Terminator the server just forgets the tenant.
type Terminator func(ctx context.Context, t TenantInfo) error
