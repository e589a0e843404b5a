package openstack

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// RequestCounter counts the HTTP requests sent to a cloud, per service, method and path shape
// ("network POST /v2.0/ports"). Ids in paths are folded into "{id}" so that counts group by kind of call.
// A request is counted as it is sent: a write still waiting for its turn when its run stops is not.
// Benchmarks and tests read it; OnRequest lets a test react to a call as it goes out (for example stop a
// run after N creates).
type RequestCounter struct {
	mu        sync.Mutex
	counts    map[string]int
	services  []serviceBase
	OnRequest func(service, method, path string)
}

type serviceBase struct {
	prefix, name string
}

// NewRequestCounter returns an empty counter.
func NewRequestCounter() *RequestCounter {
	return &RequestCounter{counts: map[string]int{}}
}

// registerService tells the counter that URLs starting with baseURL belong to service name. Registering
// the same pair again (every Connect to a region does) changes nothing.
func (c *RequestCounter) registerService(name, baseURL string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.services {
		if s.prefix == baseURL && s.name == name {
			return
		}
	}
	c.services = append(c.services, serviceBase{prefix: baseURL, name: name})
	// Longest prefix first, so that a service mounted under another's path is matched precisely.
	sort.Slice(c.services, func(i, j int) bool { return len(c.services[i].prefix) > len(c.services[j].prefix) })
}

var idSegment = regexp.MustCompile(`^([0-9a-fA-F]{32}|[0-9a-fA-F-]{36})$`)

func (c *RequestCounter) record(req *http.Request) {
	url := req.URL.String()
	c.mu.Lock()
	service, path := "identity", req.URL.Path
	for _, s := range c.services {
		if strings.HasPrefix(url, s.prefix) {
			service = s.name
			break
		}
	}
	segments := strings.Split(path, "/")
	for i, s := range segments {
		if idSegment.MatchString(s) {
			segments[i] = "{id}"
		}
	}
	path = strings.Join(segments, "/")
	c.counts[service+" "+req.Method+" "+path]++
	hook := c.OnRequest
	c.mu.Unlock()
	if hook != nil {
		hook(service, req.Method, path)
	}
}

// Snapshot returns a copy of the counts.
func (c *RequestCounter) Snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// Total is the number of requests counted, optionally only those whose method is one of methods.
func (c *RequestCounter) Total(methods ...string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.counts {
		if len(methods) == 0 {
			n += v
			continue
		}
		method := strings.SplitN(k, " ", 3)[1]
		for _, m := range methods {
			if m == method {
				n += v
			}
		}
	}
	return n
}

// Reset clears the counts.
func (c *RequestCounter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = map[string]int{}
}

// countingTransport records each request in counter as it is sent, and runs the counter's OnRequest.
type countingTransport struct {
	next    http.RoundTripper
	counter *RequestCounter
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.counter.record(req)
	return t.next.RoundTrip(req)
}
