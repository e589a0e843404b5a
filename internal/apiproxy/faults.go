package apiproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind is what the proxy does to a request instead of forwarding it plainly.
type FaultKind int

const (
	// NoFault forwards the request.
	NoFault FaultKind = iota
	// Reset closes the client's connection without forwarding the request: the server never saw it,
	// but the client cannot tell (a POST's outcome is ambiguous to it).
	Reset
	// LoseAnswer forwards the request, lets the server commit it, and closes the client's connection
	// instead of answering: the worst case for a create.
	LoseAnswer
	// Status answers Status (with Retry-After when set) without forwarding the request.
	Status
	// Slow waits Delay, then forwards the request.
	Slow
	// Refuse takes the endpoint down for Delay, as a service that dies and is started again: the request
	// that meets the fault is dropped unanswered (the server never sees it), the endpoint's other client
	// connections are closed once idle, and new connections are refused (ECONNREFUSED) until Delay has
	// passed, when the proxy listens again on the same address. A request meeting the fault while the
	// endpoint is already down is dropped too.
	Refuse
	// Hang neither answers nor closes: the request waits until the client gives up (its timeout or its
	// context closes the connection), or until Delay, when set, has passed and the proxy drops the
	// connection. With Commit the server gets the request first and commits it, and its answer is held
	// back: a create that timed out on the client's side but happened.
	Hang
	// LateCommit is a proxy in front of the server cutting off a request the server goes on running
	// (haproxy's timeout server, uwsgi's router, seen at 60 s): the proxy reads the request, drops the
	// client's connection at once, and sends the request to the server Delay later, which commits it
	// then, with nobody to answer. Until the server has answered it, the fixed IPs the request names
	// (any {"subnet_id", "ip_address"} object in its JSON body) are held as the server holds them in
	// its uncommitted transaction: a POST naming one of them is answered 409 IpAddressAlreadyAllocated
	// ("IP address A already allocated in subnet S", Neutron's error) without reaching the server, while
	// no port holds them yet. Proxy.LateRequests reports how each late request ended.
	LateCommit
)

func (k FaultKind) String() string {
	switch k {
	case Reset:
		return "reset"
	case LoseAnswer:
		return "lose-answer"
	case Status:
		return "status"
	case Slow:
		return "slow"
	case Refuse:
		return "refuse"
	case Hang:
		return "hang"
	case LateCommit:
		return "late-commit"
	}
	return "none"
}

// Fault is one injected fault.
type Fault struct {
	Kind FaultKind
	// Status is the answer of a Status fault; RetryAfter, in seconds, is sent with it when > 0.
	Status     int
	RetryAfter int
	// Delay is how long a Slow fault waits before forwarding, how long a Refuse fault keeps the endpoint
	// down, the longest a Hang fault holds the request (0: until the client gives up), and how long after
	// cutting the client off a LateCommit fault sends the request to the server.
	Delay time.Duration
	// Commit makes a Hang fault forward the request to the server before it hangs.
	Commit bool
}

func (f Fault) String() string {
	switch f.Kind {
	case Status:
		if f.RetryAfter > 0 {
			return fmt.Sprintf("%d (Retry-After %d)", f.Status, f.RetryAfter)
		}
		return strconv.Itoa(f.Status)
	case Slow:
		return "slow " + f.Delay.String()
	case Refuse:
		return "refuse " + f.Delay.String()
	case Hang:
		if f.Commit {
			return "hang (committed)"
		}
		return "hang"
	case LateCommit:
		return "late commit after " + f.Delay.String()
	}
	return f.Kind.String()
}

// Injector decides which fault a request gets. service is the endpoint's label ("network[RegionTwo]",
// "identity", ...).
type Injector interface {
	Fault(service, method, path string) Fault
}

// Rule injects Fault into requests matching Service, Method and Path (regular expressions; "" matches
// anything): into the Nth matching request (1-based) and the Times-1 after it; Nth 0 means from the
// first, and Times 0 means every one.
type Rule struct {
	Service, Method, Path string
	Nth, Times            int
	Fault                 Fault
}

