package openstack

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults of Config.NetworkWriteSlots and Config.NetworkWriteSpacing.
const (
	defaultNetworkWriteSlots   = 2
	defaultNetworkWriteSpacing = 100 * time.Millisecond
)

// gateSettings are the write gate's settings: see Config.NetworkWriteSlots.
type gateSettings struct {
	slots    int
	spacing  time.Duration
	adaptive bool
	trace    *WriteTracer
}

// networkWriteGate returns the gate settings of cfg, defaults filled in.
func networkWriteGate(cfg Config) gateSettings {
	gs := gateSettings{slots: cfg.NetworkWriteSlots, spacing: cfg.NetworkWriteSpacing, adaptive: cfg.NetworkWriteAdaptive, trace: cfg.NetworkWriteTrace}
	if gs.slots <= 0 {
		gs.slots = defaultNetworkWriteSlots
	}
	switch {
	case gs.spacing == 0:
		gs.spacing = defaultNetworkWriteSpacing
	case gs.spacing < 0:
		gs.spacing = 0
	}
	return gs
}

// writeGate spreads writes to Neutron over its API workers. neutron-server with api_workers=N runs N
// processes that accept connections greedily and keep them; over pooled keep-alive connections most
// parallel writes land on the worker that happened to accept the pool's connections while the others
// idle. So every write (any method but GET and HEAD) to a registered Neutron endpoint goes on a fresh
// connection, at most slots of them in flight per endpoint, each started at least spacing after the
// previous one started while that one is still in flight: by then the worker that took it is busy, and
// the next connection is accepted by an idle one. A write with none other in flight starts at once.
// Every other request goes through the pooled transport.
//
// The gate sits below the retrying transport, so a retried write passes the gate again; it counts
// nothing itself.
type writeGate struct {
	pooled, fresh http.RoundTripper
	slots         int
	spacing       time.Duration
	// adaptive makes slots the upper bound of each lane's limit, which adaptiveLimit finds, starting
	// at defaultNetworkWriteSlots.
	adaptive bool
	trace    *WriteTracer // or nil

	mu    sync.RWMutex
	lanes []*writeLane
}

// writeLane is the gate's state for one Neutron endpoint.
type writeLane struct {
	scheme, host, path string // of the endpoint; path ends with "/"
	slots              int    // the limit of requests in flight, unless adaptive
	adaptive           *adaptiveLimit
	spacing            time.Duration
	turn               chan struct{} // held by the request waiting to start; guards last
	last               time.Time     // when the previous request started

	mu       sync.Mutex
	inFlight int
	// waiting are the requests waiting for a slot, in the order they came: a slot that frees goes to
	// the first, whose channel is closed with the slot counted in inFlight. First come, first served, so
	// that a large write (a bulk of ports, the longest of a run) is not passed over again and again by
	// the small ones that keep coming.
	waiting []chan struct{}
}

// newWriteGate gates requests to pooled; fresh must be a transport that does not keep connections
// alive.
func newWriteGate(pooled, fresh http.RoundTripper, gs gateSettings) *writeGate {
	return &writeGate{pooled: pooled, fresh: fresh, slots: max(gs.slots, 1), spacing: max(gs.spacing, 0), adaptive: gs.adaptive, trace: gs.trace}
}

// addEndpoint gates the writes to URLs under endpoint from now on. Adding an endpoint again is a no-op;
// an endpoint that is not an absolute URL is ignored (its requests stay ungated).
func (g *writeGate) addEndpoint(endpoint string) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return
	}
	scheme, host, path := strings.ToLower(u.Scheme), strings.ToLower(u.Host), u.Path
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, l := range g.lanes {
		if l.scheme == scheme && l.host == host && l.path == path {
			return
		}
	}
	l := &writeLane{scheme: scheme, host: host, path: path, slots: g.slots, spacing: g.spacing, turn: make(chan struct{}, 1)}
	if g.adaptive {
		l.adaptive = newAdaptiveLimit(g.slots)
	}
	g.lanes = append(g.lanes, l)
}

