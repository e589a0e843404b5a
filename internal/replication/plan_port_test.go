package replication

import (
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestPorts(t *testing.T) {
	p := mustPlan(t, threeTier(), Mappings{SyncInstancePorts: true}, baseFacts())
	pairs := []openstack.AddressPair{{IPAddress: "10.0.1.250"}}
	assertEqual(t, "ports", p.Ports, []PortPlan{
		{SourceID: "port-app-1", Kind: "instance", NetworkSourceID: fxNetApp, Name: "app-1-eth0", AdminStateUp: true, MACAddress: "fa:16:3e:01:02:01",
			FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubApp, IPAddress: "10.0.2.11"}}, SecurityGroupSourceIDs: []string{fxSGApp},
			PortSecurityEnabled: ptr(true), AllowedAddressPairs: pairs},
		{SourceID: "port-db-1", Kind: "instance", NetworkSourceID: fxNetDB, Name: "db-1-eth0", AdminStateUp: true, MACAddress: "fa:16:3e:01:03:01",
			FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubDB, IPAddress: "10.0.3.11"}}, SecurityGroupSourceIDs: []string{fxSGDB},
			PortSecurityEnabled: ptr(true), AllowedAddressPairs: pairs},
		{SourceID: "port-db-vip", Kind: "vip", NetworkSourceID: fxNetDB, Name: "db-vip", Description: "patroni VIP", AdminStateUp: true,
			MACAddress: "fa:16:3e:02:03:01", FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubDB, IPAddress: "10.0.3.250"}},
			SecurityGroupSourceIDs: []string{fxSGDB}},
		{SourceID: "port-web-1", Kind: "instance", NetworkSourceID: fxNetWeb, Name: "web-1-eth0", AdminStateUp: true, MACAddress: "fa:16:3e:01:01:01",
			FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubWeb, IPAddress: "10.0.1.11"}}, SecurityGroupSourceIDs: []string{fxSGDefault, fxSGWeb},
			PortSecurityEnabled: ptr(true), AllowedAddressPairs: pairs},
		{SourceID: "port-web-2", Kind: "instance", NetworkSourceID: fxNetWeb, Name: "web-2-eth0", AdminStateUp: true, MACAddress: "fa:16:3e:01:01:02",
			FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubWeb, IPAddress: "10.0.1.12"}}, SecurityGroupSourceIDs: []string{fxSGDefault, fxSGWeb},
			PortSecurityEnabled: ptr(true), AllowedAddressPairs: pairs},
		{SourceID: "port-web-vip", Kind: "vip", NetworkSourceID: fxNetWeb, Name: "web-vip", Description: "keepalived VIP", AdminStateUp: true,
			MACAddress: "fa:16:3e:02:01:01", FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubWeb, IPAddress: "10.0.1.250"}},
			SecurityGroupSourceIDs: []string{fxSGWeb}},
	})
	// router interfaces, the router gateway and DHCP are infrastructure: neither copied nor reported
	for _, s := range p.Skipped {
		if strings.HasPrefix(s.SourceID, "port-ri-") || s.SourceID == "port-rgw" || s.SourceID == "port-dhcp-web" {
			t.Errorf("infrastructure port reported as skipped: %+v", s)
		}
	}
	assertEqual(t, "skipped", p.Skipped, []Skipped{
		{Kind: "security_group_rule", SourceID: "r-db-monitor", Reason: ruleForeign},
		{Kind: "port_security_group", SourceID: "port-db-1", Reason: "security group sg-other-tenant-monitoring is not a group of the source tenant"},
		{Kind: "port", SourceID: "port-lb", Reason: `neither an instance port nor a free VIP port (device_owner "Octavia", status ACTIVE)`},
	})
}

func TestPortKind(t *testing.T) {
	tests := []struct {
		port openstack.Port
		want string
	}{
		{openstack.Port{DeviceOwner: "compute:nova", DeviceID: "vm-1", Status: "ACTIVE", AdminStateUp: true}, "instance"},
		{openstack.Port{DeviceOwner: "compute:az-2", DeviceID: "vm-1", Status: "DOWN"}, "instance"},
		{openstack.Port{DeviceOwner: "compute:nova", Status: "DOWN", AdminStateUp: true}, "vip"},
		{openstack.Port{DeviceOwner: "compute:nova", Status: "DOWN", AdminStateUp: false}, ""},
		{openstack.Port{DeviceOwner: "compute:nova", Status: "ACTIVE", AdminStateUp: true}, ""},
		{openstack.Port{DeviceOwner: "", Status: "DOWN", AdminStateUp: true}, ""},
		{openstack.Port{DeviceOwner: "Octavia", DeviceID: "lb-1", Status: "ACTIVE", AdminStateUp: true}, ""},
		{openstack.Port{DeviceOwner: "network:router_interface", DeviceID: "r1"}, "infrastructure"},
		{openstack.Port{DeviceOwner: "network:router_interface_distributed", DeviceID: "r1"}, "infrastructure"},
		{openstack.Port{DeviceOwner: "network:router_gateway", DeviceID: "r1"}, "infrastructure"},
		{openstack.Port{DeviceOwner: "network:dhcp", DeviceID: "dhcp1"}, "infrastructure"},
		{openstack.Port{DeviceOwner: "network:floatingip", DeviceID: "fip1"}, "infrastructure"},
	}
	for _, tt := range tests {
		if got := portKind(tt.port); got != tt.want {
			t.Errorf("portKind(owner %q, device %q, %s, admin %v) = %q, want %q", tt.port.DeviceOwner, tt.port.DeviceID, tt.port.Status, tt.port.AdminStateUp, got, tt.want)
		}
	}
}
