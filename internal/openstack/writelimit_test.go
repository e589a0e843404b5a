package openstack

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/transport"
)

func TestAdaptiveLimitGrowsWhileTheServerKeepsUp(t *testing.T) {
	a := newAdaptiveLimit(8)
	at := time.Unix(0, 0)
	for range 200 {
		at = at.Add(10 * time.Millisecond)
		a.observe(writeSample{class: "POST /v2.0/ports", latency: 80 * time.Millisecond, status: 201, saturated: true, at: at})
	}
	if got := a.current(); got != 8 {
		t.Errorf("limit %d after 200 quick saturated writes, want the upper bound 8", got)
	}
	// Writes that found a slot free say nothing about more capacity: no growth.
	b := newAdaptiveLimit(8)
	for range 200 {
		b.observe(writeSample{class: "POST /v2.0/ports", latency: 80 * time.Millisecond, status: 201, at: at})
	}
	if got := b.current(); got != 2 {
		t.Errorf("limit %d after unsaturated writes, want 2", got)
	}
}

func TestAdaptiveLimitBacksOff(t *testing.T) {
	at := time.Unix(0, 0)
	grown := func() *adaptiveLimit {
		a := newAdaptiveLimit(8)
		a.limit = 8 // grown from 2
		a.observe(writeSample{class: "POST /v2.0/networks", latency: 100 * time.Millisecond, status: 201, at: at})
		return a
	}
	for name, s := range map[string]writeSample{
		"429":                 {class: "POST /v2.0/networks", latency: 10 * time.Millisecond, status: 429},
		"503":                 {class: "POST /v2.0/networks", latency: 10 * time.Millisecond, status: 503},
		"refused":             {class: "POST /v2.0/networks", failed: true},
		"queued (3× slower)":  {class: "POST /v2.0/networks", latency: 300 * time.Millisecond, status: 201}, // 8 × (1 − 1/3) ≈ 5.3 queued
		"queued, other class": {class: "PUT /v2.0/networks/{id}", latency: 5 * time.Second, status: 200},
	} {
		a := grown()
		s.sent, s.at = at.Add(time.Second), at.Add(2*time.Second)
		a.observe(s)
		want := 6 // 8 × 0.75
		if name == "queued, other class" {
			want = 8 // the first of its class: nothing to compare with
		}
		if got := a.current(); got != want {
			t.Errorf("%s: limit %d, want %d", name, got, want)
		}
	}

	// Slower, but by less than 1.5 of the 8 writes in flight queueing (8 × (1 − 100/115) ≈ 1.04), or a
	// 409 (a real conflict): no cut.
	a := grown()
	a.observe(writeSample{class: "POST /v2.0/networks", latency: 115 * time.Millisecond, status: 201, sent: at.Add(time.Second), at: at.Add(2 * time.Second)})
	a.observe(writeSample{class: "POST /v2.0/networks", latency: 10 * time.Millisecond, status: 409, sent: at.Add(2 * time.Second), at: at.Add(3 * time.Second)})
	if got := a.current(); got != 8 {
		t.Errorf("limit %d, want 8", got)
	}

	// The writes in flight when it was cut report the same congestion: one cut for all of them.
	a = grown()
	for i := range 5 {
		a.observe(writeSample{class: "POST /v2.0/networks", status: 503, sent: at.Add(time.Second), at: at.Add(2*time.Second + time.Duration(i)*100*time.Millisecond)})
	}
	if got := a.current(); got != 6 {
		t.Errorf("limit %d after the 503s of writes sent together, want one cut to 6", got)
	}
	// A write sent after the cut cuts again; never below one.
	for i := range 20 {
		a.observe(writeSample{class: "POST /v2.0/networks", status: 503, sent: at.Add(time.Duration(10+2*i) * time.Second), at: at.Add(time.Duration(11+2*i) * time.Second)})
	}
	if got := a.current(); got != 1 {
		t.Errorf("limit %d, want 1", got)
	}

	// Queueing alone cuts down to the start (2), no lower; below it (after refusals) it cuts nothing.
	a = grown()
	for i := range 20 {
		a.observe(writeSample{class: "POST /v2.0/networks", latency: time.Second, status: 201,
			sent: at.Add(time.Duration(10+2*i) * time.Second), at: at.Add(time.Duration(11+2*i) * time.Second)})
	}
	if a.limit != 2 {
		t.Errorf("limit %v after queueing signs only, want the start, 2", a.limit)
	}
	a.observe(writeSample{class: "POST /v2.0/networks", status: 503, sent: at.Add(time.Minute), at: at.Add(61 * time.Second)})
	a.observe(writeSample{class: "POST /v2.0/networks", latency: time.Second, status: 201, sent: at.Add(62 * time.Second), at: at.Add(63 * time.Second)})
	if a.limit != 1.5 {
		t.Errorf("limit %v after a 503 and then a queueing sign, want 1.5 (2 × 0.75, not raised to the start)", a.limit)
	}
}