// Schedule is an Injector from rules: of the rules whose window holds a request, the first decides. It
// records what it injected.
type Schedule struct {
	mu       sync.Mutex
	rules    []Rule
	re       [][3]*regexp.Regexp
	seen     []int
	injected []string
}

// NewSchedule compiles rules; it panics on a bad expression (schedules are written in tests).
func NewSchedule(rules ...Rule) *Schedule {
	s := &Schedule{rules: rules, seen: make([]int, len(rules))}
	for _, r := range rules {
		s.re = append(s.re, [3]*regexp.Regexp{compile(r.Service), compile(r.Method), compile(r.Path)})
	}
	return s
}

func compile(expr string) *regexp.Regexp {
	if expr == "" {
		return nil
	}
	return regexp.MustCompile("^(?:" + expr + ")$")
}

func matches(re *regexp.Regexp, s string) bool { return re == nil || re.MatchString(s) }

// Fault implements Injector. Every rule counts every request it matches, whichever rule fires.
func (s *Schedule) Fault(service, method, path string) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	fault := Fault{}
	for i, r := range s.rules {
		if !matches(s.re[i][0], service) || !matches(s.re[i][1], method) || !matches(s.re[i][2], path) {
			continue
		}
		s.seen[i]++
		n, first := s.seen[i], max(r.Nth, 1)
		if fault.Kind == NoFault && n >= first && (r.Times == 0 || n < first+r.Times) {
			fault = r.Fault
		}
	}
	if fault.Kind != NoFault {
		s.injected = append(s.injected, fmt.Sprintf("%s %s %s: %s", service, method, path, fault))
	}
	return fault
}

// Injected lists the faults injected so far, in order.
func (s *Schedule) Injected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.injected...)
}

// Random injects, into each request matching Service and Path (regular expressions, "" for any), with
// probability Rate, one of Faults chosen at random, from a seed: a failing run is replayed with its seed.
type Random struct {
	mu      sync.Mutex
	rng     *rand.Rand
	service *regexp.Regexp
	path    *regexp.Regexp
	rate    float64
	faults  []Fault
	// Seed is the seed it was made with, to print.
	Seed     uint64
	injected []string
}

// NewRandom makes a Random injector.
func NewRandom(seed uint64, service, path string, rate float64, faults ...Fault) *Random {
	return &Random{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), service: compile(service), path: compile(path),
		rate: rate, faults: faults, Seed: seed}
}

// Fault implements Injector.
func (r *Random) Fault(service, method, path string) Fault {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !matches(r.service, service) || !matches(r.path, path) || len(r.faults) == 0 || r.rng.Float64() >= r.rate {
		return Fault{}
	}
	f := r.faults[r.rng.IntN(len(r.faults))]
	r.injected = append(r.injected, fmt.Sprintf("%s %s %s: %s", service, method, path, f))
	return f
}

// Injected lists the faults injected so far, in order.
func (r *Random) Injected() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.injected...)
}

// inject applies f to the request: it reports true when it answered (or dropped) the request itself,
// false when the request is to be forwarded as usual. down takes the request's endpoint down for a
// while (a Refuse fault).
func (p *Proxy) inject(f Fault, w http.ResponseWriter, r *http.Request, forward http.Handler, down func(time.Duration)) bool {
	switch f.Kind {
	case LateCommit:
		p.lateCommit(f.Delay, w, r, forward)
		return true
	case Reset:
		drop(w)
		return true
	case Refuse:
		down(f.Delay)
		drop(w)
		return true
	case Hang:
		if f.Commit {
			forward.ServeHTTP(httptest.NewRecorder(), r)
		}
		var limit <-chan time.Time
		if f.Delay > 0 {
			timer := time.NewTimer(f.Delay)
			defer timer.Stop()
			limit = timer.C
		}
		select {
		case <-r.Context().Done():
		case <-limit:
		}
		drop(w)
		return true
	case LoseAnswer:
		// The server gets the whole request and commits it; its answer goes nowhere.
		forward.ServeHTTP(httptest.NewRecorder(), r)
		drop(w)
		return true
	case Status:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		fmt.Fprintf(w, `{"NeutronError":{"type":"InjectedFault","message":"fault injected by the api proxy: %d","detail":""}}`, f.Status)
		return true
	case Slow:
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		}
	}
	return false
}

