package replication

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// TestCreateWaitingOutReservations: a create refused with OverQuota is tried again when the project's
// quota details show that only reservations stood in the way, also when the reservation is already
// gone (a concurrent request of the run held it); a shortage that usage explains fails at once.
func TestCreateWaitingOutReservations(t *testing.T) {
	defer func(w, p, m time.Duration) {
		staleReservationWait, staleReservationPoll, staleReservationPollMax = w, p, m
	}(staleReservationWait, staleReservationPoll, staleReservationPollMax)
	staleReservationWait, staleReservationPoll, staleReservationPollMax = 5*time.Second, 10*time.Millisecond, 40*time.Millisecond
	overQuota := &openstack.APIError{Status: 409, Type: "OverQuota", Message: "Quota exceeded for resources: ['port']."}
	for _, tc := range []struct {
		name           string
		used, reserved int
		wantCreates    int
		wantErr        bool
	}{
		{"reservation held by another request, released since", 230, 0, 2, false},
		{"a stale reservation, then released", 230, 70, 2, false},
		{"usage explains it", 250, 0, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var detailsRead atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reserved := tc.reserved
				if detailsRead.Add(1) > 1 {
					reserved = 0
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"quota": {"port": {"limit": 300, "used": ` + strconv.Itoa(tc.used) + `, "reserved": ` + strconv.Itoa(reserved) + `}}}`))
			}))
			t.Cleanup(srv.Close)
			e := &execution{dst: &openstack.Cloud{Network: &gophercloud.ServiceClient{
				ProviderClient: &gophercloud.ProviderClient{HTTPClient: *srv.Client()}, Endpoint: srv.URL + "/"}},
				res: &Result{ProjectID: "p1"}}
			creates := 0
			created, err := createWaitingOutReservations(context.Background(), e, openstack.Ports, 60, func() ([]openstack.Port, error) {
				creates++
				if creates == 1 {
					return nil, overQuota
				}
				return make([]openstack.Port, 60), nil
			})
			if creates != tc.wantCreates || (err != nil) != tc.wantErr || (!tc.wantErr && len(created) != 60) {
				t.Errorf("%d creates, %d created, err %v; want %d creates, error %v", creates, len(created), err, tc.wantCreates, tc.wantErr)
			}
		})
	}
}
