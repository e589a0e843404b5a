package replication

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// perTypeQuotaPrefixes are Cinder's per-volume-type quota keys: gigabytes_<type name> and so on.
var perTypeQuotaPrefixes = []string{"gigabytes_", "volumes_", "snapshots_"}

// Unlimited is the quota value OpenStack uses for "no limit".
const Unlimited = -1

// planQuotas copies compute and network quotas as they are and carries block-storage quotas through the
// volume-type map: per-type keys are renamed to the destination type; several source types mapped onto
// one are summed (unlimited stays unlimited); unmapped types pass through under their own name, except
// their unlimited keys, which are left out (the destination has them unlimited by default, and keeping
// them would tie the plan to the list of types of both regions). A mapping naming a type that does not
// exist on its side is a validation error, and so is an unmapped type with limits and no destination
// type of its name. A destination that
// decides the quotas itself (Facts.Quotas) has its quotas taken as they are.
func planQuotas(snap *Snapshot, m Mappings, facts Facts, errs *ValidationErrors) Quotas {
	srcNames := typeNames(snap.VolumeTypes)
	dstNames := typeNames(facts.VolumeTypes)
	rename := map[string]string{} // source type name -> destination type name
	seen := map[string]int{}
	for i, vt := range m.VolumeTypes {
		entry := volumeTypesAttr.Index(i)
		src, okSrc := srcNames[vt.SrcTypeID]
		if !okSrc {
			errs.add(entry.Attr("src_type_uuid"), vt.SrcTypeID, "is not a volume type available in the source tenant")
		}
		dst, okDst := dstNames[vt.DstTypeID]
		if !okDst {
			errs.add(entry.Attr("dst_type_uuid"), vt.DstTypeID, "is not a volume type of the destination offering")
		}
		if j, dup := seen[vt.SrcTypeID]; dup {
			errs.add(entry.Attr("src_type_uuid"), vt.SrcTypeID, "is already mapped by %s", volumeTypesAttr.Index(j))
			continue
		}
		seen[vt.SrcTypeID] = i
		if okSrc && okDst {
			rename[src] = dst
		}
	}
	if q := facts.Quotas; q != nil {
		return Quotas{Compute: maps.Clone(q.Compute), Network: maps.Clone(q.Network), Volume: maps.Clone(q.Volume)}
	}
	dstByName := map[string]bool{}
	for _, n := range dstNames {
		dstByName[n] = true
	}
	srcByName := map[string]bool{}
	for _, n := range srcNames {
		srcByName[n] = true
	}

	volume := map[string]int{}
	unmatched := map[string][]string{} // source type name -> its per-type keys with a limit
	for _, key := range slices.Sorted(maps.Keys(snap.Quotas.Volume)) {
		value := snap.Quotas.Volume[key]
		prefix, typeName := splitPerTypeKey(key, srcByName)
		if prefix == "" {
			if value == Unlimited && isPerTypeKey(key) {
				// A per-type key of a type the source's type list did not show yet (created between
				// the two reads): unmapped by construction, and unlimited, so left out like the others.
				continue
			}
			volume[key] = value
			continue
		}
		dstName, mapped := rename[typeName]
		if !mapped && value == Unlimited {
			// Cinder lists an unlimited per-type quota for every type of its region: carrying those
			// of unmapped types would make the plan change whenever a type is created in either
			// region, and the destination gives them that value anyway (see doc.go).
			continue
		}
		if !mapped {
			dstName = typeName
			if !dstByName[typeName] {
				unmatched[typeName] = append(unmatched[typeName], fmt.Sprintf("%s=%d", key, value))
				continue
			}
		}
		newKey := prefix + dstName
		if old, ok := volume[newKey]; ok {
			volume[newKey] = sumQuota(old, value)
		} else {
			volume[newKey] = value
		}
	}
	for _, typeName := range slices.Sorted(maps.Keys(unmatched)) {
		errs.add(volumeTypesAttr, typeName, "the source volume type has per-type quotas (%s) but the destination has no volume type named %q: map it with %s",
			strings.Join(unmatched[typeName], ", "), typeName, volumeTypesAttr)
	}
	return Quotas{Compute: maps.Clone(snap.Quotas.Compute), Network: maps.Clone(snap.Quotas.Network), Volume: volume}
}

