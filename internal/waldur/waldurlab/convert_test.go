package waldurlab

import (
	"reflect"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

func ptr[T any](v T) *T { return &v }

func sampleSnapshot() *replication.Snapshot {
	return &replication.Snapshot{
		Project: openstack.Project{ID: "p1", Name: "shop"},
		Networks: []openstack.Network{
			{ID: "n-web", Name: "web", MTU: 1450},
		},
		Subnets: []openstack.Subnet{
			{ID: "s-web", NetworkID: "n-web", Name: "web-v4", IPVersion: 4, CIDR: "10.0.1.0/24", GatewayIP: ptr("10.0.1.1"),
				AllocationPools: []openstack.AllocationPool{{Start: "10.0.1.10", End: "10.0.1.99"}}, EnableDHCP: true},
			{ID: "s-orphan", NetworkID: "n-other-project", Name: "x", CIDR: "10.9.0.0/24"},
		},
		Routers: []openstack.Router{{ID: "r1", Name: "edge", ExternalGateway: &openstack.GatewayInfo{NetworkID: "ext"},
			Routes: []openstack.Route{{Destination: "10.0.1.128/25", NextHop: "10.0.1.5"}}}},
		Ports: []openstack.Port{
			{ID: "ri", NetworkID: "n-web", DeviceID: "r1", DeviceOwner: "network:router_interface",
				FixedIPs: []openstack.FixedIP{{SubnetID: "s-web", IPAddress: "10.0.1.1"}}},
			{ID: "gw", NetworkID: "ext", DeviceID: "r1", DeviceOwner: "network:router_gateway",
				FixedIPs: []openstack.FixedIP{{SubnetID: "ext-sub", IPAddress: "172.24.4.10"}}},
			{ID: "vm", NetworkID: "n-web", Name: "web-1", MACAddress: "fa:16:3e:00:00:01", DeviceID: "i1", DeviceOwner: "compute:nova",
				AdminStateUp: true, Status: "ACTIVE", SecurityGroups: []string{"g-web", "g-foreign"},
				FixedIPs:            []openstack.FixedIP{{SubnetID: "s-web", IPAddress: "10.0.1.11"}},
				AllowedAddressPairs: []openstack.AddressPair{{IPAddress: "10.0.1.100"}}},
		},
		SecurityGroups: []openstack.SecurityGroup{{ID: "g-web", Name: "web"}},
		Rules: []openstack.SecurityGroupRule{
			{ID: "r-http", SecurityGroupID: "g-web", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(80), PortRangeMax: ptr(80), RemoteIPPrefix: "0.0.0.0/0"},
			{ID: "r-self", SecurityGroupID: "g-web", Direction: "ingress", EtherType: "IPv4", RemoteGroupID: "g-web"},
			{ID: "r-foreign", SecurityGroupID: "g-web", Direction: "ingress", EtherType: "IPv4", RemoteGroupID: "g-foreign"},
		},
		Quotas: replication.Quotas{
			Compute: map[string]int{"cores": 16, "ram": 32768, "instances": 10},
			Network: map[string]int{"network": 10, "security_group_rule": 100},
			Volume:  map[string]int{"gigabytes": 500, "gigabytes_ssd": 100, "gigabytes_fast": -1, "volumes_ssd": 5, "volumes": 20},
		},
	}
}

func TestObjectsOf(t *testing.T) {
	o := ObjectsOf(sampleSnapshot())
	if len(o.Networks) != 1 || o.Networks[0].BackendID != "n-web" || o.Networks[0].MTU != 1450 {
		t.Errorf("networks = %+v", o.Networks)
	}
	if len(o.Subnets) != 1 || o.Subnets[0].GatewayIP != "10.0.1.1" || o.Subnets[0].DisableGateway || len(o.Subnets[0].AllocationPools) != 1 {
		t.Errorf("subnets = %+v (the subnet of another project's network must be left out)", o.Subnets)
	}
	want := []waldurtest.FixedIP{{IPAddress: "10.0.1.1", SubnetBackendID: "s-web"}}
	if len(o.Routers) != 1 || !reflect.DeepEqual(o.Routers[0].Interfaces, want) || len(o.Routers[0].Routes) != 1 {
		t.Errorf("routers = %+v, want the interface on web only", o.Routers)
	}
	if len(o.SecurityGroups) != 1 || len(o.SecurityGroups[0].Rules) != 2 {
		t.Fatalf("groups = %+v, want the foreign-group rule left out", o.SecurityGroups)
	}
	if r := o.SecurityGroups[0].Rules[1]; r.RemoteGroupBackendID != "g-web" {
		t.Errorf("self rule = %+v", r)
	}
	if len(o.Ports) != 1 {
		t.Fatalf("ports = %+v, want the instance port only (interfaces are on the router, the gateway is outside)", o.Ports)
	}
	p := o.Ports[0]
	if p.BackendID != "vm" || !reflect.DeepEqual(p.SecurityGroupBackendIDs, []string{"g-web"}) || p.AllowedAddressPairs[0].IPAddress != "10.0.1.100" {
		t.Errorf("port = %+v", p)
	}
	if ExternalNetworkOf(sampleSnapshot()) != "ext" {
		t.Errorf("external network = %q", ExternalNetworkOf(sampleSnapshot()))
	}
}

func TestObjectsOfRegisterInAWaldurtestServer(t *testing.T) {
	srv := waldurtest.New(waldurtest.Options{})
	defer srv.Close()
	off := srv.AddOffering(waldurtest.Offering{Name: "lab"})
	tenant := srv.AddTenant(waldurtest.Tenant{OfferingUUID: off.UUID, Name: "shop", Limits: map[string]int{"cores": 1}})
	// AddObjects panics on references the server cannot resolve.
	got := srv.AddObjects(tenant.UUID, ObjectsOf(sampleSnapshot()))
	if len(got.Ports) != 1 || got.Ports[0].UUID == "" {
		t.Errorf("registered ports = %+v", got.Ports)
	}
}

func TestLimitsAndQuotas(t *testing.T) {
	q := sampleSnapshot().Quotas
	if got, want := LimitsOf(q), map[string]int{"cores": 16, "ram": 32768, "storage": 500, "gigabytes_ssd": 100}; !reflect.DeepEqual(got, want) {
		t.Errorf("limits = %v, want %v", got, want)
	}
	quotas := QuotasOf(q)
	for k, v := range map[string]int{"instances": 10, "volumes": 20, "network_count": 10, "security_group_rule_count": 100, "storage": 500} {
		if quotas[k] != v {
			t.Errorf("quota %s = %d, want %d (all %v)", k, quotas[k], v, quotas)
		}
	}
}

func TestMappingsOf(t *testing.T) {
	m, err := MappingsOf(waldurtest.RunMappings{
		SelectNetworks: true, Networks: []string{"n1"}, Subnets: []waldurtest.SubnetMapping{{SrcCIDR: "10.0.1.0/24", DstCIDR: "10.1.1.0/24"}},
		VolumeTypes: []waldurtest.VolumeTypeMapping{{Src: waldurtest.VolumeType{Name: "ssd", BackendID: "c-ssd"}, Dst: waldurtest.VolumeType{Name: "fast", BackendID: "c-fast"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Networks[0] != "n1" || m.Subnets[0].DstCIDR != "10.1.1.0/24" || m.VolumeTypes[0] != (replication.VolumeTypeMap{SrcTypeID: "c-ssd", DstTypeID: "c-fast"}) {
		t.Errorf("mappings = %+v", m)
	}
	if _, err := MappingsOf(waldurtest.RunMappings{SelectNetworks: true}); err == nil {
		t.Error("a selection of no network must be refused: the engine would copy all")
	}
}
