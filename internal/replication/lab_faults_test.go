package replication_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/apiproxy"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// faultCase is one row of the engine's fault matrix: a fault injected between the engine and the
// destination (RegionTwo's Keystone and Neutron) by the api proxy.
type faultCase struct {
	name   string
	faults func() apiproxy.Injector
	// ridesOut: the first run must succeed (retries absorb the fault); otherwise the runs after the
	// failed one must converge.
	ridesOut bool
	// clientTimeout, when set, bounds each request of the engine's destination client (retries
	// included) instead of its 10-minute default, so that a hung request fails in seconds.
	clientTimeout time.Duration
	// check, when set, checks more once the runs converged: the proxy (its calls counted over the whole
	// case are calls) and the progress steps the runs reported.
	check func(t *testing.T, proxy *apiproxy.Proxy, calls apiproxy.Calls, steps []string, plan *replication.Plan, res *replication.Result)
}

// TestLabFaults migrates the three-tier tenant through a proxy that injects each fault of the matrix:
// answers lost after the destination committed a create (networks, subnets, routers, interfaces,
// groups, rules, ports, the project, the user), requests reset before it saw them, Neutron and Keystone
// refusing connections for a few seconds (as while they restart), requests that hang until the client's
// timeout (committed by the destination or not), 409, 429 with Retry-After, 500, 502, 503, slow
// answers, and random faults from a seed (WOM_FAULT_SEED replays one).
// A run that fails is run again, as a user applies again; the runs must converge to a destination equal
// to the source, with no duplicates and no orphans (destination objects that no id map holds).
func TestLabFaults(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	direct := testlab.Connect(t, testlab.RegionTwo)
	if _, err := testlab.EnsureVolumeTypes(ctx, direct, testlab.VolumeTypeNames...); err != nil {
		t.Fatal(err)
	}
	tenant := seed(t, ctx, src)
	seedN := uint64(time.Now().UnixNano())
	if s := os.Getenv("WOM_FAULT_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("WOM_FAULT_SEED=%q: %v", s, err)
		}
		seedN = n
	}
	t.Logf("random faults from seed %d (replay: WOM_FAULT_SEED=%d)", seedN, seedN)

	const neutron = `network\[RegionTwo\]`
	rules := func(rs ...apiproxy.Rule) func() apiproxy.Injector {
		return func() apiproxy.Injector { return apiproxy.NewSchedule(rs...) }
	}
	// once injects f into the first request matching service, method and path.
	once := func(service, method, path string, f apiproxy.Fault) apiproxy.Rule {
		return apiproxy.Rule{Service: service, Method: method, Path: path, Nth: 1, Times: 1, Fault: f}
	}
	lose := apiproxy.Fault{Kind: apiproxy.LoseAnswer}
	status := func(code int) apiproxy.Fault { return apiproxy.Fault{Kind: apiproxy.Status, Status: code} }
	refuse := func(d time.Duration) apiproxy.Fault { return apiproxy.Fault{Kind: apiproxy.Refuse, Delay: d} }
	hang := apiproxy.Fault{Kind: apiproxy.Hang}
	hangCommitted := apiproxy.Fault{Kind: apiproxy.Hang, Commit: true}
	// hangTimeout is the destination client's timeout in the hang case: long enough for the lab's
	// slowest bulk create under load, short enough for the test.
	const hangTimeout = 15 * time.Second
	// Each case injects several faults; the runs go on from one to the next, as successive applies would.
	cases := []faultCase{
		{name: "Neutron creates committed, answers lost", faults: rules(
			once(neutron, "POST", "/v2.0/networks", lose), once(neutron, "POST", "/v2.0/subnets", lose),
			once(neutron, "POST", "/v2.0/routers", lose), once(neutron, "PUT", "/v2.0/routers/[^/]+/add_router_interface", lose),
			once(neutron, "POST", "/v2.0/security-groups", lose), once(neutron, "POST", "/v2.0/security-group-rules", lose),
			once(neutron, "POST", "/v2.0/ports", lose))},
		{name: "Keystone creates committed, answers lost", faults: rules(
			once("identity", "POST", "/v3/projects", lose), once("identity", "POST", "/v3/users", lose))},
		{name: "refusals: reset, 409, 500, 502", faults: rules(
			once(neutron, "POST", "/v2.0/ports", apiproxy.Fault{Kind: apiproxy.Reset}), once(neutron, "POST", "/v2.0/subnets", status(409)),
			once(neutron, "POST", "/v2.0/security-groups", status(500)), once(neutron, "PUT", "/v2.0/routers/[^/]+", status(502)))},
		{name: "ridden out: 503 on lists, 429 with Retry-After on writes, slow answers", ridesOut: true, faults: rules(
			apiproxy.Rule{Service: neutron, Method: "GET", Times: 4, Fault: status(503)},
			apiproxy.Rule{Service: neutron, Method: "POST|PUT|DELETE", Times: 3, Fault: apiproxy.Fault{Kind: apiproxy.Status, Status: 429, RetryAfter: 1}},
			apiproxy.Rule{Service: neutron, Nth: 8, Times: 6, Fault: apiproxy.Fault{Kind: apiproxy.Slow, Delay: 1500 * time.Millisecond}})},
		// The endpoint goes down for 3 s: the request that meets it is dropped unanswered (a list is
		// repeated; the ports create's outcome is unknown, and Execute's next pass finds out), and every
		// request meanwhile meets a refused connection, which the transport retries for any method.
		{name: "connection refused: Neutron down 3 s at a list and at the ports create, Keystone down 3 s", ridesOut: true, faults: rules(
			apiproxy.Rule{Service: neutron, Method: "GET", Nth: 6, Times: 1, Fault: refuse(3 * time.Second)},
			once(neutron, "POST", "/v2.0/ports", refuse(3*time.Second)),
			apiproxy.Rule{Service: "identity", Method: "GET", Nth: 2, Times: 1, Fault: refuse(3 * time.Second)})},
		// Requests that never answer until the client's timeout ends them: a list, a network create and a
		// user create that the destination commits.
		{name: fmt.Sprintf("timeouts: requests hang until the client's %v timeout", hangTimeout), clientTimeout: hangTimeout, faults: rules(
			apiproxy.Rule{Service: neutron, Method: "GET", Nth: 4, Times: 1, Fault: hang},
			once(neutron, "POST", "/v2.0/networks", hangCommitted),
			once("identity", "POST", "/v3/users", hangCommitted))},
		// A proxy timeout in front of a loaded Neutron (issue 14): the ports bulk create's client
		// connection is cut at once while Neutron, as it were, still runs it, and commits it
		// lateCommitDelay later. Meanwhile the next pass lists no such ports, sends them again and gets
		// 409 IpAddressAlreadyAllocated with no port holding the addresses (the proxy answers it, as
		// Neutron does while the first request holds them uncommitted). The engine must wait for the
		// holders rather than call the addresses leaked, adopt the ports once committed, and converge in
		// the same apply, with no subnet rebuilt.
		{name: fmt.Sprintf("late commit: the ports bulk cut off, committed %v later", lateCommitDelay), ridesOut: true,
			faults: rules(once(neutron, "POST", "/v2.0/ports", apiproxy.Fault{Kind: apiproxy.LateCommit, Delay: lateCommitDelay})),
			check:  checkLateCommit},
		{name: fmt.Sprintf("random faults, seed %d", seedN), faults: func() apiproxy.Injector {
			return apiproxy.NewRandom(seedN, neutron+"|identity", "", 0.04, lose, apiproxy.Fault{Kind: apiproxy.Reset},
				status(500), status(502), status(503), apiproxy.Fault{Kind: apiproxy.Status, Status: 429, RetryAfter: 1},
				refuse(2*time.Second), apiproxy.Fault{Kind: apiproxy.Hang, Commit: true, Delay: 5 * time.Second})
		}},
	}
	sem := make(chan struct{}, 3)
	var mu sync.Mutex
	var table []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			runs := faultRun(t, ctx, src, direct, tenant, tc)
			mu.Lock()
			table = append(table, fmt.Sprintf("%s: converged after %d run(s)", tc.name, runs))
			mu.Unlock()
		})
	}
	t.Cleanup(func() {
		for _, row := range table {
			t.Log(row)
		}
	})
}

