package replication

import (
	"reflect"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestSortedPoolsIgnoresNeutronOrder(t *testing.T) {
	got := sortedPools([]openstack.AllocationPool{{Start: "10.0.1.150", End: "10.0.1.200"}, {Start: "10.0.1.10", End: "10.0.1.99"}, {Start: "10.0.1.9", End: "10.0.1.9"}})
	want := []openstack.AllocationPool{{Start: "10.0.1.9", End: "10.0.1.9"}, {Start: "10.0.1.10", End: "10.0.1.99"}, {Start: "10.0.1.150", End: "10.0.1.200"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