// isPerTypeKey tells a per-type key by its prefix alone: Cinder has no other keys starting so.
func isPerTypeKey(key string) bool {
	return slices.ContainsFunc(perTypeQuotaPrefixes, func(pre string) bool { return strings.HasPrefix(key, pre) && len(key) > len(pre) })
}

// splitPerTypeKey splits "gigabytes_ssd" into ("gigabytes_", "ssd") when ssd is a known source type.
func splitPerTypeKey(key string, typeNames map[string]bool) (prefix, typeName string) {
	for _, pre := range perTypeQuotaPrefixes {
		if rest, ok := strings.CutPrefix(key, pre); ok && typeNames[rest] {
			return pre, rest
		}
	}
	return "", ""
}

// sumQuota adds two limits; unlimited absorbs any number.
func sumQuota(a, b int) int {
	if a == Unlimited || b == Unlimited {
		return Unlimited
	}
	return a + b
}

func typeNames(types []openstack.VolumeType) map[string]string {
	out := make(map[string]string, len(types))
	for _, t := range types {
		out[t.ID] = t.Name
	}
	return out
}

// Neutron's automatic rules: a new security group gets two (egress, IPv4 and IPv6), a project's default
// group four (those and ingress from the group itself).
const (
	autoRulesNewGroup     = 2
	autoRulesDefaultGroup = 4
)

// quotaNeeds counts, per quota key, the objects the copy holds in the new project: what the plan
// creates, plus what Neutron creates there itself and counts against the project: a port per router
// interface, and the DHCP ports of the copied networks (as many as the source has on them: the
// destination's DHCP agents are not known before it builds its own). The source default security group
// and its rules are planned like the others (the destination's own default group holds them). Rules are
// counted at their peak while built: each group holds Neutron's automatic rules until its own rules are
// synced (extras deleted first, then the missing created), so a group planned with fewer rules than
// Neutron gave it (an empty group) counts those until then.
func quotaNeeds(snap *Snapshot, p *Plan) (network, compute map[string]int) {
	planned := map[string]bool{}
	for _, n := range p.Networks {
		planned[n.SourceID] = true
	}
	dhcp := 0
	for _, port := range snap.Ports {
		if port.DeviceOwner == "network:dhcp" && planned[port.NetworkID] {
			dhcp++
		}
	}
	interfaces := 0
	for _, r := range p.Routers {
		interfaces += len(r.Interfaces)
	}
	rulesOf := map[string]int{}
	for _, r := range p.Rules {
		rulesOf[r.GroupSourceID]++
	}
	rules := 0
	for _, g := range p.SecurityGroups {
		auto := autoRulesNewGroup
		if g.IsDefault {
			auto = autoRulesDefaultGroup
		}
		rules += max(rulesOf[g.SourceID], auto)
	}
	network = map[string]int{
		"network": len(p.Networks), "subnet": len(p.Subnets), "router": len(p.Routers),
		"port":           len(p.Ports) + interfaces + dhcp,
		"security_group": len(p.SecurityGroups), "security_group_rule": rules, "floatingip": len(p.FloatingIPs),
	}
	compute = map[string]int{"server_groups": len(p.ServerGroups)}
	return network, compute
}

// raiseQuotas raises each planned quota that is below the number of objects the copy holds (a source
// quota lowered after its objects were made, or one that counts objects Neutron made itself) to that
// number, each reported (Kind "quota"): the destination would refuse the objects over it, and the
// source tenant holds them already. Quotas the destination decides itself (Facts.Quotas) are left.
func raiseQuotas(snap *Snapshot, facts Facts, p *Plan) {
	if facts.Quotas != nil {
		return
	}
	network, compute := quotaNeeds(snap, p)
	for _, q := range []struct {
		service string
		have    map[string]int
		need    map[string]int
	}{{"network", p.Quotas.Network, network}, {"compute", p.Quotas.Compute, compute}} {
		for _, key := range slices.Sorted(maps.Keys(q.need)) {
			limit, ok := q.have[key]
			need := q.need[key]
			if !ok || limit == Unlimited || limit >= need {
				continue
			}
			q.have[key] = need
			p.Skipped = append(p.Skipped, Skipped{Kind: "quota", SourceID: q.service + "." + key,
				Reason: fmt.Sprintf("the source's %s quota %s = %d is below the %d the copy needs: raised to %d on the destination, which would refuse the objects over it",
					q.service, key, limit, need, need)})
		}
	}
}
