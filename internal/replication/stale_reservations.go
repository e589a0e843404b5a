package replication

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/httpretry"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Stale reservations. Neutron reserves quota for the objects a create asks for and releases the
// reservation when the request ends, or, when neutron-server died during it, when the reservation
// expires (about two minutes later). A run resumed right after such a crash, which is when users apply
// again, meets 409 OverQuota although the project holds fewer objects than its limit. A create refused
// so is tried again once the project's quota details show that the objects exist plus those asked for
// fit the limit (only reservations stand in the way), polled from staleReservationPoll doubling to
// staleReservationPollMax, for up to staleReservationWait. An OverQuota that usage explains fails at once.
//
// The reservation that refused a create may be gone by the time the details are read: a concurrent
// request of the same run (another port bulk) held it and has just ended (seen in the benchmark, the
// refusal 54 ms before the other bulk's end). Then nothing is reserved, what exists plus what is asked
// fits, and the create is tried again at once rather than failed as a shortage. Or it is still held:
// Neutron counts a bulk's ports as used once its transaction commits but holds its reservation until the
// request ends, seconds later on a busy server, and a bulk sent in that window is refused although both
// fit (in the benchmark: 120 used + 100 reserved + 100 asked against a limit of 300 that the run's 220
// ports fit). Polling from one second finds such a release within a second or two of it, and a
// crashed request's reservation within a few polls of its expiry.
var (
	staleReservationWait    = 3 * time.Minute
	staleReservationPoll    = time.Second
	staleReservationPollMax = 10 * time.Second
)

// createWaitingOutReservations runs create (of n objects of r) and, while it is refused for quota that
// only reservations hold, waits and runs it again.
func createWaitingOutReservations[T any](ctx context.Context, e *execution, r openstack.Resource, n int, create func() ([]T, error)) ([]T, error) {
	deadline := time.Now().Add(staleReservationWait)
	wait := staleReservationPoll
	for {
		created, err := create()
		var apiErr *openstack.APIError
		if err == nil || len(created) > 0 || !errors.As(err, &apiErr) || apiErr.Type != "OverQuota" || time.Now().After(deadline) {
			return created, err
		}
		details, derr := openstack.NetworkQuotaDetails(ctx, e.dst.Network, e.res.ProjectID)
		d, ok := details[r.Singular]
		if derr != nil || !ok || d.Limit < 0 || d.Used+n > d.Limit {
			return created, err // usage explains it, or it cannot be told: a real shortage
		}
		if d.Reserved == 0 {
			continue // what refused it is gone already
		}
		e.progress(fmt.Sprintf("waiting for Neutron to release %s quota reserved by another request, an interrupted one or "+
			"one of this run's that is ending (%d used + %d asked ≤ limit %d; %d reserved)",
			r.Singular, d.Used, n, d.Limit, d.Reserved), r.Singular, 0, 0, n)
		if err := httpretry.Sleep(ctx, wait); err != nil {
			return created, err
		}
		wait = min(2*wait, staleReservationPollMax)
	}
}
