// Package bench is the performance benchmark of the replication engine against the lab (issue 5): it
// seeds a large source tenant and measures, in one run on the same lab, each into a fresh destination
// project, the engine with default settings, the engine forced sequential with one call per object,
// terraform-provider-openstack applying an equivalent configuration, and the floor (the minimal calls,
// issued sequentially by a plain client); then our provider's peak RSS during a terraform apply and the
// calls of its plan. Every client's API calls are counted by the same counting proxy (see Proxy).
package bench

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/apiproxy"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// Measured modes.
const (
	ModeEngine    = KindEngine
	ModeEngineSeq = KindEngineSeq
	ModeFloor     = KindFloor
	// ModeEngineAdaptive is the engine with the adaptive write gate, against ModeEngine's fixed one.
	ModeEngineAdaptive = KindEngineAdaptive
	ModeTPO            = "tpo"
	ModeProvider       = "provider_apply"
)

// config is the command line.
type config struct {
	mode        string
	run         []string
	repeats     int
	out         string
	srcCloud    string
	dstCloud    string
	source      string
	keepSource  bool
	terraform   string
	tpoDir      string
	providerBin string
	repo        string
	workDir     string
	child       string
	project     string
	cloud       string
	isolate     bool
	buildTools  bool
	engineConc  int
	enginePorts int
	writeSlots  int
	writeSpace  int
	tpoVersion  string
	timeout     time.Duration
	delays      []time.Duration
	scales      []int
	tenants     int
	writeTrace  string
}

