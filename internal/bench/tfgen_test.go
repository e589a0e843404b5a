package bench

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

func ptr[T any](v T) *T { return &v }

// smallPlan is a plan with one of everything, a default group, and a group lacking Neutron's IPv6 egress
// rule.
func smallPlan() *replication.Plan {
	egress4 := replication.RulePlan{SourceID: "r-e4", GroupSourceID: "g-web", Direction: "egress", EtherType: "IPv4"}
	egress6 := replication.RulePlan{SourceID: "r-e6", GroupSourceID: "g-web", Direction: "egress", EtherType: "IPv6"}
	return &replication.Plan{
		SourceProjectID:   "src",
		Project:           replication.ProjectPlan{Name: "copy", Description: `the "shop" ${tier}`},
		ExternalNetworkID: "ext-net",
		Quotas: replication.Quotas{
			Compute: map[string]int{"cores": 10, "ram": 1024, "unknown_key": 3},
			Network: map[string]int{"port": 300, "security_group_rule": 700},
			Volume:  map[string]int{"volumes": 10, "gigabytes_ssd": 100},
		},
		Networks: []replication.NetworkPlan{{SourceID: "n-web", Name: "web", AdminStateUp: true, MTU: 1450}},
		Subnets: []replication.SubnetPlan{{SourceID: "s-web", NetworkSourceID: "n-web", Name: "web-subnet", IPVersion: 4, CIDR: "10.0.1.0/24",
			GatewayIP: ptr("10.0.1.1"), AllocationPools: []openstack.AllocationPool{{Start: "10.0.1.10", End: "10.0.1.99"}}, DNSNameservers: []string{}}},
		Routers: []replication.RouterPlan{{SourceID: "r1", Name: "edge", AdminStateUp: true, ExternalGateway: true,
			Interfaces: []replication.InterfacePlan{{SourcePortID: "ip1", SubnetSourceID: "s-web", IPAddress: "10.0.1.1", AtGateway: true}},
			Routes:     []openstack.Route{{Destination: "10.0.1.128/25", NextHop: "10.0.1.5"}}}},
		SecurityGroups: []replication.SecurityGroupPlan{
			{SourceID: "g-default", Name: "default", IsDefault: true},
			{SourceID: "g-web", Name: "web"},
			{SourceID: "g-db", Name: "db"},
		},
		Rules: []replication.RulePlan{
			// The default group's automatic rules: nothing to declare.
			{SourceID: "d1", GroupSourceID: "g-default", Direction: "egress", EtherType: "IPv4"},
			{SourceID: "d2", GroupSourceID: "g-default", Direction: "egress", EtherType: "IPv6"},
			{SourceID: "d3", GroupSourceID: "g-default", Direction: "ingress", EtherType: "IPv4", RemoteGroupSourceID: "g-default"},
			{SourceID: "d4", GroupSourceID: "g-default", Direction: "ingress", EtherType: "IPv6", RemoteGroupSourceID: "g-default"},
			// web keeps both automatic rules and adds one.
			egress4, egress6,
			{SourceID: "w1", GroupSourceID: "g-web", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(80), PortRangeMax: ptr(80), RemoteIPPrefix: "0.0.0.0/0"},
			// db lacks the IPv6 egress rule, and references web.
			{SourceID: "b0", GroupSourceID: "g-db", Direction: "egress", EtherType: "IPv4"},
			{SourceID: "b1", GroupSourceID: "g-db", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(5432), PortRangeMax: ptr(5432), RemoteGroupSourceID: "g-web"},
		},
		Ports: []replication.PortPlan{{SourceID: "p1", Kind: "instance", NetworkSourceID: "n-web", Name: "vm", AdminStateUp: true, MACAddress: "fa:16:3e:00:00:01",
			FixedIPs: []replication.PlannedFixedIP{{SubnetSourceID: "s-web", IPAddress: "10.0.1.20"}}, SecurityGroupSourceIDs: []string{"g-web"}}},
		FloatingIPs: []replication.FloatingIPPlan{
			{SourceID: "f1", SourceAddress: "172.24.4.10", Description: "www", PortSourceID: "p1", FixedIPAddress: "10.0.1.20"},
			{SourceID: "f2", SourceAddress: "172.24.4.11", Tags: []string{"spare"}},
		},
	}
}

