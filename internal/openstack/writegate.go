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

// networkWriteGate returns the gate settings of cfg, defaults filled in.
func networkWriteGate(cfg Config) (slots int, spacing time.Duration) {
	slots, spacing = cfg.NetworkWriteSlots, cfg.NetworkWriteSpacing
	if slots <= 0 {
		slots = defaultNetworkWriteSlots
	}
	switch {
	case spacing == 0:
		spacing = defaultNetworkWriteSpacing
	case spacing < 0:
		spacing = 0
	}
	return slots, spacing
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

	mu    sync.RWMutex
	lanes []*writeLane
}

// writeLane is the gate's state for one Neutron endpoint.
type writeLane struct {
	scheme, host, path string        // of the endpoint; path ends with "/"
	inFlight           chan struct{} // a slot per request in flight
	spacing            time.Duration
	turn               chan struct{} // held by the request waiting to start; guards last
	last               time.Time     // when the previous request started
}

// newWriteGate gates requests to pooled; fresh must be a transport that does not keep connections
// alive.
func newWriteGate(pooled, fresh http.RoundTripper, slots int, spacing time.Duration) *writeGate {
	return &writeGate{pooled: pooled, fresh: fresh, slots: max(slots, 1), spacing: max(spacing, 0)}
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
	g.lanes = append(g.lanes, &writeLane{scheme: scheme, host: host, path: path,
		inFlight: make(chan struct{}, g.slots), spacing: g.spacing, turn: make(chan struct{}, 1)})
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
	if err := l.acquire(req.Context()); err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper closes the body, even on errors
		}
		return nil, err
	}
	resp, err := g.fresh.RoundTrip(req)
	if err != nil {
		l.release()
		return nil, err
	}
	// The request is in flight until its answer has been read: the worker may still be sending it.
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: sync.OnceFunc(l.release)}
	return resp, nil
}

// acquire waits for a free slot and then for its turn to start, or until ctx ends. The turn is held
// while waiting out the spacing, so that starts are spaced by when they happen, not by when they were
// planned.
func (l *writeLane) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case l.inFlight <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case l.turn <- struct{}{}:
	case <-ctx.Done():
		l.release()
		return ctx.Err()
	}
	defer func() { <-l.turn }()
	if wait := time.Until(l.last.Add(l.spacing)); wait > 0 && len(l.inFlight) > 1 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			l.release()
			return ctx.Err()
		}
	}
	l.last = time.Now()
	return nil
}

func (l *writeLane) release() { <-l.inFlight }

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
