// Package replicationtest holds sample engine inputs that the tests of several packages share.
package replicationtest

import (
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

func ptr[T any](v T) *T { return &v }

// SampleSnapshot is a small source tenant: networks web and db, a router attached to both with one route
// that can be kept and one that cannot, groups default and web, an instance port on web, quotas with
// per-type keys.
func SampleSnapshot() *replication.Snapshot {
	return &replication.Snapshot{
		Project: openstack.Project{ID: "proj-src", Name: "shop", Description: "the shop", Enabled: true},
		Networks: []openstack.Network{
			{ID: "net-web", Name: "web", AdminStateUp: true, MTU: 1450},
			{ID: "net-db", Name: "db", AdminStateUp: true, MTU: 9000},
		},
		Subnets: []openstack.Subnet{
			{ID: "sub-web", NetworkID: "net-web", Name: "web-v4", IPVersion: 4, CIDR: "10.0.1.0/24", GatewayIP: ptr("10.0.1.1"),
				AllocationPools: []openstack.AllocationPool{{Start: "10.0.1.10", End: "10.0.1.99"}}, DNSNameservers: []string{"1.1.1.1"},
				HostRoutes: []openstack.HostRoute{}, EnableDHCP: true},
			{ID: "sub-db", NetworkID: "net-db", Name: "db-v4", IPVersion: 4, CIDR: "10.0.3.0/24", GatewayIP: nil,
				AllocationPools: []openstack.AllocationPool{{Start: "10.0.3.2", End: "10.0.3.254"}}, DNSNameservers: []string{},
				HostRoutes: []openstack.HostRoute{}},
		},
		Routers: []openstack.Router{{
			ID: "rtr", Name: "edge", AdminStateUp: true, ExternalGateway: &openstack.GatewayInfo{NetworkID: "src-ext"},
			Routes: []openstack.Route{
				{Destination: "10.0.3.128/25", NextHop: "10.0.1.20"},
				{Destination: "172.16.50.0/24", NextHop: "10.0.1.5"},
			},
		}},
		Ports: []openstack.Port{
			{ID: "ri-web", NetworkID: "net-web", FixedIPs: []openstack.FixedIP{{SubnetID: "sub-web", IPAddress: "10.0.1.1"}},
				DeviceID: "rtr", DeviceOwner: "network:router_interface", AdminStateUp: true, Status: "ACTIVE", SecurityGroups: []string{}},
			{ID: "port-web-1", Name: "web-1-eth0", NetworkID: "net-web", MACAddress: "fa:16:3e:01:01:01",
				FixedIPs: []openstack.FixedIP{{SubnetID: "sub-web", IPAddress: "10.0.1.11"}}, DeviceID: "vm-1", DeviceOwner: "compute:nova",
				AdminStateUp: true, Status: "ACTIVE", SecurityGroups: []string{"sg-web"}},
		},
		SecurityGroups: []openstack.SecurityGroup{
			{ID: "sg-default", Name: "default"},
			{ID: "sg-web", Name: "web"},
		},
		Rules: []openstack.SecurityGroupRule{
			{ID: "r-def-eg", SecurityGroupID: "sg-default", Direction: "egress", EtherType: "IPv4"},
			{ID: "r-web-https", SecurityGroupID: "sg-web", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(443), PortRangeMax: ptr(443), RemoteIPPrefix: "0.0.0.0/0"},
			{ID: "r-web-lan", SecurityGroupID: "sg-web", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(22), PortRangeMax: ptr(22), RemoteIPPrefix: "10.0.1.0/24"},
			{ID: "r-web-def", SecurityGroupID: "sg-web", Direction: "ingress", EtherType: "IPv4", RemoteGroupID: "sg-default"},
			{ID: "r-web-office", SecurityGroupID: "sg-web", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(8443), PortRangeMax: ptr(8443), RemoteAddressGroupID: "ag-office"},
		},
		AddressGroups: []openstack.AddressGroup{{ID: "ag-office", Name: "office", Addresses: []string{"10.0.1.64/26", "198.51.100.0/24"}}},
		Quotas: replication.Quotas{
			Compute: map[string]int{"cores": 16, "instances": 10},
			Network: map[string]int{"network": 10, "port": -1},
			Volume:  map[string]int{"gigabytes": 500, "gigabytes_ssd": 100, "gigabytes_hdd": 50},
		},
		VolumeTypes: []openstack.VolumeType{{ID: "vt-ssd", Name: "ssd"}, {ID: "vt-hdd", Name: "hdd"}},
	}
}
