package waldurtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Fault is what a Faults wrapper does to a request instead of (or after) serving it.
type Fault int

const (
	// LoseAnswer serves the request (the server commits it) and then drops the connection without an
	// answer: the client cannot know the outcome.
	LoseAnswer Fault = iota + 1
	// Drop drops the connection without serving the request.
	Drop
	// Status answers Rule.Status (Django's or a proxy's error page) without serving the request, or,
	// with Rule.Commit, after serving it (a gateway that timed out while Waldur finished).
	Status
	// Slow serves the request after Rule.Delay.
	Slow
)

// Rule injects Fault into the next Times requests (0: every one) whose method is Method ("" any) and
// whose path ends in PathSuffix ("" any), after letting Skip matching ones through.
type Rule struct {
	Method     string
	PathSuffix string
	Skip       int
	Times      int
	Fault      Fault
	Status     int
	Commit     bool
	Delay      time.Duration
}

// Faults is an HTTP server in front of a Server that injects faults by schedule: answers lost after the
// commit, 5xx, dropped connections, slow answers. Point the client at its URL.
type Faults struct {
	*httptest.Server
	inner http.Handler

	mu       sync.Mutex
	rules    []*rule
	Injected int // faults injected so far (read with the lock, see Count)
}

type rule struct {
	Rule
	seen, done int
}

// NewFaults starts a fault-injecting front for srv.
func NewFaults(srv *Server) *Faults {
	f := &Faults{inner: srv.Handler()}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Add schedules a rule; rules are tried in the order added.
func (f *Faults) Add(r Rule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &rule{Rule: r})
}

// Count is the number of faults injected so far.
func (f *Faults) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Injected
}

func (f *Faults) pick(r *http.Request) *Rule {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.rules {
		if (x.Method != "" && x.Method != r.Method) || !strings.HasSuffix(r.URL.Path, x.PathSuffix) {
			continue
		}
		x.seen++
		if x.seen <= x.Skip || (x.Times > 0 && x.done >= x.Times) {
			continue
		}
		x.done++
		f.Injected++
		out := x.Rule
		return &out
	}
	return nil
}

func (f *Faults) serve(w http.ResponseWriter, r *http.Request) {
	x := f.pick(r)
	if x == nil {
		f.inner.ServeHTTP(w, r)
		return
	}
	switch x.Fault {
	case LoseAnswer:
		f.inner.ServeHTTP(httptest.NewRecorder(), r)
		hangUp(w)
	case Drop:
		hangUp(w)
	case Status:
		if x.Commit {
			f.inner.ServeHTTP(httptest.NewRecorder(), r)
		}
		htmlError(w, x.Status)
	case Slow:
		time.Sleep(x.Delay)
		f.inner.ServeHTTP(w, r)
	default:
		f.inner.ServeHTTP(w, r)
	}
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("waldurtest: the response writer cannot hang up")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}
