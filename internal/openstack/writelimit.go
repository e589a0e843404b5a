package openstack

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// adaptiveLimit finds how many writes one Neutron endpoint sustains at once, as TCP Vegas finds its
// window, up to the configured upper bound (Config.NetworkWriteSlots). Each write's answer tells how
// many of the writes in flight were waiting in front of the server's workers rather than being served:
// a write that took latency where the quickest of its class took fastest means that, of the limit
// writes in flight, about queued = limit × (1 − fastest/latency) were waiting. Then, as Linux's Vegas
// does with its alpha of 2 and beta of 4 packets:
//
//   - queued under growBelow (2): the server keeps up; a write that found every slot taken (the engine
//     had more to send than the limit let through) raises the limit by 1/limit, one more slot per
//     limit such writes;
//   - queued between growBelow and queuedBeyond (4): about the server's own queue keeping its workers
//     busy; the limit holds;
//   - queued beyond queuedBeyond, or a refusal (a refused or dropped connection; 429, 502, 503 or
//     504): congestion; the limit is cut by a quarter, once: writes sent before the last cut report the
//     congestion that cut and do not cut again (as TCP cuts once per round trip).
//
// A refusal cuts down to 1 write at a time. Queueing cuts only a limit above queuedBeyond (queued is at
// most the limit), so never below 3: on a busy server a class's latencies vary by far more than
// queueing explains (on the lab, security group rule creates took from 0.17 s to 3.9 s in one run at 2
// to 4 in flight), and cuts on that noise would leave the gate sending fewer writes than the fixed
// default (2) does, and the run slower. For the same reason the thresholds are Vegas's and not
// tighter: cutting beyond 1.5 writes queued, the lab's noise cut the limit on 48 of 124 writes of a
// run, and with 2 Neutron processes and 20 ms of latency it hovered at 2-4 while 4 fixed writes in
// flight finished 15 % sooner.
//
// Latency the network adds (a WAN) is in both latency and fastest, so the limit grows to cover it (the
// writes in transit keep no worker busy), as it should. A class is the method, the path with ids left
// out and the size of the body in powers of two, so that a bulk create of 50 ports is compared with
// its like, not with a rename. 409 is not a sign: Neutron answers it for real conflicts (an address in
// use, a quota), which another pace does not change.
type adaptiveLimit struct {
	mu      sync.Mutex
	limit   float64
	max     float64
	fastest map[string]time.Duration // by class
	lastCut time.Time
}

const (
	growBelow    = 2.0
	queuedBeyond = 4.0
	cutFactor    = 0.75
	// fastestDrift lets the quickest latency of a class creep up by this share of the difference with
	// each slower write sent while slots were free (when the engine's own writes queue least), so that
	// a server that became slower for good is not taken as congested forever.
	fastestDrift = 1.0 / 16
)

// newAdaptiveLimit starts at the fixed default (defaultNetworkWriteSlots), or upper if that is lower.
func newAdaptiveLimit(upper int) *adaptiveLimit {
	upper = max(upper, 1)
	return &adaptiveLimit{limit: float64(min(defaultNetworkWriteSlots, upper)), max: float64(upper), fastest: map[string]time.Duration{}}
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
	queued := 0.0
	if s.status > 0 && s.status < 500 && s.status != http.StatusTooManyRequests {
		fastest, seen := a.fastest[s.class]
		if seen && s.latency >= fastest {
			queued = a.limit * (1 - float64(fastest)/float64(s.latency))
		}
		switch {
		case !seen || s.latency < fastest:
			a.fastest[s.class] = s.latency
		case queued > queuedBeyond:
			congested = true
		case !s.saturated:
			a.fastest[s.class] = fastest + time.Duration(float64(s.latency-fastest)*fastestDrift)
		}
	}
	switch {
	case congested:
		if s.sent.After(a.lastCut) {
			a.limit = max(1, a.limit*cutFactor)
			a.lastCut = s.at
		}
	case s.saturated && queued < growBelow:
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
