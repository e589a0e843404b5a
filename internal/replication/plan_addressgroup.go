package replication

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// planAddressGroups copies every address group of the tenant, with its addresses moved by the subnet
// remaps like the rules' remote prefixes. An address that lies in a remapped subnet but does not fit its
// new CIDR is left out of the group and reported: the group only ever narrows, never widens. Where the
// destination has no address groups, each group is reported instead, and planSecurityGroups leaves out
// the rules that match one.
func planAddressGroups(snap *Snapshot, facts Facts, remaps remapTable, p *Plan) {
	for _, ag := range sortedCopy(snap.AddressGroups, func(a, b openstack.AddressGroup) int { return byNameThenID(a.Name, a.ID, b.Name, b.ID) }) {
		if facts.NoAddressGroups {
			p.Skipped = append(p.Skipped, Skipped{Kind: "address_group", SourceID: ag.ID,
				Reason: "the destination Neutron has no address-group extension"})
			continue
		}
		kept, dropped := moveAddresses(ag.Addresses, remaps)
		for _, a := range dropped {
			p.Skipped = append(p.Skipped, Skipped{Kind: "address_group_address", SourceID: ag.ID,
				Reason: fmt.Sprintf("address %s of address group %q does not fit the remapped subnet; the group is copied without it", a, ag.Name)})
		}
		plan := AddressGroupPlan{SourceID: ag.ID, Name: ag.Name, Description: ag.Description, Addresses: kept}
		p.AddressGroups = append(p.AddressGroups, plan)
	}
}

// moveAddresses moves an address group's addresses by the remaps. dropped are those inside a remapped
// subnet that do not fit its new CIDR; text that is not a CIDR is kept as it is (Neutron validates it).
func moveAddresses(addresses []string, remaps remapTable) (kept, dropped []string) {
	kept = []string{}
	for _, a := range addresses {
		prefix, err := netip.ParsePrefix(a)
		if err != nil {
			kept = append(kept, a)
			continue
		}
		switch moved, wasMoved, fits := remaps.translatePrefix(prefix); {
		case wasMoved && !fits:
			dropped = append(dropped, a)
		case wasMoved:
			kept = append(kept, moved.String())
		default:
			kept = append(kept, a)
		}
	}
	return kept, dropped
}

// addressGroupKey identifies an address group by content: name, description and its set of addresses.
// Two groups with the same key are interchangeable.
func addressGroupKey(name, description string, addresses []string) string {
	norm := make([]string, 0, len(addresses))
	for _, a := range addresses {
		if p, err := netip.ParsePrefix(a); err == nil {
			a = p.Masked().String()
		}
		norm = append(norm, a)
	}
	slices.Sort(norm)
	norm = slices.Compact(norm)
	return nameKey(name, description) + "\x00" + strings.Join(norm, ",")
}

// pairInIDOrder pairs objects that content alone identifies up to interchangeable twins (address groups,
// which cannot carry a marker): per key, the source ids and the destination ids are sorted and paired
// in order, so that a run and a later ReadBack pair the same twins alike. Destination ids already in
// into are not paired again; a key with more objects on one side leaves that side's last ones unpaired.
func pairInIDOrder(into map[string]string, src, dst []keyed) {
	taken := map[string]bool{}
	for _, d := range into {
		taken[d] = true
	}
	srcBy, dstBy := map[string][]string{}, map[string][]string{}
	for _, s := range src {
		if _, done := into[s.id]; !done {
			srcBy[s.key] = append(srcBy[s.key], s.id)
		}
	}
	for _, d := range dst {
		if !taken[d.id] {
			dstBy[d.key] = append(dstBy[d.key], d.id)
		}
	}
	for key, ids := range srcBy {
		slices.Sort(ids)
		dsts := dstBy[key]
		slices.Sort(dsts)
		for i := range min(len(ids), len(dsts)) {
			into[ids[i]] = dsts[i]
		}
	}
}
