package openstack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

// oldNova is a fake Nova whose newest microversion is 2.60: it refuses 2.64 with 406, as Nova does for
// a version it does not have, and shows and takes server groups the pre-2.64 way (a policies list, no
// rules).
type oldNova struct {
	mu       sync.Mutex
	versions []string // the microversion of each request
	created  []map[string]any
}

func (n *oldNova) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v := r.Header.Get("OpenStack-API-Version")
	n.mu.Lock()
	n.versions = append(n.versions, v)
	n.mu.Unlock()
	if v != "compute 2.15" {
		http.Error(w, `{"computeFault": {"message": "Version 2.64 is not supported by the API. Minimum is 2.1 and maximum is 2.60.", "code": 406}}`, http.StatusNotAcceptable)
		return
	}
	switch r.Method {
	case http.MethodGet:
		_, _ = w.Write([]byte(`{"server_groups": [
			{"id": "g1", "name": "web", "policies": ["soft-anti-affinity"], "project_id": "p1", "members": []},
			{"id": "g2", "name": "other", "policies": ["affinity"], "project_id": "p2", "members": []}]}`))
	case http.MethodPost:
		var body struct {
			ServerGroup map[string]any `json:"server_group"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		if _, ok := body.ServerGroup["rules"]; ok || body.ServerGroup["policy"] != nil {
			http.Error(w, `{"badRequest": {"message": "Additional properties are not allowed", "code": 400}}`, http.StatusBadRequest)
			return
		}
		n.mu.Lock()
		n.created = append(n.created, body.ServerGroup)
		n.mu.Unlock()
		_, _ = w.Write([]byte(`{"server_group": {"id": "new", "name": "db", "policies": ["anti-affinity"], "project_id": "p1"}}`))
	}
}

func TestServerGroupsOnNovaOlderThan264(t *testing.T) {
	nova := &oldNova{}
	srv := httptest.NewServer(nova)
	t.Cleanup(srv.Close)
	c := &gophercloud.ServiceClient{ProviderClient: &gophercloud.ProviderClient{HTTPClient: *srv.Client()}, Endpoint: srv.URL + "/compute/v2.1/"}
	ctx := context.Background()

	groups, err := ListServerGroups(ctx, c, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].PolicyName() != "soft-anti-affinity" || len(groups[0].Rules) != 0 {
		t.Errorf("listed %+v, want p1's one group with its policy read from policies", groups)
	}

	// Without rules: created the old way, no error.
	g, err := CreateServerGroup(ctx, c, "project-token", ServerGroup{Name: "db", Policy: "anti-affinity"})
	if err != nil || g.ID != "new" || g.PolicyName() != "anti-affinity" {
		t.Fatalf("create: %+v, %v", g, err)
	}
	// With rules: created without them, and the error says so (the group exists).
	g, err = CreateServerGroup(ctx, c, "project-token", ServerGroup{Name: "db", Policy: "anti-affinity", Rules: map[string]int{"max_server_per_host": 2}})
	if !errors.Is(err, ErrNoServerGroupRules) || g.ID != "new" {
		t.Errorf("create with rules: %+v, %v; want the group and ErrNoServerGroupRules", g, err)
	}
	if len(nova.created) != 2 {
		t.Fatalf("%d groups created, want 2", len(nova.created))
	}
	for _, body := range nova.created {
		if p, _ := body["policies"].([]any); len(p) != 1 || p[0] != "anti-affinity" {
			t.Errorf("created with %v, want policies [anti-affinity]", body)
		}
	}
	if got := strings.Join(nova.versions, ","); !strings.Contains(got, "compute 2.64") || !strings.Contains(got, "compute 2.15") {
		t.Errorf("microversions asked: %s", got)
	}
}
