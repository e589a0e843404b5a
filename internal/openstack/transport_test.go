package openstack

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/httpretry"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/transport"
)

func TestRetryingTransport(t *testing.T) {
	cases := []struct {
		name      string
		method    string
		statuses  []int
		wantCalls int32
		wantCode  int
	}{
		{"503 is retried for POST", http.MethodPost, []int{503, 201}, 2, 201},
		{"429 is retried for GET", http.MethodGet, []int{429, 429, 200}, 3, 200},
		{"500 is retried for PUT", http.MethodPut, []int{500, 200}, 2, 200},
		{"500 is not retried for POST", http.MethodPost, []int{500, 201}, 1, 500},
		{"409 is retried for DELETE", http.MethodDelete, []int{409, 204}, 2, 204},
		{"404 is never retried", http.MethodGet, []int{404, 200}, 1, 404},
		{"attempts are bounded", http.MethodGet, []int{503, 503, 503, 503, 200}, 3, 503},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			var bodies []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				w.WriteHeader(tc.statuses[n-1])
			}))
			defer srv.Close()
			counter := NewRequestCounter()
			policy := retryPolicy
			policy.MaxAttempts, policy.MinBackoff, policy.MaxBackoff = 3, time.Millisecond, 4*time.Millisecond
			client := &http.Client{Transport: &retryingTransport{next: &countingTransport{next: http.DefaultTransport, counter: counter}, policy: policy}}
			req, _ := http.NewRequest(tc.method, srv.URL+"/v2.0/ports/0f6b2a86-4d0f-4bd3-9a55-5b8e9f0f4c11", strings.NewReader(`{"x":1}`))
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantCode || calls.Load() != tc.wantCalls {
				t.Fatalf("got status %d after %d calls, want %d after %d", resp.StatusCode, calls.Load(), tc.wantCode, tc.wantCalls)
			}
			for _, b := range bodies {
				if b != `{"x":1}` {
					t.Fatalf("body not replayed on retry: %q", b)
				}
			}
			if got := counter.Total(tc.method); got != int(tc.wantCalls) {
				t.Fatalf("counter saw %d %s requests, want %d", got, tc.method, tc.wantCalls)
			}
			if _, ok := counter.Snapshot()["identity "+tc.method+" /v2.0/ports/{id}"]; !ok {
				t.Fatalf("ids not folded in counter keys: %v", counter.Snapshot())
			}
		})
	}
}

// fastPolicy is retryPolicy with waits short enough for tests and a time budget of budget.
func fastPolicy(budget time.Duration) httpretry.Policy {
	p := retryPolicy
	p.MinBackoff, p.MaxBackoff, p.MaxElapsed = 5*time.Millisecond, 20*time.Millisecond, budget
	return p
}

// restartingServer is a fake service that can be stopped and started again on the same address, as a
// service restart does. It records the method and body of every request its handler sees.
type restartingServer struct {
	t       *testing.T
	addr    string
	handler func(w http.ResponseWriter, r *http.Request, n int) // n counts the requests seen, from 1

	mu       sync.Mutex
	srv      *http.Server
	requests []string // "METHOD body"
}

func newRestartingServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int)) *restartingServer {
	s := &restartingServer{t: t, handler: handler}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	s.serve(l)
	t.Cleanup(s.stop)
	return s
}

func (s *restartingServer) url(path string) string { return "http://" + s.addr + path }

func (s *restartingServer) serve(l net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+string(b))
		n := len(s.requests)
		s.mu.Unlock()
		if s.handler != nil {
			s.handler(w, r, n)
		}
	})}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
}

// stop closes the listener and every connection, those with a request in flight included.
func (s *restartingServer) stop() {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	_ = srv.Close()
}

