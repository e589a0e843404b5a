package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// reportOrder is the order of the modes in the tables.
var reportOrder = []string{ModeEngine, ModeEngineSeq, ModeTPO, ModeFloor, ModeProvider}

// Targets are issue 5's.
var Targets = map[string]float64{
	"engine_vs_floor": 1.0,
	"engine_vs_tpo":   0.4,
	"calls_vs_min":    1.1,
	// Issue 17: terraform apply of our resource against terraform-provider-openstack's.
	"provider_apply_vs_tpo": 0.4,
	"peak_rss_mb":           100,
	// Issue 17: an in-sync plan of a replica costs at most a tenth of terraform-provider-openstack's.
	"in_sync_plan_vs_tpo": 0.1,
	// Issue 17: the cost per object of the largest size measured by -mode scale over the smallest's
	// (flat: at most 10 % more), and our provider's peak RSS at the largest size.
	"scale_wall_per_object_slope": 1.1,
	"scale_peak_rss_mb":           100,
	// Issue 17: eight tenants in one apply no slower than one tenant of their total size.
	"many_vs_one": 1,
	// Issue 17: the adaptive write gate within 5 % of the best fixed number of writes in flight in every
	// cell of the capacity matrix, and never slower than the default (2) (the worst cell is reported).
	"adaptive_vs_best_fixed": 1.05,
	"adaptive_vs_default":    1,
}

// Results is bench/results.json. Each -mode updates its own part and the ratios are recomputed from
// what the file holds, so modes can be run separately.
type Results struct {
	UpdatedAt string         `json:"updated_at"`
	Lab       LabInfo        `json:"lab"`
	Tenant    map[string]int `json:"tenant"`
	Repeats   int            `json:"repeats"`
	// EngineOptions are the Options of the default engine mode (0: the engine's default).
	EngineOptions map[string]int         `json:"engine_options,omitempty"`
	Modes         map[string]*ModeResult `json:"modes"`

	// Ratios of medians measured in the same run.
	EngineVsTPO *float64 `json:"engine_vs_tpo"`
	// ProviderVsTPO is terraform apply of our resource against terraform-provider-openstack's: what a
	// user sees (issue 17).
	ProviderVsTPO    *float64 `json:"provider_apply_vs_tpo"`
	EngineVsFloor    *float64 `json:"engine_vs_floor"`
	EngineSeqVsFloor *float64 `json:"engine_sequential_vs_floor"`
	TPOVsFloor       *float64 `json:"tpo_vs_floor"`
	// CallsVsMin is the engine's calls over the floor's (both with their token and reads); WritesVsMin the
	// same for the writes alone.
	CallsVsMin  *float64 `json:"calls_vs_min"`
	WritesVsMin *float64 `json:"writes_vs_min"`
	MinCalls    *int     `json:"min_calls"`
	// Paired are the medians of the per-round ratios (each round runs every mode once, back to back), less
	// sensitive than the ratios of medians to load on the lab drifting between rounds.
	Paired map[string]float64 `json:"paired_ratios,omitempty"`
	// PeakRSSMB is our provider process's peak during a terraform apply of the large tenant; null until
	// measured (-mode provider-rss).
	PeakRSSMB *float64 `json:"peak_rss_mb"`
	// EnginePeakRSSMB is the peak RSS of a process running the engine alone (default settings).
	EnginePeakRSSMB *float64 `json:"engine_peak_rss_mb"`
	// TPOPeakRSSMB is the peak of Terraform's and terraform-provider-openstack's summed RSS.
	TPOPeakRSSMB *float64 `json:"tpo_peak_rss_mb"`

	PlanCalls *PlanCalls `json:"plan_calls"`
	// Latency holds -mode compare at proxy delays other than 0, by delay in ms (-delay-ms).
	Latency map[string]*LatencyResult `json:"latency,omitempty"`
	// Sync is the replica measurements (-mode sync).
	Sync    *SyncBench    `json:"sync,omitempty"`
	Planner *PlannerBench `json:"planner"`
	// PlannerScale is BenchmarkBuildPlanScale's result per tenant size, smallest first.
	PlannerScale []PlannerBench `json:"planner_scale,omitempty"`
	// Scale is -mode scale, by factor of the large tenant; ScaleSlopes compares its smallest and largest.
	Scale map[string]*ScaleResult `json:"scale,omitempty"`
	// Many is -mode many.
	Many *ManyResult `json:"many,omitempty"`
	// Capacity is the matrix of writes in flight, fixed against adaptive, by capacityKey.
	Capacity    map[string]*CapacityCell `json:"capacity,omitempty"`
	ScaleSlopes map[string]ScaleSlope    `json:"scale_slopes,omitempty"`
	Targets     map[string]float64       `json:"targets"`
	Met         map[string]*bool         `json:"met"`
	Notes       []string                 `json:"notes,omitempty"`
}