// Main runs the benchmark command with args (without the program name) and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	var c config
	var run string
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.mode, "mode", "compare", "compare | provider-rss | plan-calls | sync | scale | many | planner | all | report | seed | teardown (internal: child)")
	fs.StringVar(&run, "run", strings.Join([]string{ModeEngine, ModeEngineSeq, ModeFloor, ModeTPO}, ","), "modes measured by -mode compare (also: "+ModeProvider+", terraform apply of our resource; "+ModeEngineAdaptive+", the engine with the adaptive write gate;\n"+
		fixedWritesPrefix+"<N>, the engine with N Neutron writes in flight: a run with "+ModeEngineAdaptive+" records the capacity matrix, see capacity.go)")
	fs.IntVar(&c.repeats, "n", 3, "repetitions of each measured mode (medians are reported)")
	fs.StringVar(&c.out, "out", "bench/results.json", "results file (merged: each -mode updates its own part)")
	fs.StringVar(&c.srcCloud, "src-cloud", testlab.RegionOne, "clouds.yaml entry of the source region")
	fs.StringVar(&c.dstCloud, "dst-cloud", testlab.RegionTwo, "clouds.yaml entry of the destination region")
	fs.StringVar(&c.source, "source", "", "id of an already seeded large source project (default: seed one, and delete it at the end)")
	fs.BoolVar(&c.keepSource, "keep-source", false, "keep the seeded source project (its id is printed) for later runs with -source")
	fs.StringVar(&c.terraform, "terraform", envOr("BENCH_TERRAFORM", "/root/.cache/wom-tools/terraform-1.8.5/terraform"), "Terraform 1.8.5 CLI")
	fs.StringVar(&c.tpoDir, "tpo-dir", envOr("BENCH_TPO_DIR", "/root/.cache/wom-tools/tpo"), "directory holding the terraform-provider-openstack binary")
	fs.StringVar(&c.providerBin, "provider-bin", "", "our provider binary (default: go build it from -repo)")
	fs.StringVar(&c.repo, "repo", ".", "the repository root (to build our provider and run the planner benchmark)")
	fs.StringVar(&c.workDir, "work", "", "scratch directory (default: a new temporary one, removed at the end)")
	fs.StringVar(&c.child, "child", "", "internal: arguments of a child run")
	fs.StringVar(&c.project, "project", "", "-mode teardown: the project to delete, with everything in it")
	fs.StringVar(&c.cloud, "cloud", testlab.RegionOne, "-mode teardown: the clouds.yaml entry of the project's region")
	fs.BoolVar(&c.isolate, "isolate-admin", true, "scope the measured clients' tokens to a temporary admin project of the benchmark's own instead of the\n"+
		"lab's shared admin project: their requests are then told apart from other lab users' in Neutron's log, and\n"+
		"objects created without an explicit project_id cannot exhaust a quota other lab users share")
	fs.IntVar(&c.engineConc, "engine-concurrency", 0, "Options.Concurrency of the default engine mode (0: the engine's default)")
	fs.IntVar(&c.enginePorts, "engine-port-bulk", 0, "Options.PortBulkCalls of the default engine mode (0: the engine's default)")
	fs.IntVar(&c.writeSlots, "engine-write-slots", 0, "Neutron writes in flight at once for the default engine mode (openstack.Config.NetworkWriteSlots; 0: its default)")
	fs.IntVar(&c.writeSpace, "engine-write-spacing-ms", 0, "ms between the starts of overlapping Neutron writes for the default engine mode (0: the default; -1: none)")
	fs.BoolVar(&c.buildTools, "build-tools", true, "go install Terraform 1.8.5 and terraform-provider-openstack when missing")
	fs.StringVar(&c.tpoVersion, "tpo-version", "latest", "version of terraform-provider-openstack/v3 to build when missing")
	fs.DurationVar(&c.timeout, "timeout", 90*time.Minute, "overall time limit")
	fs.StringVar(&c.writeTrace, "write-trace", "", "-mode compare: a directory to write each engine run's gated Neutron writes to, one CSV file per run\n"+
		"(when each was sent, its latency, the gate's limit after it: to see how the adaptive gate paced a run)")
	var delays string
	fs.StringVar(&delays, "delay-ms", "0", "-mode compare: round-trip delays the counting proxy adds to every request, in ms, comma-separated\n"+
		"(e.g. 0,20,80: every client alike, as a WAN between the clients and the cloud would); each is measured in turn")
	fs.IntVar(&c.tenants, "tenants", 8, "-mode many: the small tenants (about 120 objects each) migrated by one terraform apply")
	var scales string
	fs.StringVar(&scales, "scales", "1,3", "-mode scale: the sizes of the large tenant measured, as factors of its counts (a tenant is seeded for each)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	for _, f := range strings.Split(scales, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			fmt.Fprintf(stderr, "bench: -scales %q: want positive integers\n", scales)
			return 2
		}
		c.scales = append(c.scales, k)
	}
	if c.mode == "child" {
		return runChild(c.child)
	}
	c.run = strings.Split(run, ",")
	for _, d := range strings.Split(delays, ",") {
		ms, err := strconv.Atoi(strings.TrimSpace(d))
		if err != nil || ms < 0 {
			fmt.Fprintf(stderr, "bench: -delay-ms %q: want non-negative integers\n", delays)
			return 2
		}
		c.delays = append(c.delays, time.Duration(ms)*time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	if err := mainErr(ctx, c, stdout); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	return 0
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// session is one benchmark invocation: the lab connections, the source, the proxy, the scratch space.
type session struct {
	c      config
	src    *openstack.Cloud // direct (unproxied) connections, for seeding and teardown
	dst    *openstack.Cloud
	proxy  *apiproxy.Proxy
	work   string
	source string
	seeded []string // projects to delete at the end
	res    *Results
	// scope is the project the measured clients' tokens are scoped to with -isolate-admin, by which their
	// requests are told apart in Neutron's log.
	scope string
	// lab is the lab measured now. It differs from res.Lab when the results describe another lab size
	// (see capacityOnly).
	lab LabInfo
	// capacityOnly is set when the lab runs another number of Neutron API processes than the results'
	// headline tables were measured with: a compare run then files only its cells of the capacity
	// matrix, and the headline (modes, latency, lab) is left as it was.
	capacityOnly bool
}

func mainErr(ctx context.Context, c config, stdout io.Writer) (err error) {
	os.Setenv("OS_CLIENT_CONFIG_FILE", testlab.CloudsFile())
	s := &session{c: c}
	s.res, err = LoadResults(c.out)
	if err != nil {
		return err
	}
	if c.mode == "teardown" {
		cloud, err := openstack.Connect(ctx, openstack.Config{Cloud: c.cloud}, nil)
		if err != nil {
			return err
		}
		return replication.Teardown(ctx, cloud, c.project, 8)
	}
	if c.mode == "report" {
		return s.finish(stdout, nil)
	}
	if c.mode == "planner" {
		return s.finish(stdout, s.planner(ctx))
	}
	if s.work = c.workDir; s.work == "" {
		if s.work, err = os.MkdirTemp("", "wom-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(s.work)
	}
	if s.src, err = openstack.Connect(ctx, openstack.Config{Cloud: c.srcCloud}, nil); err != nil {
		return fmt.Errorf("the lab is not reachable (bash lab/up.sh): %w", err)
	}
	if s.dst, err = openstack.Connect(ctx, openstack.Config{Cloud: c.dstCloud}, nil); err != nil {
		return err
	}
	defer s.cleanupSources()
	if c.mode == "seed" {
		s.c.keepSource = true
		_, err := s.largeSource(ctx)
		if err == nil {
			fmt.Fprintln(stdout, s.source)
		}
		return err
	}
	if s.proxy, err = apiproxy.Start(ctx, testlab.CloudsFile(), s.work, []string{c.srcCloud, c.dstCloud}); err != nil {
		return fmt.Errorf("starting the counting proxy: %w", err)
	}
	defer s.proxy.Close()
	prev := s.res.Lab
	s.lab = labInfo(c)
	s.res.Lab = s.lab
	if err := s.tools(ctx); err != nil {
		return err
	}
	s.res.Lab.Terraform = cmp.Or(s.res.Lab.Terraform, prev.Terraform)
	s.res.Lab.TPO = cmp.Or(s.res.Lab.TPO, prev.TPO)
	if prev.NeutronAPIWorkers != 0 && s.lab.NeutronAPIWorkers != prev.NeutronAPIWorkers {
		if c.mode != "compare" {
			return fmt.Errorf("the results in %s were measured with %d Neutron API processes and the lab runs %d: "+
				"only -mode compare (for the capacity matrix) may run on another lab size; use another -out",
				c.out, prev.NeutronAPIWorkers, s.lab.NeutronAPIWorkers)
		}
		logf("the lab runs %d Neutron API processes, the results' headline %d: recording the capacity matrix only",
			s.lab.NeutronAPIWorkers, prev.NeutronAPIWorkers)
		s.capacityOnly = true
		s.res.Lab = prev
	}
	if c.isolate {
		cleanup, err := s.isolateAdmin(ctx)
		defer cleanup()
		if err != nil {
			return err
		}
	}

	var errs []error
	switch c.mode {
	case "compare":
		errs = append(errs, s.compare(ctx))
	case "provider-rss":
		errs = append(errs, s.providerRSS(ctx))
	case "plan-calls":
		errs = append(errs, s.planCalls(ctx))
	case "sync":
		errs = append(errs, s.syncBench(ctx))
	case "scale":
		errs = append(errs, s.scale(ctx))
	case "many":
		errs = append(errs, s.many(ctx))
	case "all":
		errs = append(errs, s.planner(ctx), s.compare(ctx), s.providerRSS(ctx), s.planCalls(ctx), s.syncBench(ctx))
	default:
		return fmt.Errorf("unknown -mode %q", c.mode)
	}
	return s.finish(stdout, errors.Join(errs...))
}

// finish recomputes the ratios, writes the results and prints the table, whatever failed.
func (s *session) finish(stdout io.Writer, runErr error) error {
	s.res.Compute()
	if err := s.res.Save(s.c.out); err != nil {
		return errors.Join(runErr, err)
	}
	table := s.res.Table()
	md := strings.TrimSuffix(s.c.out, ".json") + ".md"
	if err := os.WriteFile(md, []byte("# Benchmark results\n\nWritten by `go run ./cmd/bench` at "+s.res.UpdatedAt+"; see README.md.\n"+table), 0o644); err != nil {
		return errors.Join(runErr, err)
	}
	fmt.Fprint(stdout, table)
	fmt.Fprintf(stdout, "\nresults written to %s and %s\n", s.c.out, md)
	return runErr
}

// largeSource returns the large source tenant: the one given with -source, or a newly seeded one.
func (s *session) largeSource(ctx context.Context) (string, error) {
	if s.source != "" {
		return s.source, nil
	}
	if s.c.source != "" {
		s.source = s.c.source
		return s.source, nil
	}
	if _, err := testlab.EnsureVolumeTypes(ctx, s.dst, testlab.VolumeTypeNames...); err != nil {
		return "", err
	}
	start := time.Now()
	t, err := testlab.SeedLarge(ctx, s.src, "bench-src-"+testlab.Suffix())
	if t != nil && t.ProjectID != "" && !s.c.keepSource {
		s.seeded = append(s.seeded, t.ProjectID)
	}
	if err != nil {
		return "", err
	}
	logf("seeded the large source tenant %s (%s) in %.1f s", t.Name, t.ProjectID, time.Since(start).Seconds())
	s.source = t.ProjectID
	return s.source, nil
}

func (s *session) cleanupSources() {
	for _, id := range s.seeded {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		if err := replication.Teardown(ctx, s.src, id, 8); err != nil {
			logf("deleting source project %s: %v", id, err)
		}
		cancel()
	}
}

// plan is the engine's plan of the copy of the source into the destination: what every mode builds.
func (s *session) plan(ctx context.Context, source string) (*replication.Plan, error) {
	return replication.Migration{Source: s.src, SourceProjectID: source, Destination: s.dst,
		Mappings: replication.Mappings{SyncInstancePorts: true}, Target: replication.Target{Name: "bench-plan"}}.Plan(ctx)
}

// compare measures the -run modes -n times each, interleaved (one run of each mode per round), each into
// a fresh destination project that is torn down before the next run.
func (s *session) compare(ctx context.Context) error {
	source, err := s.largeSource(ctx)
	if err != nil {
		return err
	}
	plan, err := s.plan(ctx, source)
	if err != nil {
		return err
	}
	s.res.Tenant = Objects(plan)
	s.res.EngineOptions = map[string]int{"concurrency": s.c.engineConc, "port_bulk_calls": s.c.enginePorts,
		"write_slots": s.c.writeSlots, "write_spacing_ms": s.c.writeSpace}
	s.res.Repeats = s.c.repeats
	for _, m := range s.c.run {
		if _, fixed := fixedWrites(m); !fixed && !slices.Contains([]string{ModeEngine, ModeEngineSeq, ModeEngineAdaptive, ModeFloor, ModeTPO, ModeProvider}, m) {
			return fmt.Errorf("unknown mode %q in -run", m)
		}
	}
	var errs []error
	for _, delay := range s.c.delays {
		s.proxy.SetDelay(delay)
		modes, err := s.compareAt(ctx, source, plan, delay)
		errs = append(errs, err)
		s.res.recordCapacity(s.lab.NeutronAPIWorkers, delay, modes)
		if s.capacityOnly {
			continue
		}
		if delay == 0 {
			maps.Copy(s.res.Modes, modes)
			continue
		}
		key := strconv.Itoa(int(delay / time.Millisecond))
		if s.res.Latency == nil {
			s.res.Latency = map[string]*LatencyResult{}
		}
		lr := s.res.Latency[key]
		if lr == nil {
			lr = &LatencyResult{Modes: map[string]*ModeResult{}}
			s.res.Latency[key] = lr
		}
		maps.Copy(lr.Modes, modes)
	}
	s.proxy.SetDelay(0)
	return errors.Join(errs...)
}

// compareAt measures the -run modes -n times each at one proxy delay, interleaved.
func (s *session) compareAt(ctx context.Context, source string, plan *replication.Plan, delay time.Duration) (map[string]*ModeResult, error) {
	modes := map[string]*ModeResult{}
	for _, m := range s.c.run {
		modes[m] = &ModeResult{}
	}
	var errs []error
	for round := 1; round <= s.c.repeats; round++ {
		for _, m := range s.c.run {
			target := fmt.Sprintf("bench-%s-%s", strings.ReplaceAll(m, "_", "-"), testlab.Suffix())
			logf("delay %v, round %d/%d: %s into %s", delay, round, s.c.repeats, m, target)
			r := s.measure(ctx, m, source, target, plan)
			if r.Error != "" {
				logf("  %s failed: %s", m, r.Error)
				errs = append(errs, fmt.Errorf("%s: %s", m, r.Error))
			} else {
				logf("  %s: %.1f s, %d calls (%d writes), peak RSS %.0f MB", m, r.WallSeconds, r.Total, r.Writes, r.PeakRSSMB)
			}
			if err := s.teardown(ctx, r.ProjectID, target); err != nil {
				errs = append(errs, fmt.Errorf("teardown after %s: %w", m, err))
				logf("  teardown failed: %v", err)
			}
			modes[m].Runs = append(modes[m].Runs, r)
			if ctx.Err() != nil {
				return modes, errors.Join(append(errs, ctx.Err())...)
			}
		}
	}
	for _, mr := range modes {
		mr.summarize()
	}
	return modes, errors.Join(errs...)
}

// measure runs one mode once, counting its calls at the proxy.
func (s *session) measure(ctx context.Context, mode, source, target string, plan *replication.Plan) RunResult {
	s.proxy.Take()
	start := time.Now()
	cpu := s.labCPU()
	var r RunResult
	kind := mode
	fixed, isFixed := fixedWrites(mode)
	if isFixed {
		kind = KindEngine // engine_w<N>: the default engine mode with N writes in flight
	}
	switch kind {
	case ModeEngine, ModeEngineSeq, ModeEngineAdaptive, ModeFloor:
		a := childArgs{Kind: kind, SrcCloud: s.c.srcCloud, DstCloud: s.c.dstCloud, Source: source, Target: target}
		switch kind {
		case ModeEngine:
			a.Concurrency, a.PortBulk, a.WriteSlots, a.WriteSpacingMS = s.c.engineConc, s.c.enginePorts, s.c.writeSlots, s.c.writeSpace
			if isFixed {
				a.WriteSlots = fixed
			}
		case ModeEngineSeq:
			a.Concurrency, a.OnePerObj = 1, true
		case ModeEngineAdaptive:
			a.Concurrency, a.PortBulk, a.WriteSlots, a.WriteAdaptive = s.c.engineConc, s.c.enginePorts, AdaptiveUpperBound, true
		}
		if s.c.writeTrace != "" {
			a.WriteTrace = filepath.Join(s.c.writeTrace, fmt.Sprintf("%s-%s.csv", mode, start.Format("150405")))
		}
		child, peak, err := spawnChild(ctx, s.proxy.CloudsFile, a)
		r = RunResult{WallSeconds: child.WallSeconds, ProjectID: child.ProjectID, Created: child.Created, SelfCalls: child.SelfCalls,
			Steps: child.Steps, PeakRSSMB: peak}
		if err != nil {
			r.Error = err.Error()
		}
	case ModeTPO:
		r = s.runTPO(ctx, target, plan)
	case ModeProvider:
		pdir, bin, err := s.ourProvider(ctx)
		if err != nil {
			r.Error = err.Error()
			break
		}
		// applyConfig counts the apply's calls, Neutron's time and the lab's CPU itself (-mode many
		// measures with it too).
		return s.applyOurs(ctx, pdir, bin, source, target)
	}
	r.setCalls(s.proxy.Take())
	s.serverTime(&r, start)
	r.LabCPU = s.labCPU().minus(cpu)
	return r
}

// labCPU reads the CPU seconds the destination's Neutron and the database have used so far.
func (s *session) labCPU() LabCPU {
	return LabCPU{Neutron: labCPU("neutron-" + s.c.dstCloud), MariaDB: labCPU("mariadb"), Keystone: labCPU("keystone-" + strings.SplitN(s.c.dstCloud, "-", 2)[0])}
}

// teardown deletes a destination project (found by name when the run failed before reporting its id).
func (s *session) teardown(ctx context.Context, projectID, name string) error {
	if projectID == "" {
		found, err := openstack.FindProjects(ctx, s.dst.Identity, nil)
		if err != nil {
			return err
		}
		for _, p := range found {
			if p.Name == name {
				projectID = p.ID
			}
		}
		if projectID == "" {
			return nil
		}
	}
	tctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	return replication.Teardown(tctx, s.dst, projectID, 8)
}

// labInfo records what shapes the numbers: Neutron's API workers and the host's CPUs.
func labInfo(c config) LabInfo {
	info := LabInfo{SrcCloud: c.srcCloud, DstCloud: c.dstCloud, CPUs: runtime.NumCPU()}
	dir := filepath.Dir(testlab.CloudsFile())
	if raw, err := os.ReadFile(filepath.Join(dir, "etc", "neutron-"+c.dstCloud+".conf")); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "api_workers" {
				// A value that does not read as a number leaves the count at 0, unknown: the Neutron
				// busy share is then not computed (see busyShare).
				_, _ = fmt.Sscan(strings.TrimSpace(v), &info.NeutronAPIWorkers)
			}
		}
	}
	return info
}

// isolateAdmin creates an admin project of the bench's own, gives the lab's admin user the admin role on
// it and scopes the measured clients' tokens to it (in the proxied clouds.yaml). The returned function
// deletes it.
func (s *session) isolateAdmin(ctx context.Context) (func(), error) {
	name := "wom-bench-admin-" + testlab.Suffix()
	p, err := openstack.CreateProject(ctx, s.dst.Identity, openstack.Project{Name: name, Description: "scope of the benchmark's clients", DomainID: "default", Enabled: true})
	if err != nil {
		return func() {}, err
	}
	cleanup := func() {
		tctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if err := replication.Teardown(tctx, s.dst, p.ID, 8); err != nil {
			logf("deleting %s: %v", name, err)
		}
	}
	role, err := openstack.RoleID(ctx, s.dst.Identity, "admin")
	if err != nil {
		return cleanup, err
	}
	if err := openstack.AssignProjectRole(ctx, s.dst.Identity, p.ID, s.dst.UserID, role); err != nil {
		return cleanup, err
	}
	raw, err := os.ReadFile(s.proxy.CloudsFile)
	if err != nil {
		return cleanup, err
	}
	scoped := strings.ReplaceAll(string(raw), "project_name: admin\n", "project_name: "+name+"\n")
	if err := os.WriteFile(s.proxy.CloudsFile, []byte(scoped), 0o600); err != nil {
		return cleanup, err
	}
	s.scope = p.ID
	s.res.notef("measured clients scoped to the temporary admin project %s (-isolate-admin)", name)
	logf("measured clients scoped to %s", name)
	return cleanup, nil
}

// serverTime adds to r the destination Neutron's time on the run's requests, from its log.
func (s *session) serverTime(r *RunResult, start time.Time) {
	log := filepath.Join(filepath.Dir(testlab.CloudsFile()), "logs", "neutron-"+s.c.dstCloud+".log")
	var span float64
	r.Server, span = neutronServerTime(log, start, time.Now().Add(time.Second), s.scope)
	r.ServerSeconds = 0
	for _, st := range r.Server {
		r.ServerSeconds += st.Seconds
	}
	r.NeutronBusy = busyShare(r.ServerSeconds, span, s.lab.NeutronAPIWorkers)
}

// tools makes sure the CLIs the modes need are there and records their versions.
func (s *session) tools(ctx context.Context) error {
	needTF := s.c.mode != "compare" || slices.Contains(s.c.run, ModeTPO)
	needTPO := ((s.c.mode == "compare" || s.c.mode == "all") && slices.Contains(s.c.run, ModeTPO)) || s.c.mode == "sync" || s.c.mode == "all"
	if !s.c.buildTools {
		s.res.Lab.Terraform, s.res.Lab.TPO = moduleVersion(ctx, s.c.terraform), moduleVersion(ctx, filepath.Join(s.c.tpoDir, "terraform-provider-openstack"))
		return nil
	}
	var err error
	if needTF {
		if s.res.Lab.Terraform, err = ensureTool(ctx, filepath.Dir(s.c.terraform), filepath.Base(s.c.terraform), "github.com/hashicorp/terraform@v1.8.5"); err != nil {
			return err
		}
	}
	if needTPO {
		pkg := "github.com/terraform-provider-openstack/terraform-provider-openstack/v3@" + s.c.tpoVersion
		if s.res.Lab.TPO, err = ensureTool(ctx, s.c.tpoDir, "terraform-provider-openstack", pkg); err != nil {
			return err
		}
	}
	return nil
}
