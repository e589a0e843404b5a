package openstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeKeystone issues tokens for password "pw" (any user), scoped to the project named in the request,
// with a catalog of two regions served by the same server, and accepts on other paths only tokens it
// issued and has not revoked.
type fakeKeystone struct {
	*httptest.Server
	tokens atomic.Int32 // POST /v3/auth/tokens seen

	mu       sync.Mutex
	projects map[string]int                    // token requests per project name
	valid    map[string]bool                   // issued tokens not revoked
	before   func(project string) (status int) // when set, runs first; a non-zero status is the answer
}

func newFakeKeystone(t *testing.T) *fakeKeystone {
	k := &fakeKeystone{projects: map[string]int{}, valid: map[string]bool{}}
	k.Server = httptest.NewServer(http.HandlerFunc(k.serve))
	t.Cleanup(k.Close)
	return k
}

func (k *fakeKeystone) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == "/v3/auth/tokens" {
		k.issue(w, r)
		return
	}
	if r.Method == http.MethodGet && strings.Count(r.URL.Path, "/") == 3 && strings.HasSuffix(r.URL.Path, "/") {
		// The root of a service in a region: gophercloud reads which versions it serves.
		_, _ = w.Write([]byte(`{"versions":[{"id":"v2.0","status":"CURRENT"},{"id":"v2.1","status":"SUPPORTED"},{"id":"v3.0","status":"SUPPORTED"}]}`))
		return
	}
	k.mu.Lock()
	ok := k.valid[r.Header.Get("X-Auth-Token")]
	k.mu.Unlock()
	if !ok {
		http.Error(w, `{"error":{"code":401}}`, http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"networks":[]}`))
}

func (k *fakeKeystone) issue(w http.ResponseWriter, r *http.Request) {
	n := k.tokens.Add(1)
	var body struct {
		Auth struct {
			Identity struct {
				Password struct {
					User struct {
						Name     string `json:"name"`
						Password string `json:"password"`
					} `json:"user"`
				} `json:"password"`
			} `json:"identity"`
			Scope struct {
				Project struct {
					Name string `json:"name"`
				} `json:"project"`
			} `json:"scope"`
		} `json:"auth"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	project := body.Auth.Scope.Project.Name
	k.mu.Lock()
	k.projects[project]++
	before := k.before
	k.mu.Unlock()
	if before != nil {
		if status := before(project); status != 0 {
			http.Error(w, `{"error":{"code":`+fmt.Sprint(status)+`}}`, status)
			return
		}
	}
	if body.Auth.Identity.Password.User.Password != "pw" {
		http.Error(w, `{"error":{"code":401}}`, http.StatusUnauthorized)
		return
	}
	token := fmt.Sprintf("token-%d", n)
	k.mu.Lock()
	k.valid[token] = true
	k.mu.Unlock()
	var catalog []map[string]any
	for _, service := range []string{"identity", "network", "compute", "block-storage"} {
		var endpoints []map[string]any
		for _, region := range []string{"RegionOne", "RegionTwo"} {
			url := k.URL + "/" + service + "/" + region + "/"
			if service == "identity" {
				url = k.URL + "/v3/"
			}
			endpoints = append(endpoints, map[string]any{"id": service + region, "interface": "public", "region": region, "region_id": region, "url": url})
		}
		catalog = append(catalog, map[string]any{"type": service, "name": service, "id": service, "endpoints": endpoints})
	}
	domain := map[string]any{"id": "default", "name": "Default"}
	resp := map[string]any{"token": map[string]any{
		"methods":    []string{"password"},
		"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		"user":       map[string]any{"id": "user-" + body.Auth.Identity.Password.User.Name, "name": body.Auth.Identity.Password.User.Name, "domain": domain},
		"project":    map[string]any{"id": "project-" + project, "name": project, "domain": domain},
		"roles":      []map[string]any{{"id": "r1", "name": "admin"}, {"id": "r2", "name": "member"}},
		"catalog":    catalog,
	}}
	w.Header().Set("X-Subject-Token", token)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(resp)
}

func (k *fakeKeystone) revokeAll() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.valid = map[string]bool{}
}

func (k *fakeKeystone) config(region, project string) Config {
	return Config{AuthURL: k.URL + "/v3", Username: "alice", Password: "pw", ProjectName: project, Region: region}
}

