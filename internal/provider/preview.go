package provider

import (
	"cmp"
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// The preview is a rendering of the engine's Plan for `terraform plan`: what a reader needs to check the
// mappings (names, destination CIDRs, gateways, pools, interface addresses, kept and dropped routes,
// rule counts, port addresses, quotas), not every field the engine sends. Objects appear in the plan's
// deterministic order, so an unchanged source gives an unchanged preview.

type previewModel struct {
	Name           string                  `tfsdk:"name"`
	Description    string                  `tfsdk:"description"`
	Counts         map[string]int64        `tfsdk:"counts"`
	Quotas         previewQuotasModel      `tfsdk:"quotas"`
	Networks       []previewNetworkModel   `tfsdk:"networks"`
	Subnets        []previewSubnetModel    `tfsdk:"subnets"`
	Routers        []previewRouterModel    `tfsdk:"routers"`
	SecurityGroups []previewSecGroupModel  `tfsdk:"security_groups"`
	AddressGroups  []previewAddrGroupModel `tfsdk:"address_groups"`
	Ports          []previewPortModel      `tfsdk:"ports"`
	FloatingIPs    []previewFloatingModel  `tfsdk:"floating_ips"`
	ServerGroups   []previewSrvGroupModel  `tfsdk:"server_groups"`
	Skipped        []skippedModel          `tfsdk:"skipped"`
}

type previewFloatingModel struct {
	SourceID      string  `tfsdk:"source_id"`
	SourceAddress string  `tfsdk:"source_address"`
	Description   string  `tfsdk:"description"`
	Port          *string `tfsdk:"port"`
	FixedIP       *string `tfsdk:"fixed_ip"`
}

type previewSrvGroupModel struct {
	SourceID string           `tfsdk:"source_id"`
	Name     string           `tfsdk:"name"`
	Policy   string           `tfsdk:"policy"`
	Rules    map[string]int64 `tfsdk:"rules"`
}

type previewQuotasModel struct {
	Compute map[string]int64 `tfsdk:"compute"`
	Network map[string]int64 `tfsdk:"network"`
	Volume  map[string]int64 `tfsdk:"volume"`
}

type previewNetworkModel struct {
	SourceID string   `tfsdk:"source_id"`
	Name     string   `tfsdk:"name"`
	MTU      int64    `tfsdk:"mtu"`
	CIDRs    []string `tfsdk:"cidrs"`
}

type previewSubnetModel struct {
	SourceID         string              `tfsdk:"source_id"`
	Network          string              `tfsdk:"network"`
	Name             string              `tfsdk:"name"`
	SourceCIDR       string              `tfsdk:"source_cidr"`
	CIDR             string              `tfsdk:"cidr"`
	GatewayIP        *string             `tfsdk:"gateway_ip"`
	AllocationPools  []previewPoolModel  `tfsdk:"allocation_pools"`
	PoolsRegenerated bool                `tfsdk:"pools_regenerated"`
	EnableDHCP       bool                `tfsdk:"enable_dhcp"`
	DNSNameservers   []string            `tfsdk:"dns_nameservers"`
	HostRoutes       []previewRouteModel `tfsdk:"host_routes"`
}

type previewPoolModel struct {
	Start string `tfsdk:"start"`
	End   string `tfsdk:"end"`
}

type previewRouteModel struct {
	Destination string `tfsdk:"destination"`
	NextHop     string `tfsdk:"nexthop"`
}

type previewDroppedRouteModel struct {
	Destination string `tfsdk:"destination"`
	NextHop     string `tfsdk:"nexthop"`
	Reason      string `tfsdk:"reason"`
}

type previewInterfaceModel struct {
	Subnet    string `tfsdk:"subnet"`
	CIDR      string `tfsdk:"cidr"`
	IPAddress string `tfsdk:"ip_address"`
}

type previewRouterModel struct {
	SourceID        string                     `tfsdk:"source_id"`
	Name            string                     `tfsdk:"name"`
	ExternalGateway bool                       `tfsdk:"external_gateway"`
	Interfaces      []previewInterfaceModel    `tfsdk:"interfaces"`
	Routes          []previewRouteModel        `tfsdk:"routes"`
	DroppedRoutes   []previewDroppedRouteModel `tfsdk:"dropped_routes"`
}

type previewSecGroupModel struct {
	SourceID string `tfsdk:"source_id"`
	Name     string `tfsdk:"name"`
	Rules    int64  `tfsdk:"rules"`
}

type previewAddrGroupModel struct {
	SourceID  string   `tfsdk:"source_id"`
	Name      string   `tfsdk:"name"`
	Addresses []string `tfsdk:"addresses"`
}

type previewPortModel struct {
	SourceID string   `tfsdk:"source_id"`
	Name     string   `tfsdk:"name"`
	Kind     string   `tfsdk:"kind"`
	Network  string   `tfsdk:"network"`
	IPs      []string `tfsdk:"ips"`
	MAC      string   `tfsdk:"mac"`
}

// previewFromPlan renders a plan as the value of the `preview` attribute.
func previewFromPlan(ctx context.Context, p *replication.Plan) (types.Object, diag.Diagnostics) {
	return types.ObjectValueFrom(ctx, previewTypes, renderPreview(p))
}

// renderPreview builds the preview model. Every list and map is non-nil, so the preview shows empty
// collections as empty, not null.
func renderPreview(p *replication.Plan) previewModel {
	networkNames := map[string]string{}
	for _, n := range p.Networks {
		networkNames[n.SourceID] = n.Name
	}
	subnets := map[string]replication.SubnetPlan{}
	cidrsByNetwork := map[string][]string{}
	for _, s := range p.Subnets {
		subnets[s.SourceID] = s
		cidrsByNetwork[s.NetworkSourceID] = append(cidrsByNetwork[s.NetworkSourceID], s.CIDR)
	}
	rules := map[string]int64{}
	for _, r := range p.Rules {
		rules[r.GroupSourceID]++
	}

	out := previewModel{
		Name:        p.Project.Name,
		Description: p.Project.Description,
		Counts:      map[string]int64{},
		Quotas: previewQuotasModel{
			Compute: quotaMap(p.Quotas.Compute), Network: quotaMap(p.Quotas.Network), Volume: quotaMap(p.Quotas.Volume),
		},
		Networks:       make([]previewNetworkModel, 0, len(p.Networks)),
		Subnets:        make([]previewSubnetModel, 0, len(p.Subnets)),
		Routers:        make([]previewRouterModel, 0, len(p.Routers)),
		SecurityGroups: make([]previewSecGroupModel, 0, len(p.SecurityGroups)),
		AddressGroups:  make([]previewAddrGroupModel, 0, len(p.AddressGroups)),
		Ports:          make([]previewPortModel, 0, len(p.Ports)),
		FloatingIPs:    make([]previewFloatingModel, 0, len(p.FloatingIPs)),
		ServerGroups:   make([]previewSrvGroupModel, 0, len(p.ServerGroups)),
		Skipped:        make([]skippedModel, 0, len(p.Skipped)),
	}
	for k, v := range p.Counts() {
		out.Counts[k] = int64(v)
	}
	for _, n := range p.Networks {
		out.Networks = append(out.Networks, previewNetworkModel{
			SourceID: n.SourceID, Name: n.Name, MTU: int64(n.MTU), CIDRs: nonNil(cidrsByNetwork[n.SourceID]),
		})
	}
	for _, s := range p.Subnets {
		ps := previewSubnetModel{
			SourceID: s.SourceID, Network: networkNames[s.NetworkSourceID], Name: s.Name, SourceCIDR: s.SourceCIDR, CIDR: s.CIDR,
			GatewayIP: s.GatewayIP, PoolsRegenerated: s.PoolsRegenerated, EnableDHCP: s.EnableDHCP,
			AllocationPools: make([]previewPoolModel, 0, len(s.AllocationPools)),
			DNSNameservers:  nonNil(s.DNSNameservers),
			HostRoutes:      make([]previewRouteModel, 0, len(s.HostRoutes)),
		}
		for _, a := range s.AllocationPools {
			ps.AllocationPools = append(ps.AllocationPools, previewPoolModel{Start: a.Start, End: a.End})
		}
		for _, h := range s.HostRoutes {
			ps.HostRoutes = append(ps.HostRoutes, previewRouteModel{Destination: h.Destination, NextHop: h.NextHop})
		}
		out.Subnets = append(out.Subnets, ps)
	}
	for _, r := range p.Routers {
		pr := previewRouterModel{
			SourceID: r.SourceID, Name: r.Name, ExternalGateway: r.ExternalGateway,
			Interfaces:    make([]previewInterfaceModel, 0, len(r.Interfaces)),
			Routes:        make([]previewRouteModel, 0, len(r.Routes)),
			DroppedRoutes: make([]previewDroppedRouteModel, 0, len(r.DroppedRoutes)),
		}
		for _, i := range r.Interfaces {
			s := subnets[i.SubnetSourceID]
			pr.Interfaces = append(pr.Interfaces, previewInterfaceModel{Subnet: s.Name, CIDR: s.CIDR, IPAddress: i.IPAddress})
		}
		for _, rt := range r.Routes {
			pr.Routes = append(pr.Routes, previewRouteModel{Destination: rt.Destination, NextHop: rt.NextHop})
		}
		for _, d := range r.DroppedRoutes {
			pr.DroppedRoutes = append(pr.DroppedRoutes, previewDroppedRouteModel{Destination: d.Destination, NextHop: d.NextHop, Reason: d.Reason})
		}
		out.Routers = append(out.Routers, pr)
	}
	for _, g := range p.SecurityGroups {
		out.SecurityGroups = append(out.SecurityGroups, previewSecGroupModel{SourceID: g.SourceID, Name: g.Name, Rules: rules[g.SourceID]})
	}
	for _, ag := range p.AddressGroups {
		out.AddressGroups = append(out.AddressGroups, previewAddrGroupModel{SourceID: ag.SourceID, Name: ag.Name, Addresses: nonNil(ag.Addresses)})
	}
	for _, port := range p.Ports {
		pp := previewPortModel{
			SourceID: port.SourceID, Name: port.Name, Kind: port.Kind, Network: networkNames[port.NetworkSourceID],
			IPs: make([]string, 0, len(port.FixedIPs)), MAC: port.MACAddress,
		}
		for _, ip := range port.FixedIPs {
			pp.IPs = append(pp.IPs, ip.IPAddress)
		}
		out.Ports = append(out.Ports, pp)
	}
	portNames := map[string]string{}
	for _, port := range p.Ports {
		portNames[port.SourceID] = cmp.Or(port.Name, port.SourceID)
	}
	for _, f := range p.FloatingIPs {
		pf := previewFloatingModel{SourceID: f.SourceID, SourceAddress: f.SourceAddress, Description: f.Description}
		if f.PortSourceID != "" {
			name, fixed := portNames[f.PortSourceID], f.FixedIPAddress
			pf.Port, pf.FixedIP = &name, &fixed
		}
		out.FloatingIPs = append(out.FloatingIPs, pf)
	}
	for _, g := range p.ServerGroups {
		out.ServerGroups = append(out.ServerGroups, previewSrvGroupModel{SourceID: g.SourceID, Name: g.Name, Policy: g.Policy, Rules: quotaMap(g.Rules)})
	}
	for _, s := range p.Skipped {
		out.Skipped = append(out.Skipped, skippedModel{Kind: s.Kind, SourceID: s.SourceID, Reason: s.Reason})
	}
	return out
}

func quotaMap(in map[string]int) map[string]int64 {
	out := make(map[string]int64, len(in))
	for k, v := range in {
		out[k] = int64(v)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
