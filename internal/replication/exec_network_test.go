package replication

import (
	"errors"
	"fmt"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestAlreadyAttached(t *testing.T) {
	const router, subnet = "11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000"
	bySubnet := &openstack.APIError{Status: 400, Type: "BadRequest", Message: "Bad router request: Router already has a port on subnet " + subnet + "."}
	byPort := &openstack.APIError{Status: 409, Type: "PortInUse", Message: "Unable to complete operation on port p1 for network n1. Port already has an attached device " + router + "."}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"by subnet, wrapped", fmt.Errorf("attaching: %w", bySubnet), true},
		{"by port", byPort, true},
		{"another subnet", &openstack.APIError{Status: 400, Message: "Router already has a port on subnet other"}, false},
		{"the port on another device", &openstack.APIError{Status: 409, Type: "PortInUse", Message: "Port already has an attached device other-router."}, false},
		{"not an API error", errors.New("EOF"), false},
	} {
		if got := alreadyAttached(tc.err, router, subnet); got != tc.want {
			t.Errorf("%s: alreadyAttached = %v, want %v", tc.name, got, tc.want)
		}
	}
}