// startAfter starts the server again on its address after d.
func (s *restartingServer) startAfter(d time.Duration) {
	go func() {
		time.Sleep(d)
		for i := 0; ; i++ {
			l, err := net.Listen("tcp", s.addr)
			if err == nil {
				s.serve(l)
				return
			}
			if i == 50 {
				s.t.Errorf("listening again on %s: %v", s.addr, err)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
}

func (s *restartingServer) seen(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if strings.HasPrefix(r, method+" ") {
			n++
		}
	}
	return n
}

// testClient sends through a retrying transport over a counter over a keep-alive pool of its own.
func testClient(t *testing.T, policy httpretry.Policy) (*http.Client, *RequestCounter) {
	pool := transport.CloneDefault()
	t.Cleanup(pool.CloseIdleConnections)
	counter := NewRequestCounter()
	return &http.Client{Transport: &retryingTransport{next: &countingTransport{next: pool, counter: counter}, policy: policy}}, counter
}

func do(ctx context.Context, c *http.Client, method, url string) (int, error) {
	var body io.Reader
	if method == http.MethodPost || method == http.MethodPut {
		body = strings.NewReader(`{"network":{}}`)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestRetryingTransportRidesOutRestart restarts a service between requests: while it is down, a GET and
// a POST are refused a connection, and both go through once it is back, the POST made once.
//
// The GET goes right after the service stopped, possibly on the kept-alive connection the service has
// just closed, and is made again either way. The POST goes a moment later, as in a run: by then the
// client has seen the old connection close and dials anew. A POST sent on the closed connection itself
// would fail with EOF, and rightly not be repeated: the client cannot tell it from one the service
// received.
func TestRetryingTransportRidesOutRestart(t *testing.T) {
	srv := newRestartingServer(t, nil)
	client, counter := testClient(t, fastPolicy(10*time.Second))
	ctx := context.Background()
	networks := srv.url("/v2.0/networks")
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if code, err := do(ctx, client, m, networks); err != nil || code != http.StatusOK {
			t.Fatalf("%s before the restart: %d, %v", m, code, err)
		}
	}
	for _, tc := range []struct {
		method string
		after  time.Duration
	}{{http.MethodGet, 0}, {http.MethodPost, 50 * time.Millisecond}} {
		srv.stop()
		time.Sleep(tc.after)
		before := counter.Total(tc.method)
		start := time.Now()
		srv.startAfter(300 * time.Millisecond)
		if code, err := do(ctx, client, tc.method, networks); err != nil || code != http.StatusOK {
			t.Fatalf("%s across the restart: %d, %v", tc.method, code, err)
		}
		if d := time.Since(start); d < 250*time.Millisecond {
			t.Errorf("%s answered after %v, before the service was back", tc.method, d)
		}
		if attempts := counter.Total(tc.method) - before; attempts < 3 {
			t.Errorf("%s: %d attempts, want several refused ones first", tc.method, attempts)
		}
	}
	if got := srv.seen(http.MethodPost); got != 2 {
		t.Fatalf("the service saw %d POSTs, want 2 (one before the restart, one after)", got)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, r := range srv.requests {
		if strings.HasPrefix(r, "POST") && r != `POST {"network":{}}` {
			t.Fatalf("body not replayed: %q", r)
		}
	}
}

// TestRetryingTransportRestartMidRequest restarts a service while a request is in flight: the GET is
// made again once the service is back; the POST, which the service had received, is not.
func TestRetryingTransportRestartMidRequest(t *testing.T) {
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var srv *restartingServer
	srv = newRestartingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 || (r.Method == http.MethodPost && srv.seen(http.MethodPost) == 1) {
			arrived <- struct{}{}
			<-release // the restart cuts this request off
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	client, _ := testClient(t, fastPolicy(10*time.Second))
	ctx := context.Background()

	restartOnArrival := func() {
		<-arrived
		srv.stop()
		srv.startAfter(200 * time.Millisecond)
	}
	go restartOnArrival()
	if code, err := do(ctx, client, http.MethodGet, srv.url("/v2.0/ports")); err != nil || code != http.StatusOK {
		t.Fatalf("GET cut off by a restart: %d, %v", code, err)
	}
	if got := srv.seen(http.MethodGet); got != 2 {
		t.Fatalf("the service saw %d GETs, want 2", got)
	}

	go restartOnArrival()
	_, err := do(ctx, client, http.MethodPost, srv.url("/v2.0/ports"))
	if err == nil {
		t.Fatal("a POST cut off after it was sent must fail")
	}
	time.Sleep(400 * time.Millisecond) // the service is back: a retry, if any, would arrive
	if got := srv.seen(http.MethodPost); got != 1 {
		t.Fatalf("the service saw %d POSTs, want 1: a POST it received must not be sent again", got)
	}
}

// TestRetryingTransportBrokenConnections hangs up on requests once they have been read: a connection
// reset, a connection closed without an answer, and a 502. GET, PUT and DELETE are made again; a POST is
// not, since the service had it.
func TestRetryingTransportBrokenConnections(t *testing.T) {
	hangUp := func(reset bool) func(w http.ResponseWriter, r *http.Request, n int) {
		return func(w http.ResponseWriter, r *http.Request, n int) {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Errorf("the ResponseWriter is a %T, not an http.Hijacker", w)
				return
			}
			c, _, err := hj.Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			if reset {
				tc, ok := c.(*net.TCPConn)
				if !ok {
					t.Errorf("the hijacked connection is a %T, not a *net.TCPConn", c)
				} else {
					_ = tc.SetLinger(0) // close with a RST
				}
			}
			c.Close()
		}
	}
	failures := []struct {
		name    string
		fail    func(w http.ResponseWriter, r *http.Request, n int)
		postErr func(error) bool // what a POST gets; nil: the 502 answer
	}{
		{"reset", hangUp(true), func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }},
		{"closed without an answer", hangUp(false), func(err error) bool { return errors.Is(err, io.EOF) }},
		{"502", func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(http.StatusBadGateway) }, nil},
	}
	for _, f := range failures {
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPost} {
			t.Run(f.name+" "+method, func(t *testing.T) {
				srv := newRestartingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
					if n <= 2 {
						f.fail(w, r, n)
						return
					}
					w.WriteHeader(http.StatusOK)
				})
				client, _ := testClient(t, fastPolicy(10*time.Second))
				code, err := do(context.Background(), client, method, srv.url("/v2.0/routers/0f6b2a86-4d0f-4bd3-9a55-5b8e9f0f4c11"))
				if method != http.MethodPost {
					if err != nil || code != http.StatusOK || srv.seen(method) != 3 {
						t.Fatalf("%d, %v after %d requests; want 200 after 3", code, err, srv.seen(method))
					}
					return
				}
				if got := srv.seen(method); got != 1 {
					t.Fatalf("the service saw %d POSTs, want 1", got)
				}
				switch {
				case f.postErr == nil && (err != nil || code != http.StatusBadGateway):
					t.Fatalf("%d, %v; want the 502 answer", code, err)
				case f.postErr != nil && (err == nil || !f.postErr(err)):
					t.Fatalf("%d, %v; want the connection's error", code, err)
				}
			})
		}
	}
}

