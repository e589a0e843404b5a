package replication

import "github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"

// Snapshot is the source tenant as read from the API: everything the plan needs, nothing more.
type Snapshot struct {
	Project        openstack.Project
	Networks       []openstack.Network
	Subnets        []openstack.Subnet
	Routers        []openstack.Router
	Ports          []openstack.Port // every port of the project, router interfaces included
	SecurityGroups []openstack.SecurityGroup
	Rules          []openstack.SecurityGroupRule
	AddressGroups  []openstack.AddressGroup
	FloatingIPs    []openstack.FloatingIP
	ServerGroups   []openstack.ServerGroup
	Quotas         Quotas
	VolumeTypes    []openstack.VolumeType // the volume types of the source region
	// SubnetPools names, by source subnet id, the subnet pool a subnet was allocated from (its
	// subnetpool_id); subnets from none are absent.
	SubnetPools map[string]string
}

// Quotas are the limits of a project in the three services.
type Quotas struct {
	Compute map[string]int `json:"compute"`
	Network map[string]int `json:"network"`
	Volume  map[string]int `json:"volume"`
}

func (q Quotas) empty() bool { return len(q.Compute)+len(q.Network)+len(q.Volume) == 0 }

// Mappings are the user's choices of what to copy and how (the resource's mappings attribute); the zero
// value copies every network as it is, without ports.
type Mappings struct {
	// Networks selects source networks (by id) to copy, with their subnets; empty copies all.
	Networks []string
	// Subnets remaps subnet CIDRs.
	Subnets []SubnetRemap
	// VolumeTypes maps source volume types to destination ones (by id); several may map onto one.
	VolumeTypes []VolumeTypeMap
	// SyncInstancePorts also copies instance ports and free VIP ports.
	SyncInstancePorts bool
	// SkipConnectionExtnet leaves the destination routers without an external gateway.
	SkipConnectionExtnet bool
	// FloatingIPs says which source floating IPs get one on the destination's external network:
	// FloatingIPsAll ("" too), FloatingIPsAssociated or FloatingIPsNone.
	FloatingIPs string
}

// The values of Mappings.FloatingIPs (the resource's mappings.floating_ips).
const (
	// FloatingIPsAll copies every floating IP: associated ones with the copy of their port, free ones free.
	FloatingIPsAll = "all"
	// FloatingIPsAssociated copies only the floating IPs associated with a port in the source.
	FloatingIPsAssociated = "associated"
	// FloatingIPsNone copies none: each is reported in Skipped.
	FloatingIPsNone = "none"
)

// SubnetRemap moves a source subnet to another CIDR.
type SubnetRemap struct {
	SrcCIDR string
	DstCIDR string
}

// VolumeTypeMap maps a source volume type to a destination volume type.
type VolumeTypeMap struct {
	SrcTypeID string
	DstTypeID string
}

// Facts are what the plan needs to know about the destination before anything is built there.
type Facts struct {
	// ExternalNetworkID is the network routers get their gateway on; "" when the destination has none.
	ExternalNetworkID string
	// GatewaysByDestination is set when the destination gives routers their gateway itself, on an
	// external network it picks when it builds them (Waldur does): routers keep their gateway although
	// ExternalNetworkID is "". Such a plan is for reading, not for Execute.
	GatewaysByDestination bool
	// VolumeTypes of the destination region.
	VolumeTypes []openstack.VolumeType
	// CanCreateProjects is true when the destination credentials may create projects, users and quotas.
	CanCreateProjects bool
	// NoAddressGroups is true when the destination Neutron lacks the address-group extension. Migration.Plan
	// asks only when the source has address groups: otherwise it stays false, whatever the destination.
	NoAddressGroups bool
	// NoDNS and NoExtraDHCPOpts are true when the destination Neutron lacks the dns-integration or the
	// extra_dhcp_opt extension; Migration.Plan asks only when the source uses them.
	NoDNS           bool
	NoExtraDHCPOpts bool
	// NoTags is true when the destination Neutron lacks the standard-attr-tag extension; asked only when
	// the source has user tags.
	NoTags bool
	// NoMTUWritable is true when the destination Neutron lacks the net-mtu-writable extension: it then
	// refuses an mtu in a network create, and the copies get its default MTU (reported).
	NoMTUWritable bool
	// User names the destination credentials' user, for messages.
	User string
	// Quotas, when set, are the quotas the destination gives the new tenant whatever the source's are
	// (Waldur orders its own marketplace limits): the plan takes them as they are, and of the volume
	// type map only checks that its types exist.
	Quotas *Quotas
}

// Target names the tenant to build.
type Target struct {
	// Name and Description of the new project; empty means the source project's.
	Name        string
	Description string
}
