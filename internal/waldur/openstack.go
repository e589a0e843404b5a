package waldur

import (
	"context"
	"net/url"
)

// The OpenStack objects Waldur keeps for a tenant.

const (
	tenantsPath        = "openstack-tenants/"
	networksPath       = "openstack-networks/"
	subnetsPath        = "openstack-subnets/"
	routersPath        = "openstack-routers/"
	securityGroupsPath = "openstack-security-groups/"
	portsPath          = "openstack-ports/"
)

// Object holds the fields Waldur shows for every OpenStack object it keeps: the tenant and its networks,
// subnets, routers, security groups and ports each embed it. The tenant's uuid is not among them: a
// tenant has none, and Waldur names a subnet's tenant by URL only.
//
// Object must get no JSON methods: embedded, they would be promoted and decode the whole outer object.
type Object struct {
	UUID        string `json:"uuid"`
	URL         string `json:"url"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// BackendID is the object's id in OpenStack: the Keystone project id of a tenant, the Neutron id of
	// the others.
	BackendID string `json:"backend_id"`
	State     State  `json:"state"`
}

// Tenant is an OpenStack tenant (a Keystone project) in Waldur. UserUsername and UserPassword are the
// credentials of the tenant's user, returned only to users allowed to see them; treat them as secrets.
type Tenant struct {
	Object
	ErrorMessage             string        `json:"error_message"`
	ServiceSettingsUUID      string        `json:"service_settings_uuid"`
	ServiceName              string        `json:"service_name"`
	ProjectUUID              string        `json:"project_uuid"`
	ProjectName              string        `json:"project_name"`
	CustomerUUID             string        `json:"customer_uuid"`
	ExternalNetworkID        string        `json:"external_network_id"`
	InternalNetworkID        string        `json:"internal_network_id"`
	UserUsername             string        `json:"user_username"`
	UserPassword             string        `json:"user_password"`
	Quotas                   []Quota       `json:"quotas"`
	MarketplaceOfferingUUID  string        `json:"marketplace_offering_uuid"`
	MarketplaceResourceUUID  string        `json:"marketplace_resource_uuid"`
	MarketplacePlanUUID      string        `json:"marketplace_plan_uuid"`
	MarketplaceResourceState ResourceState `json:"marketplace_resource_state"`
}

// Quota is one quota of a tenant. A limit of -1 means unlimited.
type Quota struct {
	Name  string `json:"name"`
	Limit int    `json:"limit"`
	Usage int    `json:"usage"`
}

// TenantFilter narrows ListTenants; empty fields do not filter.
type TenantFilter struct {
	Name                string
	NameExact           string
	ServiceSettingsUUID string
	ProjectUUID         string
	CustomerUUID        string
	BackendID           string
}

// GetTenant reads one tenant.
func (c *Client) GetTenant(ctx context.Context, uuid string) (*Tenant, error) {
	return get[Tenant](ctx, c, "tenant", tenantsPath, uuid)
}

// ListTenants lists tenants.
func (c *Client) ListTenants(ctx context.Context, f TenantFilter) ([]Tenant, error) {
	q := filterQuery(url.Values{})
	q.set("name", f.Name)
	q.set("name_exact", f.NameExact)
	q.set("service_settings_uuid", f.ServiceSettingsUUID)
	q.set("project_uuid", f.ProjectUUID)
	q.set("customer_uuid", f.CustomerUUID)
	q.set("backend_id", f.BackendID)
	return listAll[Tenant](ctx, c, tenantsPath, url.Values(q))
}

// TenantObjectFilter narrows the lists of a tenant's networks, subnets, routers, security groups and
// ports; empty fields do not filter. NetworkUUID applies to subnets and ports only.
type TenantObjectFilter struct {
	TenantUUID  string
	NetworkUUID string
	Name        string
	NameExact   string
	BackendID   string
}

func (f TenantObjectFilter) query(withNetwork, withBackendID bool) url.Values {
	q := filterQuery(url.Values{})
	q.set("tenant_uuid", f.TenantUUID)
	q.set("name", f.Name)
	q.set("name_exact", f.NameExact)
	if withBackendID {
		q.set("backend_id", f.BackendID)
	}
	if withNetwork {
		q.set("network_uuid", f.NetworkUUID)
	}
	return url.Values(q)
}

// Network is a Neutron network of a tenant.
type Network struct {
	Object
	TenantUUID string         `json:"tenant_uuid"`
	IsExternal bool           `json:"is_external"`
	Type       string         `json:"type"`
	MTU        *int           `json:"mtu"`
	Subnets    []NestedSubnet `json:"subnets"`
}

// NestedSubnet is a subnet as listed inside its network.
type NestedSubnet struct {
	UUID      string  `json:"uuid"`
	Name      string  `json:"name"`
	CIDR      string  `json:"cidr"`
	GatewayIP *string `json:"gateway_ip"`
	IPVersion int     `json:"ip_version"`
}

// GetNetwork reads one network.
func (c *Client) GetNetwork(ctx context.Context, uuid string) (*Network, error) {
	return get[Network](ctx, c, "network", networksPath, uuid)
}

// ListNetworks lists networks (of a tenant, with TenantUUID).
func (c *Client) ListNetworks(ctx context.Context, f TenantObjectFilter) ([]Network, error) {
	return listAll[Network](ctx, c, networksPath, f.query(false, true))
}

// AllocationPool is a range of addresses a subnet hands out.
type AllocationPool struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Route is a static route (a subnet's host route or a router's route).
type Route struct {
	Destination string `json:"destination"`
	NextHop     string `json:"nexthop"`
}

// Subnet is a Neutron subnet. Waldur names its network and tenant only by URL; NetworkUUID and
// TenantUUID extract the uuids.
type Subnet struct {
	Object
	Tenant          string           `json:"tenant"`
	Network         string           `json:"network"`
	NetworkName     string           `json:"network_name"`
	CIDR            string           `json:"cidr"`
	GatewayIP       *string          `json:"gateway_ip"`
	DisableGateway  bool             `json:"disable_gateway"`
	AllocationPools []AllocationPool `json:"allocation_pools"`
	IPVersion       int              `json:"ip_version"`
	EnableDHCP      bool             `json:"enable_dhcp"`
	DNSNameservers  []string         `json:"dns_nameservers"`
	HostRoutes      []Route          `json:"host_routes"`
}

// NetworkUUID is the uuid of the subnet's network.
func (s Subnet) NetworkUUID() string { return UUIDFromURL(s.Network) }

// TenantUUID is the uuid of the subnet's tenant.
func (s Subnet) TenantUUID() string { return UUIDFromURL(s.Tenant) }

// GetSubnet reads one subnet.
func (c *Client) GetSubnet(ctx context.Context, uuid string) (*Subnet, error) {
	return get[Subnet](ctx, c, "subnet", subnetsPath, uuid)
}

// ListSubnets lists subnets (of a tenant with TenantUUID, of a network with NetworkUUID).
func (c *Client) ListSubnets(ctx context.Context, f TenantObjectFilter) ([]Subnet, error) {
	return listAll[Subnet](ctx, c, subnetsPath, f.query(true, true))
}

// FixedIP is an address of a port on a subnet; SubnetID is the subnet's backend (Neutron) id.
type FixedIP struct {
	IPAddress string `json:"ip_address"`
	SubnetID  string `json:"subnet_id"`
}

// Router is a Neutron router. FixedIPs are its interface addresses on the tenant's subnets.
type Router struct {
	Object
	TenantUUID string       `json:"tenant_uuid"`
	Routes     []Route      `json:"routes"`
	FixedIPs   []FixedIP    `json:"fixed_ips"`
	Ports      []RouterPort `json:"ports"`
}

// RouterPort is an interface of a router, as nested in it.
type RouterPort struct {
	FixedIPs   []FixedIP `json:"fixed_ips"`
	MACAddress string    `json:"mac_address"`
	SubnetUUID string    `json:"subnet_uuid"`
	SubnetName string    `json:"subnet_name"`
	SubnetCIDR string    `json:"subnet_cidr"`
}

// GetRouter reads one router.
func (c *Client) GetRouter(ctx context.Context, uuid string) (*Router, error) {
	return get[Router](ctx, c, "router", routersPath, uuid)
}

// ListRouters lists routers (of a tenant, with TenantUUID).
func (c *Client) ListRouters(ctx context.Context, f TenantObjectFilter) ([]Router, error) {
	return listAll[Router](ctx, c, routersPath, f.query(false, false))
}

// SecurityGroup is a Neutron security group with its rules.
type SecurityGroup struct {
	Object
	TenantUUID string              `json:"tenant_uuid"`
	Rules      []SecurityGroupRule `json:"rules"`
}

// SecurityGroupRule is a rule of a security group. Waldur shows no Neutron id for rules: they are
// identified by content. An empty Protocol means any; nil ports mean any.
type SecurityGroupRule struct {
	ID              int     `json:"id"`
	Ethertype       string  `json:"ethertype"`
	Direction       string  `json:"direction"`
	Protocol        string  `json:"protocol"`
	FromPort        *int    `json:"from_port"`
	ToPort          *int    `json:"to_port"`
	CIDR            *string `json:"cidr"`
	Description     string  `json:"description"`
	RemoteGroup     *string `json:"remote_group"`
	RemoteGroupUUID string  `json:"remote_group_uuid"`
	RemoteGroupName string  `json:"remote_group_name"`
}

// GetSecurityGroup reads one security group.
func (c *Client) GetSecurityGroup(ctx context.Context, uuid string) (*SecurityGroup, error) {
	return get[SecurityGroup](ctx, c, "security group", securityGroupsPath, uuid)
}

// ListSecurityGroups lists security groups with their rules (of a tenant, with TenantUUID).
func (c *Client) ListSecurityGroups(ctx context.Context, f TenantObjectFilter) ([]SecurityGroup, error) {
	return listAll[SecurityGroup](ctx, c, securityGroupsPath, f.query(false, true))
}

// Port is a Neutron port.
type Port struct {
	Object
	TenantUUID          string              `json:"tenant_uuid"`
	NetworkUUID         string              `json:"network_uuid"`
	NetworkName         string              `json:"network_name"`
	FixedIPs            []FixedIP           `json:"fixed_ips"`
	MACAddress          string              `json:"mac_address"`
	AllowedAddressPairs []AddressPair       `json:"allowed_address_pairs"`
	DeviceID            *string             `json:"device_id"`
	DeviceOwner         *string             `json:"device_owner"`
	PortSecurityEnabled *bool               `json:"port_security_enabled"`
	SecurityGroups      []PortSecurityGroup `json:"security_groups"`
	AdminStateUp        *bool               `json:"admin_state_up"`
	Status              string              `json:"status"`
}

// AddressPair is an allowed address pair of a port. Waldur's schema shows only the MAC address; newer
// servers may add the IP.
type AddressPair struct {
	IPAddress  string `json:"ip_address,omitempty"`
	MACAddress string `json:"mac_address"`
}

// PortSecurityGroup is a security group as nested in a port.
type PortSecurityGroup struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// GetPort reads one port.
func (c *Client) GetPort(ctx context.Context, uuid string) (*Port, error) {
	return get[Port](ctx, c, "port", portsPath, uuid)
}

// ListPorts lists ports (of a tenant with TenantUUID, of a network with NetworkUUID).
func (c *Client) ListPorts(ctx context.Context, f TenantObjectFilter) ([]Port, error) {
	return listAll[Port](ctx, c, portsPath, f.query(true, true))
}

func get[T any](ctx context.Context, c *Client, kind, collection, uuid string) (*T, error) {
	if err := requireUUID(kind, uuid); err != nil {
		return nil, err
	}
	var v T
	if err := c.getJSON(ctx, detailPath(collection, uuid), &v); err != nil {
		return nil, err
	}
	return &v, nil
}
