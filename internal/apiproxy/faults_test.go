package apiproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// proxyTo serves p's handler for one upstream on loopback and returns the proxy's base URL.
func proxyTo(t *testing.T, p *Proxy, upstream *httptest.Server) string {
	t.Helper()
	target, _ := url.Parse(upstream.URL)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	es := &endpointServer{}
	es.serve(ln, p.handler(endpoint{base: upstream.URL, service: "network", region: "R"}, target, es.down))
	t.Cleanup(func() { _ = es.close() })
	return "http://" + ln.Addr().String()
}

func TestFaultsAsScheduled(t *testing.T) {
	var received atomic.Int32
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"network":{"id":"n1"}}`)
	}))
	t.Cleanup(upstream.Close)
	p := &Proxy{upstream: map[string]string{}, counts: Calls{}, replacer: strings.NewReplacer()}
	base := proxyTo(t, p, upstream)
	s := NewSchedule(
		Rule{Method: "POST", Path: "/v2.0/networks", Nth: 1, Times: 1, Fault: Fault{Kind: LoseAnswer}},
		Rule{Method: "POST", Path: "/v2.0/networks", Nth: 2, Times: 1, Fault: Fault{Kind: Reset}},
		Rule{Method: "GET", Path: "/v2.0/ports", Fault: Fault{Kind: Status, Status: 429, RetryAfter: 3}},
		Rule{Service: `network\[R\]`, Method: "GET", Path: "/v2.0/routers", Times: 1, Fault: Fault{Kind: Slow, Delay: 200 * time.Millisecond}},
	)
	p.SetFaults(s)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	post := func() error {
		resp, err := client.Post(base+"/v2.0/networks", "application/json", strings.NewReader(`{"network":{}}`))
		if err == nil {
			resp.Body.Close()
		}
		return err
	}

	// The first POST reaches the server, whose answer is lost; the second never reaches it; the third
	// passes.
	if err := post(); err == nil || received.Load() != 1 {
		t.Fatalf("lose-answer: err %v, upstream got %d requests, want an error and 1", err, received.Load())
	}
	if err := post(); err == nil || received.Load() != 1 {
		t.Fatalf("reset: err %v, upstream got %d requests, want an error and still 1", err, received.Load())
	}
	if err := post(); err != nil || received.Load() != 2 {
		t.Fatalf("third POST: err %v, upstream got %d requests, want none and 2", err, received.Load())
	}
	// Every GET of ports gets 429 with Retry-After, without reaching the server.
	for range 2 {
		resp, err := client.Get(base + "/v2.0/ports")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
			t.Fatalf("GET ports: %d, Retry-After %q; want 429 and 3", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	if received.Load() != 2 {
		t.Fatalf("a status fault reached the server (%d requests)", received.Load())
	}
	start := time.Now()
	resp, err := client.Get(base + "/v2.0/routers")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if time.Since(start) < 200*time.Millisecond || resp.StatusCode != 200 || received.Load() != 3 {
		t.Fatalf("slow: %v, status %d, upstream %d; want at least 200ms, 200 and 3", time.Since(start), resp.StatusCode, received.Load())
	}
	if got := s.Injected(); len(got) != 5 {
		t.Fatalf("injected %d faults, want 5: %v", len(got), got)
	}
}

func TestRandomFaultsReplayFromTheSeed(t *testing.T) {
	draw := func(seed uint64) []string {
		r := NewRandom(seed, `network.*`, "", 0.3, Fault{Kind: Reset}, Fault{Kind: Status, Status: 503})
		for range 200 {
			r.Fault("network[R]", "GET", "/v2.0/ports")
			r.Fault("identity", "POST", "/v3/auth/tokens") // never matches
		}
		return r.Injected()
	}
	a, b := draw(7), draw(7)
	if len(a) < 30 || len(a) > 90 || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("seed 7 gave %d and %d faults, want the same 30..90 both times", len(a), len(b))
	}
	if strings.Join(draw(8), "\n") == strings.Join(a, "\n") {
		t.Fatal("seeds 7 and 8 gave the same faults")
	}
	for _, f := range a {
		if strings.HasPrefix(f, "identity") {
			t.Fatalf("a fault outside the service filter: %s", f)
		}
	}
}

// upstreamCounting is an upstream that answers every request with a small JSON body and counts them.
func upstreamCounting(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var received atomic.Int32
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"networks":[]}`)
	}))
	t.Cleanup(upstream.Close)
	return upstream, &received
}

