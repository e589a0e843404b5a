package standalone

import (
	"reflect"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// replication.RebuildResult is what import relies on; it lives in the engine (readback.go) and is
// tested here, next to its only user.
func TestRebuildResult(t *testing.T) {
	tag := replication.SourceTag
	// Copies are paired with their sources by content (identity.go) and, where content is ambiguous, by
	// marker: here the two source networks named "dup".
	dst := replication.ProjectObjects{
		Networks: []openstack.Network{
			{ID: "d-net-web", Name: "web"}, {ID: "d-unrelated", Name: "scratch"},
			{ID: "d-dup-1", Name: "dup", Tags: []string{tag("net-dup-1")}}, {ID: "d-dup-2", Name: "dup", Tags: []string{tag("net-dup-2")}},
			{ID: "d-dup-3", Name: "dup"},
		},
		// Remapped (10.0.1.0/24 → 192.168.1.0/24): paired by network and name.
		Subnets: []openstack.Subnet{{ID: "d-sub-web", NetworkID: "d-net-web", Name: "web-v4", CIDR: "192.168.1.0/24"}},
		Routers: []openstack.Router{{ID: "d-rtr", Name: "edge"}},
		Ports: []openstack.Port{
			{ID: "d-port-web-1", NetworkID: "d-net-web", MACAddress: "FA:16:3E:01:01:01", DeviceOwner: "compute:nova"},
			{ID: "d-ri-web", NetworkID: "d-net-web", MACAddress: "fa:16:3e:99:99:99", DeviceOwner: "network:router_interface"},
		},
		SecurityGroups: []openstack.SecurityGroup{
			{ID: "d-sg-default", Name: "default", Rules: []openstack.SecurityGroupRule{
				{ID: "d-r-def-eg", Direction: "egress", EtherType: "IPv4"},
			}},
			{ID: "d-sg-web", Name: "web", Rules: []openstack.SecurityGroupRule{
				{ID: "d-r-https", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(443), PortRangeMax: ptr(443), RemoteIPPrefix: "0.0.0.0/0"},
				{ID: "d-r-lan", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(22), PortRangeMax: ptr(22), RemoteIPPrefix: "192.168.1.0/24"},
				{ID: "d-r-def", Direction: "ingress", EtherType: "IPv4", RemoteGroupID: "d-sg-default"},
			}},
		},
	}
	snap := sampleSnapshot()
	snap.Networks = append(snap.Networks, openstack.Network{ID: "net-dup-1", Name: "dup"}, openstack.Network{ID: "net-dup-2", Name: "dup"},
		openstack.Network{ID: "net-dup-3", Name: "dup"}, openstack.Network{ID: "net-dup-4", Name: "dup"})
	src := replication.ProjectObjects{Networks: snap.Networks, Subnets: snap.Subnets, Routers: snap.Routers, Ports: snap.Ports}
	for _, g := range snap.SecurityGroups {
		for _, r := range snap.Rules {
			if r.SecurityGroupID == g.ID {
				g.Rules = append(g.Rules, r)
			}
		}
		src.SecurityGroups = append(src.SecurityGroups, g)
	}

	res := replication.RebuildResult("p-dst", dst, src)
	check := func(name string, got, want map[string]string) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if res.ProjectID != "p-dst" {
		t.Errorf("ProjectID = %q", res.ProjectID)
	}
	// d-dup-3 has no marker and two unpaired sources named "dup": it is paired with neither.
	check("networks", res.Networks, map[string]string{"net-web": "d-net-web", "net-dup-1": "d-dup-1", "net-dup-2": "d-dup-2"})
	check("subnets", res.Subnets, map[string]string{"sub-web": "d-sub-web"})
	check("routers", res.Routers, map[string]string{"rtr": "d-rtr"})
	check("ports", res.Ports, map[string]string{"port-web-1": "d-port-web-1"})
	check("security groups", res.SecurityGroups, map[string]string{"sg-default": "d-sg-default", "sg-web": "d-sg-web"})
	// r-web-lan's prefix moved with the remap of its subnet; r-web-def's remote group is mapped.
	check("rules", res.SecurityGroupRules, map[string]string{
		"r-def-eg": "d-r-def-eg", "r-web-https": "d-r-https", "r-web-lan": "d-r-lan", "r-web-def": "d-r-def",
	})

	// Without the source only what carries a marker can be paired.
	res = replication.RebuildResult("p-dst", dst, replication.ProjectObjects{})
	check("networks without source", res.Networks, map[string]string{"net-dup-1": "d-dup-1", "net-dup-2": "d-dup-2"})
	check("security groups without source", res.SecurityGroups, map[string]string{})
	check("rules without source", res.SecurityGroupRules, map[string]string{})
}

func TestMigrationUser(t *testing.T) {
	project := openstack.Project{ID: "p", Name: "Shop Copy"}
	users := []openstack.User{
		{ID: "admin", Name: "admin"},
		{ID: "other", Name: "shop-copy-abc234", DefaultProjectID: "q"},
		{ID: "long", Name: "shop-copy-abc2345", DefaultProjectID: "p"},
		{ID: "mine", Name: "shop-copy-abc234", DefaultProjectID: "p"},
	}
	if u := replication.MigrationUser(project, users); u == nil || u.ID != "mine" {
		t.Errorf("MigrationUser = %+v, want mine", u)
	}
	if u := replication.MigrationUser(project, users[:3]); u != nil {
		t.Errorf("MigrationUser = %+v, want none", u)
	}
}

func TestInferMappings(t *testing.T) {
	snap := sampleSnapshot()
	d := replication.ProjectObjects{
		Subnets: []openstack.Subnet{
			{ID: "d-sub-web", CIDR: "192.168.1.0/24"},
			{ID: "d-sub-db", CIDR: "10.0.3.0/24"},
		},
		Routers: []openstack.Router{{ID: "d-rtr"}},
	}
	res := &replication.Result{IDMaps: replication.IDMaps{Networks: map[string]string{"net-web": "d1", "net-db": "d2"}, Ports: map[string]string{"port-web-1": "d3"},
		Subnets: map[string]string{"sub-web": "d-sub-web", "sub-db": "d-sub-db"}}}
	got := replication.InferMappings(res, d, replication.ProjectObjects{Subnets: snap.Subnets})
	want := replication.Mappings{
		Networks:             []string{"net-db", "net-web"},
		Subnets:              []replication.SubnetRemap{{SrcCIDR: "10.0.1.0/24", DstCIDR: "192.168.1.0/24"}},
		SyncInstancePorts:    false, // ports cannot be combined with remaps
		SkipConnectionExtnet: true,  // the only router has no gateway
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("InferMappings = %+v, want %+v", got, want)
	}

	d.Subnets[0].CIDR = "10.0.1.0/24"
	d.Routers[0].ExternalGateway = &openstack.GatewayInfo{NetworkID: "ext"}
	got = replication.InferMappings(res, d, replication.ProjectObjects{Subnets: snap.Subnets})
	if len(got.Subnets) != 0 || !got.SyncInstancePorts || got.SkipConnectionExtnet {
		t.Errorf("InferMappings = %+v, want no remaps, ports, gateways", got)
	}
}
