package waldurmode

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// A source tenant as Waldur shows it: networks web and db (db without gateway), router edge on both with
// one route that can be kept and one that cannot, groups default and web (a rule referencing default),
// an instance port on web, a DHCP port, the router's own interface port, and limits with per-type keys.
const (
	wNetWeb, wNetDB    = "a0000000000000000000000000000001", "a0000000000000000000000000000002"
	wSubWeb, wSubDB    = "b0000000000000000000000000000001", "b0000000000000000000000000000002"
	wRouter            = "c0000000000000000000000000000001"
	wSGDefault, wSGWeb = "d0000000000000000000000000000001", "d0000000000000000000000000000002"
	wPortVM, wPortDHCP = "e0000000000000000000000000000001", "e0000000000000000000000000000002"
	wPortRI            = "e0000000000000000000000000000003"
	wVTSSD, wVTHDD     = "f0000000000000000000000000000001", "f0000000000000000000000000000002"
	wVTFast            = "f0000000000000000000000000000003"
)

func ptr[T any](v T) *T { return &v }

func waldurSampleSource() waldurSource {
	mtu := 1450
	gw := "10.0.1.1"
	cidr := func(s string) *string { return &s }
	owner := func(s string) *string { return &s }
	return waldurSource{
		Resource: waldur.Resource{UUID: "99999999999999999999999999999999", Name: "shop", Description: "the shop", ResourceUUID: "88888888888888888888888888888888",
			Limits: map[string]int{"cores": 16, "ram": 32768, "storage": 500, "gigabytes_ssd": 100, "gigabytes_hdd": 50}},
		Tenant: waldur.Tenant{Object: waldur.Object{UUID: "88888888888888888888888888888888", BackendID: "proj-src"}, ExternalNetworkID: "ext-net"},
		Objects: waldurObjects{
			Networks: []waldur.Network{{Object: waldur.Object{UUID: wNetWeb, Name: "web", BackendID: "n-web"}, MTU: &mtu}, {Object: waldur.Object{UUID: wNetDB, Name: "db", BackendID: "n-db"}}},
			Subnets: []waldur.Subnet{
				{Object: waldur.Object{UUID: wSubWeb, Name: "web-v4", BackendID: "s-web"}, Network: "https://w/api/openstack-networks/" + wNetWeb + "/", CIDR: "10.0.1.0/24",
					GatewayIP: &gw, AllocationPools: []waldur.AllocationPool{{Start: "10.0.1.10", End: "10.0.1.99"}}, IPVersion: 4, EnableDHCP: true,
					DNSNameservers: []string{"1.1.1.1"}},
				{Object: waldur.Object{UUID: wSubDB, Name: "db-v4", BackendID: "s-db"}, Network: "https://w/api/openstack-networks/" + wNetDB + "/", CIDR: "10.0.3.0/24",
					DisableGateway: true, AllocationPools: []waldur.AllocationPool{{Start: "10.0.3.2", End: "10.0.3.254"}}, IPVersion: 4},
			},
			Routers: []waldur.Router{{Object: waldur.Object{UUID: wRouter, Name: "edge", BackendID: "r-edge"},
				Routes:   []waldur.Route{{Destination: "10.0.3.128/25", NextHop: "10.0.1.20"}, {Destination: "172.16.50.0/24", NextHop: "10.0.1.5"}},
				FixedIPs: []waldur.FixedIP{{IPAddress: "10.0.1.1", SubnetID: "s-web"}, {IPAddress: "10.0.3.254", SubnetID: "s-db"}},
				Ports: []waldur.RouterPort{
					{FixedIPs: []waldur.FixedIP{{IPAddress: "10.0.1.1", SubnetID: "s-web"}}, SubnetUUID: wSubWeb},
					{FixedIPs: []waldur.FixedIP{{IPAddress: "10.0.3.254", SubnetID: "s-db"}}, SubnetUUID: wSubDB},
				}}},
			SecurityGroups: []waldur.SecurityGroup{
				{Object: waldur.Object{UUID: wSGDefault, Name: "default"}, Rules: []waldur.SecurityGroupRule{{ID: 1, Ethertype: "IPv4", Direction: "egress"}}},
				{Object: waldur.Object{UUID: wSGWeb, Name: "web"}, Rules: []waldur.SecurityGroupRule{
					{ID: 2, Ethertype: "IPv4", Direction: "ingress", Protocol: "tcp", FromPort: ptr(443), ToPort: ptr(443), CIDR: cidr("0.0.0.0/0")},
					{ID: 3, Ethertype: "IPv4", Direction: "ingress", Protocol: "tcp", FromPort: ptr(22), ToPort: ptr(22), CIDR: cidr("10.0.1.0/24")},
					{ID: 4, Ethertype: "IPv4", Direction: "ingress", RemoteGroupUUID: wSGDefault},
				}},
			},
			Ports: []waldur.Port{
				{Object: waldur.Object{UUID: wPortVM, Name: "web-1"}, NetworkUUID: wNetWeb, MACAddress: "fa:16:3e:01:01:01", DeviceOwner: owner("compute:nova"), DeviceID: owner("vm-1"),
					FixedIPs: []waldur.FixedIP{{IPAddress: "10.0.1.11", SubnetID: "s-web"}}, SecurityGroups: []waldur.PortSecurityGroup{{UUID: wSGWeb}}, Status: "ACTIVE"},
				{Object: waldur.Object{UUID: wPortDHCP}, NetworkUUID: wNetWeb, DeviceOwner: owner("network:dhcp"), FixedIPs: []waldur.FixedIP{{IPAddress: "10.0.1.2", SubnetID: "s-web"}}},
				{Object: waldur.Object{UUID: wPortRI}, NetworkUUID: wNetWeb, DeviceOwner: owner("network:router_interface"), DeviceID: owner("r-edge"),
					FixedIPs: []waldur.FixedIP{{IPAddress: "10.0.1.1", SubnetID: "s-web"}}},
			},
		},
		VolumeTypes: []waldur.VolumeType{{UUID: wVTSSD, Name: "ssd"}, {UUID: wVTHDD, Name: "hdd"}},
	}
}

