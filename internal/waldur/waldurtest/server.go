// Package waldurtest is an in-process Waldur API server for tests: it follows Waldur's published schema
// and documented behaviour closely enough that a client which
// works against it works against Waldur, and it is honest: it rejects what Waldur rejects, with Waldur's
// status codes and messages, quirks included.
//
// It is as strict as Waldur: a user who is not staff sees only the resources, tenants and objects of
// their projects (others "do not exist", 404 or "Object with uuid=… does not exist."), and only their
// own migrations; tokens can expire (ExpireToken); tenant credentials can be hidden
// (HideTenantCredentials). Faults puts a fault-injecting front before it (lost answers, 5xx, dropped
// connections, slow answers).
//
// What it serves: token auth; GET users/me/; paginated lists (page, page_size up to 300, Link and X-Result-Count
// headers, HEAD for the count) with their filters; public offerings and plans; volume types; marketplace
// resources, their termination and orders; OpenStack tenants, networks, subnets, routers, security groups
// and ports; and OpenStack migrations with Waldur's create-time validation and its asynchronous state
// machine (CREATION_SCHEDULED → CREATING → OK or ERRED, taking real time).
//
// The migration's work is done by a pluggable Runner. The default, FabricatingRunner, fabricates a copy
// of the source tenant's registered objects; a test that wants real clouds plugs in a Runner that calls
// the replication engine.
package waldurtest

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultToken is the default user's token unless Options.Token says otherwise.
const DefaultToken = "waldurtest-token-0123456789abcdef"

// Options configure a Server. The zero value is a working server.
type Options struct {
	// Token of the default user (a non-staff user allowed to order without review).
	Token string
	// StepDuration is how long each step of the migration and termination state machines takes at least
	// (default 300ms). Tests use a few milliseconds.
	StepDuration time.Duration
	// OldStateLabels makes the server speak the labels of Waldur before 2025 ("Creation Scheduled",
	// "Creating", "Erred") instead of CREATION_SCHEDULED, CREATING, ERRED.
	OldStateLabels bool
	// CreateResponseWithUUID answers a migration create with the full details, uuid included. By default
	// the answer is what the schema documents, {mappings, src_resource}, with no uuid, as some versions do.
	CreateResponseWithUUID bool
	// DescriptionCauses500 reproduces the versions that fail with HTTP 500 when a migration create
	// carries a description.
	DescriptionCauses500 bool
	// HideTenantCredentials leaves user_username and user_password out of tenants, as a Waldur does whose
	// WALDUR_OPENSTACK.TENANT_CREDENTIALS_VISIBLE is off (the default of many deployments).
	HideTenantCredentials bool
	// Runner executes migrations (default FabricatingRunner).
	Runner Runner
	// Terminator tears tenants down on termination orders (default: nothing to do).
	Terminator Terminator
	// TLS serves HTTPS with a self-signed certificate (see CertificatePEM).
	TLS bool
	// Logf, when set, receives a line per state change.
	Logf func(format string, args ...any)
}

// Server is a running fake Waldur. Seed it with the Add* methods; point a client at URL with Token.
type Server struct {
	// URL is the server's root ("http://127.0.0.1:port"); the API is under URL + "/api/".
	URL string
	// Token is the default user's API token.
	Token string

	opts  Options
	hs    *httptest.Server
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup
	count atomic.Int64

	mu sync.Mutex
	st *store
}

// New starts a server.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.StepDuration <= 0 {
		opts.StepDuration = 300 * time.Millisecond
	}
	if opts.Runner == nil {
		opts.Runner = FabricatingRunner
	}
	s := &Server{opts: opts, Token: opts.Token, st: newStore()}
	s.ctx, s.stop = context.WithCancel(context.Background())
	s.st.addUser(User{Token: opts.Token, Username: "tester", FullName: "Test User", MayOrderWithoutReview: true, CustomerOwner: true})
	s.hs = httptest.NewUnstartedServer(s)
	// A client refusing the self-signed certificate is what some tests want: no log line for it.
	s.hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	if opts.TLS {
		s.hs.StartTLS()
	} else {
		s.hs.Start()
	}
	s.URL = s.hs.URL
	return s
}

// APIURL is URL + "/api/".
func (s *Server) APIURL() string { return s.URL + "/api/" }

// Handler is the server's HTTP handler, for wrapping (fault injection) in another httptest.Server.
func (s *Server) Handler() http.Handler { return s }

// CertificatePEM is the PEM of the TLS certificate (only with Options.TLS).
func (s *Server) CertificatePEM() []byte {
	if s.hs.Certificate() == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.hs.Certificate().Raw})
}

// Certificate is the TLS certificate (only with Options.TLS).
func (s *Server) Certificate() *x509.Certificate { return s.hs.Certificate() }

// ExpireToken makes Waldur refuse token from now on, as it does once a token outlives its lifetime
// (401 "Token has expired.").
func (s *Server) ExpireToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.expired[token] = true
}

// RequestCount is the number of API requests served so far.
func (s *Server) RequestCount() int { return int(s.count.Load()) }

// Close stops the server and its background work, waiting for running Runners to return.
func (s *Server) Close() {
	s.stop()
	s.hs.Close()
	s.wg.Wait()
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// ServeHTTP routes a request like Waldur's URL configuration: /api/<collection>/[<uuid>/[<action>/]],
// always with the trailing slash.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.count.Add(1)
	if !strings.HasPrefix(r.URL.Path, "/api/") || !strings.HasSuffix(r.URL.Path, "/") {
		htmlError(w, http.StatusNotFound)
		return
	}
	segs := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/"), "/"), "/")
	h, ok := handlers[segs[0]]
	if !ok || len(segs) > 4 {
		htmlError(w, http.StatusNotFound)
		return
	}
	user, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	var body []byte
	if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
		b, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err != nil {
			detail(w, http.StatusBadRequest, "Could not read the request body.")
			return
		}
		body = b
	}
	req := &request{w: w, r: r, user: user, segs: segs[1:], base: baseURL(r), body: body}
	s.mu.Lock()
	defer s.mu.Unlock()
	h(s, req)
}

