package openstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/transport"
)

// gateServer is a fake cloud that records, per request, the client's address, and how many requests
// its handler runs at once.
type gateServer struct {
	*httptest.Server
	mu          sync.Mutex
	remotes     []string
	newConns    atomic.Int32
	inFlight    atomic.Int32
	maxInFlight atomic.Int32
	hold        time.Duration
	status      func(n int) int // the status of the n-th request (from 1); 201 when nil
	calls       atomic.Int32
	block       chan struct{} // when not nil, the handler waits for it to be closed
}

// newGateServer starts a gateServer; configure, when not nil, sets its fields before it starts.
func newGateServer(t *testing.T, hold time.Duration, configure func(*gateServer)) *gateServer {
	s := &gateServer{hold: hold}
	if configure != nil {
		configure(s)
	}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.calls.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		s.remotes = append(s.remotes, r.RemoteAddr)
		s.mu.Unlock()
		cur := s.inFlight.Add(1)
		for m := s.maxInFlight.Load(); cur > m && !s.maxInFlight.CompareAndSwap(m, cur); m = s.maxInFlight.Load() {
		}
		if s.block != nil {
			<-s.block
		}
		time.Sleep(s.hold)
		s.inFlight.Add(-1)
		status := http.StatusCreated
		if s.status != nil {
			status = s.status(int(n))
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"port":{"id":"x"}}`)
	}))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.newConns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// unavailableAt answers the n-th request with 503 and every other with 201.
func unavailableAt(n int) func(int) int {
	return func(i int) int {
		if i == n {
			return http.StatusServiceUnavailable
		}
		return http.StatusCreated
	}
}

func (s *gateServer) distinctRemotes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, r := range s.remotes {
		seen[r] = true
	}
	return len(seen)
}

// recordingTransport notes when each request starts through it.
type recordingTransport struct {
	next   http.RoundTripper
	mu     sync.Mutex
	starts []time.Time
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.starts = append(r.starts, time.Now())
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recordingTransport) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.starts)
}

// testGate returns a gate whose pooled and fresh transports are recorded, gating srv's /network/.
func testGate(t *testing.T, srv *gateServer, slots int, spacing time.Duration) (*writeGate, *recordingTransport, *recordingTransport) {
	pooledT := transport.CloneDefault()
	freshT := pooledT.Clone()
	freshT.DisableKeepAlives = true
	t.Cleanup(pooledT.CloseIdleConnections)
	pooled, fresh := &recordingTransport{next: pooledT}, &recordingTransport{next: freshT}
	g := newWriteGate(pooled, fresh, gateSettings{slots: slots, spacing: spacing})
	g.addEndpoint(srv.URL + "/network/")
	g.addEndpoint(srv.URL + "/network") // the same endpoint again changes nothing
	if len(g.lanes) != 1 {
		t.Fatalf("%d lanes after adding one endpoint twice", len(g.lanes))
	}
	return g, pooled, fresh
}

func send(t *testing.T, ctx context.Context, rt http.RoundTripper, method, url string) (*http.Response, error) {
	t.Helper()
	var body io.Reader
	if method != http.MethodGet && method != http.MethodHead {
		body = strings.NewReader(`{"port":{}}`)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return resp, err
}

func TestWriteGateSlotsSpacingFreshConnections(t *testing.T) {
	// Each write takes longer than three spacings, so without the slots more would overlap.
	const slots, spacing, writes = 2, 40 * time.Millisecond, 8
	srv := newGateServer(t, 150*time.Millisecond, nil)
	g, pooled, fresh := testGate(t, srv, slots, spacing)
	var wg sync.WaitGroup
	errs := make(chan error, writes)
	for i := range writes {
		method := []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}[i%4]
		wg.Go(func() {
			if _, err := send(t, context.Background(), g, method, srv.URL+"/network/v2.0/ports"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := srv.maxInFlight.Load(); got > slots {
		t.Errorf("%d gated requests in flight at once, want at most %d", got, slots)
	}
	if fresh.count() != writes || pooled.count() != 0 {
		t.Errorf("fresh transport sent %d, pooled %d; want %d and 0", fresh.count(), pooled.count(), writes)
	}
	fresh.mu.Lock()
	starts := slices.Clone(fresh.starts)
	fresh.mu.Unlock()
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	for i := 1; i < len(starts); i++ {
		// The gate spaces the starts themselves; the margin only covers the instant between the gate
		// letting a request go and the recorder noting it.
		if gap := starts[i].Sub(starts[i-1]); gap < spacing*3/4 {
			t.Errorf("gated requests %d and %d started %v apart, want at least %v", i-1, i, gap, spacing)
		}
	}
	if n, d := srv.newConns.Load(), srv.distinctRemotes(); n != writes || d != writes {
		t.Errorf("%d requests came on %d new connections from %d addresses; each must have its own", writes, n, d)
	}
}

func TestWriteGateLetsReadsAndOtherServicesThrough(t *testing.T) {
	srv := newGateServer(t, 0, nil)
	// One slot and a spacing far longer than the test: a request that went through the gate would show.
	g, pooled, fresh := testGate(t, srv, 1, time.Hour)
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/network/v2.0/ports"}, {http.MethodHead, "/network/v2.0/ports"}, {http.MethodGet, "/network/v2.0/networks"},
		{http.MethodPost, "/compute/v2.1/servers"}, {http.MethodPost, "/networks-elsewhere/x"}, {http.MethodDelete, "/v3/projects/x"},
	} {
		if _, err := send(t, context.Background(), g, r.method, srv.URL+r.path); err != nil {
			t.Fatalf("%s %s: %v", r.method, r.path, err)
		}
	}
	if fresh.count() != 0 || pooled.count() != 6 {
		t.Fatalf("fresh transport sent %d, pooled %d; want 0 and 6", fresh.count(), pooled.count())
	}
	if n := srv.newConns.Load(); n != 1 {
		t.Errorf("ungated requests used %d connections, want the pooled one", n)
	}
}

func TestWriteGateCancelWhileWaiting(t *testing.T) {
	// One write is held in flight by the server; a second must wait, for a slot (one slot) or for its
	// start (two slots, an hour's spacing), and is cancelled while it waits.
	for _, tc := range []struct {
		name    string
		slots   int
		spacing time.Duration
	}{{"for a slot", 1, -1}, {"for its start", 2, time.Hour}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newGateServer(t, 0, func(s *gateServer) { s.block = make(chan struct{}) })
			g, _, _ := testGate(t, srv, tc.slots, tc.spacing)
			held := make(chan error, 1)
			go func() {
				_, err := send(t, context.Background(), g, http.MethodPost, srv.URL+"/network/v2.0/ports")
				held <- err
			}()
			for srv.calls.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			waitCancelled(t, g, srv.URL+"/network/v2.0/ports")
			close(srv.block)
			if err := <-held; err != nil {
				t.Fatal(err)
			}
			if n := srv.calls.Load(); n != 1 {
				t.Fatalf("the server saw %d requests, want 1: the cancelled one must not be sent", n)
			}
		})
	}
}

// A write with no other in flight has no worker to steer away from: it is not spaced.
func TestWriteGateDoesNotSpaceSequentialWrites(t *testing.T) {
	srv := newGateServer(t, 0, nil)
	g, _, fresh := testGate(t, srv, 2, time.Hour)
	done := make(chan error, 1)
	go func() {
		for range 3 {
			if _, err := send(t, context.Background(), g, http.MethodPost, srv.URL+"/network/v2.0/ports"); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("sequential writes were held back by the spacing")
	}
	if fresh.count() != 3 {
		t.Fatalf("fresh transport sent %d, want 3", fresh.count())
	}
}

// waitCancelled sends a write that must wait at the gate, cancels it, and checks it returns promptly.
func waitCancelled(t *testing.T, g *writeGate, url string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(30*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{}`))
		resp, err := g.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a request cancelled while waiting at the gate did not return")
	}
}

