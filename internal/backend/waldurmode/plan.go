package waldurmode

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// In the Waldur backend the preview and the plan-time checks come from what Waldur shows of the source
// tenant: its networks, subnets, routers (interfaces and static routes), security groups with their
// rules and ports, translated into the engine's Snapshot and run through the engine's pure planner, so
// the preview reads the same in both backends. Ids are Waldur's uuids (rules: Waldur's rule ids), which
// is what mappings.networks and the id maps take in this backend.
//
// What differs is what Waldur decides itself: the new tenant's quotas are the marketplace limits Waldur
// orders (cores, ram and storage copied; per-type gigabytes_<type> renamed through the volume type map,
// summed, and dropped altogether when no map is given), and a router's external gateway follows the
// source tenant's external network, the only trace of it Waldur's API shows.

// waldurSource is what Waldur shows of a source tenant.
type waldurSource struct {
	Resource    waldur.Resource
	Tenant      waldur.Tenant
	Objects     waldurObjects
	VolumeTypes []waldur.VolumeType // available in the tenant
}

// waldurObjects are the Neutron objects of a tenant as Waldur lists them.
type waldurObjects struct {
	Networks       []waldur.Network
	Subnets        []waldur.Subnet
	Routers        []waldur.Router
	SecurityGroups []waldur.SecurityGroup
	Ports          []waldur.Port
}

// waldurDestination is what Waldur shows of the destination offering.
type waldurDestination struct {
	Offering    waldur.Offering
	VolumeTypes []waldur.VolumeType // of the offering's service settings
}

// normalizedMappings returns the mappings with Waldur uuids in Waldur's own form (no dashes, lower
// case), so that they compare equal to the ids the snapshot carries.
func normalizedMappings(m replication.Mappings) replication.Mappings {
	out := m
	out.Networks = make([]string, len(m.Networks))
	for i, id := range m.Networks {
		out.Networks[i] = waldur.NormalizeUUID(id)
	}
	out.VolumeTypes = make([]replication.VolumeTypeMap, len(m.VolumeTypes))
	for i, vt := range m.VolumeTypes {
		out.VolumeTypes[i] = replication.VolumeTypeMap{SrcTypeID: waldur.NormalizeUUID(vt.SrcTypeID), DstTypeID: waldur.NormalizeUUID(vt.DstTypeID)}
	}
	return out
}

// planFromWaldur is the Waldur backend's planner: pure, like the engine's BuildPlan it wraps. Errors are
// replication.ValidationErrors naming attributes. The planner is told what Waldur decides itself: the
// new tenant's quotas (Facts.Quotas: the limits Waldur orders) and its routers' gateways, which Waldur
// puts on an external network it picks (Facts.GatewaysByDestination). The per-type limits Waldur drops
// are added to what the plan skips.
func planFromWaldur(src waldurSource, dst waldurDestination, m replication.Mappings, target replication.Target) (*replication.Plan, error) {
	m = normalizedMappings(m)
	srcNames, dstNames := typeNamesByUUID(src.VolumeTypes), typeNamesByUUID(dst.VolumeTypes)
	rename := map[string]string{}
	for _, vt := range m.VolumeTypes {
		rename[srcNames[vt.SrcTypeID]] = dstNames[vt.DstTypeID]
	}
	limits, dropped := waldurLimits(src.Resource.Limits, rename)
	quotas := quotasOfLimits(limits)
	facts := replication.Facts{
		GatewaysByDestination: true, CanCreateProjects: true, VolumeTypes: volumeTypesOf(dst.VolumeTypes), Quotas: &quotas,
	}
	p, err := replication.BuildPlan(snapshotFromWaldur(src), m, facts, target)
	if err != nil {
		return nil, err
	}
	// Waldur's migration API copies neither floating IPs nor server groups: said in the preview, never
	// left out silently (Waldur's own plugin lists floating IPs among its limits).
	p.Skipped = append(p.Skipped,
		replication.Skipped{Kind: "floating_ip", SourceID: src.Resource.UUID,
			Reason: "the source tenant's floating IPs: Waldur's migration API does not copy floating IPs (the standalone backend does)"},
		replication.Skipped{Kind: "server_group", SourceID: src.Resource.UUID,
			Reason: "the source tenant's server groups: Waldur's migration API does not copy server groups (the standalone backend does)"})
	for _, key := range dropped {
		p.Skipped = append(p.Skipped, replication.Skipped{Kind: "volume_type_quota", SourceID: strings.TrimPrefix(key, "gigabytes_"),
			Reason: fmt.Sprintf("Waldur copies per-type limits only through mappings.volume_types: without a map it drops %s=%d", key, src.Resource.Limits[key])})
	}
	return p, nil
}

