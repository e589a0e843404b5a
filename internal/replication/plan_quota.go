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
// one are summed (unlimited stays unlimited); unmapped types pass through under their own name. A
// mapping naming a type that does not exist on its side is a validation error. A destination that
// decides the quotas itself (Facts.Quotas) has its quotas taken as they are.
func planQuotas(snap *Snapshot, m Mappings, facts Facts, p *Plan, errs *ValidationErrors) Quotas {
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

	targets := map[string]bool{} // destination type names that mapped source types go to
	for _, dst := range rename {
		targets[dst] = true
	}
	volume := map[string]int{}
	unmatched := map[string][]string{} // source type name -> its per-type keys with a limit
	unlimitedOnly := map[string]bool{}
	shadowed := map[string]bool{}
	for _, key := range slices.Sorted(maps.Keys(snap.Quotas.Volume)) {
		value := snap.Quotas.Volume[key]
		prefix, typeName := splitPerTypeKey(key, srcByName)
		if prefix == "" {
			volume[key] = value
			continue
		}
		dstName, mapped := rename[typeName]
		if !mapped && targets[typeName] && value == Unlimited {
			// An unmapped source type named like a mapping target passes through onto the mapped
			// types' total; its default "unlimited" would wipe out the limits the user mapped there.
			shadowed[typeName] = true
			continue
		}
		if !mapped {
			dstName = typeName
			if !dstByName[typeName] {
				if _, ok := unlimitedOnly[typeName]; !ok {
					unlimitedOnly[typeName] = true
				}
				if value != Unlimited {
					unlimitedOnly[typeName] = false
					unmatched[typeName] = append(unmatched[typeName], fmt.Sprintf("%s=%d", key, value))
				}
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
	for _, typeName := range slices.Sorted(maps.Keys(shadowed)) {
		p.Skipped = append(p.Skipped, Skipped{Kind: "volume_type_quota", SourceID: typeName,
			Reason: "unmapped source type with unlimited per-type quotas, not added to the limits mapped onto the destination type of the same name"})
	}
	for _, typeName := range slices.Sorted(maps.Keys(unlimitedOnly)) {
		if unlimitedOnly[typeName] {
			p.Skipped = append(p.Skipped, Skipped{Kind: "volume_type_quota", SourceID: typeName,
				Reason: "no destination volume type of that name; its per-type quotas are unlimited, so nothing is lost"})
			continue
		}
		errs.add(volumeTypesAttr, typeName, "the source volume type has per-type quotas (%s) but the destination has no volume type named %q: map it with %s",
			strings.Join(unmatched[typeName], ", "), typeName, volumeTypesAttr)
	}
	return Quotas{Compute: maps.Clone(snap.Quotas.Compute), Network: maps.Clone(snap.Quotas.Network), Volume: volume}
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
