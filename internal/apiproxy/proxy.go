package apiproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gopenstack "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/transport"
)

// Proxy counts the API calls of every client under measurement the same way, whatever the client: the
// engine, the floor client, Terraform with terraform-provider-openstack, Terraform with our provider.
//
// It runs one reverse proxy on loopback per upstream endpoint (Keystone and every service endpoint of the
// catalog, all regions) and writes a clouds.yaml whose auth_url points at the Keystone proxy. Every JSON
// answer passing through has the upstream base URLs replaced by the proxies' (the token's service
// catalog, Neutron's pagination links, version documents), so a client that authenticates through the
// proxy finds only proxied endpoints and cannot bypass it. Each request is counted once when it reaches
// the proxy, as "<service>[<region>] <METHOD> <path>" with ids folded into {id}. Retries are counted:
// they are load on the cloud. Requests the services make among themselves (token validation) are not.
//
// The overhead is one loopback hop per call (well under a millisecond, against 30-500 ms per call).
type Proxy struct {
	// CloudsFile is the clouds.yaml to give the measured clients (OS_CLIENT_CONFIG_FILE).
	CloudsFile string

	servers  []*endpointServer
	upstream map[string]string // upstream base URL -> proxy base URL
	replacer *strings.Replacer

	mu     sync.Mutex
	counts Calls

	// delay is added to every request before it is forwarded: a WAN's round trip between the clients
	// and the cloud, the same for every client under measurement (SetDelay).
	delay atomic.Int64
	// faults decides which requests get a fault (SetFaults).
	faults atomic.Pointer[Injector]

	// late are the requests LateCommit faults cut off (lateCommit).
	lateMu sync.Mutex
	late   []*lateRequest
}

// SetFaults makes the proxy inject the faults in decides (nil: none).
func (p *Proxy) SetFaults(in Injector) {
	if in == nil {
		p.faults.Store(nil)
		return
	}
	p.faults.Store(&in)
}

// SetDelay makes every request wait d before it is forwarded (0: none).
func (p *Proxy) SetDelay(d time.Duration) { p.delay.Store(int64(d)) }

// endpoint is one upstream base URL with what it serves.
type endpoint struct {
	base    string // scheme://host:port
	service string // identity, network, compute, volume
	region  string
}

// StartProxy reads the service catalogs of the clouds named in cloudsFile (one token per distinct
// auth_url), starts a counting proxy for each upstream endpoint and writes the proxied clouds.yaml into
// dir. Close stops it.
func Start(ctx context.Context, cloudsFile, dir string, cloudNames []string) (*Proxy, error) {
	raw, err := os.ReadFile(cloudsFile)
	if err != nil {
		return nil, err
	}
	var eps []endpoint
	seen := map[string]bool{}
	for _, name := range cloudNames {
		ao, _, _, err := clouds.Parse(clouds.WithCloudName(name), clouds.WithLocations(cloudsFile))
		if err != nil {
			return nil, fmt.Errorf("cloud %q: %w", name, err)
		}
		base, err := baseURL(ao.IdentityEndpoint)
		if err != nil {
			return nil, err
		}
		if seen[base] {
			continue
		}
		seen[base] = true
		found, err := catalogEndpoints(ctx, ao)
		if err != nil {
			return nil, fmt.Errorf("reading the catalog of %s: %w", name, err)
		}
		eps = append(eps, endpoint{base: base, service: "identity"})
		eps = append(eps, found...)
	}
	p := &Proxy{upstream: map[string]string{}, counts: Calls{}}
	byBase := map[string]endpoint{}
	for _, ep := range eps {
		if _, ok := byBase[ep.base]; !ok {
			byBase[ep.base] = ep
		}
	}
	var pairs []string
	for _, base := range sortedKeys(byBase) {
		ep := byBase[base]
		target, _ := url.Parse(base)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			p.Close()
			return nil, err
		}
		proxyBase := "http://" + ln.Addr().String()
		p.upstream[base] = proxyBase
		pairs = append(pairs, base, proxyBase)
		es := &endpointServer{}
		es.serve(ln, p.handler(ep, target, es.down))
		p.servers = append(p.servers, es)
	}
	p.replacer = strings.NewReplacer(pairs...)
	p.CloudsFile = filepath.Join(dir, "clouds-proxied.yaml")
	if err := os.WriteFile(p.CloudsFile, []byte(p.replacer.Replace(string(raw))), 0o600); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// catalogEndpoints authenticates once and lists the catalog's endpoint base URLs with their service
// type and region.
func catalogEndpoints(ctx context.Context, ao gophercloud.AuthOptions) ([]endpoint, error) {
	provider, err := gopenstack.AuthenticatedClient(ctx, ao)
	if err != nil {
		return nil, err
	}
	res, ok := provider.GetAuthResult().(tokens.CreateResult)
	if !ok {
		return nil, fmt.Errorf("unexpected authentication result %T", provider.GetAuthResult())
	}
	catalog, err := res.ExtractServiceCatalog()
	if err != nil {
		return nil, err
	}
	var out []endpoint
	for _, entry := range catalog.Entries {
		service := entry.Type
		switch service {
		case "volumev3", "block-storage", "volumev2", "volume":
			service = "volume"
		}
		for _, e := range entry.Endpoints {
			base, err := baseURL(e.URL)
			if err != nil {
				return nil, err
			}
			region := e.RegionID
			if service == "identity" {
				region = "" // one Keystone serves every region
			}
			out = append(out, endpoint{base: base, service: service, region: region})
		}
	}
	return out, nil
}

func baseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("not an absolute URL: %q", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// connKey carries, in a request's context, the upstream transport dedicated to the client connection
// the request came on.
type connKey struct{}

// perConnTransport sends each request over the upstream connection dedicated to its client connection,
// so that the proxy keeps the client's connection pattern: a reused client connection reuses one upstream
// connection, a new one opens a new one. That matters: a multi-process server such as neutron-server
// binds each connection to the worker that accepted it, and a pooling proxy would change which requests
// share a worker.
type perConnTransport struct{}

func (perConnTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t, ok := r.Context().Value(connKey{}).(*http.Transport)
	if !ok {
		return nil, errors.New("api proxy: request without its connection's transport")
	}
	return t.RoundTrip(r)
}

func newUpstreamTransport() *http.Transport {
	t := transport.CloneDefault()
	t.MaxIdleConnsPerHost = 1
	t.DisableCompression = true // bodies must stay plain text to be rewritten
	t.Proxy = nil
	return t
}

// endpointServer is the proxy of one upstream endpoint: an HTTP server on loopback whose client
// connections each get their own upstream transport, and which can be taken down for a while and brought
// back on the same address (a Refuse fault).
type endpointServer struct {
	srv *http.Server

	mu     sync.Mutex
	ln     net.Listener
	closed bool
	// downUntil is when a down endpoint listens again (zero when it is up).
	downUntil time.Time
}

// serve starts serving h on ln.
func (e *endpointServer) serve(ln net.Listener, h http.Handler) {
	var conns sync.Map // net.Conn -> *http.Transport
	e.srv = &http.Server{
		Handler: h,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			t := newUpstreamTransport()
			conns.Store(c, t)
			return context.WithValue(ctx, connKey{}, t)
		},
		ConnState: func(c net.Conn, state http.ConnState) {
			if state == http.StateClosed || state == http.StateHijacked {
				if v, ok := conns.LoadAndDelete(c); ok {
					if t, ok := v.(*http.Transport); ok {
						t.CloseIdleConnections()
					}
				}
			}
		},
	}
	e.ln = ln
	go func() { _ = e.srv.Serve(ln) }()
}

// down stops accepting connections for d, closes the idle client connections (and the others once their
// current request is done), then listens again on the same address. While it is down, a second call
// changes nothing.
func (e *endpointServer) down(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || !e.downUntil.IsZero() {
		return
	}
	addr := e.ln.Addr().String()
	_ = e.ln.Close()
	e.srv.SetKeepAlivesEnabled(false) // closes the idle connections, and the busy ones after their answer
	e.downUntil = time.Now().Add(d)
	time.AfterFunc(d, func() { e.up(addr) })
}

// up listens on addr again, retrying until it can (or the proxy is closed) should the address not be
// free at once.
func (e *endpointServer) up(addr string) {
	for attempt := 0; ; attempt++ {
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			return
		}
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			e.ln = ln
			e.downUntil = time.Time{}
			e.srv.SetKeepAlivesEnabled(true)
			e.mu.Unlock()
			go func() { _ = e.srv.Serve(ln) }()
			return
		}
		e.mu.Unlock()
		if attempt == 50 {
			log.Printf("api proxy: cannot listen on %s again after 5 s (still trying): %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// close stops the endpoint for good.
func (e *endpointServer) close() error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	return e.srv.Close()
}

// handler proxies ep; down takes ep's proxy down for a while (a Refuse fault).
func (p *Proxy) handler(ep endpoint, target *url.URL, down func(time.Duration)) http.Handler {
	label := ep.service
	if ep.region != "" {
		label += "[" + ep.region + "]"
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Header.Del("Accept-Encoding")
		},
		Transport:      perConnTransport{},
		ModifyResponse: p.rewriteResponse,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, "api proxy: "+err.Error(), http.StatusBadGateway)
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.record(label, r.Method, r.URL.Path)
		if d := time.Duration(p.delay.Load()); d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		if r.Method == http.MethodPost && p.pendingLate() {
			// A request a LateCommit fault cut off still holds its fixed IPs on the server's side.
			body, err := io.ReadAll(r.Body)
			if err != nil {
				drop(w)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			if p.heldConflict(w, body) {
				return
			}
		}
		if in := p.faults.Load(); in != nil {
			if f := (*in).Fault(label, r.Method, r.URL.Path); f.Kind != NoFault && p.inject(f, w, r, rp, down) {
				return
			}
		}
		rp.ServeHTTP(w, r)
	})
}

// rewriteResponse points every upstream URL in a JSON body or a Location header at its proxy.
func (p *Proxy) rewriteResponse(resp *http.Response) error {
	if loc := resp.Header.Get("Location"); loc != "" {
		resp.Header.Set("Location", p.replacer.Replace(loc))
	}
	if !strings.Contains(resp.Header.Get("Content-Type"), "json") || resp.Body == nil {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	body = []byte(p.replacer.Replace(string(body)))
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

var idSegment = regexp.MustCompile(`^([0-9a-fA-F]{32}|[0-9a-fA-F-]{36})$`)

// CallKey is the counting key of a request: service, method and path with ids folded into {id}.
func CallKey(service, method, path string) string {
	segments := strings.Split(path, "/")
	for i, s := range segments {
		if idSegment.MatchString(s) {
			segments[i] = "{id}"
		}
	}
	return service + " " + method + " " + strings.Join(segments, "/")
}

func (p *Proxy) record(service, method, path string) {
	key := CallKey(service, method, path)
	p.mu.Lock()
	p.counts[key]++
	p.mu.Unlock()
}

// Take returns the calls counted since the last Take and starts counting afresh.
func (p *Proxy) Take() Calls {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.counts
	p.counts = Calls{}
	return out
}

// Close stops the proxies.
func (p *Proxy) Close() {
	var errs []error
	for _, s := range p.servers {
		errs = append(errs, s.close())
	}
	_ = errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
