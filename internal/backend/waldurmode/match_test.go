package waldurmode

import (
	"reflect"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// waldurSampleCopy is what Waldur lists in the destination after migrating waldurSampleSource with web
// remapped to 192.168.1.0/24, plus a decoy: a network of the same name with another CIDR, listed first,
// which must not be taken for the copy of web.
func waldurSampleCopy() waldurObjects {
	cidr := func(s string) *string { return &s }
	netURL := func(id string) string { return "https://w/api/openstack-networks/" + id + "/" }
	return waldurObjects{
		Networks: []waldur.Network{
			{Object: waldur.Object{UUID: "10000000000000000000000000000009", Name: "web"}},
			{Object: waldur.Object{UUID: "10000000000000000000000000000001", Name: "web"}},
			{Object: waldur.Object{UUID: "10000000000000000000000000000002", Name: "db"}},
		},
		Subnets: []waldur.Subnet{
			{Object: waldur.Object{UUID: "20000000000000000000000000000009", Name: "web-v4"}, Network: netURL("10000000000000000000000000000009"), CIDR: "10.99.0.0/24"},
			{Object: waldur.Object{UUID: "20000000000000000000000000000001", Name: "web-v4"}, Network: netURL("10000000000000000000000000000001"), CIDR: "192.168.1.0/24"},
			{Object: waldur.Object{UUID: "20000000000000000000000000000002", Name: "db-v4"}, Network: netURL("10000000000000000000000000000002"), CIDR: "10.0.3.0/24"},
		},
		Routers: []waldur.Router{{Object: waldur.Object{UUID: "30000000000000000000000000000001", Name: "edge"}, Ports: []waldur.RouterPort{
			{SubnetUUID: "20000000000000000000000000000001"}, {SubnetUUID: "20000000000000000000000000000002"},
		}}},
		SecurityGroups: []waldur.SecurityGroup{
			{Object: waldur.Object{UUID: "40000000000000000000000000000002", Name: "web"}, Rules: []waldur.SecurityGroupRule{
				// In another order than the source's.
				{ID: 103, Ethertype: "IPv4", Direction: "ingress", RemoteGroupUUID: "40000000000000000000000000000001"},
				{ID: 101, Ethertype: "IPv4", Direction: "ingress", Protocol: "tcp", FromPort: ptr(443), ToPort: ptr(443), CIDR: cidr("0.0.0.0/0")},
				{ID: 102, Ethertype: "IPv4", Direction: "ingress", Protocol: "tcp", FromPort: ptr(22), ToPort: ptr(22), CIDR: cidr("192.168.1.0/24")},
			}},
			{Object: waldur.Object{UUID: "40000000000000000000000000000001", Name: "default"}, Rules: []waldur.SecurityGroupRule{{ID: 100, Ethertype: "IPv4", Direction: "egress"}}},
		},
	}
}

func TestMatchWaldurObjects(t *testing.T) {
	p, err := planFromWaldur(waldurSampleSource(), waldurSampleDestination(), replication.Mappings{
		Subnets: []replication.SubnetRemap{{SrcCIDR: "10.0.1.0/24", DstCIDR: "192.168.1.0/24"}},
	}, replication.Target{})
	if err != nil {
		t.Fatal(err)
	}
	res, missing := matchWaldurObjects(p, waldurSampleCopy())
	if len(missing) != 0 {
		t.Errorf("missing = %+v", missing)
	}
	want := &replication.Result{IDMaps: replication.IDMaps{
		Networks: map[string]string{wNetWeb: "10000000000000000000000000000001", wNetDB: "10000000000000000000000000000002"},
		Subnets:  map[string]string{wSubWeb: "20000000000000000000000000000001", wSubDB: "20000000000000000000000000000002"},
		Routers:  map[string]string{wRouter: "30000000000000000000000000000001"},
		SecurityGroups: map[string]string{
			wSGDefault: "40000000000000000000000000000001", wSGWeb: "40000000000000000000000000000002",
		},
		SecurityGroupRules: map[string]string{"1": "100", "2": "101", "3": "102", "4": "103"},
		Ports:              map[string]string{},
	}}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("result =\n%+v\nwant\n%+v", res, want)
	}
}

// What Waldur did not build is reported, not silently left out of the maps.
func TestMatchWaldurObjectsReportsMissing(t *testing.T) {
	p, err := planFromWaldur(waldurSampleSource(), waldurSampleDestination(), replication.Mappings{
		Networks: []string{wNetWeb}, SyncInstancePorts: true,
	}, replication.Target{})
	if err != nil {
		t.Fatal(err)
	}
	copied := waldurSampleCopy()
	copied.Subnets[1].CIDR = "10.0.1.0/24"
	// No rule for ssh, no port; "any address" shown as null matches 0.0.0.0/0.
	copied.SecurityGroups[0].Rules = copied.SecurityGroups[0].Rules[:2]
	copied.SecurityGroups[0].Rules[1].CIDR = nil
	res, missing := matchWaldurObjects(p, copied)
	kinds := map[string]string{}
	for _, m := range missing {
		kinds[m.Kind] += m.SourceID + " "
	}
	if kinds["port"] != wPortVM+" " || kinds["security_group_rule"] != "3 " {
		t.Errorf("missing = %+v", missing)
	}
	if res.Networks[wNetWeb] != "10000000000000000000000000000001" || res.SecurityGroupRules["2"] != "101" {
		t.Errorf("result = %+v", res)
	}
}
