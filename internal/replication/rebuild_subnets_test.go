package replication

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestAnotherPass(t *testing.T) {
	leak := &LeakedAddressError{SubnetID: "s1", Address: "10.0.0.5", Err: errors.New("409")}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"success", nil, false},
		{"an answer lost (EOF), joined with another step's error", errors.Join(fmt.Errorf("ports: %w", io.EOF), errors.New("other")), true},
		{"a reset connection", fmt.Errorf("networks: %w", syscall.ECONNRESET), true},
		{"a 500", &openstack.APIError{Status: 500}, true},
		{"a 503 after the retries", fmt.Errorf("subnets: %w", &openstack.APIError{Status: 503}), true},
		{"leaked addresses", fmt.Errorf("ports: %w", leak), true},
		{"a 409 refusal", &openstack.APIError{Status: 409, Type: "Conflict"}, false},
		{"a 400", &openstack.APIError{Status: 400}, false},
		{"cancelled", fmt.Errorf("ports: %w", context.Canceled), false},
		{"cancelled while a connection broke", errors.Join(context.Canceled, io.EOF), false},
		{"out of time", context.DeadlineExceeded, false},
	} {
		if got := anotherPass(tc.err) != ""; got != tc.want {
			t.Errorf("%s: anotherPass(%v) = %q, want another pass %v", tc.name, tc.err, anotherPass(tc.err), tc.want)
		}
	}
}
