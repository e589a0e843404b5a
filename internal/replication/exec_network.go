package replication

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// createNetworks creates the missing networks in one bulk call and updates the copies that differ.
func (e *execution) createNetworks(ctx context.Context) error {
	b := newBatch(e, "network", e.res.Networks, func(n openstack.Network) string { return n.ID }, func(n openstack.Network) []string { return n.Tags })
	for _, n := range e.plan.Networks {
		have, found := e.pairs.networks[n.SourceID]
		b.adoptOr(n.SourceID, n.Name, have, found, wantedTags(n.SourceID, n.Marker, n.Tags), networkChanges(n, have), func() openstack.Network {
			return openstack.Network{
				ProjectID: e.res.ProjectID, Name: n.Name, Description: n.Description, AdminStateUp: n.AdminStateUp,
				MTU: n.MTU, PortSecurityEnabled: n.PortSecurityEnabled, DNSDomain: n.DNSDomain, Tags: e.createTags(n.SourceID, n.Marker, n.Tags),
			}
		})
	}
	created, err := createAll(ctx, e, openstack.Networks, b.missing)
	b.recordCreated(0, created)
	if err != nil {
		return mtuRefusal(err, e.plan.Networks)
	}
	return b.finish(ctx, openstack.Networks, "networks", len(e.plan.Networks))
}

// mtuRefusal names the networks whose MTU Neutron refused ("Requested MTU is too big, maximum is
// 1450"): the maximum follows from the destination's configuration, which no API shows, so it is found
// here and not at plan time (doc.go).
func mtuRefusal(err error, networks []NetworkPlan) error {
	m := regexp.MustCompile(`MTU is too big, maximum is (\d+)`).FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	limit, _ := strconv.Atoi(m[1])
	var over []string
	for _, n := range networks {
		if n.MTU > limit {
			over = append(over, fmt.Sprintf("%q (source %s, mtu %d)", n.Name, n.SourceID, n.MTU))
		}
	}
	return fmt.Errorf("the destination allows a network MTU of at most %d, and the copies of %s ask for more: lower their MTU in the source, or copy into a destination whose networks allow it: %w",
		limit, strings.Join(over, ", "), err)
}

// createSubnets creates the missing subnets in one bulk call, with their remapped CIDRs, pools, gateways
// and host routes, and updates the copies that differ. A copy with another CIDR was deleted by
// clearStale: it is made again.
func (e *execution) createSubnets(ctx context.Context) error {
	b := newBatch(e, "subnet", e.res.Subnets, func(s openstack.Subnet) string { return s.ID }, func(s openstack.Subnet) []string { return s.Tags })
	for _, s := range e.plan.Subnets {
		networkID := e.res.Networks[s.NetworkSourceID]
		have, found := e.pairs.subnets[s.SourceID]
		if found && subnetReplaced(s, have) {
			found = false
		}
		b.adoptOr(s.SourceID, s.Name, have, found, wantedTags(s.SourceID, s.Marker, s.Tags), subnetChanges(s, have), func() openstack.Subnet {
			return openstack.Subnet{
				ProjectID: e.res.ProjectID, NetworkID: networkID, Name: s.Name,
				Description: s.Description, IPVersion: s.IPVersion, CIDR: s.CIDR, GatewayIP: s.GatewayIP,
				AllocationPools: s.AllocationPools, DNSNameservers: s.DNSNameservers, HostRoutes: s.HostRoutes,
				EnableDHCP: s.EnableDHCP, IPv6AddressMode: s.IPv6AddressMode, IPv6RAMode: s.IPv6RAMode,
				Tags: e.createTags(s.SourceID, s.Marker, s.Tags),
			}
		})
	}
	created, err := createAll(ctx, e, openstack.Subnets, b.missing)
	b.recordCreated(0, created)
	if err != nil {
		return err
	}
	return b.finish(ctx, openstack.Subnets, "subnets", len(e.plan.Subnets))
}

// ensureRouter adopts or creates one router (routers have no bulk create in Neutron), with its gateway on
// the destination's external network when planned; an adopted router that differs is updated. The
// router is stored in *out for the steps after it.
func (e *execution) ensureRouter(ctx context.Context, r RouterPlan, out *openstack.Router) error {
	want := wantedTags(r.SourceID, r.Marker, r.Tags)
	have, found := e.pairs.routers[r.SourceID]
	if found {
		*out = have
		e.record(e.res.Routers, "router", r.SourceID, have.ID, false)
		updated := false
		if body := routerChanges(r, e.plan.ExternalNetworkID, have); body != nil {
			changed, err := openstack.Update[openstack.Router](ctx, e.dst.Network, openstack.Routers, have.ID, body)
			if err != nil {
				return fmt.Errorf("updating router %q (%s): %w", r.Name, have.ID, err)
			}
			out.Name, out.Description, out.AdminStateUp, out.ExternalGateway = changed.Name, changed.Description, changed.AdminStateUp, changed.ExternalGateway
			updated = true
		}
		if tagsDiffer(have.Tags, want) {
			if err := e.tag(ctx, openstack.Routers, []toTag{{have.ID, want}}); err != nil {
				return err
			}
			updated = true
		}
		if updated {
			e.countUpdated("router", 1)
			e.report(Progress{Step: "router " + r.Name, Kind: "router", Adopted: 1, Total: 1, Updated: 1})
		}
		return nil
	}
	body := openstack.Router{ProjectID: e.res.ProjectID, Name: r.Name, Description: r.Description,
		AdminStateUp: r.AdminStateUp, Tags: e.createTags(r.SourceID, r.Marker, r.Tags)}
	if r.ExternalGateway {
		body.ExternalGateway = &openstack.GatewayInfo{NetworkID: e.plan.ExternalNetworkID, EnableSNAT: r.EnableSNAT}
	}
	created, err := openstack.Create[openstack.Router](ctx, e.dst.Network, openstack.Routers, body)
	if err != nil {
		return err
	}
	*out = created
	e.record(e.res.Routers, "router", r.SourceID, created.ID, true)
	if len(want) > 0 && !e.tagOnCreate {
		return e.tag(ctx, openstack.Routers, []toTag{{created.ID, want}})
	}
	return nil
}

