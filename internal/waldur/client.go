// Package waldur is a client for the parts of Waldur's REST API that an OpenStack tenant migration needs:
// migrations, public offerings and their plans, volume types, marketplace resources and orders, and the
// OpenStack tenants, networks, subnets, routers, security groups and ports Waldur keeps for a tenant.
//
// It is thin and typed in the manner of gophercloud: one small struct per object (only the fields the
// provider uses), one function per call, a context on every call. Lists always follow pagination to the
// end. Errors are *APIError values carrying the HTTP status and Waldur's validation messages by field.
// Waiting for asynchronous work is a separate piece (WaitForMigration, WaitForOrder, Poll).
package waldur

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/httpretry"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/settle"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/transport"
)

// DefaultUserAgent is sent unless WithUserAgent says otherwise.
const DefaultUserAgent = "terraform-provider-waldur-openstack-migration"

// Client talks to one Waldur deployment with one API token. It is safe for concurrent use.
type Client struct {
	base      *url.URL // always ends in "/api/"
	token     string
	http      *http.Client
	retry     httpretry.Policy
	userAgent string
	hook      func(RequestInfo)
}

// RetryPolicy bounds how often and how long a request is retried. Waldur sits behind proxies that answer
// 502/503/504 while it restarts, and rate limiters that answer 429; those are worth a few more tries.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first included (default 5; 1 disables retries).
	MaxAttempts int
	// MinBackoff is the wait before the second attempt; it doubles per attempt up to MaxBackoff
	// (defaults 500ms and 10s). A Retry-After header from the server takes precedence, up to MaxRetryAfter.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// MaxRetryAfter caps the wait a server may ask for with Retry-After (default 60s).
	MaxRetryAfter time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.MinBackoff <= 0 {
		p.MinBackoff = 500 * time.Millisecond
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = 10 * time.Second
	}
	if p.MaxBackoff < p.MinBackoff {
		p.MaxBackoff = p.MinBackoff
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = time.Minute
	}
	return p
}

// policy is p, defaults filled in, with Waldur's rules and backoffs spread by ±20% so that many clients
// do not retry in lockstep.
func (p RetryPolicy) policy() httpretry.Policy {
	p = p.withDefaults()
	return httpretry.Policy{
		MaxAttempts:   p.MaxAttempts,
		MinBackoff:    p.MinBackoff,
		MaxBackoff:    p.MaxBackoff,
		Jitter:        0.2,
		MaxRetryAfter: p.MaxRetryAfter,
		Rules:         retryRules,
	}
}

// retryRules say which failures are worth another attempt. A POST is retried only when the server said
// it did not process it (429, 503): after a 500, 502 or 504, or a connection lost, the migration may have
// been created, and a second POST would build a second tenant. A 500 is retried for reads only, which
// repeating cannot harm; a write that failed that way may have been partly done.
var retryRules = httpretry.Rules{
	{Statuses: []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}},
	{Methods: httpretry.Idempotent, Statuses: []int{http.StatusBadGateway, http.StatusGatewayTimeout}, Errors: httpretry.AnyError},
	{Methods: []string{http.MethodGet, http.MethodHead}, Statuses: []int{http.StatusInternalServerError}},
}

// RequestInfo describes one HTTP attempt, for WithRequestHook. URL never contains the token (it travels
// in a header).
type RequestInfo struct {
	Method   string
	URL      string
	Attempt  int // 1 for the first attempt
	Status   int // 0 when no response arrived
	Err      error
	Duration time.Duration
}

type config struct {
	httpClient *http.Client
	caPEM      [][]byte
	insecure   bool
	retry      RetryPolicy
	userAgent  string
	hook       func(RequestInfo)
}

// Option configures a Client.
type Option func(*config) error

// WithHTTPClient uses hc for every request. It cannot be combined with WithCACertificates or
// WithInsecureSkipVerify: configure TLS on hc's transport instead.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithCACertificates trusts the PEM-encoded certificates in addition to the system roots (for a Waldur
// behind a private CA).
func WithCACertificates(pem []byte) Option {
	return func(c *config) error {
		if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			return errors.New("WithCACertificates: no PEM certificate found")
		}
		c.caPEM = append(c.caPEM, pem)
		return nil
	}
}

