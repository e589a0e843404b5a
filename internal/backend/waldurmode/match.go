package waldurmode

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// Waldur reports no map from source to destination objects: a migration shows only the new tenant. The
// id maps are rebuilt by matching what the plan said would be built with what Waldur lists in the
// destination tenant: networks by name (and their subnets' CIDRs when names repeat), subnets by network
// and remapped CIDR, routers and security groups by name, rules by content with remote groups mapped,
// ports by network, name and fixed IPs. A planned object with no match is reported in `skipped`: Waldur
// is known to skip objects it cannot resolve without saying so.
//
// Why this is not the engine's matcher (replication.RebuildResult, which the standalone backend's import
// uses): the two answer different questions with different evidence. The engine's pairs what it built
// itself, so its copies carry what it put there: descriptions, MAC addresses and, where content is
// ambiguous, a wom:src marker tag; and it pairs only what a key names exactly once on each side,
// because a wrong pair makes a re-run adopt, and change, an object that is not the copy. Waldur builds
// with its own code: its copies carry no markers (its API shows no tags) and keep what Waldur keeps,
// which is matched on here (names, CIDRs, fixed IPs), not what the engine keeps. Nothing is adopted from
// these maps, so an ambiguous name is settled by what else the plan says (the subnets' CIDRs, a
// router's interfaces, a group's rule count), first best match wins, and a wrong guess costs one entry
// of an id map. Made one, either would lose: the engine's matcher its strictness, or this one every
// object whose name repeats.