// TestRetryingTransportBudgets checks that an outage is retried for a time, however many attempts that
// takes, while an answer that may last keeps its five attempts.
func TestRetryingTransportBudgets(t *testing.T) {
	for _, tc := range []struct {
		name         string
		status       int
		minAttempts  int
		maxAttempts  int
		takesTheTime bool
	}{
		{"503 for the time budget", http.StatusServiceUnavailable, 8, 1000, true},
		{"504 for the time budget", http.StatusGatewayTimeout, 8, 1000, true},
		{"409 five times", http.StatusConflict, 5, 5, false},
		{"500 five times", http.StatusInternalServerError, 5, 5, false},
		{"429 five times", http.StatusTooManyRequests, 5, 5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRestartingServer(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(tc.status) })
			const budget = 400 * time.Millisecond
			client, _ := testClient(t, fastPolicy(budget))
			start := time.Now()
			code, err := do(context.Background(), client, http.MethodGet, srv.url("/v2.0/networks"))
			took := time.Since(start)
			if err != nil || code != tc.status {
				t.Fatalf("%d, %v; want the last answer, %d", code, err, tc.status)
			}
			if n := srv.seen(http.MethodGet); n < tc.minAttempts || n > tc.maxAttempts {
				t.Fatalf("%d attempts, want %d to %d", n, tc.minAttempts, tc.maxAttempts)
			}
			if took > budget+500*time.Millisecond || (tc.takesTheTime && took < budget-50*time.Millisecond) {
				t.Fatalf("gave up after %v; budget %v", took, budget)
			}
		})
	}
}