// WithInsecureSkipVerify turns TLS certificate verification off. Verification is on by default; this is
// for test deployments with self-signed certificates only.
func WithInsecureSkipVerify() Option {
	return func(c *config) error { c.insecure = true; return nil }
}

// WithRetry replaces the default retry policy.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error { c.retry = p; return nil }
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *config) error { c.userAgent = ua; return nil }
}

// WithRequestHook calls fn after every HTTP attempt (retries included), for counting requests in tests
// and benchmarks. fn must be safe for concurrent use.
func WithRequestHook(fn func(RequestInfo)) Option {
	return func(c *config) error { c.hook = fn; return nil }
}

// New returns a client for the Waldur at endpoint, authenticating with token. The endpoint may be given
// with or without its "/api/" suffix ("https://waldur.example.com", "https://waldur.example.com/api/").
func New(endpoint, token string, opts ...Option) (*Client, error) {
	base, err := NormalizeEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("waldur: the API token is empty")
	}
	cfg := config{userAgent: DefaultUserAgent}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, fmt.Errorf("waldur: %w", err)
		}
	}
	hc := cfg.httpClient
	if hc == nil {
		hc = newHTTPClient(cfg)
	} else if len(cfg.caPEM) > 0 || cfg.insecure {
		return nil, errors.New("waldur: WithHTTPClient cannot be combined with TLS options; configure the client's transport")
	}
	return &Client{
		base:      base,
		token:     strings.TrimSpace(token),
		http:      hc,
		retry:     cfg.retry.policy(),
		userAgent: cfg.userAgent,
		hook:      cfg.hook,
	}, nil
}

func newHTTPClient(cfg config) *http.Client {
	tr := transport.CloneDefault()
	tr.ResponseHeaderTimeout = 2 * time.Minute
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(cfg.caPEM) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		for _, pem := range cfg.caPEM {
			pool.AppendCertsFromPEM(pem)
		}
		tlsCfg.RootCAs = pool
	}
	if cfg.insecure {
		tlsCfg.InsecureSkipVerify = true //nolint:gosec // explicit opt-in, documented as test-only
	}
	tr.TLSClientConfig = tlsCfg
	// A POST or DELETE already sent is let finish when the apply is stopped: Waldur goes on with it
	// anyway, and the migration it creates must be recorded (see package settle).
	return &http.Client{Transport: &settle.Transport{Next: tr}}
}

// NormalizeEndpoint turns a Waldur endpoint into its API base URL, ending in "/api/".
func NormalizeEndpoint(endpoint string) (*url.URL, error) {
	endpoint = strings.TrimSpace(endpoint)
	if endpoint == "" {
		return nil, errors.New("waldur: the endpoint is empty")
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("waldur: invalid endpoint %q: %w", endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("waldur: invalid endpoint %q: the scheme must be http or https", endpoint)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("waldur: invalid endpoint %q: no host", endpoint)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("waldur: invalid endpoint %q: no query or fragment expected", endpoint)
	}
	p := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(p, "/api") {
		p += "/api"
	}
	u.Path = p + "/"
	u.RawPath = ""
	return u, nil
}

// BaseURL is the API base this client sends requests to, ending in "/api/".
func (c *Client) BaseURL() string { return c.base.String() }

// endpoint resolves a path relative to the API base ("openstack-migrations/").
func (c *Client) endpoint(path string, q url.Values) string {
	u := *c.base
	u.Path += strings.TrimPrefix(path, "/")
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// response is what do returns on success.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends one logical request, retrying per the policy, and returns the response of a 2xx answer or an
// *APIError. body, when not nil, is marshalled as JSON.
func (c *Client) do(ctx context.Context, method, rawURL string, body any) (*response, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("waldur: encoding %s %s: %w", method, rawURL, err)
		}
	}
	start := time.Now()
	for attempt := 1; ; attempt++ {
		resp, answer, err := c.attempt(ctx, method, rawURL, payload, attempt)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctxError(ctx, err)
		}
		var te *transportError
		var cause error
		if errors.As(err, &te) {
			cause = te.err
		} else if answer == nil {
			return nil, err // the request could not even be built
		}
		wait, retry, _ := c.retry.Next(method, attempt, time.Since(start), answer, cause)
		if !retry {
			return nil, err
		}
		if httpretry.Sleep(ctx, wait) != nil {
			return nil, ctxError(ctx, err)
		}
	}
}