// connectBothRegions connects RegionOne and RegionTwo with the same credentials.
func (k *fakeKeystone) connectBothRegions(t *testing.T) (one, two *Cloud) {
	t.Helper()
	var err error
	if one, err = Connect(context.Background(), k.config("RegionOne", "demo"), nil); err != nil {
		t.Fatal(err)
	}
	if two, err = Connect(context.Background(), k.config("RegionTwo", "demo"), nil); err != nil {
		t.Fatal(err)
	}
	return one, two
}

func TestConnectSharesOneTokenPerIdentity(t *testing.T) {
	ctx := context.Background()
	k := newFakeKeystone(t)
	one, two := k.connectBothRegions(t)
	if n := k.tokens.Load(); n != 1 {
		t.Fatalf("two regions of one identity asked for %d tokens, want 1", n)
	}
	if one.Counter != two.Counter {
		t.Error("Connects with a nil counter that share a token must share its counter")
	}
	if !strings.Contains(one.Network.Endpoint, "/RegionOne/") || !strings.Contains(two.Network.Endpoint, "/RegionTwo/") ||
		!strings.Contains(two.Compute.Endpoint, "/RegionTwo/") || !strings.Contains(two.BlockStorage.Endpoint, "/RegionTwo/") {
		t.Errorf("region endpoints: %s, %s, %s, %s", one.Network.Endpoint, two.Network.Endpoint, two.Compute.Endpoint, two.BlockStorage.Endpoint)
	}
	for _, c := range []*Cloud{one, two} {
		if c.UserID != "user-alice" || c.ProjectID != "project-demo" || c.DomainID != "default" || !c.IsAdmin() || len(c.Roles) != 2 {
			t.Errorf("%s: user %q project %q domain %q roles %v", c.Region, c.UserID, c.ProjectID, c.DomainID, c.Roles)
		}
	}
	if got := one.Counter.Snapshot()["identity POST /v3/auth/tokens"]; got != 1 {
		t.Errorf("counter: %v", one.Counter.Snapshot())
	}
	// Requests of both regions work with the one token, and are counted by service.
	for _, c := range []*Cloud{one, two} {
		if _, err := List[map[string]any](ctx, c.Network, Networks, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := one.Counter.Snapshot()["network GET /network/RegionTwo/v2.0/networks"]; got != 1 {
		t.Errorf("counter: %v", one.Counter.Snapshot())
	}

	// Whatever differs in the authentication asks for a token of its own.
	other := k.config("RegionOne", "demo")
	other.NetworkWriteSlots = 5
	for i, tc := range []struct {
		cfg     Config
		counter *RequestCounter
	}{
		{k.config("RegionOne", "other"), nil},
		{Config{AuthURL: k.URL + "/v3", Username: "bob", Password: "pw", ProjectName: "demo", Region: "RegionOne"}, nil},
		{k.config("RegionOne", "demo"), NewRequestCounter()},
		{other, nil},
		{Config{AuthURL: k.URL + "/v3", Username: "alice", Password: "pw", ProjectName: "demo", Region: "RegionOne", Insecure: true}, nil},
	} {
		c, err := Connect(ctx, tc.cfg, tc.counter)
		if err != nil {
			t.Fatal(err)
		}
		if n := k.tokens.Load(); n != int32(i)+2 {
			t.Fatalf("case %d asked for %d tokens in all, want %d", i, n, i+2)
		}
		if tc.counter != nil && c.Counter != tc.counter {
			t.Errorf("case %d: the counter passed in is not the Cloud's", i)
		}
	}
	// The same explicit counter twice shares again.
	counter := NewRequestCounter()
	before := k.tokens.Load()
	for _, region := range []string{"RegionOne", "RegionTwo"} {
		if _, err := Connect(ctx, k.config(region, "counted"), counter); err != nil {
			t.Fatal(err)
		}
	}
	if n := k.tokens.Load() - before; n != 1 || counter.Snapshot()["identity POST /v3/auth/tokens"] != 1 {
		t.Errorf("two Connects with one counter asked for %d tokens: %v", n, counter.Snapshot())
	}
}

func TestConnectConcurrentAuthenticatesOnce(t *testing.T) {
	k := newFakeKeystone(t)
	k.before = func(string) int { time.Sleep(100 * time.Millisecond); return 0 }
	var wg sync.WaitGroup
	clouds := make([]*Cloud, 8)
	for i := range clouds {
		wg.Go(func() {
			region := []string{"RegionOne", "RegionTwo"}[i%2]
			c, err := Connect(context.Background(), k.config(region, "demo"), nil)
			if err != nil {
				t.Error(err)
				return
			}
			clouds[i] = c
		})
	}
	wg.Wait()
	if n := k.tokens.Load(); n != 1 {
		t.Fatalf("%d concurrent Connects asked for %d tokens, want 1", len(clouds), n)
	}
	for _, c := range clouds[1:] {
		if c != nil && clouds[0] != nil && c.Counter != clouds[0].Counter {
			t.Fatal("concurrent Connects got different counters")
		}
	}

	// Concurrent Connects with a wrong password share the one failure.
	wrong := k.config("RegionOne", "demo")
	wrong.Password = "wrong"
	var failures atomic.Int32
	for range 4 {
		wg.Go(func() {
			if _, err := Connect(context.Background(), wrong, nil); err != nil {
				failures.Add(1)
			}
		})
	}
	wg.Wait()
	if n := k.tokens.Load(); n != 2 || failures.Load() != 4 {
		t.Fatalf("4 concurrent Connects with a wrong password: %d failed, %d token requests in all (want 4 and 2)", failures.Load(), n)
	}
}

func TestConnectRemembersRefusedCredentials(t *testing.T) {
	ctx := context.Background()
	k := newFakeKeystone(t)
	wrong := k.config("RegionOne", "refused")
	wrong.Password = "not-the-password"
	_, first := Connect(ctx, wrong, nil)
	if first == nil {
		t.Fatal("a wrong password must fail")
	}
	if strings.Contains(first.Error(), wrong.Password) {
		t.Fatalf("the error shows the password: %v", first)
	}
	// Every later Connect with the refused credentials, in any region, gets the same error without a
	// second login attempt.
	for _, region := range []string{"RegionOne", "RegionTwo"} {
		again := wrong
		again.Region = region
		if _, err := Connect(ctx, again, nil); err == nil || err.Error() != first.Error() {
			t.Fatalf("Connect again in %s with the refused password: %v, want %v", region, err, first)
		}
	}
	if n := k.tokens.Load(); n != 1 {
		t.Fatalf("%d token requests for the refused credentials, want 1 (lock-out policies count each)", n)
	}
	// The right password is another identity: it authenticates.
	if _, err := Connect(ctx, k.config("RegionOne", "refused"), nil); err != nil {
		t.Fatalf("the right password after a wrong one: %v", err)
	}
}

func TestConnectDoesNotKeepTransientFailures(t *testing.T) {
	ctx := context.Background()
	k := newFakeKeystone(t)
	// A transient failure (the retrying transport gives up on 500 for POST) is not kept either.
	var failed atomic.Bool
	k.mu.Lock()
	k.before = func(string) int {
		if failed.CompareAndSwap(false, true) {
			return http.StatusInternalServerError
		}
		return 0
	}
	k.mu.Unlock()
	if _, err := Connect(ctx, k.config("RegionOne", "flaky"), nil); err == nil {
		t.Fatal("the first Connect must fail")
	}
	if _, err := Connect(ctx, k.config("RegionOne", "flaky"), nil); err != nil {
		t.Fatalf("the second Connect must authenticate again: %v", err)
	}
}

// TestConnectWaiterOutlivesCancelledFirst checks that when the Connect that authenticates is cancelled,
// the Connects waiting for it authenticate themselves rather than fail with its error.
func TestConnectWaiterOutlivesCancelledFirst(t *testing.T) {
	k := newFakeKeystone(t)
	release := make(chan struct{})
	var first atomic.Bool
	k.before = func(string) int {
		if first.CompareAndSwap(false, true) {
			<-release
		}
		return 0
	}
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := Connect(ctx, k.config("RegionOne", "demo"), nil)
		firstErr <- err
	}()
	for k.tokens.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	waiterDone := make(chan error, 1)
	go func() {
		_, err := Connect(context.Background(), k.config("RegionTwo", "demo"), nil)
		waiterDone <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the waiter wait (if it does not yet, it simply authenticates later)
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled Connect returned %v", err)
	}
	select {
	case err := <-waiterDone:
		if err != nil {
			t.Fatalf("the waiting Connect failed: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the waiting Connect did not return")
	}
	if n := k.tokens.Load(); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
}

// TestConnectSharedReauthentication checks that a shared token that expires is renewed once, for every
// region that shares it.
func TestConnectSharedReauthentication(t *testing.T) {
	ctx := context.Background()
	k := newFakeKeystone(t)
	one, two := k.connectBothRegions(t)
	k.revokeAll()
	for _, c := range []*Cloud{one, two, one} {
		if _, err := List[map[string]any](ctx, c.Network, Networks, nil); err != nil {
			t.Fatalf("%s after the token was revoked: %v", c.Region, err)
		}
	}
	if n := k.tokens.Load(); n != 2 {
		t.Fatalf("%d token requests, want 2 (one re-authentication for both regions)", n)
	}
	// A later Connect reads the renewed token's details.
	again, err := Connect(ctx, k.config("RegionTwo", "demo"), nil)
	if err != nil || again.ProjectID != "project-demo" || k.tokens.Load() != 2 {
		t.Fatalf("Connect after re-authentication: %v, project %q, %d tokens", err, again.ProjectID, k.tokens.Load())
	}
}

// TestLabConnectSharesToken checks against the lab that two regions of one Keystone cost one token, and
// that a Neutron write goes through the gate.
func TestLabConnectSharesToken(t *testing.T) {
	if os.Getenv("WOM_LAB") != "1" {
		t.Skip("lab tests need WOM_LAB=1 and a running lab")
	}
	if os.Getenv("OS_CLIENT_CONFIG_FILE") == "" {
		t.Setenv("OS_CLIENT_CONFIG_FILE", "/var/tmp/wom-lab/clouds.yaml")
	}
	ctx := context.Background()
	counter := NewRequestCounter()
	one, err := Connect(ctx, Config{Cloud: "lab-RegionOne"}, counter)
	if err != nil {
		t.Fatal(err)
	}
	two, err := Connect(ctx, Config{Cloud: "lab-RegionTwo"}, counter)
	if err != nil {
		t.Fatal(err)
	}
	tokens := 0
	for key, n := range counter.Snapshot() {
		if strings.HasPrefix(key, "identity POST ") && strings.HasSuffix(key, "/auth/tokens") {
			tokens += n
		}
	}
	if tokens != 1 {
		t.Fatalf("two regions of one Keystone asked for %d tokens: %v", tokens, counter.Snapshot())
	}
	if one.Network.Endpoint == two.Network.Endpoint || one.Region != "RegionOne" || two.Region != "RegionTwo" {
		t.Fatalf("network endpoints %s and %s", one.Network.Endpoint, two.Network.Endpoint)
	}
	if one.UserID == "" || one.ProjectID == "" || two.ProjectID != one.ProjectID || !two.IsAdmin() {
		t.Fatalf("token details: %+v", two)
	}

	// The other Keystone is another identity.
	other, err := Connect(ctx, Config{Cloud: "lab2-RegionOne"}, counter)
	if err != nil {
		t.Fatal(err)
	}
	if n := counter.Total(http.MethodPost); n != 2 || other.Network.Endpoint == one.Network.Endpoint {
		t.Fatalf("after the second Keystone: %v", counter.Snapshot())
	}

	// Writes in both regions go through the gate, fresh connection each, and work.
	for _, c := range []*Cloud{one, two} {
		type network struct {
			ID string `json:"id"`
		}
		created, err := Create[network](ctx, c.Network, Networks, map[string]any{"name": "wom-writegate-test"})
		if err != nil {
			t.Fatalf("%s: %v", c.Region, err)
		}
		if err := Delete(ctx, c.Network, Networks, created.ID); err != nil {
			t.Fatalf("%s: %v", c.Region, err)
		}
	}
	t.Logf("requests: %v", counter.Snapshot())
	posts, deletes := 0, 0
	for key, n := range counter.Snapshot() {
		switch {
		case strings.HasPrefix(key, "network POST ") && strings.HasSuffix(key, "/networks"):
			posts += n
		case strings.HasPrefix(key, "network DELETE ") && strings.HasSuffix(key, "/networks/{id}"):
			deletes += n
		}
	}
	if posts != 2 || deletes != 2 {
		t.Fatalf("counter: %v", counter.Snapshot())
	}
	sessions.mu.Lock()
	defer sessions.mu.Unlock()
	for key, list := range sessions.m {
		if key.counter == counter && strings.HasSuffix(key.endpoint, ":5000/v3") {
			if lanes := len(list[0].gate.lanes); len(list) != 1 || lanes != 2 {
				t.Fatalf("%d sessions for the first Keystone, %d gated Neutron endpoints; want 1 and 2", len(list), lanes)
			}
		}
	}
}
