package openstack

import "encoding/json"

// The Neutron objects the engine copies, as the API shows them (JSON names are Neutron's). Pointers stand
// for values Neutron may return as null, where null and zero mean different things (a subnet without a
// gateway, an ICMP rule with type 0).

type Network struct {
	ID                  string `json:"id,omitempty"`
	ProjectID           string `json:"project_id,omitempty"`
	Name                string `json:"name"`
	Description         string `json:"description"`
	AdminStateUp        bool   `json:"admin_state_up"`
	MTU                 int    `json:"mtu,omitempty"`
	PortSecurityEnabled *bool  `json:"port_security_enabled,omitempty"`
	External            bool   `json:"router:external,omitempty"`
	Shared              bool   `json:"shared,omitempty"`
	// DNSDomain is the dns-integration extension's; "" where the network has none or Neutron lacks it.
	DNSDomain string   `json:"dns_domain,omitempty"`
	Tags      []string `json:"tags,omitempty"`
}

type AllocationPool struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type Subnet struct {
	ID              string           `json:"id,omitempty"`
	ProjectID       string           `json:"project_id,omitempty"`
	NetworkID       string           `json:"network_id"`
	Name            string           `json:"name"`
	Description     string           `json:"description"`
	IPVersion       int              `json:"ip_version"`
	CIDR            string           `json:"cidr"`
	GatewayIP       *string          `json:"gateway_ip"`
	AllocationPools []AllocationPool `json:"allocation_pools"`
	DNSNameservers  []string         `json:"dns_nameservers"`
	HostRoutes      []Route          `json:"host_routes"`
	EnableDHCP      bool             `json:"enable_dhcp"`
	IPv6AddressMode string           `json:"ipv6_address_mode,omitempty"`
	IPv6RAMode      string           `json:"ipv6_ra_mode,omitempty"`
	Tags            []string         `json:"tags,omitempty"`
	// SubnetPoolID is the subnet pool the subnet was allocated from ("": none); read, never sent (a
	// copy is a plain subnet at its range).
	SubnetPoolID string `json:"subnetpool_id,omitempty"`
}

// Route is a static route, a subnet's host route or a router's route: Neutron shows both with the same
// two fields, so one type serves both.
type Route struct {
	Destination string `json:"destination"`
	NextHop     string `json:"nexthop"`
}

// HostRoute is the name a subnet's host routes had when they were a type of their own.
type HostRoute = Route

type GatewayInfo struct {
	NetworkID  string `json:"network_id"`
	EnableSNAT *bool  `json:"enable_snat,omitempty"`
}

type Router struct {
	ID              string       `json:"id,omitempty"`
	ProjectID       string       `json:"project_id,omitempty"`
	Name            string       `json:"name"`
	Description     string       `json:"description"`
	AdminStateUp    bool         `json:"admin_state_up"`
	ExternalGateway *GatewayInfo `json:"external_gateway_info,omitempty"`
	Routes          []Route      `json:"routes,omitempty"`
	Tags            []string     `json:"tags,omitempty"`
}

type FixedIP struct {
	SubnetID  string `json:"subnet_id,omitempty"`
	IPAddress string `json:"ip_address,omitempty"`
}

type AddressPair struct {
	IPAddress  string `json:"ip_address"`
	MACAddress string `json:"mac_address,omitempty"`
}

type Port struct {
	ID                  string        `json:"id,omitempty"`
	ProjectID           string        `json:"project_id,omitempty"`
	NetworkID           string        `json:"network_id"`
	Name                string        `json:"name"`
	Description         string        `json:"description"`
	AdminStateUp        bool          `json:"admin_state_up"`
	Status              string        `json:"status,omitempty"`
	MACAddress          string        `json:"mac_address,omitempty"`
	FixedIPs            []FixedIP     `json:"fixed_ips,omitempty"`
	DeviceID            string        `json:"device_id,omitempty"`
	DeviceOwner         string        `json:"device_owner,omitempty"`
	SecurityGroups      []string      `json:"security_groups"`
	PortSecurityEnabled *bool         `json:"port_security_enabled,omitempty"`
	AllowedAddressPairs []AddressPair `json:"allowed_address_pairs,omitempty"`
	// DNSName (dns-integration) and ExtraDHCPOpts (extra_dhcp_opt) are set by users on the port.
	DNSName       string         `json:"dns_name,omitempty"`
	ExtraDHCPOpts []ExtraDHCPOpt `json:"extra_dhcp_opts,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
}

// ExtraDHCPOpt is a DHCP option Neutron's DHCP server gives one port.
type ExtraDHCPOpt struct {
	OptName   string `json:"opt_name"`
	OptValue  string `json:"opt_value"`
	IPVersion int    `json:"ip_version,omitempty"`
}

type SecurityGroup struct {
	ID          string              `json:"id,omitempty"`
	ProjectID   string              `json:"project_id,omitempty"`
	Name        string              `json:"name"`
	Description string              `json:"description"`
	Tags        []string            `json:"tags,omitempty"`
	Rules       []SecurityGroupRule `json:"security_group_rules,omitempty"`
	// Stateful is absent where Neutron lacks the stateful-security-group extension (then every group is).
	Stateful *bool `json:"stateful,omitempty"`
}

type SecurityGroupRule struct {
	ID                   string `json:"id,omitempty"`
	ProjectID            string `json:"project_id,omitempty"`
	SecurityGroupID      string `json:"security_group_id"`
	Direction            string `json:"direction"`
	EtherType            string `json:"ethertype"`
	Protocol             string `json:"protocol,omitempty"`
	PortRangeMin         *int   `json:"port_range_min,omitempty"`
	PortRangeMax         *int   `json:"port_range_max,omitempty"`
	RemoteIPPrefix       string `json:"remote_ip_prefix,omitempty"`
	RemoteGroupID        string `json:"remote_group_id,omitempty"`
	RemoteAddressGroupID string `json:"remote_address_group_id,omitempty"`
	Description          string `json:"description,omitempty"`
}

// AddressGroup is a named set of CIDRs that security group rules can match as their remote (Neutron's
// address-group extension). Zed has no tags on address groups: they are told apart by content alone.
type AddressGroup struct {
	ID          string   `json:"id,omitempty"`
	ProjectID   string   `json:"project_id,omitempty"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Addresses   []string `json:"addresses"`
}

// VolumeType is a Cinder volume type.
type VolumeType struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	IsPublic    bool   `json:"os-volume-type-access:is_public"`
}

// Project is a Keystone project.
type Project struct {
	ID          string   `json:"id,omitempty"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	DomainID    string   `json:"domain_id,omitempty"`
	Enabled     bool     `json:"enabled"`
	Tags        []string `json:"tags,omitempty"`
}

// User is a Keystone user.
type User struct {
	ID               string `json:"id,omitempty"`
	Name             string `json:"name"`
	Description      string `json:"description,omitempty"`
	DomainID         string `json:"domain_id,omitempty"`
	DefaultProjectID string `json:"default_project_id,omitempty"`
	Password         string `json:"password,omitempty"`
	Enabled          bool   `json:"enabled"`
}

// MarshalJSON sends an empty, non-nil FixedIPs as "fixed_ips": [] (a port without addresses), where nil
// leaves the field out and lets Neutron allocate an address on every subnet of the network.
func (p Port) MarshalJSON() ([]byte, error) {
	type plain Port
	if p.FixedIPs == nil || len(p.FixedIPs) > 0 {
		return json.Marshal(plain(p))
	}
	return json.Marshal(struct {
		plain
		FixedIPs []FixedIP `json:"fixed_ips"`
	}{plain(p), p.FixedIPs})
}