func ctxError(ctx context.Context, last error) error {
	if last != nil {
		return fmt.Errorf("%w (last error: %v)", ctx.Err(), last)
	}
	return ctx.Err()
}

// attempt sends the request once. A non-2xx answer comes back as an *APIError and, for the retry
// decision, as the answer itself (its body already read and closed).
func (c *Client) attempt(ctx context.Context, method, rawURL string, payload []byte, n int) (*response, *http.Response, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, nil, fmt.Errorf("waldur: building %s %s: %w", method, rawURL, err)
	}
	req.Header.Set("Authorization", "Token "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	info := RequestInfo{Method: method, URL: rawURL, Attempt: n}
	if err != nil {
		info.Err, info.Duration = err, time.Since(start)
		c.report(info)
		return nil, nil, &transportError{method: method, url: rawURL, err: err}
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	info.Status, info.Duration = resp.StatusCode, time.Since(start)
	if err != nil {
		info.Err = err
		c.report(info)
		return nil, nil, &transportError{method: method, url: rawURL, err: fmt.Errorf("reading the response: %w", err)}
	}
	c.report(info)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil, nil
	}
	return nil, resp, newAPIError(method, rawURL, resp.StatusCode, data)
}

func (c *Client) report(info RequestInfo) {
	if c.hook != nil {
		c.hook(info)
	}
}

// transportError is a request that got no HTTP response.
type transportError struct {
	method, url string
	err         error
}

func (e *transportError) Error() string {
	return fmt.Sprintf("waldur: %s %s: %v", e.method, e.url, e.err)
}

func (e *transportError) Unwrap() error { return e.err }

// getJSON GETs path and decodes the body into out.
func (c *Client) getJSON(ctx context.Context, path string, out any) error {
	u := c.endpoint(path, nil)
	resp, err := c.do(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	return decode(http.MethodGet, u, resp.body, out)
}

// postJSON POSTs body to path and decodes the answer into out (when out is not nil).
func (c *Client) postJSON(ctx context.Context, path string, body, out any) error {
	u := c.endpoint(path, nil)
	resp, err := c.do(ctx, http.MethodPost, u, body)
	if err != nil {
		return err
	}
	if out == nil || len(bytes.TrimSpace(resp.body)) == 0 {
		return nil
	}
	return decode(http.MethodPost, u, resp.body, out)
}

func (c *Client) delete(ctx context.Context, path string) error {
	_, err := c.do(ctx, http.MethodDelete, c.endpoint(path, nil), nil)
	return err
}

func decode(method, u string, body []byte, out any) error {
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("waldur: decoding the answer to %s %s: %w (body starts %q)", method, u, err, snippet(body, 200))
	}
	return nil
}

func snippet(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// detailPath is "<collection>/<uuid>/", with the uuid escaped so that a bad value cannot change the path.
func detailPath(collection, uuid string) string {
	return collection + url.PathEscape(strings.TrimSpace(uuid)) + "/"
}

func requireUUID(kind, uuid string) error {
	if strings.TrimSpace(uuid) == "" {
		return fmt.Errorf("waldur: empty %s uuid", kind)
	}
	return nil
}

// CheckEndpointScheme refuses an http:// endpoint, over which the API token would travel in cleartext,
// unless allowHTTP says so or the host is a loopback address (127.0.0.0/8, ::1, localhost), where it
// never leaves the machine (an SSH tunnel, a test server).
func CheckEndpointScheme(endpoint string, allowHTTP bool) error {
	// An endpoint that does not parse is New's to refuse, with its own message.
	u, err := NormalizeEndpoint(endpoint)
	plain := err == nil && u.Scheme == "http"
	if !plain || allowHTTP || isLoopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("waldur: endpoint %q is plain HTTP: the API token would be sent unencrypted. Use https://, or set allow_http = true to accept that", endpoint)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
