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
	planned := make([]keyed, len(p.ServerGroups))
	for i, g := range p.ServerGroups {
		planned[i] = keyed{id: g.SourceID, key: serverGroupKey(g.Name, g.Policy, g.Rules)}
	}
	pairByPriorThenContent(planned, d.ServerGroups, func(g openstack.ServerGroup) string { return g.ID },
		func(g openstack.ServerGroup) string { return serverGroupKey(g.Name, g.PolicyName(), g.Rules) },
		prior.ServerGroups, pr.serverGroups, pr.serverGroupsByPrior, pr.stale.serverGroups)
}