func get(client *http.Client, url string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

func TestRefuseTakesTheEndpointDownAndBack(t *testing.T) {
	upstream, received := upstreamCounting(t)
	p := &Proxy{upstream: map[string]string{}, counts: Calls{}, replacer: strings.NewReplacer()}
	base := proxyTo(t, p, upstream)
	const window = 700 * time.Millisecond
	s := NewSchedule(Rule{Method: "GET", Path: "/v2.0/networks", Nth: 2, Times: 1, Fault: Fault{Kind: Refuse, Delay: window}})
	p.SetFaults(s)
	// A client that keeps its connection: the outage must close it too, so that its next request meets the
	// refusal instead of an old connection still open.
	kept := &http.Client{Transport: &http.Transport{}}
	if err := get(kept, base+"/v2.0/ports"); err != nil {
		t.Fatal(err)
	}
	if err := get(kept, base+"/v2.0/networks"); err != nil {
		t.Fatal(err)
	}
	other := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	// The request that meets the fault is dropped without reaching the server.
	if err := get(other, base+"/v2.0/networks"); err == nil || received.Load() != 2 {
		t.Fatalf("the refusing request: err %v, upstream got %d requests; want an error and 2", err, received.Load())
	}
	for _, c := range []*http.Client{other, kept} {
		err := get(c, base+"/v2.0/ports")
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("during the outage: %v, want connection refused", err)
		}
	}
	if received.Load() != 2 {
		t.Fatalf("the server got %d requests during the outage, want still 2", received.Load())
	}
	// The endpoint comes back on the same address after the window.
	var err error
	for time.Since(start) < 5*time.Second {
		if err = get(kept, base+"/v2.0/ports"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("the endpoint did not come back: %v", err)
	}
	if since := time.Since(start); since < window {
		t.Fatalf("the endpoint came back after %v, before its %v window", since, window)
	}
	if received.Load() != 3 {
		t.Fatalf("upstream got %d requests, want 3", received.Load())
	}
	if got := s.Injected(); len(got) != 1 || !strings.HasSuffix(got[0], "refuse "+window.String()) {
		t.Fatalf("injected %v, want one refusal", got)
	}
}

func TestHangUntilTheClientGivesUp(t *testing.T) {
	upstream, received := upstreamCounting(t)
	p := &Proxy{upstream: map[string]string{}, counts: Calls{}, replacer: strings.NewReplacer()}
	base := proxyTo(t, p, upstream)
	s := NewSchedule(
		Rule{Method: "POST", Path: "/v2.0/networks", Times: 1, Fault: Fault{Kind: Hang, Commit: true}},
		Rule{Method: "GET", Path: "/v2.0/networks", Times: 1, Fault: Fault{Kind: Hang}},
		Rule{Method: "GET", Path: "/v2.0/ports", Times: 1, Fault: Fault{Kind: Hang, Delay: 300 * time.Millisecond}},
	)
	p.SetFaults(s)
	const timeout = 400 * time.Millisecond
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	timedOut := func(what string, err error, elapsed time.Duration) {
		t.Helper()
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || elapsed < timeout || elapsed > 5*time.Second {
			t.Fatalf("%s: %v after %v, want the client's %v timeout", what, err, elapsed, timeout)
		}
	}
	// A committed hang: the server made the network, the client timed out.
	start := time.Now()
	resp, err := client.Post(base+"/v2.0/networks", "application/json", strings.NewReader(`{"network":{}}`))
	if err == nil {
		resp.Body.Close()
	}
	timedOut("committed POST", err, time.Since(start))
	if received.Load() != 1 {
		t.Fatalf("upstream got %d requests, want the committed POST", received.Load())
	}
	// A plain hang never reaches the server.
	start = time.Now()
	timedOut("GET", get(client, base+"/v2.0/networks"), time.Since(start))
	if received.Load() != 1 {
		t.Fatalf("upstream got %d requests, want still 1", received.Load())
	}
	// A hang with a limit drops the connection at the limit, before the client's timeout.
	start = time.Now()
	err = get(client, base+"/v2.0/ports")
	if elapsed := time.Since(start); err == nil || elapsed < 300*time.Millisecond || elapsed >= timeout {
		t.Fatalf("bounded hang: %v after %v, want a dropped connection after 300ms", err, elapsed)
	}
	// The faults were one each: the endpoint answers again.
	if err := get(client, base+"/v2.0/networks"); err != nil || received.Load() != 2 {
		t.Fatalf("after the hangs: %v, upstream %d, want an answer and 2", err, received.Load())
	}
	if got := s.Injected(); len(got) != 3 {
		t.Fatalf("injected %v, want 3 hangs", got)
	}
}

// A LateCommit fault cuts the client off at once and sends the request to the server later; meanwhile
// a create of the same fixed IPs is refused as Neutron refuses it while the first holds them.
func TestLateCommitCutsTheClientOffAndCommitsLater(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	var times []time.Time
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		times = append(times, time.Now())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"ports":[]}`)
	}))
	t.Cleanup(upstream.Close)
	received := func() int { mu.Lock(); defer mu.Unlock(); return len(bodies) }
	p := &Proxy{upstream: map[string]string{}, counts: Calls{}, replacer: strings.NewReplacer()}
	base := proxyTo(t, p, upstream)
	const delay = 400 * time.Millisecond
	s := NewSchedule(Rule{Method: "POST", Path: "/v2.0/ports", Times: 1, Fault: Fault{Kind: LateCommit, Delay: delay}})
	p.SetFaults(s)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	post := func(body string) (int, string, error) {
		resp, err := client.Post(base+"/v2.0/ports", "application/json", strings.NewReader(body))
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	const subnet = "11111111-2222-3333-4444-555555555555"
	first := `{"ports":[{"name":"a","fixed_ips":[{"subnet_id":"` + subnet + `","ip_address":"10.0.0.5"}]},` +
		`{"name":"b","fixed_ips":[{"subnet_id":"` + subnet + `","ip_address":"10.0.0.6"}]}]}`

	// The client is cut off at once, before the server has seen anything.
	start := time.Now()
	if code, _, err := post(first); err == nil || time.Since(start) >= delay {
		t.Fatalf("late-commit POST: %d, %v after %v; want a dropped connection at once", code, err, time.Since(start))
	}
	if n := received(); n != 0 {
		t.Fatalf("upstream got %d requests before the delay, want 0", n)
	}
	if got := p.LateRequests(); len(got) != 1 || got[0] != "POST /v2.0/ports: pending" {
		t.Fatalf("LateRequests() = %v, want one pending", got)
	}
	// While the late request is pending, a create of one of its addresses is refused without reaching
	// the server, in Neutron's words; a create of other addresses passes.
	code, body, err := post(`{"ports":[{"fixed_ips":[{"subnet_id":"` + subnet + `","ip_address":"10.0.0.6"}]}]}`)
	want := "IP address 10.0.0.6 already allocated in subnet " + subnet
	if err != nil || code != http.StatusConflict || !strings.Contains(body, "IpAddressAlreadyAllocated") || !strings.Contains(body, want) {
		t.Fatalf("POST of a held address: %d %q %v; want 409 IpAddressAlreadyAllocated %q", code, body, err, want)
	}
	if code, _, err := post(`{"port":{"fixed_ips":[{"subnet_id":"` + subnet + `","ip_address":"10.0.0.7"}]}}`); err != nil || code != http.StatusCreated {
		t.Fatalf("POST of a free address: %d %v, want 201", code, err)
	}
	if n := received(); n != 1 {
		t.Fatalf("upstream got %d requests, want only the free address's", n)
	}
	// The server gets the cut-off request, whole, after the delay, and its answer is recorded.
	deadline := time.Now().Add(5 * time.Second)
	for received() < 2 || p.pendingLate() {
		if time.Now().After(deadline) {
			t.Fatalf("the late request never reached the server: %v", p.LateRequests())
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	lateBody, lateAt := bodies[1], times[1]
	mu.Unlock()
	if lateBody != first || lateAt.Sub(start) < delay {
		t.Fatalf("late request %q %v after the cut; want %q after at least %v", lateBody, lateAt.Sub(start), first, delay)
	}
	if got := p.LateRequests(); len(got) != 1 || !strings.HasPrefix(got[0], "POST /v2.0/ports: 201 after ") {
		t.Fatalf("LateRequests() = %v, want one answered 201", got)
	}
	if got := p.LateAnswers(); len(got) != 1 || string(got[0]) != `{"ports":[]}` {
		t.Fatalf("LateAnswers() = %q, want the server's answer", got)
	}
	// Once it is answered, its addresses are no longer held by the proxy: the server decides.
	if code, _, err := post(first); err != nil || code != http.StatusCreated || received() != 3 {
		t.Fatalf("POST after the late commit: %d %v, upstream %d; want 201 and 3", code, err, received())
	}
	if got := s.Injected(); len(got) != 1 || !strings.Contains(got[0], "late commit after 400ms") {
		t.Fatalf("injected %v, want one late commit", got)
	}
}
