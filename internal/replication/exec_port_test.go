package replication

import (
	"reflect"
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// networksOf spells a run of items by network: "aab" is two items of network a, then one of b.
func networksOf(s string) []string { return strings.Split(s, "")[:len(s):len(s)] }

func TestBulkRanges(t *testing.T) {
	for _, tc := range []struct {
		name     string
		networks string
		k        int
		want     [][2]int
	}{
		{"none", "", 2, nil},
		{"one bulk", "aabb", 1, [][2]int{{0, 4}}},
		{"cut on the boundary", "aaaabbbb", 2, [][2]int{{0, 4}, {4, 8}}},
		{"cut moved to the nearest boundary", "aaaaaabb", 2, [][2]int{{0, 6}, {6, 8}}},
		{"boundary too far: even halves", "aaaaaaaaab", 2, [][2]int{{0, 5}, {5, 10}}},
		{"one network: even halves", "aaaaaaa", 2, [][2]int{{0, 4}, {4, 7}}},
		{"three bulks", "aaabbbccc", 3, [][2]int{{0, 3}, {3, 6}, {6, 9}}},
		{"three bulks, snapped", "aaaabbbbcc", 3, [][2]int{{0, 4}, {4, 8}, {8, 10}}},
		{"more bulks than items", "ab", 5, [][2]int{{0, 1}, {1, 2}}},
		{"k below one", "ab", 0, [][2]int{{0, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := bulkRanges(networksOf(tc.networks), tc.k)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("bulkRanges(%q, %d) = %v, want %v", tc.networks, tc.k, got, tc.want)
			}
		})
	}
}

// The ranges always cover every item once, in order, with no empty range.
func TestBulkRangesCover(t *testing.T) {
	for _, s := range []string{"a", "ab", "aaabbbbbbbcdddddddddddddeef", "abcdefghij", "aaaaaaaaaaaaaaaaab"} {
		for k := 1; k <= 6; k++ {
			ranges := bulkRanges(networksOf(s), k)
			if len(ranges) == 0 || len(ranges) > k {
				t.Fatalf("%q k=%d: %d ranges", s, k, len(ranges))
			}
			next := 0
			for _, r := range ranges {
				if r[0] != next || r[1] <= r[0] {
					t.Fatalf("%q k=%d: ranges %v do not tile [0,%d)", s, k, ranges, len(s))
				}
				next = r[1]
			}
			if next != len(s) {
				t.Fatalf("%q k=%d: ranges %v end at %d, want %d", s, k, ranges, next, len(s))
			}
		}
	}
}

func TestByNetworkKeepsOrderWithinANetwork(t *testing.T) {
	ports := []PortPlan{{SourceID: "1", NetworkSourceID: "n2"}, {SourceID: "2", NetworkSourceID: "n1"},
		{SourceID: "3", NetworkSourceID: "n2"}, {SourceID: "4", NetworkSourceID: "n1"}}
	var got []string
	for _, p := range byNetwork(ports) {
		got = append(got, p.SourceID)
	}
	if want := []string{"2", "4", "1", "3"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("byNetwork order = %v, want %v", got, want)
	}
	if ports[0].SourceID != "1" {
		t.Fatal("byNetwork reordered its input")
	}
}

// A derived address is not sent (Neutron refuses it), only its subnet; a port without addresses sends an
// empty list, not none (which would let Neutron allocate).
func TestPortBodyAddresses(t *testing.T) {
	e := &execution{res: &Result{IDMaps: IDMaps{Subnets: map[string]string{"s4": "d4", "s6": "d6"}, SecurityGroups: map[string]string{}}}}
	body := e.portBody(PortPlan{FixedIPs: []PlannedFixedIP{{SubnetSourceID: "s4", IPAddress: "10.0.0.5"},
		{SubnetSourceID: "s6", IPAddress: "fd00::f816:3eff:fe00:1", Derived: true}}}, "n")
	if want := []openstack.FixedIP{{SubnetID: "d4", IPAddress: "10.0.0.5"}, {SubnetID: "d6"}}; !reflect.DeepEqual(body.FixedIPs, want) {
		t.Errorf("fixed IPs sent = %+v, want %+v", body.FixedIPs, want)
	}
	if body := e.portBody(PortPlan{FixedIPs: []PlannedFixedIP{}}, "n"); body.FixedIPs == nil || len(body.FixedIPs) != 0 {
		t.Errorf("fixed IPs sent for a port without addresses = %#v, want an empty list", body.FixedIPs)
	}
}
