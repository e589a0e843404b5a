package replication

import "github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"

// rebuildFloating adds to a rebuilt result (RebuildResult) the floating IPs, paired by marker or by
// content as Execute adopts them (an associated one by its port's copy and fixed IP, a free one by its
// description, see identity.go), with their addresses, and the server groups by name, policy and rules,
// twins in id order.
func rebuildFloating(res *Result, d, s ProjectObjects) {
	var src, dst []keyed
	for _, f := range s.FloatingIPs {
		key := freeFloatingIPKey(f.Description)
		if port := res.Ports[f.PortID]; port != "" {
			key = associatedFloatingIPKey(port, f.FixedIPAddress)
		}
		src = append(src, keyed{id: f.ID, key: key})
	}
	for _, f := range d.FloatingIPs {
		dst = append(dst, keyed{id: f.ID, marker: SourceOf(f.Tags), key: floatingIPKeys(f)[0]})
	}
	newMatcher(res.FloatingIPs).pair(src, dst)
	address := map[string]string{}
	for _, f := range d.FloatingIPs {
		address[f.ID] = f.FloatingIPAddress
	}
	for _, f := range s.FloatingIPs {
		if id, ok := res.FloatingIPs[f.ID]; ok {
			res.FloatingIPAddresses[f.FloatingIPAddress] = address[id]
		}
	}

	key := func(g openstack.ServerGroup) keyed {
		return keyed{id: g.ID, key: serverGroupKey(g.Name, g.PolicyName(), g.Rules)}
	}
	var srcGroups, dstGroups []keyed
	for _, g := range s.ServerGroups {
		srcGroups = append(srcGroups, key(g))
	}
	for _, g := range d.ServerGroups {
		dstGroups = append(dstGroups, key(g))
	}
	pairInIDOrder(res.ServerGroups, srcGroups, dstGroups)
}
