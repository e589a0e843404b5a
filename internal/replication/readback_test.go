package replication

import (
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// ReadBack pairs address groups by content with their addresses moved, twins in id order, and rules
// that match them through that pairing.
func TestRebuildResultAddressGroups(t *testing.T) {
	src := ProjectObjects{
		Subnets:  []openstack.Subnet{{ID: "s-sub", NetworkID: "s-net", CIDR: "10.0.3.0/24"}},
		Networks: []openstack.Network{{ID: "s-net", Name: "db"}},
		AddressGroups: []openstack.AddressGroup{
			{ID: "s-ag2", Name: "twin", Addresses: []string{"192.0.2.0/24"}},
			{ID: "s-ag1", Name: "twin", Addresses: []string{"192.0.2.0/24"}},
			{ID: "s-office", Name: "office", Addresses: []string{"10.0.3.0/26", "10.0.3.200/30"}},
		},
		SecurityGroups: []openstack.SecurityGroup{{ID: "s-g", Name: "db", Rules: []openstack.SecurityGroupRule{
			{ID: "s-r1", Direction: "ingress", EtherType: "IPv4", RemoteAddressGroupID: "s-ag1"},
			{ID: "s-r2", Direction: "ingress", EtherType: "IPv4", RemoteAddressGroupID: "s-ag2"},
			{ID: "s-r3", Direction: "ingress", EtherType: "IPv4", RemoteAddressGroupID: "s-office"},
		}}},
	}
	dst := ProjectObjects{
		Subnets:  []openstack.Subnet{{ID: "d-sub", NetworkID: "d-net", CIDR: "10.50.0.0/25"}},
		Networks: []openstack.Network{{ID: "d-net", Name: "db"}},
		AddressGroups: []openstack.AddressGroup{
			{ID: "d-b", Name: "twin", Addresses: []string{"192.0.2.0/24"}},
			{ID: "d-a", Name: "twin", Addresses: []string{"192.0.2.0/24"}},
			{ID: "d-office", Name: "office", Addresses: []string{"10.50.0.0/26"}},
		},
		SecurityGroups: []openstack.SecurityGroup{{ID: "d-g", Name: "db", Rules: []openstack.SecurityGroupRule{
			{ID: "d-r1", Direction: "ingress", EtherType: "IPv4", RemoteAddressGroupID: "d-a"},
			{ID: "d-r2", Direction: "ingress", EtherType: "IPv4", RemoteAddressGroupID: "d-b"},
			{ID: "d-r3", Direction: "ingress", EtherType: "IPv4", RemoteAddressGroupID: "d-office"},
		}}},
	}
	res := RebuildResult("p", dst, src)
	assertEqual(t, "address groups", res.AddressGroups, map[string]string{"s-ag1": "d-a", "s-ag2": "d-b", "s-office": "d-office"})
	assertEqual(t, "rules", res.SecurityGroupRules, map[string]string{"s-r1": "d-r1", "s-r2": "d-r2", "s-r3": "d-r3"})
}
