package testlab

import (
	"fmt"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// Orphans lists the objects of a destination project (as listed) that no id map holds: duplicates or
// leftovers of a run that failed midway. Neutron's own ports (DHCP, router interfaces and gateways,
// device_owner network:*) are not the migration's to hold, but an interface port no router holds is a
// leftover.
func Orphans(objects replication.ProjectObjects, ids replication.IDMaps) []string {
	held := map[string]bool{}
	for _, f := range ids.Kinds() {
		for _, id := range *f.IDs {
			held[id] = true
		}
	}
	var orphans []string
	check := func(kind, id, name string) {
		if !held[id] {
			orphans = append(orphans, fmt.Sprintf("%s %s (%q)", kind, id, name))
		}
	}
	for _, n := range objects.Networks {
		check("network", n.ID, n.Name)
	}
	for _, s := range objects.Subnets {
		check("subnet", s.ID, s.CIDR)
	}
	for _, r := range objects.Routers {
		check("router", r.ID, r.Name)
	}
	for _, g := range objects.SecurityGroups {
		check("security group", g.ID, g.Name)
	}
	for _, g := range objects.AddressGroups {
		check("address group", g.ID, g.Name)
	}
	for _, p := range objects.Ports {
		switch {
		case p.DeviceOwner == "network:router_interface" && p.DeviceID == "":
			// made for a router interface away from the gateway and never attached: a leftover
			orphans = append(orphans, fmt.Sprintf("unattached interface port %s (%v)", p.ID, p.FixedIPs))
		case !strings.HasPrefix(p.DeviceOwner, "network:"):
			check("port", p.ID, p.Name)
		}
	}
	return orphans
}
