package apiproxy

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
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
	srv := serve(ln, p.handler(endpoint{base: upstream.URL, service: "network", region: "R"}, target))
	t.Cleanup(func() { _ = srv.Close() })
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