// lateCommitDelay is how long after the client was cut off the late-commit case's ports bulk reaches
// Neutron: longer than the next pass takes to list and send the ports again, so that the pass meets
// the addresses held (38 s on the bench: a 98 s request cut at 60 s).
const lateCommitDelay = 30 * time.Second

// checkLateCommit checks the late-commit case: the cut-off ports bulk was committed by Neutron, the ports
// it made are the copies the result names (adopted, neither duplicated nor deleted), a pass waited for
// their addresses to get a holder and went on as a late create, none called them leaked, and no subnet
// was deleted (no rebuild: the subnets are the first pass's).
func checkLateCommit(t *testing.T, proxy *apiproxy.Proxy, calls apiproxy.Calls, steps []string, _ *replication.Plan, res *replication.Result) {
	late, answers := proxy.LateRequests(), proxy.LateAnswers()
	if len(late) != 1 || !strings.HasPrefix(late[0], "POST /v2.0/ports: 201 ") {
		t.Fatalf("late requests %v, want the ports bulk committed (201)", late)
	}
	var body struct {
		Ports []openstack.Port `json:"ports"`
		Port  *openstack.Port  `json:"port"`
	}
	if err := json.Unmarshal(answers[0], &body); err != nil || (len(body.Ports) == 0 && body.Port == nil) {
		t.Fatalf("the late ports request's answer %q: %v, want ports", answers[0], err)
	}
	if body.Port != nil {
		// The first POST /ports was a router's interface port (made before the instance ports' bulk when
		// the routers get there first): its late copy must be the interface, adopted, not a second port.
		checkLateInterfacePort(t, calls, steps, res, *body.Port)
		return
	}
	copies := map[string]bool{}
	for _, id := range res.Ports {
		copies[id] = true
	}
	for _, p := range body.Ports {
		if !copies[p.ID] {
			t.Errorf("port %s (%s) made by the late request is not a copy the result names", p.ID, p.Name)
		}
	}
	waited, finished := false, false
	for _, s := range steps {
		waited = waited || strings.Contains(s, "waiting up to")
		finished = finished || strings.Contains(s, "a request whose answer was lost has finished")
		if strings.Contains(s, "leaked") && strings.HasPrefix(s, "pass ") {
			t.Errorf("a pass treated the addresses as leaked: %q", s)
		}
	}
	if !waited || !finished {
		t.Errorf("no pass waited for the held addresses (%v) and went on as a late create (%v): the case did not test "+
			"what it is for; passes and waits: %v", waited, finished, steps)
	}
	if n := calls[`network[RegionTwo] DELETE /v2.0/subnets/{id}`]; n != 0 {
		t.Errorf("%d subnet deletes: a subnet was rebuilt", n)
	}
	// The late ports were built by the first pass on its subnets: those are still the copies.
	subnets := map[string]bool{}
	for _, id := range res.Subnets {
		subnets[id] = true
	}
	for _, p := range body.Ports {
		for _, ip := range p.FixedIPs {
			if !subnets[ip.SubnetID] {
				t.Errorf("port %s made by the late request is on subnet %s, no longer a copy: the subnet was replaced", p.ID, ip.SubnetID)
			}
		}
	}
	t.Logf("late request %v: %d ports adopted; steps: %v", late, len(body.Ports), steps)
}