func TestWriteClass(t *testing.T) {
	req := func(method, path string, body int) *http.Request {
		r := httptest.NewRequest(method, "http://neutron:9696"+path, bytes.NewReader(make([]byte, body)))
		return r
	}
	for _, tc := range []struct {
		r    *http.Request
		want string
	}{
		{req("POST", "/v2.0/ports", 5000), "POST /v2.0/ports 2^12"},
		{req("PUT", "/v2.0/routers/6a1f0c3e-8d2b-4b8e-9d1a-1234567890ab/add_router_interface", 70), "PUT /v2.0/routers/{id}/add_router_interface 2^6"},
		{req("DELETE", "/v2.0/security-group-rules/0123456789abcdef0123456789abcdef", 0), "DELETE /v2.0/security-group-rules/{id}"},
	} {
		if got := writeClass(tc.r); got != tc.want {
			t.Errorf("writeClass(%s %s) = %q, want %q", tc.r.Method, tc.r.URL.Path, got, tc.want)
		}
	}
}

// TestAdaptiveGateFindsTheServersCapacity sends many writes from many goroutines through an adaptive
// gate (upper bound 16) to a server with 3 workers, each write taking 40 ms of a worker: requests
// beyond 3 queue and take longer. The limit must settle near the capacity, well under the bound; with
// 60 ms of network in front of the server (a WAN, holding no worker), above it: writes in transit keep
// no worker busy.
func TestAdaptiveGateFindsTheServersCapacity(t *testing.T) {
	const workers = 3
	for _, tc := range []struct {
		name         string
		transit      time.Duration
		lowest, most int
	}{
		{"loopback", 0, 2, 2 * workers},
		{"WAN", 60 * time.Millisecond, workers + 1, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			limit, most := adaptiveAgainst(t, workers, 40*time.Millisecond, tc.transit)
			t.Logf("limit %d, at most %d requests at the server at once (%d workers)", limit, most, workers)
			if limit < tc.lowest || limit > tc.most {
				t.Errorf("the limit settled at %d, want %d..%d", limit, tc.lowest, tc.most)
			}
			if most >= 16 {
				t.Errorf("%d requests at the server at once: the gate let the upper bound through", most)
			}
		})
	}
}

// adaptiveAgainst runs the writes against a server of the given workers, each write holding one for
// hold, behind transit of network delay, and returns the gate's final limit and the most requests the
// server saw at once.
func adaptiveAgainst(t *testing.T, workers int, hold, transit time.Duration) (limit, most int) {
	sem := make(chan struct{}, workers)
	var inFlight, maxInFlight atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		time.Sleep(transit)
		cur := inFlight.Add(1)
		for m := maxInFlight.Load(); cur > m && !maxInFlight.CompareAndSwap(m, cur); m = maxInFlight.Load() {
		}
		sem <- struct{}{}
		time.Sleep(hold)
		<-sem
		inFlight.Add(-1)
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(srv.Close)
	pooled := transport.CloneDefault()
	fresh := pooled.Clone()
	fresh.DisableKeepAlives = true
	t.Cleanup(pooled.CloseIdleConnections)
	g := newWriteGate(pooled, fresh, gateSettings{slots: 16, adaptive: true})
	g.addEndpoint(srv.URL + "/network/")
	client := &http.Client{Transport: g}

	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 12 {
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/network/v2.0/ports", bytes.NewReader([]byte(`{}`)))
				resp, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	return g.lanes[0].limit(), int(maxInFlight.Load())
}