// ensureInterfaces attaches the router to each planned subnet it is not yet attached to: by subnet when
// the interface sits at the subnet's gateway, otherwise through a port made with the interface's address.
// One router's interfaces are added one after another (Neutron serialises them on the router anyway);
// different routers proceed in parallel.
func (e *execution) ensureInterfaces(ctx context.Context, r RouterPlan, router *openstack.Router) error {
	networkOf := map[string]string{}
	for _, s := range e.plan.Subnets {
		networkOf[s.SourceID] = s.NetworkSourceID
	}
	created := 0
	for _, iface := range r.Interfaces {
		subnetID := e.res.Subnets[iface.SubnetSourceID]
		if e.attached(router.ID, subnetID) {
			continue
		}
		portID := ""
		if !iface.AtGateway {
			port, err := e.interfacePort(ctx, iface, e.res.Networks[networkOf[iface.SubnetSourceID]], subnetID)
			if err != nil {
				return err
			}
			portID = port
		}
		if _, err := openstack.AddRouterInterface(ctx, e.dst.Network, router.ID, subnetID, portID); err != nil && !alreadyAttached(err, router.ID, subnetID) {
			return fmt.Errorf("attaching router %q to subnet %s: %w", r.Name, subnetID, err)
		}
		created++
	}
	e.countN("router_interface", created, len(r.Interfaces)-created)
	e.progress("interfaces of router "+r.Name, "router_interface", created, len(r.Interfaces)-created, len(r.Interfaces))
	return nil
}

// interfacePortOwner is the device_owner of the ports made for interfaces away from the gateway.
const interfacePortOwner = "network:router_interface"

func (e *execution) attached(routerID, subnetID string) bool {
	for _, p := range e.pairs.interfacePorts {
		if p.DeviceID != routerID {
			continue
		}
		for _, ip := range p.FixedIPs {
			if ip.SubnetID == subnetID {
				return true
			}
		}
	}
	return false
}

// interfacePort returns the port for an interface away from the gateway: one an earlier run made (found
// by its address; it carries no marker), or a new one at the planned address. The port is made a router
// interface port from the start (device_owner network:router_interface, no device yet): Neutron gives
// any other port an address on each auto-addressed IPv6 subnet of its network (SLAAC, DHCPv6-stateless),
// which would attach the router to those subnets too, where the source's router, attached before such a
// subnet was added, is not.
func (e *execution) interfacePort(ctx context.Context, iface InterfacePlan, networkID, subnetID string) (string, error) {
	if iface.IPAddress != "" {
		if have, found := e.pairs.loose[addressKey(networkID, subnetID, iface.IPAddress)]; found {
			return have.ID, nil
		}
	}
	port, err := openstack.Create[openstack.Port](ctx, e.dst.Network, openstack.Ports, openstack.Port{
		ProjectID: e.res.ProjectID, NetworkID: networkID, AdminStateUp: true, SecurityGroups: []string{},
		FixedIPs:    []openstack.FixedIP{{SubnetID: subnetID, IPAddress: iface.IPAddress}},
		DeviceOwner: interfacePortOwner,
	})
	if err != nil {
		// Refused as allocated: an earlier create of this port, cut off before its answer, may have
		// finished since (a port of the project holds the address: another pass adopts it), or Neutron
		// leaked the address (the subnet is rebuilt), as for instance ports (leakedAddress).
		return "", fmt.Errorf("creating the interface port at %s: %w", iface.IPAddress, e.leakedAddress(ctx, err))
	}
	return port.ID, nil
}

// ensureRoutes sets the router's static routes, last: Neutron accepts a route only when its next hop is
// on a subnet the router is attached to.
func (e *execution) ensureRoutes(ctx context.Context, r RouterPlan, router *openstack.Router) error {
	if !routesDiffer(r.Routes, router.Routes) {
		e.progress("routes of router "+r.Name, "route", 0, len(r.Routes), len(r.Routes))
		return nil
	}
	_, err := openstack.Update[openstack.Router](ctx, e.dst.Network, openstack.Routers, router.ID, map[string]any{"routes": r.Routes})
	if err != nil {
		return fmt.Errorf("setting the static routes of router %q: %w", r.Name, err)
	}
	e.countN("route", len(r.Routes), 0)
	e.progress("routes of router "+r.Name, "route", len(r.Routes), 0, len(r.Routes))
	return nil
}

// alreadyAttached reports whether an add_router_interface was refused because the router is attached
// to the subnet already: the transport repeats the PUT when its first answer was lost, and the first
// one did the work. By subnet Neutron says "Router already has a port on subnet <id>" (400); by port,
// that the port "already has an attached device <router id>" (409 PortInUse).
func alreadyAttached(err error, routerID, subnetID string) bool {
	var apiErr *openstack.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return strings.Contains(apiErr.Message, "already has a port on subnet "+subnetID) ||
		(apiErr.Type == "PortInUse" && strings.Contains(apiErr.Message, "already has an attached device "+routerID))
}
