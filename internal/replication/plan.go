package replication

import (
	"slices"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Plan is everything the destination will hold, with mappings applied, keyed by source ids. It is
// produced by BuildPlan without any I/O; Execute builds it; the provider renders it as the preview.
type Plan struct {
	SourceProjectID string      `json:"source_project_id"`
	Project         ProjectPlan `json:"project"`
	// ExternalNetworkID is the destination network that routers planned with a gateway get it on.
	ExternalNetworkID string              `json:"external_network_id,omitempty"`
	Quotas            Quotas              `json:"quotas"`
	Networks          []NetworkPlan       `json:"networks"`
	Subnets           []SubnetPlan        `json:"subnets"`
	Routers           []RouterPlan        `json:"routers"`
	SecurityGroups    []SecurityGroupPlan `json:"security_groups"`
	AddressGroups     []AddressGroupPlan  `json:"address_groups"`
	Rules             []RulePlan          `json:"security_group_rules"`
	Ports             []PortPlan          `json:"ports"`
	FloatingIPs       []FloatingIPPlan    `json:"floating_ips"`
	ServerGroups      []ServerGroupPlan   `json:"server_groups"`
	Skipped           []Skipped           `json:"skipped"`
}

// ProjectPlan is the new Keystone project.
type ProjectPlan struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// NetworkPlan is one network to build.
type NetworkPlan struct {
	SourceID            string `json:"source_id"`
	Name                string `json:"name"`
	Description         string `json:"description"`
	MTU                 int    `json:"mtu"`
	AdminStateUp        bool   `json:"admin_state_up"`
	PortSecurityEnabled *bool  `json:"port_security_enabled,omitempty"`
	DNSDomain           string `json:"dns_domain,omitempty"`
	// Tags are the user's tags on the source object, copied (markers aside).
	Tags []string `json:"tags,omitempty"`
	// Marker: the copy carries a wom:src: tag, its content not telling it from others (identity.go).
	Marker bool `json:"marker,omitempty"`
}

// SubnetPlan is one subnet to build; CIDR, gateway, pools and host routes are already remapped.
type SubnetPlan struct {
	SourceID         string                     `json:"source_id"`
	NetworkSourceID  string                     `json:"network_source_id"`
	Name             string                     `json:"name"`
	Description      string                     `json:"description"`
	IPVersion        int                        `json:"ip_version"`
	SourceCIDR       string                     `json:"source_cidr"`
	CIDR             string                     `json:"cidr"`
	GatewayIP        *string                    `json:"gateway_ip"` // nil: no gateway
	AllocationPools  []openstack.AllocationPool `json:"allocation_pools"`
	PoolsRegenerated bool                       `json:"pools_regenerated,omitempty"`
	DNSNameservers   []string                   `json:"dns_nameservers"`
	HostRoutes       []openstack.HostRoute      `json:"host_routes"`
	EnableDHCP       bool                       `json:"enable_dhcp"`
	IPv6AddressMode  string                     `json:"ipv6_address_mode,omitempty"`
	IPv6RAMode       string                     `json:"ipv6_ra_mode,omitempty"`
	// Tags are the user's tags on the source object, copied (markers aside).
	Tags []string `json:"tags,omitempty"`
	// Marker: the copy carries a wom:src: tag, its content not telling it from others (identity.go).
	Marker bool `json:"marker,omitempty"`
}

// RouterPlan is one router to build, with its interfaces and the static routes to set last.
type RouterPlan struct {
	SourceID        string            `json:"source_id"`
	Name            string            `json:"name"`
	Description     string            `json:"description"`
	AdminStateUp    bool              `json:"admin_state_up"`
	ExternalGateway bool              `json:"external_gateway"`
	EnableSNAT      *bool             `json:"enable_snat,omitempty"`
	Interfaces      []InterfacePlan   `json:"interfaces"`
	Routes          []openstack.Route `json:"routes"`
	DroppedRoutes   []DroppedRoute    `json:"dropped_routes"`
	// Tags are the user's tags on the source object, copied (markers aside).
	Tags []string `json:"tags,omitempty"`
	// Marker: the copy carries a wom:src: tag, its content not telling it from others (identity.go).
	Marker bool `json:"marker,omitempty"`
}

// InterfacePlan attaches a router to a copied subnet. At the subnet's gateway the interface is added by
// subnet; at any other address a port with that address is made first.
type InterfacePlan struct {
	SourcePortID   string `json:"source_port_id"`
	SubnetSourceID string `json:"subnet_source_id"`
	IPAddress      string `json:"ip_address"`
	AtGateway      bool   `json:"at_gateway"`
}

// DroppedRoute is a source static route that will not be set, and why.
type DroppedRoute struct {
	openstack.Route
	Reason string `json:"reason"`
}

// SecurityGroupPlan is one security group; the source default group maps onto the destination's own.
type SecurityGroupPlan struct {
	SourceID    string `json:"source_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	IsDefault   bool   `json:"is_default"`
	// Stateless: the group is created with stateful=false (sent only then, so that a destination without
	// the stateful-security-group extension takes the usual, stateful, groups).
	Stateless bool `json:"stateless,omitempty"`
	// Tags are the user's tags on the source object, copied (markers aside).
	Tags []string `json:"tags,omitempty"`
	// Marker: the copy carries a wom:src: tag, its content not telling it from others (identity.go).
	Marker bool `json:"marker,omitempty"`
}

// AddressGroupPlan is one address group, its addresses moved with the subnets' CIDR remaps. Zed cannot
// tag address groups: copies are found by content (addressGroupKey), identical twins paired in id order.
type AddressGroupPlan struct {
	SourceID    string   `json:"source_id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Addresses   []string `json:"addresses"`
}

// RulePlan is one rule, with its remote group or address group still named by source id (resolved at
// execution).
type RulePlan struct {
	SourceID            string `json:"source_id"`
	GroupSourceID       string `json:"group_source_id"`
	Direction           string `json:"direction"`
	EtherType           string `json:"ethertype"`
	Protocol            string `json:"protocol"`
	PortRangeMin        *int   `json:"port_range_min,omitempty"`
	PortRangeMax        *int   `json:"port_range_max,omitempty"`
	RemoteIPPrefix      string `json:"remote_ip_prefix,omitempty"`
	RemoteGroupSourceID string `json:"remote_group_source_id,omitempty"`
	// RemoteAddressGroupSourceID names the source address group the rule matches.
	RemoteAddressGroupSourceID string `json:"remote_address_group_source_id,omitempty"`
	Description                string `json:"description,omitempty"`
}

// PortPlan is one instance or free VIP port.
type PortPlan struct {
	SourceID               string                   `json:"source_id"`
	Kind                   string                   `json:"kind"` // "instance" or "vip"
	NetworkSourceID        string                   `json:"network_source_id"`
	Name                   string                   `json:"name"`
	Description            string                   `json:"description"`
	AdminStateUp           bool                     `json:"admin_state_up"`
	MACAddress             string                   `json:"mac_address"`
	FixedIPs               []PlannedFixedIP         `json:"fixed_ips"`
	SecurityGroupSourceIDs []string                 `json:"security_group_source_ids"`
	PortSecurityEnabled    *bool                    `json:"port_security_enabled,omitempty"`
	AllowedAddressPairs    []openstack.AddressPair  `json:"allowed_address_pairs,omitempty"`
	DNSName                string                   `json:"dns_name,omitempty"`
	ExtraDHCPOpts          []openstack.ExtraDHCPOpt `json:"extra_dhcp_opts,omitempty"`
	// Tags are the user's tags on the source object, copied (markers aside).
	Tags []string `json:"tags,omitempty"`
	// Marker: the copy carries a wom:src: tag, its content not telling it from others (identity.go).
	Marker bool `json:"marker,omitempty"`
}

// PlannedFixedIP is a port address on a copied subnet.
type PlannedFixedIP struct {
	SubnetSourceID string `json:"subnet_source_id"`
	// IPAddress is the address the copy will have; when Derived, the one the destination derives from the
	// port's MAC in the subnet's destination prefix.
	IPAddress string `json:"ip_address"`
	// Derived: the subnet is auto-addressed (SLAAC or DHCPv6-stateless), so only the subnet is sent.
	Derived bool `json:"derived,omitempty"`
}

// Skipped is a source object (or part of one) that is not copied, and why. Nothing is dropped silently.
type Skipped struct {
	Kind     string `json:"kind"`
	SourceID string `json:"source_id"`
	Reason   string `json:"reason"`
}

// hasMarkers reports whether any planned object needs a marker tag.
func (p *Plan) hasMarkers() bool {
	return slices.ContainsFunc(p.Networks, func(n NetworkPlan) bool { return n.Marker }) ||
		slices.ContainsFunc(p.Subnets, func(s SubnetPlan) bool { return s.Marker }) ||
		slices.ContainsFunc(p.Routers, func(r RouterPlan) bool { return r.Marker }) ||
		slices.ContainsFunc(p.SecurityGroups, func(g SecurityGroupPlan) bool { return g.Marker }) ||
		slices.ContainsFunc(p.Ports, func(port PortPlan) bool { return port.Marker }) ||
		slices.ContainsFunc(p.FloatingIPs, func(f FloatingIPPlan) bool { return f.Marker })
}

// portSubnets returns the source ids of the subnets the planned ports take addresses on.
func (p *Plan) portSubnets() map[string]bool {
	out := map[string]bool{}
	for _, port := range p.Ports {
		for _, ip := range port.FixedIPs {
			out[ip.SubnetSourceID] = true
		}
	}
	return out
}

// Counts returns the number of objects of each kind the plan builds.
func (p *Plan) Counts() map[string]int {
	interfaces, routes := 0, 0
	for _, r := range p.Routers {
		interfaces += len(r.Interfaces)
		routes += len(r.Routes)
	}
	return map[string]int{
		"networks": len(p.Networks), "subnets": len(p.Subnets), "routers": len(p.Routers),
		"router_interfaces": interfaces, "routes": routes, "security_groups": len(p.SecurityGroups),
		"security_group_rules": len(p.Rules), "address_groups": len(p.AddressGroups), "ports": len(p.Ports),
		"floating_ips": len(p.FloatingIPs), "server_groups": len(p.ServerGroups),
	}
}