// LatencyResult is -mode compare at one proxy delay: the modes and their ratios against
// terraform-provider-openstack.
type LatencyResult struct {
	Modes         map[string]*ModeResult `json:"modes"`
	EngineVsTPO   *float64               `json:"engine_vs_tpo"`
	ProviderVsTPO *float64               `json:"provider_apply_vs_tpo"`
}

// LabInfo is what shapes the numbers.
type LabInfo struct {
	SrcCloud          string `json:"src_cloud"`
	DstCloud          string `json:"dst_cloud"`
	NeutronAPIWorkers int    `json:"neutron_api_workers"`
	CPUs              int    `json:"cpus"`
	Terraform         string `json:"terraform,omitempty"`
	TPO               string `json:"terraform_provider_openstack,omitempty"`
}

// ModeResult is one measured mode: its runs and their medians.
type ModeResult struct {
	WallMedian    float64   `json:"wall_s_median"`
	Walls         []float64 `json:"wall_s_runs"`
	CallsMedian   int       `json:"calls_median"`
	WritesMedian  int       `json:"writes_median"`
	ReadsMedian   int       `json:"reads_median"`
	TokensMedian  int       `json:"tokens_median"`
	PeakRSSMedian float64   `json:"peak_rss_mb_median"`
	ProviderPeak  float64   `json:"provider_peak_rss_mb_median,omitempty"`
	CallsByKind   Calls     `json:"calls_by_kind"`
	ServerMedian  float64   `json:"neutron_seconds_median"`
	BusyMedian    float64   `json:"neutron_busy_median"`
	CPUMedian     LabCPU    `json:"lab_cpu_s_median"`
	// ServerByKind is the destination Neutron's time by kind of call in the run CallsByKind comes from.
	ServerByKind map[string]ServerTime `json:"neutron_time_by_kind"`
	Created      map[string]int        `json:"created"`
	Failed       int                   `json:"failed_runs"`
	Runs         []RunResult           `json:"runs"`
}

// RunResult is one run of a mode.
type RunResult struct {
	WallSeconds    float64           `json:"wall_s"`
	ProjectID      string            `json:"project_id,omitempty"`
	Total          int               `json:"calls"`
	Writes         int               `json:"writes"`
	Reads          int               `json:"reads"`
	Tokens         int               `json:"tokens"`
	SelfCalls      int               `json:"self_counted_calls,omitempty"`
	Calls          Calls             `json:"calls_by_endpoint"`
	PeakRSSMB      float64           `json:"peak_rss_mb"`
	ProviderPeakMB float64           `json:"provider_peak_rss_mb,omitempty"`
	Processes      []ProcPeak        `json:"processes,omitempty"`
	Created        map[string]int    `json:"created,omitempty"`
	Steps          map[string]string `json:"steps,omitempty"`
	// Server is the destination Neutron's time on the run's requests, by kind (from its log).
	Server        map[string]ServerTime `json:"neutron_time_by_kind,omitempty"`
	ServerSeconds float64               `json:"neutron_seconds,omitempty"`
	// NeutronBusy is the share of the destination Neutron's API workers' time spent on the run (busyShare).
	NeutronBusy float64 `json:"neutron_busy,omitempty"`
	// LabCPU is the CPU time the lab's services used during the run (other lab users' work included).
	LabCPU LabCPU `json:"lab_cpu_s"`
	Error  string `json:"error,omitempty"`
}

