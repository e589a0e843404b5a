package replication

import (
	"cmp"
	"fmt"
	"net/netip"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// planSecurityGroups copies every group of the tenant and its rules. The source "default" group maps onto
// the destination project's own default group (Neutron creates it and refuses a second one). Remote-group
// references stay source ids here and are resolved at execution; a reference to a group outside the
// tenant is reported and the rule left out, never widened into an open rule; so is a reference to an
// address group that is not copied. Address groups are planned first (planAddressGroups).
func planSecurityGroups(snap *Snapshot, facts Facts, remaps remapTable, p *Plan) {
	addressGroups, sourceGroups := map[string]bool{}, map[string]bool{}
	for _, ag := range p.AddressGroups {
		addressGroups[ag.SourceID] = true
	}
	for _, ag := range snap.AddressGroups {
		sourceGroups[ag.ID] = true
	}
	groups := map[string]bool{}
	for _, g := range sortedCopy(snap.SecurityGroups, func(a, b openstack.SecurityGroup) int { return byNameThenID(a.Name, a.ID, b.Name, b.ID) }) {
		groups[g.ID] = true
		sg := SecurityGroupPlan{SourceID: g.ID, Name: g.Name, Description: g.Description, IsDefault: g.Name == "default",
			Stateless: g.Stateful != nil && !*g.Stateful, Tags: userTags(g.Tags)}
		if sg.IsDefault && sg.Stateless {
			sg.Stateless = false
			p.Skipped = append(p.Skipped, Skipped{Kind: "security_group_stateful", SourceID: g.ID,
				Reason: "the source default group is stateless; the destination project's own default group stays stateful"})
		}
		p.SecurityGroups = append(p.SecurityGroups, sg)
	}
	for _, r := range sortedCopy(snap.Rules, compareRules) {
		if !groups[r.SecurityGroupID] {
			continue
		}
		if r.RemoteAddressGroupID != "" && !addressGroups[r.RemoteAddressGroupID] {
			// Without its address group the rule would match any address: left out, never widened.
			reason := fmt.Sprintf("remote address group %s is not an address group of the source tenant", r.RemoteAddressGroupID)
			if facts.NoAddressGroups && sourceGroups[r.RemoteAddressGroupID] {
				reason = fmt.Sprintf("remote address group %s is not copied (the destination has no address groups); the rule without it would allow any address", r.RemoteAddressGroupID)
			}
			p.Skipped = append(p.Skipped, Skipped{Kind: "security_group_rule", SourceID: r.ID, Reason: reason})
			continue
		}
		if r.RemoteGroupID != "" && !groups[r.RemoteGroupID] {
			p.Skipped = append(p.Skipped, Skipped{Kind: "security_group_rule", SourceID: r.ID,
				Reason: fmt.Sprintf("remote group %s is not a group of the source tenant", r.RemoteGroupID)})
			continue
		}
		rp := RulePlan{
			SourceID: r.ID, GroupSourceID: r.SecurityGroupID, Direction: r.Direction, EtherType: r.EtherType,
			Protocol: r.Protocol, PortRangeMin: r.PortRangeMin, PortRangeMax: r.PortRangeMax,
			RemoteIPPrefix: r.RemoteIPPrefix, RemoteGroupSourceID: r.RemoteGroupID, Description: r.Description,
			RemoteAddressGroupSourceID: r.RemoteAddressGroupID,
		}
		if prefix, err := netip.ParsePrefix(r.RemoteIPPrefix); err == nil {
			if moved, wasMoved, ok := remaps.translatePrefix(prefix); wasMoved && !ok {
				p.Skipped = append(p.Skipped, Skipped{Kind: "security_group_rule", SourceID: r.ID,
					Reason: fmt.Sprintf("remote IP prefix %s does not fit the remapped subnet", r.RemoteIPPrefix)})
				continue
			} else if wasMoved {
				rp.RemoteIPPrefix = moved.String()
			}
		}
		p.Rules = append(p.Rules, rp)
	}
}

func compareRules(a, b openstack.SecurityGroupRule) int {
	return cmp.Or(cmp.Compare(a.SecurityGroupID, b.SecurityGroupID), cmp.Compare(a.ID, b.ID))
}

// RuleKey identifies a rule by content, as Neutron does when it refuses duplicates: two rules of one
// group with the same key are the same rule. remoteGroup and remoteAddressGroup are ids in the cloud the
// key is made for.
func RuleKey(direction, ethertype, protocol string, portMin, portMax *int, remoteIP, remoteGroup, remoteAddressGroup string) string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s", direction, ethertype, normalizeProtocol(protocol), intOrAny(portMin), intOrAny(portMax),
		normalizePrefix(remoteIP), remoteGroup, remoteAddressGroup)
}

// normalizeProtocol treats the protocol names and numbers Neutron accepts for the same protocol alike.
func normalizeProtocol(p string) string {
	switch p {
	case "", "any", "0":
		return ""
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	case "58", "icmpv6", "ipv6-icmp":
		return "ipv6-icmp"
	}
	return p
}

// normalizePrefix folds the "any address" prefixes into "", as Neutron treats them alike.
func normalizePrefix(p string) string {
	switch p {
	case "0.0.0.0/0", "::/0":
		return ""
	}
	return p
}

func intOrAny(v *int) string {
	if v == nil {
		return "*"
	}
	return fmt.Sprint(*v)
}