func waldurSampleDestination() waldurDestination {
	return waldurDestination{
		Offering:    waldur.Offering{UUID: "77777777777777777777777777777777", Name: "Cloud B", Type: waldur.OfferingTypeTenant, State: "Active"},
		VolumeTypes: []waldur.VolumeType{{UUID: wVTFast, Name: "fast"}, {UUID: "f0000000000000000000000000000004", Name: "ssd"}},
	}
}

func TestPlanFromWaldur(t *testing.T) {
	p, err := planFromWaldur(waldurSampleSource(), waldurSampleDestination(), replication.Mappings{
		Subnets:     []replication.SubnetRemap{{SrcCIDR: "10.0.1.0/24", DstCIDR: "192.168.1.0/24"}},
		VolumeTypes: []replication.VolumeTypeMap{{SrcTypeID: wVTSSD, DstTypeID: wVTFast}, {SrcTypeID: "f0000000-0000-0000-0000-000000000002", DstTypeID: wVTFast}},
	}, replication.Target{Name: "shop-copy"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Project.Name != "shop-copy" || p.Project.Description != "the shop" {
		t.Errorf("project = %q %q", p.Project.Name, p.Project.Description)
	}
	if got := p.Counts(); got["networks"] != 2 || got["subnets"] != 2 || got["routers"] != 1 || got["router_interfaces"] != 2 ||
		got["routes"] != 1 || got["security_groups"] != 2 || got["security_group_rules"] != 4 || got["ports"] != 0 {
		t.Errorf("counts = %v", got)
	}
	var web replication.SubnetPlan
	for _, s := range p.Subnets {
		if s.SourceID == wSubWeb {
			web = s
		}
	}
	if web.CIDR != "192.168.1.0/24" || web.GatewayIP == nil || *web.GatewayIP != "192.168.1.1" || web.NetworkSourceID != wNetWeb {
		t.Errorf("remapped subnet = %+v", web)
	}
	r := p.Routers[0]
	if !r.ExternalGateway || len(r.Interfaces) != 2 || len(r.Routes) != 1 || r.Routes[0].NextHop != "192.168.1.20" || len(r.DroppedRoutes) != 1 {
		t.Errorf("router = %+v", r)
	}
	// The rule inside the remapped subnet moves with it.
	var prefixes []string
	for _, rule := range p.Rules {
		prefixes = append(prefixes, rule.RemoteIPPrefix)
	}
	if !slices.Contains(prefixes, "192.168.1.0/24") {
		t.Errorf("rule prefixes = %v", prefixes)
	}
	// Waldur's limits: per-type keys renamed through the map and summed.
	if want := map[string]int{"storage": 500, "gigabytes_fast": 150}; !reflect.DeepEqual(p.Quotas.Volume, want) {
		t.Errorf("volume quotas = %v, want %v", p.Quotas.Volume, want)
	}
	if want := map[string]int{"cores": 16, "ram": 32768}; !reflect.DeepEqual(p.Quotas.Compute, want) {
		t.Errorf("compute quotas = %v, want %v", p.Quotas.Compute, want)
	}
}

func TestPlanFromWaldurPortsAndSelection(t *testing.T) {
	p, err := planFromWaldur(waldurSampleSource(), waldurSampleDestination(), replication.Mappings{
		Networks: []string{wNetWeb}, SyncInstancePorts: true, SkipConnectionExtnet: true,
	}, replication.Target{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Networks) != 1 || len(p.Ports) != 1 || p.Ports[0].SourceID != wPortVM || p.Ports[0].FixedIPs[0].SubnetSourceID != wSubWeb {
		t.Fatalf("networks %+v, ports %+v", p.Networks, p.Ports)
	}
	if p.Routers[0].ExternalGateway || !slices.Equal(p.Ports[0].SecurityGroupSourceIDs, []string{wSGWeb}) {
		t.Errorf("router %+v, port groups %v", p.Routers[0], p.Ports[0].SecurityGroupSourceIDs)
	}
	// Without a volume type map, Waldur drops the per-type limits: the preview says so.
	var dropped []string
	for _, s := range p.Skipped {
		if s.Kind == "volume_type_quota" {
			dropped = append(dropped, s.SourceID)
		}
	}
	if !slices.Equal(dropped, []string{"hdd", "ssd"}) || p.Quotas.Volume["gigabytes_ssd"] != 0 {
		t.Errorf("dropped per-type limits = %v, volume quotas %v", dropped, p.Quotas.Volume)
	}
}

// Every plan-time rule that needs Waldur's data, on its attribute.
func TestPlanFromWaldurValidation(t *testing.T) {
	noLimits := waldurSampleSource()
	noLimits.Resource.Limits = nil
	tests := []struct {
		name string
		src  waldurSource
		m    replication.Mappings
		want map[string]string // attribute → message fragment
	}{
		{"network of another tenant", waldurSampleSource(), replication.Mappings{Networks: []string{"a000000000000000000000000000000f"}},
			map[string]string{"mappings.networks[0]": "not a network of the source tenant"}},
		{"src_cidr matching no subnet", waldurSampleSource(), replication.Mappings{Subnets: []replication.SubnetRemap{{SrcCIDR: "10.0.7.0/24", DstCIDR: "10.1.7.0/24"}}},
			map[string]string{"mappings.subnets[0].src_cidr": "matches no subnet"}},
		{"overlapping remaps", waldurSampleSource(), replication.Mappings{Subnets: []replication.SubnetRemap{
			{SrcCIDR: "10.0.1.0/24", DstCIDR: "10.1.0.0/24"}, {SrcCIDR: "10.0.3.0/24", DstCIDR: "10.1.0.0/24"}}},
			map[string]string{"mappings.subnets[1].dst_cidr": "overlaps"}},
		{"source volume type not in the tenant", waldurSampleSource(), replication.Mappings{VolumeTypes: []replication.VolumeTypeMap{{SrcTypeID: wVTFast, DstTypeID: wVTFast}}},
			map[string]string{"mappings.volume_types[0].src_type_uuid": "not a volume type available in the source tenant"}},
		{"destination volume type not in the offering", waldurSampleSource(), replication.Mappings{VolumeTypes: []replication.VolumeTypeMap{{SrcTypeID: wVTSSD, DstTypeID: wVTHDD}}},
			map[string]string{"mappings.volume_types[0].dst_type_uuid": "not a volume type of the destination offering"}},
		{"ports with remaps", waldurSampleSource(), replication.Mappings{SyncInstancePorts: true, Subnets: []replication.SubnetRemap{{SrcCIDR: "10.0.1.0/24", DstCIDR: "10.1.1.0/24"}}},
			map[string]string{"mappings.sync_instance_ports": "cannot be used together"}},
		{"no limits", noLimits, replication.Mappings{}, map[string]string{"src_resource": "no quota limits"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planFromWaldur(tt.src, waldurSampleDestination(), tt.m, replication.Target{})
			var errs replication.ValidationErrors
			if !errors.As(err, &errs) {
				t.Fatalf("want validation errors, got %v", err)
			}
			for attr, frag := range tt.want {
				found := false
				for _, e := range errs {
					found = found || (e.Attribute.String() == attr && strings.Contains(e.Message, frag))
				}
				if !found {
					t.Errorf("want %q on %s, got %v", frag, attr, errs)
				}
			}
		})
	}
}

func TestWaldurLimits(t *testing.T) {
	src := map[string]int{"cores": 4, "ram": 1024, "storage": 100, "gigabytes_ssd": 10, "gigabytes_hdd": 20, "gigabytes_nvme": 5, "gigabytes_unused": 0, "instances": 3}
	got, dropped := waldurLimits(src, nil)
	if want := map[string]int{"cores": 4, "ram": 1024, "storage": 100}; !reflect.DeepEqual(got, want) || !slices.Equal(dropped, []string{"gigabytes_hdd", "gigabytes_nvme", "gigabytes_ssd"}) {
		t.Errorf("without a map: %v, dropped %v", got, dropped)
	}
	got, dropped = waldurLimits(src, map[string]string{"ssd": "fast", "hdd": "fast"})
	if want := map[string]int{"cores": 4, "ram": 1024, "storage": 100, "gigabytes_fast": 30, "gigabytes_nvme": 5}; !reflect.DeepEqual(got, want) || dropped != nil {
		t.Errorf("with a map: %v, dropped %v", got, dropped)
	}
}
