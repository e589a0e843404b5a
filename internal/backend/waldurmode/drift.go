package waldurmode

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// A replica with Waldur (follow_source = true): Waldur's migration API copies a tenant once and has no
// in-place sync, so this backend reports the source's drift and applies none of it. Read plans the
// source tenant as Waldur lists it now (planFromWaldur, the planner of Plan and Create, with the
// migration's mappings), turns what Waldur lists of the destination tenant into the engine's objects
// (snapshotFromWaldur, the same translation as the source's), and lets the engine's replication.Compare
// judge the difference, pairing by the state's id maps first: one definition of "differs" for both
// backends, rendered in the same per-kind summary. What Waldur does not show, or decides itself, is
// taken out of the comparison on both sides (comparableOf), so that a copy Waldur made as planned is in
// sync.

// sourceReadTimeout bounds the comparison of a replica with its source during a refresh: a Waldur that
// is slow or a source it cannot show must not hold the plan longer than this.
const sourceReadTimeout = 2 * time.Minute

// compareWithSource records in m.SourceDrift how the destination tenant (its marketplace resource dst)
// differs from the source as Waldur lists it now. A source that cannot be read or planned with the
// migration's mappings is a warning, never an error, and leaves the drift empty: the replica is kept
// as it is. A destination that cannot be listed is an error of the refresh.
func (b *Backend) compareWithSource(ctx context.Context, api *waldur.Client, m *backend.Migration, mig *waldur.Migration, dst *waldur.Resource) error {
	ctx, cancel := context.WithTimeout(ctx, sourceReadTimeout)
	defer cancel()
	m.SourceDrift = nil
	p, err := b.replan(ctx, api, mig, m.Inputs)
	if err != nil {
		b.log.Warn(ctx, "The source could not be read; the replica is kept as it is", map[string]any{
			"src_resource": m.SrcResource, "error": err.Error()})
		m.Warnings = append(m.Warnings, fmt.Sprintf("follow_source = true, but source tenant %s could not be read from Waldur or planned "+
			"with the migration's mappings, so the replica was not compared with it: %s\n\n"+
			"The replica is kept as it is (source_drift stays empty); the next refresh tries again.", m.SrcResource, errorText(err)))
		return nil
	}
	tenant, err := api.GetTenant(ctx, dst.ResourceUUID)
	if err != nil {
		return backend.At(replication.Path{}, "Error reading the migration's destination tenant", err)
	}
	objects, err := listWaldurObjects(ctx, api, tenant.UUID)
	if err != nil {
		return backend.At(replication.Path{}, "Error listing the migration's destination tenant", err)
	}
	drift := waldurDrift(p, m.IDs, waldurSource{Resource: *dst, Tenant: *tenant, Objects: objects})
	m.SourceDrift = drift.Summary()
	if drift.Empty() {
		b.log.Info(ctx, "The replica is in sync with the source", map[string]any{"migration": m.ID})
		return nil
	}
	b.log.Info(ctx, "The replica differs from the source; Waldur cannot sync it in place", map[string]any{
		"migration": m.ID, "source_drift": m.SourceDrift})
	return nil
}

// waldurDrift is how the destination tenant (as Waldur lists it) differs from p, the source planned
// now, paired by the id maps ids: replication.Compare on both made comparable (comparableOf).
func waldurDrift(p *replication.Plan, ids replication.IDMaps, dst waldurSource) replication.Drift {
	snap := snapshotFromWaldur(dst)
	objects := replication.ProjectObjects{Networks: snap.Networks, Subnets: snap.Subnets, Routers: snap.Routers, Ports: snap.Ports}
	for _, g := range snap.SecurityGroups {
		for _, r := range snap.Rules {
			if r.SecurityGroupID == g.ID {
				g.Rules = append(g.Rules, r)
			}
		}
		objects.SecurityGroups = append(objects.SecurityGroups, g)
	}
	quotas := quotasOfLimits(dst.Resource.Limits)
	return replication.Compare(comparableOf(p, &objects), ids, objects, &quotas)
}

// comparableOf returns a copy of p, and changes objects in place, so that only what Waldur shows of a
// copy and keeps from its source is compared:
//   - compared: networks' name and description; subnets' name, description, CIDR, gateway, allocation
//     pools (not of a remapped subnet, whose pools Waldur regenerates its own way), DNS name servers,
//     host routes and DHCP; routers' name, description, interfaces and static
//     routes; security groups' name and description and their rules (direction, ethertype, protocol,
//     ports, remote prefix or group); ports' name, description, network, MAC address, fixed IPs,
//     security groups and port security; the marketplace limits (quotas, as the Waldur backend plans
//     them: cores, ram, storage and the mapped per-type limits);
//   - not compared: tags and the engine's markers (Waldur shows no tags, and its copies carry none); a
//     network's MTU (Waldur creates networks with the destination cloud's own); a router's external
//     gateway (Waldur picks the destination's external network itself, and shows it only on the
//     tenant); a port's admin state (Waldur's copy does not take it) and allowed address pairs (Waldur
//     shows their MAC addresses only).
func comparableOf(p *replication.Plan, objects *replication.ProjectObjects) *replication.Plan {
	c := *p
	c.ExternalNetworkID = ""
	c.Networks = slices.Clone(p.Networks)
	for i := range c.Networks {
		c.Networks[i].Marker, c.Networks[i].Tags, c.Networks[i].MTU = false, nil, 0
	}
	c.Subnets = slices.Clone(p.Subnets)
	remapped := map[string]bool{} // destination CIDRs of remapped subnets
	for i, s := range c.Subnets {
		c.Subnets[i].Marker, c.Subnets[i].Tags = false, nil
		if canonicalCIDR(s.SourceCIDR) != canonicalCIDR(s.CIDR) {
			remapped[canonicalCIDR(s.CIDR)] = true
			c.Subnets[i].AllocationPools = nil
		}
	}
	for i, s := range objects.Subnets {
		if remapped[canonicalCIDR(s.CIDR)] {
			objects.Subnets[i].AllocationPools = nil
		}
	}
	c.Routers = slices.Clone(p.Routers)
	for i := range c.Routers {
		c.Routers[i].Marker, c.Routers[i].Tags = false, nil
		c.Routers[i].ExternalGateway, c.Routers[i].EnableSNAT = false, nil
	}
	c.SecurityGroups = slices.Clone(p.SecurityGroups)
	for i := range c.SecurityGroups {
		c.SecurityGroups[i].Marker, c.SecurityGroups[i].Tags = false, nil
	}
	c.Ports = slices.Clone(p.Ports)
	for i := range c.Ports {
		c.Ports[i].Marker, c.Ports[i].Tags = false, nil
		c.Ports[i].AdminStateUp, c.Ports[i].AllowedAddressPairs = true, nil
	}
	// Waldur's migration copies neither floating IPs nor server groups, and shows no address groups.
	c.FloatingIPs, c.ServerGroups, c.AddressGroups = nil, nil, nil
	for i := range objects.Routers {
		objects.Routers[i].ExternalGateway = nil
	}
	for i := range objects.Ports {
		objects.Ports[i].AdminStateUp, objects.Ports[i].AllowedAddressPairs = true, nil
	}
	return &c
}

// errorText is the message of an error of the lookups or the planner, validation errors one per line.
func errorText(err error) string { return backend.ErrorText(err, summarized) }