// drop closes the client's connection without an answer.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// lateRequest is a request a LateCommit fault cut off and sends to the server later.
type lateRequest struct {
	label   string   // METHOD path
	held    []string // "subnet_id ip_address" of the fixed IPs it names
	started time.Time
	status  int // the server's answer; 0 while it is pending
	after   time.Duration
	answer  []byte
}

// lateCommit drops the client's connection and sends the request to the server delay later (a
// LateCommit fault), holding its fixed IPs until the server has answered.
func (p *Proxy) lateCommit(delay time.Duration, w http.ResponseWriter, r *http.Request, forward http.Handler) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		drop(w)
		return
	}
	lr := &lateRequest{label: r.Method + " " + r.URL.Path, held: fixedIPs(body), started: time.Now()}
	p.lateMu.Lock()
	p.late = append(p.late, lr)
	p.lateMu.Unlock()
	// The client's connection, and the upstream transport bound to it, are gone once the connection is
	// dropped: the late request gets a transport of its own and a context that outlives the client's.
	t := newUpstreamTransport()
	late := r.Clone(context.WithValue(context.WithoutCancel(r.Context()), connKey{}, t))
	late.Body = io.NopCloser(bytes.NewReader(body))
	late.ContentLength = int64(len(body))
	drop(w)
	go func() {
		defer t.CloseIdleConnections()
		time.Sleep(delay)
		rec := httptest.NewRecorder()
		forward.ServeHTTP(rec, late)
		p.lateMu.Lock()
		lr.status, lr.after, lr.answer = rec.Code, time.Since(lr.started), rec.Body.Bytes()
		p.lateMu.Unlock()
	}()
}

// LateRequests lists the requests LateCommit faults cut off, with the server's answer and when it came
// ("POST /v2.0/ports: 201 after 8s"; "pending" while the server has not answered).
func (p *Proxy) LateRequests() []string {
	p.lateMu.Lock()
	defer p.lateMu.Unlock()
	var out []string
	for _, lr := range p.late {
		if lr.status == 0 {
			out = append(out, lr.label+": pending")
			continue
		}
		out = append(out, fmt.Sprintf("%s: %d after %v", lr.label, lr.status, lr.after.Round(time.Second)))
	}
	return out
}

// LateAnswers returns the bodies of the server's answers to the requests LateCommit faults cut off, in
// order (nil while pending): what the client never got.
func (p *Proxy) LateAnswers() [][]byte {
	p.lateMu.Lock()
	defer p.lateMu.Unlock()
	out := make([][]byte, len(p.late))
	for i, lr := range p.late {
		out[i] = lr.answer
	}
	return out
}

// heldConflict answers 409 IpAddressAlreadyAllocated, as Neutron does, when body names a fixed IP that
// a pending late request holds; it reports whether it answered.
func (p *Proxy) heldConflict(w http.ResponseWriter, body []byte) bool {
	p.lateMu.Lock()
	held := map[string]bool{}
	for _, lr := range p.late {
		if lr.status == 0 {
			for _, a := range lr.held {
				held[a] = true
			}
		}
	}
	p.lateMu.Unlock()
	if len(held) == 0 {
		return false
	}
	for _, a := range fixedIPs(body) {
		if held[a] {
			subnet, address, _ := strings.Cut(a, " ")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusConflict)
			fmt.Fprintf(w, `{"NeutronError":{"type":"IpAddressAlreadyAllocated","message":"IP address %s already allocated in subnet %s","detail":""}}`,
				address, subnet)
			return true
		}
	}
	return false
}

// pendingLate reports whether a late request is still waiting for the server's answer.
func (p *Proxy) pendingLate() bool {
	p.lateMu.Lock()
	defer p.lateMu.Unlock()
	for _, lr := range p.late {
		if lr.status == 0 {
			return true
		}
	}
	return false
}

// fixedIPs lists, as "subnet_id ip_address", every JSON object of body with both keys set.
func fixedIPs(body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			subnet, _ := x["subnet_id"].(string)
			address, _ := x["ip_address"].(string)
			if subnet != "" && address != "" {
				out = append(out, subnet+" "+address)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}
