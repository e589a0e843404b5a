package apiproxy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// fakeCloud is a Keystone that hands out a catalog with one Neutron, and that Neutron, which pages its
// network list with absolute next links pointing at itself.
func fakeCloud(t *testing.T) (keystone, neutron *httptest.Server, neutronConns *atomic.Int32) {
	t.Helper()
	neutronConns = &atomic.Int32{}
	neutron = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/" || r.URL.Path == "":
			fmt.Fprintf(w, `{"versions":[{"id":"v2.0","status":"CURRENT","links":[{"href":"http://%s/v2.0/","rel":"self"}]}]}`, r.Host)
		case r.URL.Path == "/v2.0/networks" && r.URL.Query().Get("marker") == "":
			fmt.Fprintf(w, `{"networks":[{"id":"n1","name":"a"}],"networks_links":[{"rel":"next","href":"%s/v2.0/networks?marker=n1"}]}`, neutron.URL)
		case r.URL.Path == "/v2.0/networks":
			fmt.Fprint(w, `{"networks":[{"id":"n2","name":"b"}]}`)
		case strings.HasPrefix(r.URL.Path, "/compute") || strings.HasPrefix(r.URL.Path, "/volume"):
			fmt.Fprint(w, `{}`)
		default:
			http.NotFound(w, r)
		}
	}))
	neutron.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			neutronConns.Add(1)
		}
	}
	neutron.Start()
	t.Cleanup(neutron.Close)
	keystone = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v3/auth/tokens" {
			http.NotFound(w, r)
			return
		}
		base := "http://" + r.Host
		token := map[string]any{"token": map[string]any{
			"expires_at": "2099-01-01T00:00:00.000000Z",
			"user":       map[string]any{"id": "u1", "name": "admin", "domain": map[string]any{"id": "default", "name": "Default"}},
			"project":    map[string]any{"id": "p1", "name": "admin", "domain": map[string]any{"id": "default", "name": "Default"}},
			"roles":      []any{map[string]any{"id": "r1", "name": "admin"}},
			"catalog": []any{
				map[string]any{"type": "identity", "name": "keystone", "endpoints": []any{
					map[string]any{"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": base + "/v3"}}},
				map[string]any{"type": "network", "name": "neutron", "endpoints": []any{
					map[string]any{"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": neutron.URL}}},
				map[string]any{"type": "compute", "name": "nova", "endpoints": []any{
					map[string]any{"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": neutron.URL + "/compute/v2.1"}}},
				map[string]any{"type": "block-storage", "name": "cinder", "endpoints": []any{
					map[string]any{"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": neutron.URL + "/volume/v3/p1"}}},
			},
		}}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Subject-Token", "tok")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(token)
	}))
	t.Cleanup(keystone.Close)
	return keystone, neutron, neutronConns
}

func TestProxyCountsEveryCallAndKeepsClientsBehindIt(t *testing.T) {
	keystone, neutron, conns := fakeCloud(t)
	dir := t.TempDir()
	clouds := filepath.Join(dir, "clouds.yaml")
	yaml := fmt.Sprintf(`clouds:
  fake:
    auth:
      auth_url: %s/v3
      username: admin
      password: secret
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
`, keystone.URL)
	if err := os.WriteFile(clouds, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := Start(ctx, clouds, dir, []string{"fake"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Take() // the proxy's own catalog read went directly upstream; start from zero anyway

	proxied, err := os.ReadFile(p.CloudsFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(proxied), keystone.URL) {
		t.Fatalf("the proxied clouds.yaml still names Keystone directly:\n%s", proxied)
	}
	t.Setenv("OS_CLIENT_CONFIG_FILE", p.CloudsFile)
	c, err := openstack.Connect(ctx, openstack.Config{Cloud: "fake"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(c.Network.Endpoint, neutron.URL) {
		t.Fatalf("the client reaches Neutron directly at %s", c.Network.Endpoint)
	}
	nets, err := openstack.List[openstack.Network](ctx, c.Network, openstack.Networks, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(nets) != 2 {
		t.Fatalf("listed %d networks through the proxy, want 2 (both pages)", len(nets))
	}
	calls := p.Take()
	if got := calls["network[RegionOne] GET /v2.0/networks"]; got != 2 {
		t.Errorf("network list pages counted %d, want 2; all: %v", got, calls)
	}
	if calls.Tokens() != 1 {
		t.Errorf("tokens counted %d, want 1; all: %v", calls.Tokens(), calls)
	}
	// Everything the client sent was counted by the proxy, which its own counter confirms.
	if calls.Total() != c.Counter.Total() {
		t.Errorf("proxy counted %d calls, the client %d: %v vs %v", calls.Total(), c.Counter.Total(), calls, c.Counter.Snapshot())
	}
	if len(p.Take()) != 0 {
		t.Error("Take did not reset the counts")
	}

	// The proxy mirrors the client's connections upstream: requests on one client connection share one
	// upstream connection, and a new client connection gets a new one.
	base := strings.TrimSuffix(c.Network.Endpoint, "/")
	before := conns.Load()
	get := func(client *http.Client) {
		resp, err := client.Get(base + "/v2.0/networks?marker=n1")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	one := &http.Client{Transport: &http.Transport{}}
	get(one)
	get(one)
	if got := conns.Load() - before; got != 1 {
		t.Errorf("two requests on one client connection opened %d upstream connections, want 1", got)
	}
	get(&http.Client{Transport: &http.Transport{}})
	if got := conns.Load() - before; got != 2 {
		t.Errorf("a second client connection gave %d upstream connections in all, want 2", got)
	}
}

func TestCallKeyAndKinds(t *testing.T) {
	calls := Calls{}
	calls[CallKey("network[RegionTwo]", "PUT", "/v2.0/routers/0b9c2f3e-5b7a-4c47-9d33-0d1e2f3a4b5c/add_router_interface")] += 2
	calls[CallKey("volume[RegionTwo]", "PUT", "/v3/0123456789abcdef0123456789abcdef/os-quota-sets/0123456789abcdef0123456789abcdef")]++
	calls[CallKey("identity", "POST", "/v3/auth/tokens")]++
	calls[CallKey("network[RegionOne]", "GET", "/v2.0/ports")]++
	calls[CallKey("network[RegionTwo]", "GET", "/v2.0/ports")]++
	kinds := calls.Kinds()
	want := Calls{
		"network PUT /routers/{id}/add_router_interface": 2,
		"volume PUT /os-quota-sets/{id}":                 1,
		"identity POST /auth/tokens":                     1,
		"network GET /ports":                             2,
	}
	if len(kinds) != len(want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("%s: %d, want %d (all %v)", k, kinds[k], v, kinds)
		}
	}
	if calls.Total() != 6 || calls.Writes() != 3 || calls.Reads() != 2 || calls.Tokens() != 1 {
		t.Errorf("total %d writes %d reads %d tokens %d", calls.Total(), calls.Writes(), calls.Reads(), calls.Tokens())
	}
}
