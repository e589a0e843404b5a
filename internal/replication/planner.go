package replication

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// BuildPlan is the pure heart of the engine: from the source snapshot, the user's mappings and the
// destination facts it computes every object to build with its final attributes, or returns
// ValidationErrors listing every bad input. It does no I/O and is deterministic: the same inputs give the
// same plan, which is what makes previews, resume and tests cheap.
func BuildPlan(snap *Snapshot, m Mappings, facts Facts, target Target) (*Plan, error) {
	var errs ValidationErrors
	validateSource(snap, facts, m, &errs)
	selected := selectNetworks(snap, m, &errs)
	remaps := parseRemaps(snap, m, selected, &errs)

	p := &Plan{SourceProjectID: snap.Project.ID, ExternalNetworkID: facts.ExternalNetworkID}
	p.Project = ProjectPlan{Name: cmp.Or(target.Name, snap.Project.Name), Description: cmp.Or(target.Description, snap.Project.Description)}
	p.Quotas = planQuotas(snap, m, facts, &errs)
	planNetworks(snap, selected, facts, p)
	planSubnets(snap, selected, remaps, p)
	planRouters(snap, m, facts, remaps, p)
	checkRouterOverlaps(p, m, &errs)
	planAddressGroups(snap, facts, remaps, p)
	planSecurityGroups(snap, facts, remaps, p)
	if m.SyncInstancePorts {
		planPorts(snap, selected, facts, p)
	}
	planFloatingIPs(snap, m, facts, p, &errs)
	planServerGroups(snap, p)
	raiseQuotas(snap, facts, p)
	markAmbiguous(snap, p)
	markFloatingIPs(p)
	if facts.NoTags {
		dropUserTags(p)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// validateSource checks the inputs that no single mapping entry is to blame for: the source tenant has
// quota limits to copy, the destination credentials may create projects, users and quotas, and ports
// are not copied together with subnet remaps (copied ports keep their fixed IPs).
func validateSource(snap *Snapshot, facts Facts, m Mappings, errs *ValidationErrors) {
	if snap.Quotas.empty() {
		errs.add(srcResourceAttr, snap.Project.ID, "the source tenant has no quota limits set")
	}
	if !facts.CanCreateProjects {
		errs.add(dstOfferingAttr, facts.User, "the destination credentials may not create projects, users and quotas (the admin role is needed)")
	}
	if m.SyncInstancePorts && len(m.Subnets) > 0 {
		errs.add(syncInstancePortsAttr, "true", "cannot be used together with %s: copied ports keep their fixed IPs, which would not fit remapped subnets", subnetsAttr)
	}
}

// selectNetworks returns the source networks to copy, by id. External networks a tenant happens to own
// are provider infrastructure and are reported, not copied.
func selectNetworks(snap *Snapshot, m Mappings, errs *ValidationErrors) map[string]bool {
	owned := map[string]openstack.Network{}
	for _, n := range snap.Networks {
		owned[n.ID] = n
	}
	selected := map[string]bool{}
	for i, id := range m.Networks {
		if _, ok := owned[id]; !ok {
			errs.add(networksAttr.Index(i), id, "is not a network of the source tenant %q", snap.Project.ID)
			continue
		}
		selected[id] = true
	}
	all := len(m.Networks) == 0
	for _, n := range snap.Networks {
		if n.External {
			delete(selected, n.ID)
			continue
		}
		if all {
			selected[n.ID] = true
		}
	}
	return selected
}

// parseRemaps validates mappings.subnets and returns the remap table.
func parseRemaps(snap *Snapshot, m Mappings, selected map[string]bool, errs *ValidationErrors) remapTable {
	sourceCIDRs := map[netip.Prefix]bool{}
	for _, s := range snap.Subnets {
		if p, err := netip.ParsePrefix(s.CIDR); err == nil && selected[s.NetworkID] {
			sourceCIDRs[p.Masked()] = true
		}
	}
	var table remapTable
	seenSrc := map[netip.Prefix]int{}
	for i, r := range m.Subnets {
		entry := subnetsAttr.Index(i)
		src, err := parseNetwork(r.SrcCIDR)
		if err != nil {
			errs.add(entry.Attr("src_cidr"), r.SrcCIDR, "%v", err)
		}
		dst, dstErr := parseNetwork(r.DstCIDR)
		if dstErr != nil {
			errs.add(entry.Attr("dst_cidr"), r.DstCIDR, "%v", dstErr)
		} else if !isPrivate(dst) {
			errs.add(entry.Attr("dst_cidr"), r.DstCIDR, "is not a private network (expected inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, or fc00::/7 for IPv6)")
		}
		if err != nil || dstErr != nil {
			continue
		}
		if src.Addr().Is4() != dst.Addr().Is4() {
			errs.add(entry.Attr("dst_cidr"), r.DstCIDR, "is not of the same IP version as src_cidr %q", r.SrcCIDR)
			continue
		}
		if !sourceCIDRs[src] {
			errs.add(entry.Attr("src_cidr"), r.SrcCIDR, "matches no subnet of the copied source networks")
			continue
		}
		if j, dup := seenSrc[src]; dup {
			errs.add(entry.Attr("src_cidr"), r.SrcCIDR, "is already remapped by %s", subnetsAttr.Index(j))
			continue
		}
		for _, other := range table {
			if other.dst.Overlaps(dst) {
				errs.add(entry.Attr("dst_cidr"), r.DstCIDR, "overlaps the destination of another remap (%s -> %s)", other.src, other.dst)
				break
			}
		}
		seenSrc[src] = i
		table = append(table, remap{src: src, dst: dst})
	}
	return table
}

// byNameThenID orders objects for a deterministic plan and a readable preview.
func byNameThenID(aName, aID, bName, bID string) int {
	return cmp.Or(cmp.Compare(aName, bName), cmp.Compare(aID, bID))
}

func sortedCopy[T any](in []T, cmpFn func(a, b T) int) []T {
	out := slices.Clone(in)
	slices.SortStableFunc(out, cmpFn)
	return out
}

// dropUserTags leaves the user's tags off every copy, reported, for a destination that cannot tag.
func dropUserTags(p *Plan) {
	drop := func(kind, sourceID string, tags *[]string) {
		if len(*tags) > 0 {
			p.Skipped = append(p.Skipped, Skipped{Kind: kind + "_tags", SourceID: sourceID,
				Reason: fmt.Sprintf("tags %v: the destination Neutron lacks the standard-attr-tag extension", *tags)})
			*tags = nil
		}
	}
	for i := range p.Networks {
		drop("network", p.Networks[i].SourceID, &p.Networks[i].Tags)
	}
	for i := range p.Subnets {
		drop("subnet", p.Subnets[i].SourceID, &p.Subnets[i].Tags)
	}
	for i := range p.Routers {
		drop("router", p.Routers[i].SourceID, &p.Routers[i].Tags)
	}
	for i := range p.SecurityGroups {
		drop("security_group", p.SecurityGroups[i].SourceID, &p.SecurityGroups[i].Tags)
	}
	for i := range p.Ports {
		drop("port", p.Ports[i].SourceID, &p.Ports[i].Tags)
	}
	for i := range p.FloatingIPs {
		drop("floating_ip", p.FloatingIPs[i].SourceID, &p.FloatingIPs[i].Tags)
	}
}