func TestTPOConfigDeclaresWhatThePlanBuilds(t *testing.T) {
	config, counts := TPOConfig(smallPlan(), "lab-RegionTwo", "pw")
	want := map[string]int{"project": 1, "user": 1, "network": 1, "subnet": 1, "router": 1, "router_interface": 1, "route": 1,
		"security_group": 2, "security_group_rule": 3, "port": 1, "floating_ip": 2}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("%s: %d declared, want %d", k, counts[k], v)
		}
	}
	if got := strings.Count(config, `resource "openstack_networking_secgroup_rule_v2"`); got != 3 {
		t.Errorf("%d rule resources, want 3 (web's own one, db's two declared in full)", got)
	}
	for _, s := range []string{
		`description = "the \"shop\" $${tier}"`,
		`delete_default_rules = true`,
		`remote_group_id = openstack_networking_secgroup_v2.g001.id`,
		`external_network_id = "ext-net"`,
		`depends_on = [openstack_networking_router_interface_v2.r00_if00]`,
		`"gigabytes_ssd" = 100`,
		`security_group_rule = 700`,
		`mac_address = "fa:16:3e:00:00:01"`,
		`pool = data.openstack_networking_network_v2.external.name`,
		`port_id = openstack_networking_port_v2.p0000.id`,
		`fixed_ip = "10.0.1.20"`,
		`tags = ["spare"]`,
	} {
		if !strings.Contains(config, s) {
			t.Errorf("config lacks %s", s)
		}
	}
	if got := strings.Count(config, "port_id = "); got != 1 {
		t.Errorf("%d floating IPs associated, want 1 (the other is free)", got)
	}
	if strings.Contains(config, "unknown_key") {
		t.Error("a quota key the provider does not have was declared")
	}
	if strings.Contains(config, `data "openstack_networking_secgroup_v2" "default"`) {
		t.Error("the destination default group is looked up though nothing uses it")
	}
	if strings.Count(config, "delete_default_rules") != 1 {
		t.Error("delete_default_rules set on a group that keeps Neutron's rules")
	}
}

func TestGroupRules(t *testing.T) {
	p := smallPlan()
	byGroup := rulesByGroup(p)
	for _, tc := range []struct {
		group            int
		create, unwanted int
	}{{0, 0, 0}, {1, 1, 0}, {2, 1, 1}} {
		g := p.SecurityGroups[tc.group]
		create, unwanted := groupRules(g, byGroup[g.SourceID])
		if len(create) != tc.create || len(unwanted) != tc.unwanted {
			t.Errorf("%s: %d to create, %d unwanted; want %d, %d", g.Name, len(create), len(unwanted), tc.create, tc.unwanted)
		}
	}
}