// matchWaldurObjects pairs the planned objects (keyed by source uuid) with the destination's.
func matchWaldurObjects(p *replication.Plan, dst waldurObjects) (*replication.Result, []replication.Skipped) {
	res := &replication.Result{IDMaps: replication.NewIDMaps()}
	res.AddressGroups = nil // Waldur shows no address groups
	// Waldur's migration copies neither floating IPs nor server groups (planFromWaldur reports them).
	res.FloatingIPs, res.ServerGroups, res.FloatingIPAddresses = nil, nil, nil
	var missing []replication.Skipped
	miss := func(kind, id, how string) {
		missing = append(missing, replication.Skipped{Kind: kind, SourceID: id,
			Reason: "planned, but Waldur lists no matching " + strings.ReplaceAll(kind, "_", " ") + " in the destination tenant (matched by " + how + ")"})
	}

	dstSubnetsByNet := map[string][]waldur.Subnet{}
	for _, s := range dst.Subnets {
		dstSubnetsByNet[s.NetworkUUID()] = append(dstSubnetsByNet[s.NetworkUUID()], s)
	}
	plannedCIDRs := map[string][]string{}
	for _, s := range p.Subnets {
		plannedCIDRs[s.NetworkSourceID] = append(plannedCIDRs[s.NetworkSourceID], canonicalCIDR(s.CIDR))
	}

	used := map[string]bool{}
	for _, n := range p.Networks {
		want := sortedSet(plannedCIDRs[n.SourceID])
		id := pick(dst.Networks, used, func(d waldur.Network) (string, bool, bool) {
			var have []string
			for _, s := range dstSubnetsByNet[d.UUID] {
				have = append(have, canonicalCIDR(s.CIDR))
			}
			return d.UUID, d.Name == n.Name, slices.Equal(sortedSet(have), want)
		})
		if id == "" {
			miss("network", n.SourceID, "name")
			continue
		}
		res.Networks[n.SourceID] = id
	}

	for _, s := range p.Subnets {
		net := res.Networks[s.NetworkSourceID]
		id := pick(dst.Subnets, used, func(d waldur.Subnet) (string, bool, bool) {
			return d.UUID, net != "" && d.NetworkUUID() == net && canonicalCIDR(d.CIDR) == canonicalCIDR(s.CIDR), d.Name == s.Name
		})
		if id == "" {
			miss("subnet", s.SourceID, "network and CIDR "+s.CIDR)
			continue
		}
		res.Subnets[s.SourceID] = id
	}

	plannedIfaces := map[string][]string{}
	for _, r := range p.Routers {
		for _, i := range r.Interfaces {
			if sub := res.Subnets[i.SubnetSourceID]; sub != "" {
				plannedIfaces[r.SourceID] = append(plannedIfaces[r.SourceID], sub)
			}
		}
	}
	for _, r := range p.Routers {
		want := sortedSet(plannedIfaces[r.SourceID])
		id := pick(dst.Routers, used, func(d waldur.Router) (string, bool, bool) {
			var have []string
			for _, port := range d.Ports {
				have = append(have, port.SubnetUUID)
			}
			return d.UUID, d.Name == r.Name, slices.Equal(sortedSet(have), want)
		})
		if id == "" {
			miss("router", r.SourceID, "name")
			continue
		}
		res.Routers[r.SourceID] = id
	}

	plannedRules := map[string]int{}
	for _, r := range p.Rules {
		plannedRules[r.GroupSourceID]++
	}
	dstGroups := map[string]waldur.SecurityGroup{}
	for _, g := range p.SecurityGroups {
		id := pick(dst.SecurityGroups, used, func(d waldur.SecurityGroup) (string, bool, bool) {
			return d.UUID, d.Name == g.Name, len(d.Rules) == plannedRules[g.SourceID]
		})
		if id == "" {
			miss("security_group", g.SourceID, "name")
			continue
		}
		res.SecurityGroups[g.SourceID] = id
		for _, d := range dst.SecurityGroups {
			if d.UUID == id {
				dstGroups[g.SourceID] = d
			}
		}
	}

	usedRules := map[int]bool{}
	for _, r := range p.Rules {
		g, ok := dstGroups[r.GroupSourceID]
		if !ok {
			miss("security_group_rule", r.SourceID, "its group")
			continue
		}
		remote := ""
		if r.RemoteGroupSourceID != "" {
			remote = cmp.Or(res.SecurityGroups[r.RemoteGroupSourceID], "unmatched:"+r.RemoteGroupSourceID)
		}
		want := replication.RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, r.RemoteIPPrefix, remote, "")
		found := false
		for _, d := range g.Rules {
			if usedRules[d.ID] || waldurRuleKey(d) != want {
				continue
			}
			usedRules[d.ID] = true
			res.SecurityGroupRules[r.SourceID] = strconv.Itoa(d.ID)
			found = true
			break
		}
		if !found {
			miss("security_group_rule", r.SourceID, "direction, protocol, ports, remote prefix and group")
		}
	}

	for _, port := range p.Ports {
		net := res.Networks[port.NetworkSourceID]
		var want []string
		for _, ip := range port.FixedIPs {
			want = append(want, ip.IPAddress)
		}
		want = sortedSet(want)
		id := pick(dst.Ports, used, func(d waldur.Port) (string, bool, bool) {
			var have []string
			for _, ip := range d.FixedIPs {
				have = append(have, ip.IPAddress)
			}
			return d.UUID, net != "" && d.NetworkUUID == net && d.Name == port.Name, slices.Equal(sortedSet(have), want)
		})
		if id == "" {
			miss("port", port.SourceID, fmt.Sprintf("network, name %q and fixed IPs", port.Name))
			continue
		}
		res.Ports[port.SourceID] = id
	}
	return res, missing
}

// pick returns the uuid of the first unused candidate that matches, preferring one that also matches
// better (when names repeat), and marks it used.
func pick[T any](candidates []T, used map[string]bool, match func(T) (id string, ok, better bool)) string {
	chosen := ""
	for _, c := range candidates {
		id, ok, better := match(c)
		if !ok || used[id] {
			continue
		}
		if better {
			chosen = id
			break
		}
		if chosen == "" {
			chosen = id
		}
	}
	if chosen != "" {
		used[chosen] = true
	}
	return chosen
}

// waldurRuleKey is replication.RuleKey of a rule as Waldur shows it.
func waldurRuleKey(r waldur.SecurityGroupRule) string {
	remote := r.RemoteGroupUUID
	if remote == "" && r.RemoteGroup != nil {
		remote = waldur.UUIDFromURL(*r.RemoteGroup)
	}
	prefix := ""
	if r.CIDR != nil {
		prefix = *r.CIDR
	}
	return replication.RuleKey(r.Direction, cmp.Or(r.Ethertype, "IPv4"), r.Protocol, r.FromPort, r.ToPort, prefix, remote, "")
}

func canonicalCIDR(s string) string {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return strings.TrimSpace(s)
	}
	return p.Masked().String()
}

func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