func (r *RunResult) setCalls(c Calls) {
	r.Calls = c
	r.Total, r.Writes, r.Reads, r.Tokens = c.Total(), c.Writes(), c.Reads(), c.Tokens()
}

// LabCPU is CPU time used by lab services, in seconds.
type LabCPU struct {
	Neutron  float64 `json:"neutron_dst"`
	MariaDB  float64 `json:"mariadb"`
	Keystone float64 `json:"keystone"`
}

func (c LabCPU) minus(o LabCPU) LabCPU {
	return LabCPU{Neutron: c.Neutron - o.Neutron, MariaDB: c.MariaDB - o.MariaDB, Keystone: c.Keystone - o.Keystone}
}

// PlanCalls are the calls of `terraform plan` of our resource for a small and the large tenant.
type PlanCalls struct {
	SmallObjects int   `json:"small_objects"`
	LargeObjects int   `json:"large_objects"`
	Small        Calls `json:"small"`
	Large        Calls `json:"large"`
	SmallTotal   int   `json:"small_total"`
	LargeTotal   int   `json:"large_total"`
	// Constant is true when no kind of call is made more often for the large tenant.
	Constant bool     `json:"constant"`
	Grown    []string `json:"grown,omitempty"`
}

func (p *PlanCalls) check() {
	p.SmallTotal, p.LargeTotal = p.Small.Total(), p.Large.Total()
	small, large := p.Small.Kinds(), p.Large.Kinds()
	p.Grown = nil
	for _, k := range slices.Sorted(maps.Keys(large)) {
		if large[k] > small[k] {
			p.Grown = append(p.Grown, fmt.Sprintf("%s: %d -> %d", k, small[k], large[k]))
		}
	}
	p.Constant = len(p.Grown) == 0
}

// PlannerBench is BenchmarkBuildPlan's result.
type PlannerBench struct {
	Objects     int     `json:"objects,omitempty"`
	NsPerOp     float64 `json:"ns_per_op"`
	BytesPerOp  float64 `json:"bytes_per_op"`
	AllocsPerOp float64 `json:"allocs_per_op"`
	Line        string  `json:"line"`
}