// TestWriteGateBelowRetries checks that retried writes pass the gate again, each on a fresh connection,
// and that the counter counts every attempt once.
func TestWriteGateBelowRetries(t *testing.T) {
	srv := newGateServer(t, 0, func(s *gateServer) { s.status = unavailableAt(1) })
	pooledT := transport.CloneDefault()
	freshT := pooledT.Clone()
	freshT.DisableKeepAlives = true
	t.Cleanup(pooledT.CloseIdleConnections)
	pooled, fresh := &recordingTransport{next: pooledT}, &recordingTransport{next: freshT}
	counter := NewRequestCounter()
	counter.registerService("network", srv.URL+"/network/")
	rt, g := newTransportStack(pooled, fresh, counter, gateSettings{slots: 2, spacing: time.Millisecond})
	rt.policy.MinBackoff = time.Millisecond
	g.addEndpoint(srv.URL + "/network/")
	resp, err := send(t, context.Background(), rt, http.MethodPost, srv.URL+"/network/v2.0/ports")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if _, err := send(t, context.Background(), rt, http.MethodGet, srv.URL+"/network/v2.0/ports"); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"network POST /network/v2.0/ports": 2, "network GET /network/v2.0/ports": 1}
	if got := counter.Snapshot(); len(got) != len(want) || got["network POST /network/v2.0/ports"] != 2 || got["network GET /network/v2.0/ports"] != 1 {
		t.Fatalf("counter = %v, want %v", got, want)
	}
	if fresh.count() != 2 || pooled.count() != 1 || srv.calls.Load() != 3 || srv.distinctRemotes() != 3 {
		t.Fatalf("fresh %d, pooled %d, server calls %d from %d addresses; want 2, 1, 3, 3",
			fresh.count(), pooled.count(), srv.calls.Load(), srv.distinctRemotes())
	}
}

