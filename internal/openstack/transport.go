package openstack

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/httpretry"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/settle"
)

// newTransportStack builds a session's transport, from the top:
//   - retryingTransport retries transient failures;
//   - the write gate spreads Neutron writes over its API workers, on fresh connections (see writeGate);
//   - settle.Transport lets a write that has been sent finish when its run is stopped (a token request
//     excepted: it makes nothing);
//   - countingTransport counts each request as it is sent, retries included (they are real load);
//   - pooled, or fresh for gated writes, sends it.
//
// Endpoints are added to the returned gate once the service catalog is known.
func newTransportStack(pooled, fresh http.RoundTripper, counter *RequestCounter, slots int, spacing time.Duration) (*retryingTransport, *writeGate) {
	below := func(next http.RoundTripper) http.RoundTripper {
		return &settle.Transport{Next: &countingTransport{next: next, counter: counter}, Abandon: isTokenRequest}
	}
	gate := newWriteGate(below(pooled), below(fresh), slots, spacing)
	return &retryingTransport{next: gate, policy: retryPolicy}, gate
}

func isTokenRequest(req *http.Request) bool { return strings.HasSuffix(req.URL.Path, "/auth/tokens") }

// retryPolicy is how the transport retries. Which answers are retried, and why:
//   - 429 and 503 for every method: the server says it did not do the work.
//   - 500, 502, 504 and 409 only for idempotent methods (GET, HEAD, PUT, DELETE). A POST that failed that
//     way may still have created its object; repeating it could duplicate it. The engine's adoption on
//     re-run covers that case instead.
//
// Five attempts in all, 200 ms after the first failure, doubling. A Retry-After of up to a minute is
// honoured.
var retryPolicy = httpretry.Policy{
	MaxAttempts:          5,
	MinBackoff:           200 * time.Millisecond,
	MaxBackoff:           1600 * time.Millisecond,
	MaxRetryAfter:        time.Minute,
	RefuseLongRetryAfter: true,
	Rules: httpretry.Rules{
		{Statuses: []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}},
		{Methods: httpretry.Idempotent, Statuses: []int{http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusGatewayTimeout, http.StatusConflict}},
	},
}

// retryingTransport retries what a cloud answers when it is busy or briefly failing (see retryPolicy).
// Each attempt is counted below it, as it is sent (see newTransportStack).
type retryingTransport struct {
	next   http.RoundTripper
	policy httpretry.Policy
}

func (t *retryingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		wait, retry, refused := t.policy.Next(req.Method, attempt, time.Since(start), resp, err)
		var long *httpretry.RetryAfterError
		if errors.As(refused, &long) {
			// A wait longer than the policy allows is not honoured; the usual backoff applies instead.
			wait, retry = t.policy.Backoff(attempt), true
		}
		if !retry || (req.Body != nil && req.GetBody == nil) {
			return resp, nil // not worth another attempt, or the body cannot be replayed
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if err := httpretry.Sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
	}
}
