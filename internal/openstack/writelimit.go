package openstack

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// adaptiveLimit finds how many writes one Neutron endpoint sustains at once, by additive increase and
// multiplicative decrease (AIMD), up to the configured upper bound (Config.NetworkWriteSlots):
//
//   - a write that found every slot taken (the engine had more to send than the limit let through) and
//     came back without a sign of congestion raises the limit by 1/limit: one more slot per limit
//     such writes, so it grows while the server keeps up;
//   - a sign of congestion cuts it by a quarter, once: writes sent before the last cut report the
//     congestion that cut and do not cut again (as TCP cuts once per round trip).
//
// The server's refusals (below) cut it down to 1 write at a time. Queueing, which is estimated from
// latencies, cuts it down to the number it started from (the fixed default, 2), no lower: on a busy
// server a class's latencies vary by far more than queueing explains (on the lab, security group rule
// creates took from 0.17 s to 3.9 s in one run at 2 to 4 in flight), and cuts on that noise alone
// would leave the gate sending fewer writes than the fixed default does, and the run slower.
//
// The threshold stays tight (1.5 writes queued, not Linux Vegas's alpha 2 and beta 4): tried on the
// lab, Vegas's thresholds held the limit at 4-5 with 2 Neutron processes and no latency, where the
// server was already saturated at 2 (floating IP creates took 2.2-2.5 s instead of 1.1-1.3 s, port
// bulks 27-30 s instead of 20-23 s, at the same throughput), and the run took 90 s against 73-78 s.
//
// Signs of congestion: a refused or dropped connection; 429, 502, 503 or 504; or requests queueing in
// front of the server's workers. That is estimated as TCP Vegas does: a write that took latency where
// the quickest of its class took fastest means that, of the limit writes in flight, about
// limit × (1 − fastest/latency) were waiting rather than being served; more than queuedBeyond of them
// (one and a half: a worker's next request waiting is what keeps it busy; more only adds latency) is
// congestion. Latency the network adds (a WAN) is in both, so the limit grows to cover it (the
// writes in transit keep no worker busy), as it should. A class is the method, the path with ids left
// out and the size of the body in powers of two, so that a bulk create of 50 ports is compared with
// its like, not with a rename. 409 is not a sign: Neutron answers it for real conflicts (an address in
// use, a quota), which another pace does not change.
type adaptiveLimit struct {
	mu      sync.Mutex
	limit   float64
	floor   float64 // the lowest a queueing estimate cuts to: the start
	max     float64
	fastest map[string]time.Duration // by class
	lastCut time.Time
}

const (
	queuedBeyond = 1.5
	cutFactor    = 0.75
	// fastestDrift lets the quickest latency of a class creep up by this share of the difference with
	// each slower write sent while slots were free (when the engine's own writes queue least), so that
	// a server that became slower for good is not taken as congested forever.
	fastestDrift = 1.0 / 16
)

// newAdaptiveLimit starts at the fixed default (defaultNetworkWriteSlots), or upper if that is lower.
func newAdaptiveLimit(upper int) *adaptiveLimit {
	upper = max(upper, 1)
	limit := float64(min(defaultNetworkWriteSlots, upper))
	return &adaptiveLimit{limit: limit, floor: limit, max: float64(upper), fastest: map[string]time.Duration{}}
}

// current is the number of writes that may be in flight now.
func (a *adaptiveLimit) current() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return int(math.Floor(a.limit))
}

// writeSample is what one write tells about the server's load.
type writeSample struct {
	class     string
	latency   time.Duration // until the answer's headers
	status    int           // 0 when no answer came
	failed    bool          // the connection was refused, reset or dropped
	saturated bool          // every slot was taken when it was sent
	sent      time.Time     // when it was sent
	at        time.Time     // when the answer (or the failure) came
}

// observe adjusts the limit to one write's outcome, and returns the limit after it and whether the
// write was a sign of congestion.
func (a *adaptiveLimit) observe(s writeSample) (limit float64, congested bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	refused := s.failed || s.status == http.StatusTooManyRequests || s.status == http.StatusBadGateway ||
		s.status == http.StatusServiceUnavailable || s.status == http.StatusGatewayTimeout
	congested = refused
	if s.status > 0 && s.status < 500 && s.status != http.StatusTooManyRequests {
		fastest, seen := a.fastest[s.class]
		switch {
		case !seen || s.latency < fastest:
			a.fastest[s.class] = s.latency
		case a.limit*(1-float64(fastest)/float64(s.latency)) > queuedBeyond:
			congested = true
		case !s.saturated:
			a.fastest[s.class] = fastest + time.Duration(float64(s.latency-fastest)*fastestDrift)
		}
	}
	switch {
	case congested:
		if s.sent.After(a.lastCut) {
			lowest := 1.0
			if !refused {
				lowest = min(a.limit, a.floor) // queueing: down to the start, and never up to it
			}
			a.limit = max(lowest, a.limit*cutFactor)
			a.lastCut = s.at
		}
	case s.saturated:
		a.limit = min(a.max, a.limit+1/a.limit)
	}
	return a.limit, congested
}

// writeClass is a request's class for adaptiveLimit: method, path without ids, and body size bucket.
func writeClass(r *http.Request) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte(' ')
	for _, seg := range strings.Split(strings.Trim(r.URL.Path, "/"), "/") {
		if looksLikeID(seg) {
			seg = "{id}"
		}
		b.WriteString("/" + seg)
	}
	if r.ContentLength > 0 {
		b.WriteString(" 2^")
		b.WriteString(strconv.Itoa(int(math.Log2(float64(r.ContentLength)))))
	}
	return b.String()
}

// looksLikeID tells ids (UUIDs, with or without dashes, and other long hex or numeric strings) from the
// fixed words of an API path.
func looksLikeID(seg string) bool {
	if len(seg) < 8 {
		return false
	}
	for _, c := range seg {
		if !strings.ContainsRune("0123456789abcdefABCDEF-", c) {
			return false
		}
	}
	return true
}
