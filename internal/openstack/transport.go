package openstack

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	return &retryingTransport{next: gate, attempts: 5, base: 200 * time.Millisecond}, gate
}

func isTokenRequest(req *http.Request) bool { return strings.HasSuffix(req.URL.Path, "/auth/tokens") }

// retryingTransport retries what a cloud answers when it is busy or briefly failing. Each attempt is
// counted below it, as it is sent (see newTransportStack).
//
// Which answers are retried, and why:
//   - 429 and 503 for every method: the server says it did not do the work.
//   - 500, 502, 504 and 409 only for idempotent methods (GET, HEAD, PUT, DELETE). A POST that failed that
//     way may still have created its object; repeating it could duplicate it. The engine's adoption on
//     re-run covers that case instead.
type retryingTransport struct {
	next     http.RoundTripper
	attempts int
	base     time.Duration
}

func (t *retryingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		if err != nil || attempt >= t.attempts || !retryable(req.Method, resp.StatusCode) {
			return resp, err
		}
		if req.Body != nil && req.GetBody == nil {
			return resp, nil // the body cannot be replayed
		}
		wait := t.backoff(attempt, resp)
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(wait):
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

func retryable(method string, status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusConflict:
		return method == http.MethodGet || method == http.MethodHead || method == http.MethodPut || method == http.MethodDelete
	}
	return false
}

// backoff doubles from base on each attempt, and honours a Retry-After in seconds up to a minute.
func (t *retryingTransport) backoff(attempt int, resp *http.Response) time.Duration {
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 && s <= 60 {
		return time.Duration(s) * time.Second
	}
	return t.base << (attempt - 1)
}
