package openstack

import (
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
func newTransportStack(pooled, fresh http.RoundTripper, counter *RequestCounter, gs gateSettings) (*retryingTransport, *writeGate) {
	below := func(next http.RoundTripper) http.RoundTripper {
		return &settle.Transport{Next: &countingTransport{next: next, counter: counter}, Abandon: isTokenRequest}
	}
	gate := newWriteGate(below(pooled), below(fresh), gs)
	return &retryingTransport{next: gate, policy: retryPolicy}, gate
}

func isTokenRequest(req *http.Request) bool { return strings.HasSuffix(req.URL.Path, "/auth/tokens") }

// retryPolicy is how the transport retries. It tells two kinds of trouble apart.
//
// A service that is down or restarting (Neutron, Keystone, the proxy in front of them) refuses or drops
// connections, or its proxy answers 502, 503 or 504, for as long as the restart takes, however often it
// is asked. Those failures are retried for up to a minute in all, the wait doubling from 200 ms to at
// most 4 s, ±20% so that the engine's parallel requests do not return in step:
//   - connection refused, reset or closed before an answer, 502 and 504: for GET, HEAD, PUT and DELETE,
//     which can be repeated;
//   - 503, and a connection that could not be made at all (the request never left): for every method, a
//     POST included, since the server did nothing.
//
// A POST is never repeated once it may have reached the server (a connection lost after it was sent, a
// 500, 502 or 504): it may have created its object, and repeating it could duplicate it. The engine's
// adoption on re-run covers that case instead. That includes a POST sent on a kept-alive connection at
// the moment the server closed it: it fails with EOF, which cannot be told from a POST the server
// received. Neutron's writes go on fresh connections (see writeGate), so for them a restart shows as a
// refused connection, which is retried.
//
// Answers that may or may not clear by themselves keep five attempts in all (within the same minute):
// 429 for every method; 500 and 409 for GET, HEAD, PUT and DELETE. A lasting conflict, such as a network
// still in use, then fails in seconds rather than a minute.
//
// A Retry-After of up to a minute is honoured. One the minute cannot honour (longer, or ending after it)
// fails the request at once with a *httpretry.RetryAfterError that says how long the server asked for:
// retrying sooner only meets a server that said it is not ready.
var retryPolicy = httpretry.Policy{
	MaxElapsed:           time.Minute,
	MinBackoff:           200 * time.Millisecond,
	MaxBackoff:           4 * time.Second,
	Jitter:               0.2,
	MaxRetryAfter:        time.Minute,
	RefuseLongRetryAfter: true,
	Rules: httpretry.Rules{
		{Statuses: []int{http.StatusServiceUnavailable}, Errors: httpretry.NotSent},
		{Methods: httpretry.Idempotent, Statuses: []int{http.StatusBadGateway, http.StatusGatewayTimeout},
			Errors: httpretry.ConnectionError},
		{Statuses: []int{http.StatusTooManyRequests}, Attempts: 5},
		{Methods: httpretry.Idempotent, Statuses: []int{http.StatusInternalServerError, http.StatusConflict}, Attempts: 5},
	},
}

// retryingTransport retries what a cloud answers when it is busy or briefly failing (see retryPolicy).
// Each attempt is counted below it, as it is sent (see newTransportStack).
type retryingTransport struct {
	next   http.RoundTripper
	policy httpretry.Policy
}

func (t *retryingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	start := time.Now()
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		if (err != nil && ctx.Err() != nil) || (req.Body != nil && req.GetBody == nil) {
			return resp, err // the run is stopping, or the body cannot be replayed
		}
		wait, retry, refused := t.policy.Next(req.Method, attempt, time.Since(start), resp, err)
		if refused != nil || retry {
			discard(resp)
		}
		if refused != nil {
			return nil, refused
		}
		if !retry {
			return resp, err
		}
		if err := httpretry.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(ctx)
			req.Body = body
		}
	}
}

// discard reads a little of an answer that will not be returned, so that its connection can be reused,
// and closes it.
func discard(resp *http.Response) {
	if resp == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
}