// waldurLimits is what Waldur's migration orders as the new tenant's limits (its get_limits): ram, cores
// and storage copied; per-type gigabytes_<type> renamed through rename (source type name → destination
// type name) and summed where several meet, and only when a map is given: without one they are dropped,
// and returned as dropped so the preview can say so.
func waldurLimits(src map[string]int, rename map[string]string) (limits map[string]int, dropped []string) {
	limits = map[string]int{}
	for _, k := range []string{"ram", "cores", "storage"} {
		if v, ok := src[k]; ok {
			limits[k] = v
		}
	}
	for _, k := range slices.Sorted(maps.Keys(src)) {
		name, ok := strings.CutPrefix(k, "gigabytes_")
		v := src[k]
		if !ok || name == "" || v == 0 {
			continue
		}
		if len(rename) == 0 {
			dropped = append(dropped, k)
			continue
		}
		if d, ok := rename[name]; ok && d != "" {
			k = "gigabytes_" + d
		}
		limits[k] += v
	}
	return limits, dropped
}

// quotasOfLimits sorts marketplace limits into the engine's quota sets: storage and the per-type keys
// are block storage, the rest compute.
func quotasOfLimits(limits map[string]int) replication.Quotas {
	q := replication.Quotas{Compute: map[string]int{}, Network: map[string]int{}, Volume: map[string]int{}}
	for k, v := range limits {
		if k == "storage" || strings.HasPrefix(k, "gigabytes") || strings.HasPrefix(k, "volumes") || strings.HasPrefix(k, "snapshots") {
			q.Volume[k] = v
		} else {
			q.Compute[k] = v
		}
	}
	return q
}

// snapshotFromWaldur translates Waldur's view of a tenant into the engine's snapshot. Waldur names a
// subnet's network by URL and a fixed IP's subnet by backend id; both become subnet uuids here. A
// router's interfaces are Waldur's router ports; the port list's own router interface entries are left
// out so that they are not counted twice.
func snapshotFromWaldur(src waldurSource) *replication.Snapshot {
	o := src.Objects
	snap := &replication.Snapshot{
		Project: openstack.Project{ID: src.Resource.UUID, Name: src.Resource.Name, Description: src.Resource.Description, Enabled: true},
		Quotas:  quotasOfLimits(src.Resource.Limits),
	}
	subnetByBackend := map[string]string{}
	for _, s := range o.Subnets {
		if s.BackendID != "" {
			subnetByBackend[s.BackendID] = s.UUID
		}
	}
	subnetUUID := func(backendID string) string { return cmp.Or(subnetByBackend[backendID], backendID) }

	for _, n := range o.Networks {
		net := openstack.Network{ID: n.UUID, Name: n.Name, Description: n.Description, AdminStateUp: true, External: n.IsExternal}
		if n.MTU != nil {
			net.MTU = *n.MTU
		}
		snap.Networks = append(snap.Networks, net)
	}
	for _, s := range o.Subnets {
		sn := openstack.Subnet{
			ID: s.UUID, NetworkID: s.NetworkUUID(), Name: s.Name, Description: s.Description, IPVersion: cmp.Or(s.IPVersion, 4),
			CIDR: s.CIDR, EnableDHCP: s.EnableDHCP, DNSNameservers: slices.Clone(s.DNSNameservers),
		}
		if s.GatewayIP != nil && *s.GatewayIP != "" && !s.DisableGateway {
			gw := *s.GatewayIP
			sn.GatewayIP = &gw
		}
		for _, p := range s.AllocationPools {
			sn.AllocationPools = append(sn.AllocationPools, openstack.AllocationPool{Start: p.Start, End: p.End})
		}
		for _, r := range s.HostRoutes {
			sn.HostRoutes = append(sn.HostRoutes, openstack.HostRoute{Destination: r.Destination, NextHop: r.NextHop})
		}
		snap.Subnets = append(snap.Subnets, sn)
	}
	for _, r := range o.Routers {
		rt := openstack.Router{ID: r.UUID, Name: r.Name, Description: r.Description, AdminStateUp: true}
		if src.Tenant.ExternalNetworkID != "" {
			rt.ExternalGateway = &openstack.GatewayInfo{NetworkID: src.Tenant.ExternalNetworkID}
		}
		for _, route := range r.Routes {
			rt.Routes = append(rt.Routes, openstack.Route{Destination: route.Destination, NextHop: route.NextHop})
		}
		snap.Routers = append(snap.Routers, rt)
		for _, f := range routerInterfaces(r, subnetUUID) {
			snap.Ports = append(snap.Ports, openstack.Port{
				ID: r.UUID + "/" + f.IPAddress, DeviceID: r.UUID, DeviceOwner: "network:router_interface", AdminStateUp: true,
				Status: "ACTIVE", FixedIPs: []openstack.FixedIP{f},
			})
		}
	}
	for _, p := range o.Ports {
		if p.DeviceOwner != nil && strings.HasPrefix(*p.DeviceOwner, "network:router_interface") {
			continue
		}
		port := openstack.Port{
			ID: p.UUID, NetworkID: p.NetworkUUID, Name: p.Name, Description: p.Description, MACAddress: p.MACAddress,
			Status: p.Status, AdminStateUp: p.AdminStateUp == nil || *p.AdminStateUp, PortSecurityEnabled: p.PortSecurityEnabled,
			SecurityGroups: []string{},
		}
		if p.DeviceID != nil {
			port.DeviceID = *p.DeviceID
		}
		if p.DeviceOwner != nil {
			port.DeviceOwner = *p.DeviceOwner
		}
		for _, f := range p.FixedIPs {
			port.FixedIPs = append(port.FixedIPs, openstack.FixedIP{SubnetID: subnetUUID(f.SubnetID), IPAddress: f.IPAddress})
		}
		for _, g := range p.SecurityGroups {
			port.SecurityGroups = append(port.SecurityGroups, cmp.Or(g.UUID, waldur.UUIDFromURL(g.URL)))
		}
		for _, a := range p.AllowedAddressPairs {
			if a.IPAddress != "" {
				port.AllowedAddressPairs = append(port.AllowedAddressPairs, openstack.AddressPair{IPAddress: a.IPAddress, MACAddress: a.MACAddress})
			}
		}
		snap.Ports = append(snap.Ports, port)
	}
	for _, g := range o.SecurityGroups {
		snap.SecurityGroups = append(snap.SecurityGroups, openstack.SecurityGroup{ID: g.UUID, Name: g.Name, Description: g.Description})
		for _, r := range g.Rules {
			snap.Rules = append(snap.Rules, ruleFromWaldur(g.UUID, r))
		}
	}
	snap.VolumeTypes = volumeTypesOf(src.VolumeTypes)
	return snap
}

