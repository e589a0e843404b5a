package replication

import "github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"

// pairFloatingIPs pairs floating IPs by prior, marker, then content (floatingIPKeys): an associated
// one by the copy of its port (already paired) and its fixed IP, a free one by its description.
func pairFloatingIPs(p *Plan, prior *IDMaps, d ProjectObjects, pr *pairing) {
	fips := make([]planned, len(p.FloatingIPs))
	for i, f := range p.FloatingIPs {
		fips[i] = planned{f.SourceID, freeFloatingIPKey(f.Description)}
		if f.PortSourceID != "" {
			fips[i].key = ""
			if port, ok := pr.ports[f.PortSourceID]; ok {
				fips[i].key = associatedFloatingIPKey(port.ID, f.FixedIPAddress)
			}
		}
	}
	pairKind(fips, prior.FloatingIPs, d.FloatingIPs, func(f openstack.FloatingIP) string { return f.ID },
		func(f openstack.FloatingIP) []string { return f.Tags }, func(openstack.FloatingIP) []string { return nil },
		floatingIPKeys, pr.floatingIPs, pr.stale.floatingIPs)
}

// pairServerGroups pairs server groups by prior, then by content (name, policy, rules) in id order.
// A group paired by prior that no longer matches its plan stays paired: Execute replaces it.
func pairServerGroups(p *Plan, prior *IDMaps, d ProjectObjects, pr *pairing) {
	byID := map[string]openstack.ServerGroup{}
	for _, g := range d.ServerGroups {
		byID[g.ID] = g
	}
	ids := map[string]string{}
	var src []keyed
	for _, g := range p.ServerGroups {
		if o, ok := byID[prior.ServerGroups[g.SourceID]]; ok {
			ids[g.SourceID] = o.ID
			pr.serverGroupsByPrior[g.SourceID] = true
			continue
		}
		src = append(src, keyed{id: g.SourceID, key: serverGroupKey(g.Name, g.Policy, g.Rules)})
	}
	var dst []keyed
	for _, g := range d.ServerGroups {
		dst = append(dst, keyed{id: g.ID, key: serverGroupKey(g.Name, g.PolicyName(), g.Rules)})
	}
	pairInIDOrder(ids, src, dst)
	taken := map[string]bool{}
	for s, id := range ids {
		pr.serverGroups[s] = byID[id]
		taken[id] = true
	}
	for s, id := range prior.ServerGroups {
		if o, ok := byID[id]; ok && !taken[id] {
			if _, done := pr.serverGroups[s]; !done {
				pr.stale.serverGroups[s] = o
			}
		}
	}
}