// TestRetryingTransportRetryAfter checks that a Retry-After the budget can hold is waited, and one it
// cannot fails the request at once with an error that says so, instead of being replaced by a short
// backoff.
func TestRetryingTransportRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter string
		budget     time.Duration
		wantWait   time.Duration // 0: the request fails at once
		wantInErr  string
	}{
		{"within the budget", "1", 10 * time.Second, time.Second, ""},
		{"over the cap", "120", time.Minute, 0, "asked to be retried in 2m0s, longer than this client waits (1m0s)"},
		{"past the budget", "2", time.Second, 0, "asked to be retried in 2s, longer than this client waits"},
		{"a date over the cap", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), time.Minute, 0, "HTTP 503"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRestartingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					w.Header().Set("Retry-After", tc.retryAfter)
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.WriteHeader(http.StatusCreated)
			})
			client, _ := testClient(t, fastPolicy(tc.budget))
			start := time.Now()
			code, err := do(context.Background(), client, http.MethodPost, srv.url("/v2.0/ports"))
			took := time.Since(start)
			if tc.wantWait > 0 {
				if err != nil || code != http.StatusCreated || took < tc.wantWait-50*time.Millisecond {
					t.Fatalf("%d, %v after %v; want 201 after %v", code, err, took, tc.wantWait)
				}
				return
			}
			var long *httpretry.RetryAfterError
			if !errors.As(err, &long) || !strings.Contains(err.Error(), tc.wantInErr) {
				t.Fatalf("%d, %v; want a RetryAfterError saying %q", code, err, tc.wantInErr)
			}
			if took > 500*time.Millisecond || srv.seen(http.MethodPost) != 1 {
				t.Fatalf("failed after %v and %d attempts; want at once, after 1", took, srv.seen(http.MethodPost))
			}
		})
	}
}

// TestRetryingTransportStopsWithContext checks that a run that stops is not held by the retry budget.
func TestRetryingTransportStopsWithContext(t *testing.T) {
	srv := newRestartingServer(t, nil)
	srv.stop() // and never back
	client, _ := testClient(t, retryPolicy)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		start := time.Now()
		_, err := do(ctx, client, method, srv.url("/v2.0/networks"))
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
			t.Fatalf("%s: %v after %v; want the context's end, at once", method, err, time.Since(start))
		}
	}
}

// TestTransportStackRetriesRefusedWrite sends a Neutron write through the whole stack (the write gate
// opens a fresh connection per attempt) while Neutron restarts: it is refused, then made once.
func TestTransportStackRetriesRefusedWrite(t *testing.T) {
	srv := newRestartingServer(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(http.StatusCreated) })
	pooled := transport.CloneDefault()
	t.Cleanup(pooled.CloseIdleConnections)
	fresh := pooled.Clone()
	fresh.DisableKeepAlives = true
	counter := NewRequestCounter()
	rt, gate := newTransportStack(pooled, fresh, counter, gateSettings{slots: 2, spacing: time.Millisecond})
	rt.policy = fastPolicy(10 * time.Second)
	gate.addEndpoint(srv.url("/network/"))
	srv.stop()
	srv.startAfter(200 * time.Millisecond)
	code, err := do(context.Background(), &http.Client{Transport: rt}, http.MethodPost, srv.url("/network/v2.0/ports"))
	if err != nil || code != http.StatusCreated {
		t.Fatalf("%d, %v", code, err)
	}
	if srv.seen(http.MethodPost) != 1 || counter.Total(http.MethodPost) < 2 {
		t.Fatalf("the service saw %d POSTs after %d attempts; want 1 after several", srv.seen(http.MethodPost), counter.Total(http.MethodPost))
	}
}