// routerInterfaces are a router's interface addresses, by subnet uuid: from its ports where Waldur
// shows them, else from its fixed IPs.
func routerInterfaces(r waldur.Router, subnetUUID func(string) string) []openstack.FixedIP {
	var out []openstack.FixedIP
	for _, p := range r.Ports {
		for _, f := range p.FixedIPs {
			out = append(out, openstack.FixedIP{SubnetID: cmp.Or(p.SubnetUUID, subnetUUID(f.SubnetID)), IPAddress: f.IPAddress})
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, f := range r.FixedIPs {
		out = append(out, openstack.FixedIP{SubnetID: subnetUUID(f.SubnetID), IPAddress: f.IPAddress})
	}
	return out
}

func ruleFromWaldur(groupUUID string, r waldur.SecurityGroupRule) openstack.SecurityGroupRule {
	rule := openstack.SecurityGroupRule{
		ID: strconv.Itoa(r.ID), SecurityGroupID: groupUUID, Direction: r.Direction, EtherType: r.Ethertype,
		Protocol: r.Protocol, PortRangeMin: r.FromPort, PortRangeMax: r.ToPort, Description: r.Description,
		RemoteGroupID: r.RemoteGroupUUID,
	}
	if r.CIDR != nil {
		rule.RemoteIPPrefix = *r.CIDR
	}
	if rule.RemoteGroupID == "" && r.RemoteGroup != nil {
		rule.RemoteGroupID = waldur.UUIDFromURL(*r.RemoteGroup)
	}
	return rule
}

func volumeTypesOf(vts []waldur.VolumeType) []openstack.VolumeType {
	out := make([]openstack.VolumeType, 0, len(vts))
	for _, v := range vts {
		out = append(out, openstack.VolumeType{ID: waldur.NormalizeUUID(v.UUID), Name: v.Name, Description: v.Description})
	}
	return out
}

func typeNamesByUUID(vts []waldur.VolumeType) map[string]string {
	out := make(map[string]string, len(vts))
	for _, v := range vts {
		out[waldur.NormalizeUUID(v.UUID)] = v.Name
	}
	return out
}