func TestNetworkWriteGateDefaults(t *testing.T) {
	for _, tc := range []struct {
		cfg     Config
		slots   int
		spacing time.Duration
	}{
		{Config{}, 2, 100 * time.Millisecond},
		{Config{NetworkWriteSlots: 4, NetworkWriteSpacing: 50 * time.Millisecond}, 4, 50 * time.Millisecond},
		{Config{NetworkWriteSlots: -1, NetworkWriteSpacing: -1}, 2, 0},
	} {
		if gs := networkWriteGate(tc.cfg); gs.slots != tc.slots || gs.spacing != tc.spacing {
			t.Errorf("%+v: got %d, %v; want %d, %v", tc.cfg, gs.slots, gs.spacing, tc.slots, tc.spacing)
		}
	}
}

func TestWriteGateTrace(t *testing.T) {
	srv := newGateServer(t, 0, func(s *gateServer) { s.status = unavailableAt(2) })
	for _, adaptive := range []bool{false, true} {
		srv.calls.Store(0)
		var mu sync.Mutex
		var events []WriteEvent
		tracer := &WriteTracer{Observe: func(e WriteEvent) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, e)
		}}
		pooledT := transport.CloneDefault()
		freshT := pooledT.Clone()
		freshT.DisableKeepAlives = true
		g := newWriteGate(pooledT, freshT, gateSettings{slots: 4, spacing: -1, adaptive: adaptive, trace: tracer})
		g.addEndpoint(srv.URL + "/network/")
		for range 3 {
			if _, err := send(t, context.Background(), g, http.MethodPost, srv.URL+"/network/v2.0/ports/0123456789abcdef/bindings"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := send(t, context.Background(), g, http.MethodGet, srv.URL+"/network/v2.0/ports"); err != nil {
			t.Fatal(err)
		}
		if len(events) != 3 {
			t.Fatalf("adaptive %t: %d events for 3 writes and a read, want 3: %+v", adaptive, len(events), events)
		}
		wantLimit := []float64{4, 4, 4}
		if adaptive {
			// Starts at 2; the 503 cuts a quarter; the next takes the only slot (saturated) and adds 1/1.5.
			wantLimit = []float64{2, 1.5, 1.5 + 1/1.5}
		}
		for i, e := range events {
			wantStatus := map[bool]int{true: http.StatusServiceUnavailable, false: http.StatusCreated}[i == 1]
			if e.Class != "POST /network/v2.0/ports/{id}/bindings 2^3" || e.Status != wantStatus || e.Limit != wantLimit[i] ||
				e.Congested != (adaptive && i == 1) || e.InFlight != 1 || e.Endpoint != strings.TrimPrefix(srv.URL, "http://")+"/network/" {
				t.Errorf("adaptive %t: event %d = %+v, want status %d, limit %v", adaptive, i, e, wantStatus, wantLimit[i])
			}
		}
		pooledT.CloseIdleConnections()
	}
}

// orderTransport records the paths of the requests it sends, in order.
type orderTransport struct {
	next  http.RoundTripper
	mu    sync.Mutex
	paths []string
}

func (o *orderTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	o.mu.Lock()
	o.paths = append(o.paths, req.URL.Path)
	o.mu.Unlock()
	return o.next.RoundTrip(req)
}

// A slot that frees goes to the write that has waited longest: many writes queued after a large one
// do not pass it over.
func TestWriteGateFirstComeFirstServed(t *testing.T) {
	block := make(chan struct{})
	srv := newGateServer(t, 0, func(s *gateServer) { s.block = block })
	pooledT := transport.CloneDefault()
	freshT := pooledT.Clone()
	freshT.DisableKeepAlives = true
	t.Cleanup(pooledT.CloseIdleConnections)
	fresh := &orderTransport{next: freshT}
	g := newWriteGate(pooledT, fresh, gateSettings{slots: 1, spacing: -1})
	g.addEndpoint(srv.URL + "/network/")
	l := g.lanes[0]
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := send(t, context.Background(), g, http.MethodPost, fmt.Sprintf("%s/network/v2.0/ports/%d", srv.URL, i))
			errs <- err
		}()
		// The next write comes only once this one holds the slot (the first) or waits in line.
		deadline := time.Now().Add(10 * time.Second)
		for {
			l.mu.Lock()
			queued := l.inFlight + len(l.waiting)
			l.mu.Unlock()
			if queued == i+1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("write %d neither sent nor queued", i)
			}
			time.Sleep(time.Millisecond)
		}
	}
	close(block)
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range fresh.paths {
		if want := fmt.Sprintf("/network/v2.0/ports/%d", i); p != want {
			t.Fatalf("writes sent in the order %v, want the order they came in", fresh.paths)
		}
	}
	if len(fresh.paths) != n || l.inFlight != 0 || len(l.waiting) != 0 {
		t.Fatalf("%d writes sent, %d in flight and %d waiting after all ended", len(fresh.paths), l.inFlight, len(l.waiting))
	}
}