// lane returns the lane of the endpoint u is under (the longest match), or nil.
func (g *writeGate) lane(u *url.URL) *writeLane {
	g.mu.RLock()
	defer g.mu.RUnlock()
	var best *writeLane
	for _, l := range g.lanes {
		if strings.EqualFold(u.Scheme, l.scheme) && strings.EqualFold(u.Host, l.host) &&
			(strings.HasPrefix(u.Path, l.path) || u.Path+"/" == l.path) && (best == nil || len(l.path) > len(best.path)) {
			best = l
		}
	}
	return best
}

func (g *writeGate) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return g.pooled.RoundTrip(req)
	}
	l := g.lane(req.URL)
	if l == nil {
		return g.pooled.RoundTrip(req)
	}
	saturated, err := l.acquire(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper closes the body, even on errors
		}
		return nil, err
	}
	class, start := "", time.Now()
	tracing := g.trace != nil && g.trace.Observe != nil
	if l.adaptive != nil || tracing {
		class = writeClass(req)
	}
	resp, err := g.fresh.RoundTrip(req)
	if (l.adaptive != nil || tracing) && req.Context().Err() == nil {
		now := time.Now()
		s := writeSample{class: class, latency: now.Sub(start), failed: err != nil, saturated: saturated, sent: start, at: now}
		if resp != nil {
			s.status = resp.StatusCode
		}
		limit, congested := float64(l.slots), false
		if l.adaptive != nil {
			limit, congested = l.adaptive.observe(s)
			l.grant() // the limit may have grown
		}
		if tracing {
			g.trace.Observe(WriteEvent{Endpoint: l.host + l.path, Class: class, Sent: start, Latency: s.latency, Status: s.status,
				Failed: s.failed, Saturated: saturated, InFlight: l.busy(), Limit: limit, Congested: congested})
		}
	}
	if err != nil {
		l.release()
		return nil, err
	}
	// The request is in flight until its answer has been read: the worker may still be sending it.
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: sync.OnceFunc(l.release)}
	return resp, nil
}

// limit is the number of requests that may be in flight now.
func (l *writeLane) limit() int {
	if l.adaptive != nil {
		return l.adaptive.current()
	}
	return l.slots
}

// acquire waits for a free slot, first come first served, and then for its turn to start, or until
// ctx ends. The turn is held while waiting out the spacing, so that starts are spaced by when they
// happen, not by when they were planned. saturated says the request found every slot taken (it had to
// wait, or took the last one).
func (l *writeLane) acquire(ctx context.Context) (saturated bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	l.mu.Lock()
	if len(l.waiting) == 0 && l.inFlight < l.limit() {
		l.inFlight++
		saturated = l.inFlight >= l.limit()
		l.mu.Unlock()
	} else {
		granted := make(chan struct{})
		l.waiting = append(l.waiting, granted)
		l.mu.Unlock()
		saturated = true
		select {
		case <-granted:
		case <-ctx.Done():
			if !l.leaveQueue(granted) {
				l.release() // granted as ctx ended: give the slot on
			}
			return false, ctx.Err()
		}
	}
	select {
	case l.turn <- struct{}{}:
	case <-ctx.Done():
		l.release()
		return false, ctx.Err()
	}
	defer func() { <-l.turn }()
	if wait := time.Until(l.last.Add(l.spacing)); wait > 0 && l.busy() > 1 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			l.release()
			return false, ctx.Err()
		}
	}
	l.last = time.Now()
	return saturated, nil
}

// leaveQueue takes a waiting request out of the queue; false if it was granted a slot meanwhile.
func (l *writeLane) leaveQueue(granted chan struct{}) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, w := range l.waiting {
		if w == granted {
			l.waiting = append(l.waiting[:i], l.waiting[i+1:]...)
			return true
		}
	}
	return false
}

// grant gives free slots to the waiting requests, in the order they came.
func (l *writeLane) grant() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.grantLocked()
}

func (l *writeLane) grantLocked() {
	for len(l.waiting) > 0 && l.inFlight < l.limit() {
		l.inFlight++
		close(l.waiting[0])
		l.waiting = l.waiting[1:]
	}
}

func (l *writeLane) busy() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inFlight
}

func (l *writeLane) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	l.grantLocked()
}

// releasingBody frees its request's slot when the body has been read to its end or closed, whichever
// comes first.
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.release()
	}
	return n, err
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
