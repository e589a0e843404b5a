package replication

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// fakeCloud answers just enough of Keystone, Neutron, Nova and Cinder for Execute, and fails the calls
// that fail(method, path) selects with a 500, to test what a run leaves and reports when a step breaks.
func fakeCloud(t *testing.T, fail func(method, path string) bool) (*openstack.Cloud, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var calls []string
	ids := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.Path)
		ids++
		id := strings.Repeat("0", 31) + string(rune('a'+ids%26))
		mu.Unlock()
		if fail(r.Method, r.URL.Path) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"NeutronError": {"type": "Boom", "message": "injected failure"}}`))
			return
		}
		var body map[string]json.RawMessage
		_ = json.NewDecoder(r.Body).Decode(&body)
		reply := func(code int, v any) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_ = json.NewEncoder(w).Encode(v)
		}
		p := r.URL.Path
		switch {
		case r.Method == "GET" && p == "/v3/projects", r.Method == "GET" && p == "/v3/users":
			reply(200, map[string]any{strings.TrimPrefix(p, "/v3/"): []any{}})
		case r.Method == "POST" && p == "/v3/projects":
			reply(201, map[string]any{"project": map[string]any{"id": "p1", "name": "copy"}})
		case r.Method == "POST" && p == "/v3/users":
			reply(201, map[string]any{"user": map[string]any{"id": "u1", "name": "copy-x"}})
		case r.Method == "GET" && p == "/v3/roles":
			reply(200, map[string]any{"roles": []any{map[string]any{"id": "r1"}}})
		case r.Method == "PUT" && strings.HasPrefix(p, "/v3/projects/"):
			w.WriteHeader(http.StatusNoContent)
		case r.Method == "GET" && p == "/v2.0/extensions/tag-creation":
			w.WriteHeader(http.StatusNotFound)
		case r.Method == "GET" && p == "/v2.0/security-groups":
			reply(200, map[string]any{"security_groups": []any{map[string]any{"id": "default-sg", "name": "default"}}})
		case r.Method == "POST" && strings.HasPrefix(p, "/v2.0/"):
			plural := strings.TrimPrefix(p, "/v2.0/")
			key := strings.ReplaceAll(plural, "-", "_")
			singular := strings.TrimSuffix(key, "s")
			if raw, ok := body[singular]; ok {
				var item map[string]any
				_ = json.Unmarshal(raw, &item)
				item["id"] = id
				reply(201, map[string]any{singular: item})
				return
			}
			var items []map[string]any
			_ = json.Unmarshal(body[key], &items)
			for i := range items {
				items[i]["id"] = id + string(rune('a'+i))
			}
			reply(201, map[string]any{key: items})
		case r.Method == "PUT":
			reply(200, map[string]any{"quota": map[string]any{}, "quota_set": map[string]any{}, "router": map[string]any{"id": id}, "port_id": id})
		default:
			t.Errorf("unexpected call %s %s", r.Method, p)
			w.WriteHeader(http.StatusNotImplemented)
		}
	}))
	t.Cleanup(srv.Close)
	provider := &gophercloud.ProviderClient{HTTPClient: *srv.Client()}
	client := func(base string) *gophercloud.ServiceClient {
		return &gophercloud.ServiceClient{ProviderClient: provider, Endpoint: srv.URL + "/", ResourceBase: srv.URL + base}
	}
	return &openstack.Cloud{Identity: client("/v3/"), Network: client("/v2.0/"), Compute: client("/compute/"),
		BlockStorage: client("/volume/"), DomainID: "default", Counter: openstack.NewRequestCounter()}, &calls
}

func smallPlan() *Plan {
	return &Plan{
		SourceProjectID: "src", Project: ProjectPlan{Name: "copy"},
		Quotas:   Quotas{Network: map[string]int{"network": 10}},
		Networks: []NetworkPlan{{SourceID: "n1", Name: "web"}, {SourceID: "n2", Name: "db"}},
		Subnets:  []SubnetPlan{{SourceID: "s1", NetworkSourceID: "n1", CIDR: "10.0.1.0/24", IPVersion: 4}},
		Routers: []RouterPlan{{SourceID: "r1", Name: "edge", Interfaces: []InterfacePlan{{SubnetSourceID: "s1", AtGateway: true}},
			Routes: []openstack.Route{{Destination: "10.0.1.128/25", NextHop: "10.0.1.10"}}}},
		SecurityGroups: []SecurityGroupPlan{{SourceID: "g0", Name: "default", IsDefault: true}, {SourceID: "g1", Name: "web"}},
	}
}

// One pass (execute): a 500 would make Execute run another pass (anotherPass), which the lab tests cover.
func TestExecuteFailedStepKeepsPartialResultAndSkipsDependents(t *testing.T) {
	dst, calls := fakeCloud(t, func(method, path string) bool { return method == "POST" && path == "/v2.0/subnets" })
	res, err := execute(context.Background(), dst, smallPlan(), Options{})
	if err == nil || !strings.Contains(err.Error(), "subnets: ") || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("err = %v, want the subnets step's error with Neutron's message", err)
	}
	if res.ProjectID != "p1" || len(res.Networks) != 2 || len(res.Routers) != 1 || len(res.SecurityGroups) != 2 {
		t.Fatalf("partial result lost what was built: %+v", res)
	}
	if len(res.Subnets) != 0 {
		t.Fatalf("subnets recorded although their create failed: %v", res.Subnets)
	}
	for _, c := range *calls {
		if strings.Contains(c, "add_router_interface") || (strings.HasPrefix(c, "PUT /v2.0/routers/") && !strings.HasSuffix(c, "/tags")) {
			t.Fatalf("a step depending on the failed subnets ran: %s", c)
		}
	}
}

func TestExecuteTagsOnlyMarkedObjectsWhenNeutronCannotTagOnCreate(t *testing.T) {
	tagCalls := func(calls []string) (tags []string, extensionChecks int) {
		for _, c := range calls {
			if strings.HasSuffix(c, "/tags") {
				tags = append(tags, strings.Split(c, "/")[2])
			}
			if strings.Contains(c, "/extensions/") {
				extensionChecks++
			}
		}
		return tags, extensionChecks
	}

	dst, calls := fakeCloud(t, func(string, string) bool { return false })
	res, err := Execute(context.Background(), dst, smallPlan(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tags, checks := tagCalls(*calls); len(tags) != 0 || checks != 0 {
		t.Fatalf("no object needs a marker, yet %d tag calls (%v) and %d extension checks", len(tags), tags, checks)
	}
	if res.Created["network"] != 2 || res.Adopted["security_group"] != 1 || res.Created["route"] != 1 {
		t.Fatalf("counts: created %v adopted %v", res.Created, res.Adopted)
	}

	plan := smallPlan()
	plan.Networks[1].Marker = true
	plan.SecurityGroups[1].Marker = true
	dst, calls = fakeCloud(t, func(string, string) bool { return false })
	if _, err := Execute(context.Background(), dst, plan, Options{}); err != nil {
		t.Fatal(err)
	}
	tags, checks := tagCalls(*calls)
	slices.Sort(tags)
	if !slices.Equal(tags, []string{"networks", "security-groups"}) || checks != 1 {
		t.Fatalf("tag calls on %v with %d extension checks, want one network and one group after one check", tags, checks)
	}
}

func TestExecuteSyncsTheRulesOfEveryGroup(t *testing.T) {
	dst, calls := fakeCloud(t, func(string, string) bool { return false })
	plan := smallPlan()
	plan.SecurityGroups = append(plan.SecurityGroups, SecurityGroupPlan{SourceID: "g2", Name: "db"}, SecurityGroupPlan{SourceID: "g3", Name: "app"})
	for _, g := range []string{"g0", "g1", "g2", "g3"} {
		plan.Rules = append(plan.Rules,
			RulePlan{SourceID: g + "-ssh", GroupSourceID: g, Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(22), PortRangeMax: ptr(22)},
			RulePlan{SourceID: g + "-web", GroupSourceID: g, Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", RemoteGroupSourceID: "g1"})
	}
	res, err := Execute(context.Background(), dst, plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	bulks := 0
	for _, c := range *calls {
		if c == "POST /v2.0/security-group-rules" {
			bulks++
		}
	}
	if bulks != 4 || res.Created["security_group_rule"] != 8 || len(res.SecurityGroupRules) != 8 {
		t.Fatalf("%d rule bulks, %d rules created, %d mapped; want one bulk per group and 8 rules", bulks, res.Created["security_group_rule"], len(res.SecurityGroupRules))
	}
}

// inFlight wraps a transport and records the most requests to path it had in flight at once.
type inFlight struct {
	next      http.RoundTripper
	path      string
	mu        sync.Mutex
	now, most int
}

func (f *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path != f.path {
		return f.next.RoundTrip(r)
	}
	f.mu.Lock()
	f.now++
	f.most = max(f.most, f.now)
	f.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	defer func() { f.mu.Lock(); f.now--; f.mu.Unlock() }()
	return f.next.RoundTrip(r)
}

func TestExecuteRulesRespectConcurrency(t *testing.T) {
	for _, tc := range []struct{ concurrency, want int }{{1, 1}, {8, rulesInFlight}} {
		dst, _ := fakeCloud(t, func(string, string) bool { return false })
		f := &inFlight{next: dst.Network.HTTPClient.Transport, path: "/v2.0/security-group-rules"}
		dst.Network.HTTPClient.Transport = f
		plan := smallPlan()
		for i := range 12 {
			g := fmt.Sprintf("g-extra-%d", i)
			plan.SecurityGroups = append(plan.SecurityGroups, SecurityGroupPlan{SourceID: g, Name: g})
			plan.Rules = append(plan.Rules, RulePlan{SourceID: g + "-r", GroupSourceID: g, Direction: "ingress", EtherType: "IPv4"})
		}
		if _, err := Execute(context.Background(), dst, plan, Options{Concurrency: tc.concurrency}); err != nil {
			t.Fatal(err)
		}
		if f.most != tc.want {
			t.Errorf("Concurrency %d: %d rule bulks in flight at most, want %d", tc.concurrency, f.most, tc.want)
		}
	}
}

// In a project the run created, networks and routers need nothing from the destination scan (there is
// nothing to adopt): they are created while the scan's security group list is still unanswered. The
// fake holds that list back until both creates have arrived, and gives up after a few seconds.
func TestExecuteFreshProjectBuildsNetworksAndRoutersDuringTheScan(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	both := make(chan struct{})
	dst, calls := fakeCloud(t, func(method, path string) bool {
		if method == "POST" && (path == "/v2.0/networks" || path == "/v2.0/routers") {
			mu.Lock()
			seen[path] = true
			if len(seen) == 2 {
				close(both)
			}
			mu.Unlock()
		}
		if method == "GET" && path == "/v2.0/security-groups" {
			select {
			case <-both:
			case <-time.After(5 * time.Second):
				t.Error("the security group list was answered only after 5 s: networks or routers waited for the scan")
			}
		}
		return false
	})
	res, err := Execute(context.Background(), dst, smallPlan(), Options{})
	if err != nil {
		t.Fatalf("Execute: %v (calls %v)", err, *calls)
	}
	if len(res.Networks) != 2 || len(res.Routers) != 1 || len(res.SecurityGroups) != 2 {
		t.Fatalf("result networks %v routers %v groups %v", res.Networks, res.Routers, res.SecurityGroups)
	}
}

// Interfaces on the ports' subnets wait for the ports (Neutron locks a subnet for a whole port bulk,
// and an interface added meanwhile waits for it); those on other subnets do not.
func TestExecuteInterfacesOnPortSubnetsAfterThePorts(t *testing.T) {
	withPort := func(p *Plan, routerSubnet string) *Plan {
		p.Subnets = append(p.Subnets, SubnetPlan{SourceID: "s2", NetworkSourceID: "n2", CIDR: "10.0.2.0/24", IPVersion: 4})
		p.Routers[0].Interfaces[0].SubnetSourceID = routerSubnet
		p.Routers[0].Routes = nil
		p.Ports = []PortPlan{{SourceID: "port1", Kind: "instance", NetworkSourceID: "n1", Name: "vm",
			FixedIPs: []PlannedFixedIP{{SubnetSourceID: "s1", IPAddress: "10.0.1.5"}}}}
		return p
	}
	isInterface := func(method, path string) bool {
		return method == "PUT" && strings.HasSuffix(path, "/add_router_interface")
	}
	// first is answered slowly; second must not reach the fake before first was answered, or (when
	// independent) must reach it while first is still pending.
	run := func(routerSubnet string, first, second func(method, path string) bool, dependent bool) {
		t.Helper()
		var answered, secondSent atomic.Bool
		release := make(chan struct{})
		dst, calls := fakeCloud(t, func(method, path string) bool {
			switch {
			case first(method, path):
				if dependent {
					time.Sleep(300 * time.Millisecond)
				} else {
					select {
					case <-release:
					case <-time.After(5 * time.Second):
						t.Errorf("subnet %s: the second call did not come while the first was pending: it waited for it", routerSubnet)
					}
				}
				answered.Store(true)
			case second(method, path):
				if secondSent.CompareAndSwap(false, true) && !dependent {
					close(release)
				}
				if dependent && !answered.Load() {
					t.Errorf("subnet %s: %s %s sent before the call it depends on was answered", routerSubnet, method, path)
				}
			}
			return false
		})
		if _, err := execute(context.Background(), dst, withPort(smallPlan(), routerSubnet), Options{}); err != nil {
			t.Fatalf("execute: %v (calls %v)", err, *calls)
		}
		if !answered.Load() || !secondSent.Load() {
			t.Fatalf("subnet %s: first answered %t, second sent %t, want both: %v", routerSubnet, answered.Load(), secondSent.Load(), *calls)
		}
	}
	isPortCreate := func(method, path string) bool { return method == "POST" && path == "/v2.0/ports" }
	run("s1", isPortCreate, isInterface, true)  // on the port's subnet: after the ports
	run("s2", isPortCreate, isInterface, false) // elsewhere: alongside them
}