// request is one API call being served, with the store locked.
type request struct {
	w    http.ResponseWriter
	r    *http.Request
	user *User
	segs []string // after the collection
	base string   // "http://host/api/"
	body []byte   // of a POST, read before the store is locked
}

var handlers = map[string]func(*Server, *request){}

func init() {
	handlers["openstack-migrations"] = (*Server).migrations
	handlers["marketplace-public-offerings"] = (*Server).offerings
	handlers["openstack-volume-types"] = (*Server).volumeTypes
	handlers["marketplace-resources"] = (*Server).resources
	handlers["marketplace-orders"] = (*Server).orders
	handlers["openstack-tenants"] = (*Server).tenants
	handlers["openstack-networks"] = (*Server).networks
	handlers["openstack-subnets"] = (*Server).subnets
	handlers["openstack-routers"] = (*Server).routers
	handlers["openstack-security-groups"] = (*Server).securityGroups
	handlers["openstack-ports"] = (*Server).ports
	handlers["users"] = (*Server).users
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/api/"
}

// authenticate applies DRF's TokenAuthentication: "Authorization: Token <key>".
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*User, bool) {
	h := r.Header.Get("Authorization")
	keyword, key, _ := strings.Cut(strings.TrimSpace(h), " ")
	if !strings.EqualFold(keyword, "Token") {
		w.Header().Set("WWW-Authenticate", "Token")
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Authentication credentials were not provided."})
		return nil, false
	}
	key = strings.TrimSpace(key)
	if key == "" || strings.Contains(key, " ") {
		w.Header().Set("WWW-Authenticate", "Token")
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Invalid token header. No credentials provided."})
		return nil, false
	}
	s.mu.Lock()
	u := s.st.users[key]
	expired := s.st.expired[key]
	s.mu.Unlock()
	if u == nil {
		w.Header().Set("WWW-Authenticate", "Token")
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Invalid token."})
		return nil, false
	}
	if expired {
		w.Header().Set("WWW-Authenticate", "Token")
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Token has expired."})
		return nil, false
	}
	return u, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

func detail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"detail": msg})
}

func notFound(w http.ResponseWriter) { detail(w, http.StatusNotFound, "Not found.") }

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	detail(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", r.Method))
}

// htmlError is Django's own error page, which is what Waldur answers outside the API views (an unknown
// URL, an unhandled exception).
func htmlError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	switch status {
	case http.StatusNotFound:
		_, _ = w.Write([]byte("<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n"))
	default:
		_, _ = w.Write([]byte("<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n"))
	}
}

// newUUID is a random uuid in Waldur's form: 32 hex digits.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return hex.EncodeToString(b[:])
}

// backendUUID is a random id in OpenStack's form (dashed).
func backendUUID() string {
	u := newUUID()
	return u[0:8] + "-" + u[8:12] + "-" + u[12:16] + "-" + u[16:20] + "-" + u[20:]
}

// normUUID parses a uuid as Django's UUIDField does (with or without dashes, any case); ok is false for
// anything else.
func normUUID(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}"), "urn:uuid:")
	if len(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' {
		s = s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	}
	if len(s) != 32 {
		return "", false
	}
	if _, err := hex.DecodeString(s); err != nil {
		return "", false
	}
	return s, true
}

// dashed writes a uuid the way Python's str(uuid.UUID) does.
func dashed(u string) string {
	if len(u) != 32 {
		return u
	}
	return u[0:8] + "-" + u[8:12] + "-" + u[12:16] + "-" + u[16:20] + "-" + u[20:]
}

const timeLayout = "2006-01-02T15:04:05.000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func fmtTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}

// stateLabel renders a core state in the configured generation of labels.
func (s *Server) stateLabel(state string) string {
	if !s.opts.OldStateLabels {
		return state
	}
	switch state {
	case "OK":
		return "OK"
	case "":
		return ""
	}
	words := strings.Split(strings.ToLower(state), "_")
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// sleep waits d or until the server closes; it reports whether the server is still running.
func (s *Server) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// users serves GET /api/users/me/: the token's user, as Waldur's UserSerializer shows it (the fields a
// client needs to recognise what it created: uuid, username, full_name, is_staff).
func (s *Server) users(req *request) {
	if len(req.segs) != 1 || req.segs[0] != "me" {
		htmlError(req.w, http.StatusNotFound)
		return
	}
	if req.r.Method != http.MethodGet && req.r.Method != http.MethodHead {
		methodNotAllowed(req.w, req.r)
		return
	}
	u := req.user
	writeJSON(req.w, http.StatusOK, map[string]any{
		"uuid": u.UUID, "url": req.base + "users/" + u.UUID + "/", "username": u.Username, "full_name": u.FullName,
		"is_staff": u.Staff, "is_support": false,
	})
}

// projectVisible says whether u sees what belongs to project (staff and the customer's owner see all).
func (s *Server) projectVisible(u *User, project string) bool {
	if u.Staff || u.CustomerOwner {
		return true
	}
	for _, p := range u.Projects {
		if n, ok := normUUID(p); ok && n == project {
			return true
		}
	}
	return false
}

// tenantVisible says whether u sees the tenant with uuid id (and so its objects).
func (s *Server) tenantVisible(u *User, id string) bool {
	t := s.st.tenants.m[id]
	return t != nil && s.projectVisible(u, t.ProjectUUID)
}