func TestHCLString(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:         `"plain"`,
		`a "q" \ b`:     `"a \"q\" \\ b"`,
		"line\nbreak\t": `"line\nbreak\t"`,
		"${x} %{y} $z":  `"$${x} %%{y} $z"`,
		"\x01":          `"\u0001"`,
	} {
		if got := hclString(in); got != want {
			t.Errorf("hclString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseBenchLine(t *testing.T) {
	out := "goos: linux\nBenchmarkBuildPlan-2   \t      42\t  27012345 ns/op\t 9876543 B/op\t   65432 allocs/op\nPASS\n"
	pb, err := parseBenchLine(out, "BenchmarkBuildPlan")
	if err != nil {
		t.Fatal(err)
	}
	if pb.NsPerOp != 27012345 || pb.BytesPerOp != 9876543 || pb.AllocsPerOp != 65432 {
		t.Errorf("parsed %+v", pb)
	}
	if _, err := parseBenchLine("PASS\n", "BenchmarkBuildPlan"); err == nil {
		t.Error("no error without a result line")
	}
}

func TestNeutronServerTime(t *testing.T) {
	log := filepath.Join(t.TempDir(), "neutron.log")
	start := time.Date(2026, 11, 27, 4, 24, 0, 0, time.Local)
	at := func(sec float64) string {
		return strconv.FormatInt(start.Add(time.Duration(sec*1000)*time.Millisecond).UnixMilli(), 10)
	}
	lines := []string{
		`2026-11-27 04:24:42.763 12076 INFO neutron.plugins.ml2.plugin [None req-0] a line of Neutron's own log`,
		`neutron-api request: 12076 ` + at(42.629) + ` 134 projA "PUT /v2.0/ports/e096cd37-1176-4097-8f29-a3cca71ad4e7/tags HTTP/1.1" 200`,
		`neutron-api request: 12075 ` + at(40.5) + ` 2500 projA "POST /v2.0/ports HTTP/1.1" 201`,
		`neutron-api request: 12075 ` + at(34.1) + ` 9000 projB "POST /v2.0/ports?fields=id HTTP/1.1" 201`,
		`neutron-api request: 12075 ` + at(3600) + ` 7000 projA "POST /v2.0/ports HTTP/1.1" 201`,
		`neutron-api request: 12075 ` + at(44) + ` 3 - "GET / HTTP/1.1" 200`,
	}
	if err := os.WriteFile(log, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, span := neutronServerTime(log, start, start.Add(time.Minute), "projA")
	if len(got) != 2 || got["network POST /ports"].Calls != 1 || got["network POST /ports"].Seconds != 2.5 || got["network PUT /ports/{id}/tags"].Calls != 1 {
		t.Errorf("server time %+v", got)
	}
	// From the POST's start (40.500) to its end (43.000), later than the PUT's (42.763).
	if math.Abs(span-2.5) > 1e-6 {
		t.Errorf("span %.4f s, want 2.5", span)
	}
	all, span := neutronServerTime(log, start, start.Add(time.Minute), "")
	if all["network POST /ports"].Calls != 2 || all["network GET /"].Calls != 1 {
		t.Errorf("without a project filter: %+v", all)
	}
	// projB's 9 s POST started at 34.100; the GET ended last, at 44.003.
	if math.Abs(span-9.903) > 1e-6 {
		t.Errorf("span without a filter %.4f s, want 9.903", span)
	}
}

func TestBusyShare(t *testing.T) {
	for _, tc := range []struct {
		seconds, span float64
		workers       int
		want          float64
	}{
		{30, 20, 2, 0.75},
		{40, 20, 2, 1},
		{10, 0, 2, 0},  // no requests
		{10, 10, 0, 0}, // workers unknown
	} {
		if got := busyShare(tc.seconds, tc.span, tc.workers); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("busyShare(%v, %v, %d) = %v, want %v", tc.seconds, tc.span, tc.workers, got, tc.want)
		}
	}
}

func TestSummarizeAndRatios(t *testing.T) {
	mode := func(walls []float64, calls int) *ModeResult {
		m := &ModeResult{}
		for _, w := range walls {
			r := RunResult{WallSeconds: w, NeutronBusy: w / 100}
			r.setCalls(Calls{"network POST /v2.0/ports": calls})
			m.Runs = append(m.Runs, r)
		}
		m.Runs = append(m.Runs, RunResult{WallSeconds: 1, Error: "failed"})
		m.summarize()
		return m
	}
	r := &Results{Modes: map[string]*ModeResult{
		ModeEngine: mode([]float64{30, 10, 20}, 110),
		ModeFloor:  mode([]float64{40, 40, 50}, 100),
		ModeTPO:    mode([]float64{90, 80, 100}, 2000),
	}}
	r.Compute()
	if r.Modes[ModeEngine].WallMedian != 20 || r.Modes[ModeEngine].Failed != 1 {
		t.Errorf("engine median %v, failed %d", r.Modes[ModeEngine].WallMedian, r.Modes[ModeEngine].Failed)
	}
	if *r.EngineVsFloor != 0.5 || *r.EngineVsTPO != 20.0/90 || *r.CallsVsMin != 1.1 {
		t.Errorf("ratios %v %v %v", *r.EngineVsFloor, *r.EngineVsTPO, *r.CallsVsMin)
	}
	if !*r.Met["engine_vs_floor"] || !*r.Met["calls_vs_min"] || r.Met["peak_rss_mb"] != nil {
		t.Errorf("verdicts %v", r.Met)
	}
	if r.Modes[ModeEngine].BusyMedian != 0.2 {
		t.Errorf("engine busy median %v, want the failed run left out: 0.2", r.Modes[ModeEngine].BusyMedian)
	}
	if !strings.Contains(r.Table(), "| engine | 20.0 |") || !strings.Contains(r.Table(), "| 20 % |") {
		t.Errorf("table:\n%s", r.Table())
	}
}

func TestPlannerScaleLines(t *testing.T) {
	out := "BenchmarkBuildPlanScale/objects=10000-2   7  144482080 ns/op  14334 ns/object  10080 objects  15838234 B/op  40461 allocs/op\n" +
		"BenchmarkBuildPlanScale/objects=100000-2  1  1444820800 ns/op  14334 ns/object  100800 objects  158382340 B/op  404610 allocs/op\n"
	r := &Results{}
	for _, size := range []string{"10000", "100000"} {
		pb, err := parseBenchLine(out, "BenchmarkBuildPlanScale/objects="+size+"-")
		if err != nil {
			t.Fatal(err)
		}
		r.PlannerScale = append(r.PlannerScale, *pb)
	}
	if r.PlannerScale[0].Objects != 10080 || r.PlannerScale[1].Objects != 100800 {
		t.Fatalf("objects %d, %d", r.PlannerScale[0].Objects, r.PlannerScale[1].Objects)
	}
	if got := r.PlannerSlope(); math.Abs(got-1) > 1e-9 {
		t.Errorf("slope %v, want 1 (ten times the objects in ten times the time)", got)
	}
}

func TestScaleSlopes(t *testing.T) {
	mode := func(wall float64, calls int) *ModeResult {
		return &ModeResult{Runs: []RunResult{{WallSeconds: wall}}, WallMedian: wall, CallsMedian: calls}
	}
	r := &Results{Scale: map[string]*ScaleResult{
		"1": {Scale: 1, Objects: 1000, Modes: map[string]*ModeResult{ModeEngine: mode(30, 150), ModeProvider: mode(40, 170)}},
		"3": {Scale: 3, Objects: 3000, Modes: map[string]*ModeResult{ModeEngine: mode(99, 450)}},
	}}
	r.Compute()
	sl, ok := r.ScaleSlopes[ModeEngine]
	if !ok || math.Abs(sl.Wall-1.1) > 1e-9 || math.Abs(sl.Calls-1) > 1e-9 {
		t.Errorf("engine slope %+v, want wall 1.10, calls 1.00", sl)
	}
	if _, ok := r.ScaleSlopes[ModeProvider]; ok {
		t.Error("a slope for a mode measured at one size only")
	}
	if table := r.scaleTable(); !strings.Contains(table, "| ×3 | 3000 | engine | 99.0 | 450 | 33.0 | 0.150 |") {
		t.Errorf("scale table:\n%s", table)
	}
}

func TestManyConfigAndRatio(t *testing.T) {
	s := &session{c: config{srcCloud: "lab-RegionOne", dstCloud: "lab-RegionTwo"}}
	cfg := s.manyConfig([]string{"p0", "p1"}, "bench-many-x")
	for _, want := range []string{`"t0" = "source/p0"`, `"t1" = "source/p1"`, `for_each            = local.sources`, `name                = "bench-many-x-${each.key}"`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %s:\n%s", want, cfg)
		}
	}
	run := func(wall float64, refusedCalls int) RunResult {
		return RunResult{WallSeconds: wall, Server: map[string]ServerTime{"network POST /ports": {Calls: 3, Refused: refusedCalls}}}
	}
	r := &Results{Many: &ManyResult{Tenants: 8, ObjectsEach: 120, LargeObjects: 1000,
		Many: &ModeResult{Runs: []RunResult{run(50, 2)}}, One: &ModeResult{Runs: []RunResult{run(40, 0)}}}}
	r.Many.Many.summarize()
	r.Many.One.summarize()
	r.Compute()
	if r.Many.ManyVsOne == nil || math.Abs(*r.Many.ManyVsOne-1.25) > 1e-9 || r.Met["many_vs_one"] == nil || *r.Met["many_vs_one"] {
		t.Errorf("many_vs_one %v, met %v; want 1.25, missed", r.Many.ManyVsOne, r.Met["many_vs_one"])
	}
	if table := r.manyTable(); !strings.Contains(table, "| 8 tenants, for_each | 960 | 50.0 | 0 | 2 |") {
		t.Errorf("table:\n%s", table)
	}
}