// LoadResults reads an existing results file, or starts empty.
func LoadResults(path string) (*Results, error) {
	r := &Results{}
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(raw, r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if r.Modes == nil {
		r.Modes = map[string]*ModeResult{}
	}
	r.Notes = nil
	return r, nil
}

// Save writes the results as indented JSON.
func (r *Results) Save(path string) error {
	r.UpdatedAt = time.Now().UTC().Format(time.RFC3339)
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

func (r *Results) notef(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianInt(xs []int) int {
	f := make([]float64, len(xs))
	for i, x := range xs {
		f[i] = float64(x)
	}
	return int(median(f) + 0.5)
}

// summarize computes the medians over the successful runs.
func (m *ModeResult) summarize() {
	var walls, rss, prov, server, busy, cpuN, cpuM, cpuK []float64
	var calls, writes, reads, tokens []int
	var ok []RunResult
	m.Failed = 0
	for _, r := range m.Runs {
		if r.Error != "" {
			m.Failed++
			continue
		}
		ok = append(ok, r)
		walls = append(walls, r.WallSeconds)
		rss = append(rss, r.PeakRSSMB)
		prov = append(prov, r.ProviderPeakMB)
		server = append(server, r.ServerSeconds)
		busy = append(busy, r.NeutronBusy)
		cpuN, cpuM, cpuK = append(cpuN, r.LabCPU.Neutron), append(cpuM, r.LabCPU.MariaDB), append(cpuK, r.LabCPU.Keystone)
		calls, writes, reads, tokens = append(calls, r.Total), append(writes, r.Writes), append(reads, r.Reads), append(tokens, r.Tokens)
	}
	m.Walls = walls
	m.CPUMedian = LabCPU{Neutron: median(cpuN), MariaDB: median(cpuM), Keystone: median(cpuK)}
	m.WallMedian, m.PeakRSSMedian, m.ProviderPeak, m.ServerMedian = median(walls), median(rss), median(prov), median(server)
	m.BusyMedian = median(busy)
	m.CallsMedian, m.WritesMedian, m.ReadsMedian, m.TokensMedian = medianInt(calls), medianInt(writes), medianInt(reads), medianInt(tokens)
	// Calls by kind and the objects built: those of the run whose call count is the median.
	for _, r := range ok {
		if r.Total == m.CallsMedian || m.CallsByKind == nil {
			m.CallsByKind, m.Created, m.ServerByKind = r.Calls.Kinds(), r.Created, r.Server
		}
	}
}

func ratio(a, b *ModeResult, f func(*ModeResult) float64) *float64 {
	if a == nil || b == nil || a.Failed == len(a.Runs) || b.Failed == len(b.Runs) || f(b) == 0 {
		return nil
	}
	v := f(a) / f(b)
	return &v
}

// pairedRatio is the median over rounds of a's wall time over b's in the same round.
func pairedRatio(a, b *ModeResult) (float64, bool) {
	if a == nil || b == nil {
		return 0, false
	}
	var ratios []float64
	for i := 0; i < len(a.Runs) && i < len(b.Runs); i++ {
		if a.Runs[i].Error == "" && b.Runs[i].Error == "" && b.Runs[i].WallSeconds > 0 {
			ratios = append(ratios, a.Runs[i].WallSeconds/b.Runs[i].WallSeconds)
		}
	}
	return median(ratios), len(ratios) > 0
}

func wall(m *ModeResult) float64   { return m.WallMedian }
func calls(m *ModeResult) float64  { return float64(m.CallsMedian) }
func writes(m *ModeResult) float64 { return float64(m.WritesMedian) }

// Compute derives the ratios and the verdicts from the modes.
func (r *Results) Compute() {
	e, seq, fl, tpo, prov := r.Modes[ModeEngine], r.Modes[ModeEngineSeq], r.Modes[ModeFloor], r.Modes[ModeTPO], r.Modes[ModeProvider]
	r.EngineVsTPO = ratio(e, tpo, wall)
	r.ProviderVsTPO = ratio(prov, tpo, wall)
	for _, lr := range r.Latency {
		lr.EngineVsTPO = ratio(lr.Modes[ModeEngine], lr.Modes[ModeTPO], wall)
		lr.ProviderVsTPO = ratio(lr.Modes[ModeProvider], lr.Modes[ModeTPO], wall)
	}
	r.EngineVsFloor = ratio(e, fl, wall)
	r.EngineSeqVsFloor = ratio(seq, fl, wall)
	r.TPOVsFloor = ratio(tpo, fl, wall)
	r.CallsVsMin = ratio(e, fl, calls)
	r.WritesVsMin = ratio(e, fl, writes)
	r.Paired = map[string]float64{}
	for name, pair := range map[string][2]*ModeResult{"engine_vs_floor": {e, fl}, "engine_vs_tpo": {e, tpo}, "engine_sequential_vs_floor": {seq, fl},
		"tpo_vs_floor": {tpo, fl}, "provider_apply_vs_tpo": {prov, tpo}} {
		if v, ok := pairedRatio(pair[0], pair[1]); ok {
			r.Paired[name] = v
		}
	}
	r.MinCalls = nil
	if fl != nil && fl.Failed < len(fl.Runs) {
		n := fl.CallsMedian
		r.MinCalls = &n
	}
	r.PeakRSSMB, r.EnginePeakRSSMB, r.TPOPeakRSSMB = nil, nil, nil
	if prov != nil && prov.Failed < len(prov.Runs) && prov.ProviderPeak > 0 {
		v := prov.ProviderPeak
		r.PeakRSSMB = &v
	}
	if e != nil && e.Failed < len(e.Runs) {
		v := e.PeakRSSMedian
		r.EnginePeakRSSMB = &v
	}
	if tpo != nil && tpo.Failed < len(tpo.Runs) {
		v := tpo.PeakRSSMedian
		r.TPOPeakRSSMB = &v
	}
	r.ScaleSlopes = r.scaleSlopes()
	if r.Many != nil {
		r.Many.ManyVsOne = ratio(r.Many.Many, r.Many.One, wall)
	}
	r.Targets = Targets
	r.Met = map[string]*bool{}
	check := func(name string, v *float64, ok func(float64) bool) {
		if v == nil {
			r.Met[name] = nil
			return
		}
		b := ok(*v)
		r.Met[name] = &b
	}
	check("engine_vs_floor", r.EngineVsFloor, func(v float64) bool { return v <= Targets["engine_vs_floor"] })
	check("engine_vs_tpo", r.EngineVsTPO, func(v float64) bool { return v <= Targets["engine_vs_tpo"] })
	check("provider_apply_vs_tpo", r.ProviderVsTPO, func(v float64) bool { return v <= Targets["provider_apply_vs_tpo"] })
	check("calls_vs_min", r.CallsVsMin, func(v float64) bool { return v <= Targets["calls_vs_min"] })
	check("peak_rss_mb", r.PeakRSSMB, func(v float64) bool { return v < Targets["peak_rss_mb"] })
	r.checkScale(check)
	var manyVsOne *float64
	if r.Many != nil {
		manyVsOne = r.Many.ManyVsOne
	}
	check("many_vs_one", manyVsOne, func(v float64) bool { return v <= Targets["many_vs_one"] })
	r.computeCapacity(check)
	if r.Sync != nil {
		check("in_sync_plan_vs_tpo", r.Sync.Ratio, func(v float64) bool { return v <= Targets["in_sync_plan_vs_tpo"] })
	}
	if r.PlanCalls != nil {
		c := r.PlanCalls.Constant
		r.Met["plan_calls_constant"] = &c
	}
	// The modes must have built the same objects.
	if fl != nil && fl.Created != nil {
		for name, m := range map[string]*ModeResult{ModeEngine: e, ModeEngineSeq: seq, ModeTPO: tpo} {
			if m == nil || m.Created == nil {
				continue
			}
			for kind, n := range fl.Created {
				// TPO must build what the floor built; the engine's modes may build more, not less.
				if got := m.Created[kind]; got != n && (name == ModeTPO || got < n) {
					r.notef("%s built %d %s where the floor built %d", name, got, kind, n)
				}
			}
		}
	}
}

func fmtRatio(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", *v)
}

func verdict(b *bool) string {
	switch {
	case b == nil:
		return "not measured"
	case *b:
		return "met"
	}
	return "MISSED"
}

// Table renders the results for the terminal and the README.
func (r *Results) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nLab: Neutron API with %d processes, %d CPUs; source %s, destination %s; tenant %v; medians of %d runs.\n\n",
		r.Lab.NeutronAPIWorkers, r.Lab.CPUs, r.Lab.SrcCloud, r.Lab.DstCloud, formatCounts(r.Tenant), r.Repeats)
	fmt.Fprintf(&b, "| mode | wall s (median) | runs | API calls | writes | reads | tokens | Neutron CPU s | DB CPU s | Neutron workers busy | peak RSS MB |\n")
	fmt.Fprintf(&b, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, name := range reportOrder {
		m := r.Modes[name]
		if m == nil {
			continue
		}
		runs := make([]string, 0, len(m.Walls)+1)
		for _, w := range m.Walls {
			runs = append(runs, fmt.Sprintf("%.1f", w))
		}
		if m.Failed > 0 {
			runs = append(runs, fmt.Sprintf("%d failed", m.Failed))
		}
		rss := fmt.Sprintf("%.0f", m.PeakRSSMedian)
		switch name {
		case ModeTPO:
			rss += " (terraform + provider)"
		case ModeProvider:
			rss = fmt.Sprintf("%.0f provider, %.0f with terraform", m.ProviderPeak, m.PeakRSSMedian)
		default:
			rss += " (process)"
		}
		fmt.Fprintf(&b, "| %s | %.1f | %s | %d | %d | %d | %d | %.0f | %.0f | %.0f %% | %s |\n", name, m.WallMedian, strings.Join(runs, ", "),
			m.CallsMedian, m.WritesMedian, m.ReadsMedian, m.TokensMedian, m.CPUMedian.Neutron, m.CPUMedian.MariaDB, 100*m.BusyMedian, rss)
	}
	fmt.Fprintf(&b, "\n| ratio | value | target | verdict |\n|---|---:|---:|---|\n")
	fmt.Fprintf(&b, "| engine_vs_floor (wall) | %s%s | ≤ %.1f | %s |\n", fmtRatio(r.EngineVsFloor), r.paired("engine_vs_floor"), Targets["engine_vs_floor"], verdict(r.Met["engine_vs_floor"]))
	fmt.Fprintf(&b, "| engine_vs_tpo (wall) | %s%s | ≤ %.1f | %s |\n", fmtRatio(r.EngineVsTPO), r.paired("engine_vs_tpo"), Targets["engine_vs_tpo"], verdict(r.Met["engine_vs_tpo"]))
	fmt.Fprintf(&b, "| provider_apply_vs_tpo (wall) | %s%s | ≤ %.1f | %s |\n", fmtRatio(r.ProviderVsTPO), r.paired("provider_apply_vs_tpo"), Targets["provider_apply_vs_tpo"], verdict(r.Met["provider_apply_vs_tpo"]))
	fmt.Fprintf(&b, "| calls_vs_min (all calls) | %s | ≤ %.1f | %s |\n", fmtRatio(r.CallsVsMin), Targets["calls_vs_min"], verdict(r.Met["calls_vs_min"]))
	fmt.Fprintf(&b, "| writes_vs_min | %s | | |\n", fmtRatio(r.WritesVsMin))
	fmt.Fprintf(&b, "| engine_sequential_vs_floor (wall) | %s%s | | |\n", fmtRatio(r.EngineSeqVsFloor), r.paired("engine_sequential_vs_floor"))
	fmt.Fprintf(&b, "| tpo_vs_floor (wall) | %s%s | | |\n", fmtRatio(r.TPOVsFloor), r.paired("tpo_vs_floor"))
	peak := "n/a"
	if r.PeakRSSMB != nil {
		peak = fmt.Sprintf("%.0f", *r.PeakRSSMB)
	}
	fmt.Fprintf(&b, "| peak_rss_mb (our provider, terraform apply) | %s | < %.0f | %s |\n", peak, Targets["peak_rss_mb"], verdict(r.Met["peak_rss_mb"]))
	if r.PlanCalls != nil {
		fmt.Fprintf(&b, "| terraform plan calls, %d vs %d objects | %d vs %d | constant | %s |\n", r.PlanCalls.SmallObjects, r.PlanCalls.LargeObjects,
			r.PlanCalls.SmallTotal, r.PlanCalls.LargeTotal, verdict(r.Met["plan_calls_constant"]))
	}
	if r.Planner != nil {
		fmt.Fprintf(&b, "\nPlanner (BenchmarkBuildPlan): %.2f ms/op, %.0f allocs/op, %.1f MB/op\n", r.Planner.NsPerOp/1e6, r.Planner.AllocsPerOp, r.Planner.BytesPerOp/1e6)
	}
	for _, pb := range r.PlannerScale {
		fmt.Fprintf(&b, "Planner at %d objects (BenchmarkBuildPlanScale): %.0f ms/op, %.1f µs/object, %.0f MB/op\n", pb.Objects, pb.NsPerOp/1e6,
			pb.NsPerOp/1e3/float64(max(pb.Objects, 1)), pb.BytesPerOp/1e6)
	}
	if slope := r.PlannerSlope(); slope > 0 {
		fmt.Fprintf(&b, "Planner time per object, largest vs smallest: %.2f× (1.00: linear)\n", slope)
	}
	b.WriteString(r.latencyTable())
	b.WriteString(r.capacityTable())
	b.WriteString(r.syncTable())
	b.WriteString(r.scaleTable())
	b.WriteString(r.manyTable())
	b.WriteString(r.kindsTable())
	b.WriteString(r.serverTable())
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nnote: %s", n)
	}
	b.WriteString("\n")
	return b.String()
}

// kindsTable lists the calls by kind of each mode side by side.
func (r *Results) kindsTable() string {
	return byKindTable(r, "API calls by kind (median run):", func(m *ModeResult) map[string]int { return m.CallsByKind },
		func(n int) string { return fmt.Sprint(n) })
}

func formatCounts(m map[string]int) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

// serverTable lists the destination Neutron's seconds by kind of call of each mode side by side.
func (r *Results) serverTable() string {
	return byKindTable(r, "Destination Neutron's request time by kind, seconds (calls), from its log:",
		func(m *ModeResult) map[string]ServerTime { return m.ServerByKind },
		func(st ServerTime) string { return fmt.Sprintf("%.1f (%d)", st.Seconds, st.Calls) })
}

// byKindTable lays out one value per kind of call and mode (the modes that have any), modes side by side.
func byKindTable[V any](r *Results, title string, values func(*ModeResult) map[string]V, cell func(V) string) string {
	var names []string
	kinds := map[string]bool{}
	for _, name := range reportOrder {
		if m := r.Modes[name]; m != nil && len(values(m)) > 0 {
			names = append(names, name)
			for k := range values(m) {
				kinds[k] = true
			}
		}
	}
	if len(names) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\n\n| kind | %s |\n|---|%s\n", title, strings.Join(names, " | "), strings.Repeat("---:|", len(names)))
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		row := make([]string, len(names))
		for i, n := range names {
			row[i] = cell(values(r.Modes[n])[k])
		}
		fmt.Fprintf(&b, "| %s | %s |\n", k, strings.Join(row, " | "))
	}
	return b.String()
}