// checkLateInterfacePort checks the late-commit case when the request cut off made a router's interface
// port: a later pass found the port of the project holding its address (LateCreateError) and went on,
// the port is attached to a router the result names, and no subnet was rebuilt.
func checkLateInterfacePort(t *testing.T, calls apiproxy.Calls, steps []string, res *replication.Result, port openstack.Port) {
	finished := false
	for _, s := range steps {
		finished = finished || strings.Contains(s, "a request whose answer was lost has finished")
		if strings.Contains(s, "leaked") && strings.HasPrefix(s, "pass ") {
			t.Errorf("a pass treated the address as leaked: %q", s)
		}
	}
	if !finished {
		t.Errorf("no pass went on as a late create; passes and waits: %v", steps)
	}
	if n := calls[`network[RegionTwo] DELETE /v2.0/subnets/{id}`]; n != 0 {
		t.Errorf("%d subnet deletes: a subnet was rebuilt", n)
	}
	direct := testlab.Connect(t, testlab.RegionTwo)
	found, err := openstack.List[openstack.Port](context.Background(), direct.Network, openstack.Ports, url.Values{"id": {port.ID}})
	if err != nil || len(found) != 1 {
		t.Fatalf("the interface port %s the late request made: %v (%d found)", port.ID, err, len(found))
	}
	got := found[0]
	if !slices.Contains(slices.Collect(maps.Values(res.Routers)), got.DeviceID) {
		t.Errorf("the interface port %s the late request made is attached to %q, not to a router of the copy %v", port.ID, got.DeviceID, res.Routers)
	}
	t.Logf("late request: interface port %s at %v adopted, attached to router %s; steps: %v", port.ID, port.FixedIPs, got.DeviceID, steps)
}

// faultRun migrates the tenant through a proxy injecting tc's faults, running again after each failure
// (at most 10 runs), checks the result and returns how many runs it took.
func faultRun(t *testing.T, ctx context.Context, src, direct *openstack.Cloud, tenant *testlab.Tenant, tc faultCase) int {
	proxy, err := apiproxy.Start(ctx, testlab.CloudsFile(), t.TempDir(), []string{testlab.RegionTwo})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	injector := tc.faults()
	proxy.SetFaults(injector)
	dst, err := openstack.Connect(ctx, openstack.Config{Cloud: testlab.RegionTwo, CloudsFile: proxy.CloudsFile}, openstack.NewRequestCounter())
	if err != nil {
		t.Fatal(err)
	}
	if tc.clientTimeout > 0 {
		// The session is this run's own (its counter is), and nothing uses it yet.
		dst.Network.HTTPClient.Timeout = tc.clientTimeout
	}
	name := "fault-" + testlab.Suffix()
	m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst,
		Mappings: replication.Mappings{SyncInstancePorts: true}, Target: replication.Target{Name: name}}
	var plan *replication.Plan
	var res *replication.Result
	var errs []string
	// steps are the progress steps about passes and waits (not the per-object ones).
	var stepsMu sync.Mutex
	var steps []string
	progress := func(p replication.Progress) {
		waiting := strings.Contains(p.Step, "waiting up to")
		if !strings.HasPrefix(p.Step, "pass ") && !waiting {
			return
		}
		stepsMu.Lock()
		defer stepsMu.Unlock()
		if !waiting || len(steps) == 0 || !strings.Contains(steps[len(steps)-1], "waiting up to") {
			steps = append(steps, p.Step) // a wait once, not at each of its polls
		}
	}
	runs := 0
	start := time.Now()
	projectID := ""
	t.Cleanup(func() {
		if projectID == "" {
			if found, err := openstack.FindProjects(context.Background(), direct.Identity, map[string][]string{"name": {name}}); err == nil && len(found) > 0 {
				projectID = found[0].ID
			}
		}
		cleanupProject(t, direct, projectID)
	})
	for runs < 10 {
		runs++
		rctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		plan, res, err = m.Run(rctx, replication.Options{ProjectID: projectID, Concurrency: 4, Progress: progress})
		cancel()
		if res != nil && res.ProjectID != "" {
			projectID = res.ProjectID
		}
		if err == nil {
			break
		}
		errs = append(errs, err.Error())
	}
	proxy.SetFaults(nil)
	var injected []string
	if recorder, ok := injector.(interface{ Injected() []string }); ok {
		injected = recorder.Injected()
	}
	if err != nil {
		t.Fatalf("no convergence after %d runs; faults injected: %v; errors: %v", runs, injected, errs)
	}
	if len(injected) == 0 && !strings.HasPrefix(tc.name, "random") {
		t.Fatalf("the fault was never injected: the case tests nothing")
	}
	if tc.ridesOut && runs > 1 {
		t.Errorf("the engine should have ridden out %v in one run; it failed with %v", injected, errs)
	}
	t.Logf("%d run(s) in %v; faults injected: %v; errors on the way: %v", runs, time.Since(start).Round(time.Second), injected, errs)
	compareTenants(t, ctx, src, tenant, direct, plan, res, expectation{ports: true,
		volumeMap: map[string]string{"gigabytes_ssd": "300", "gigabytes_hdd": "500"}})
	checkNoOrphans(t, ctx, direct, res)
	if tc.check != nil {
		stepsMu.Lock()
		tc.check(t, proxy, proxy.Take(), slices.Clone(steps), plan, res)
		stepsMu.Unlock()
	}
	return runs
}

// checkNoOrphans fails t for any object of the destination project that no id map holds
// (testlab.Orphans).
func checkNoOrphans(t *testing.T, ctx context.Context, dst *openstack.Cloud, res *replication.Result) {
	t.Helper()
	objects, err := replication.ListDestination(ctx, dst, res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	if orphans := testlab.Orphans(objects, res.IDMaps); len(orphans) > 0 {
		t.Errorf("%d orphans in destination project %s: %s", len(orphans), res.ProjectID, strings.Join(orphans, "; "))
	}
}