func (r *Results) paired(name string) string {
	if v, ok := r.Paired[name]; ok {
		return fmt.Sprintf(" (paired %.3f)", v)
	}
	return ""
}

// latencyTable lists, per proxy delay, each mode's median wall and the ratios against
// terraform-provider-openstack.
func (r *Results) latencyTable() string {
	if len(r.Latency) == 0 {
		return ""
	}
	delays := slices.Sorted(maps.Keys(r.Latency))
	slices.SortFunc(delays, func(a, b string) int { return len(a) - len(b) })
	var b strings.Builder
	b.WriteString("\nWith a round-trip delay added by the proxy (wall s, medians):\n\n| delay ms |")
	for _, m := range reportOrder {
		b.WriteString(" " + m + " |")
	}
	b.WriteString(" engine_vs_tpo | provider_apply_vs_tpo |\n|---:|")
	b.WriteString(strings.Repeat("---:|", len(reportOrder)+2) + "\n")
	for _, d := range delays {
		lr := r.Latency[d]
		fmt.Fprintf(&b, "| %s |", d)
		for _, m := range reportOrder {
			if mr := lr.Modes[m]; mr != nil {
				fmt.Fprintf(&b, " %.1f |", mr.WallMedian)
			} else {
				b.WriteString(" |")
			}
		}
		fmt.Fprintf(&b, " %s | %s |\n", fmtRatio(lr.EngineVsTPO), fmtRatio(lr.ProviderVsTPO))
	}
	return b.String()
}

// checkScale checks -mode scale's targets: the provider's and the engine's wall per object flat from the
// smallest size to the largest, and the provider's peak RSS at the largest under the limit.
func (r *Results) checkScale(check func(string, *float64, func(float64) bool)) {
	var slope *float64
	for _, mode := range []string{ModeEngine, ModeProvider} {
		if sl, ok := r.ScaleSlopes[mode]; ok && (slope == nil || sl.Wall > *slope) {
			v := sl.Wall
			slope = &v
		}
	}
	check("scale_wall_per_object_slope", slope, func(v float64) bool { return v <= Targets["scale_wall_per_object_slope"] })
	var peak *float64
	largest := 0
	for _, sr := range r.Scale {
		if m := sr.Modes[ModeProvider]; m != nil && m.ProviderPeak > 0 && sr.Scale > largest {
			largest, peak = sr.Scale, &m.ProviderPeak
		}
	}
	check("scale_peak_rss_mb", peak, func(v float64) bool { return v < Targets["scale_peak_rss_mb"] })
}
