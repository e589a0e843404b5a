package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// The Go clients under measurement (the engine in its two shapes, and the floor) run in a child process
// of the harness, so that their peak RSS is theirs alone (the harness holds the seeded tenant, the proxy
// and the results) and is read exactly from the kernel when the child is reaped (ru_maxrss).

// Child kinds.
const (
	KindEngine    = "engine"
	KindEngineSeq = "engine_sequential"
	KindFloor     = "floor"
	// KindEngineAdaptive is the engine with the adaptive write gate (openstack.Config.NetworkWriteAdaptive),
	// up to AdaptiveUpperBound writes in flight per endpoint.
	KindEngineAdaptive = "engine_adaptive"
	AdaptiveUpperBound = 16
)

// childArgs is what a child run needs; the parent passes it as JSON in one argument.
type childArgs struct {
	Kind        string `json:"kind"`
	SrcCloud    string `json:"src_cloud"`
	DstCloud    string `json:"dst_cloud"`
	Source      string `json:"source_project_id"`
	Target      string `json:"target"`
	Concurrency int    `json:"concurrency,omitempty"`
	PortBulk    int    `json:"port_bulk_calls,omitempty"`
	OnePerObj   bool   `json:"one_call_per_object,omitempty"`
	// WriteSlots and WriteSpacingMS set openstack.Config's Neutron write gate (0: its defaults).
	WriteSlots     int  `json:"write_slots,omitempty"`
	WriteSpacingMS int  `json:"write_spacing_ms,omitempty"`
	WriteAdaptive  bool `json:"write_adaptive,omitempty"`
	// WriteTrace is a file to write every gated Neutron write to, as CSV (openstack.WriteTracer).
	WriteTrace string `json:"write_trace,omitempty"`

	tracer *openstack.WriteTracer // made by the child from WriteTrace
}

// childResult is what a child run reports on its standard output.
type childResult struct {
	WallSeconds float64        `json:"wall_s"`
	ProjectID   string         `json:"project_id"`
	Created     map[string]int `json:"created"`
	// SelfCalls are the calls the client counted itself (the engine's RequestCounter), to cross-check the
	// proxy's count.
	SelfCalls int               `json:"self_calls,omitempty"`
	Steps     map[string]string `json:"steps,omitempty"` // step -> elapsed at its end, for the analysis
	Error     string            `json:"error,omitempty"`
}

// runChild is the child's main: it runs one measured client and prints its result as JSON.
func runChild(raw string) int {
	var a childArgs
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		return 2
	}
	ctx := context.Background()
	var res childResult
	var err error
	switch a.Kind {
	case KindEngine, KindEngineSeq, KindEngineAdaptive:
		res, err = childEngine(ctx, a)
	case KindFloor:
		res, err = childFloor(ctx, a)
	default:
		err = fmt.Errorf("unknown child kind %q", a.Kind)
	}
	if err != nil {
		res.Error = err.Error()
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	if err != nil {
		return 1
	}
	return 0
}

// childEngine runs the engine as the provider does: one connection per cloud, then Migration.Run.
func childEngine(ctx context.Context, a childArgs) (childResult, error) {
	res := childResult{Steps: map[string]string{}}
	start := time.Now()
	counter := openstack.NewRequestCounter()
	if a.WriteTrace != "" {
		tracer, closeTrace, err := csvWriteTracer(a.WriteTrace, start)
		if err != nil {
			return res, err
		}
		defer closeTrace()
		a.tracer = tracer
	}
	var src, dst *openstack.Cloud
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		src, err = openstack.Connect(gctx, a.config(a.SrcCloud), counter)
		return err
	})
	g.Go(func() (err error) {
		dst, err = openstack.Connect(gctx, a.config(a.DstCloud), counter)
		return err
	})
	if err := g.Wait(); err != nil {
		return res, err
	}
	res.Steps["connected"] = time.Since(start).Round(time.Millisecond).String()
	opts := replication.Options{Concurrency: a.Concurrency, PortBulkCalls: a.PortBulk, OneCallPerObject: a.OnePerObj}
	var stepsMu sync.Mutex
	opts.Progress = func(p replication.Progress) {
		stepsMu.Lock()
		res.Steps[p.Step] = time.Since(start).Round(time.Millisecond).String()
		stepsMu.Unlock()
	}
	m := replication.Migration{Source: src, SourceProjectID: a.Source, Destination: dst,
		Mappings: replication.Mappings{SyncInstancePorts: true}, Target: replication.Target{Name: a.Target}}
	_, result, err := m.Run(ctx, opts)
	res.WallSeconds = time.Since(start).Seconds()
	stepsMu.Lock()
	defer stepsMu.Unlock()
	res.SelfCalls = counter.Total()
	if result != nil {
		res.ProjectID = result.ProjectID
		res.Created = result.Created
	}
	return res, err
}

// spawnChild runs one measured client in a child process with the proxied clouds.yaml, and returns its
// result with its peak RSS.
func spawnChild(ctx context.Context, cloudsFile string, a childArgs) (childResult, float64, error) {
	self, err := os.Executable()
	if err != nil {
		return childResult{}, 0, err
	}
	raw, _ := json.Marshal(a)
	cmd := exec.CommandContext(ctx, self, "-mode", "child", "-child", string(raw))
	cmd.Env = append(cleanEnv(), "OS_CLIENT_CONFIG_FILE="+cloudsFile)
	cmd.Stderr = os.Stderr
	out, runErr := cmd.Output()
	var res childResult
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		return res, 0, fmt.Errorf("child %s: %v (output %q, exit %v)", a.Kind, err, out, runErr)
	}
	peak := 0.0
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = float64(ru.Maxrss) / 1024 // KiB on Linux
		}
	}
	if res.Error != "" {
		return res, peak, fmt.Errorf("child %s: %s", a.Kind, res.Error)
	}
	return res, peak, runErr
}

// cleanEnv is the environment without OpenStack and Terraform settings, so that only what the harness
// sets reaches the measured clients.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OS_") || strings.HasPrefix(kv, "TF_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// config is the connection settings of a clouds.yaml entry for an engine child.
func (a childArgs) config(cloud string) openstack.Config {
	return openstack.Config{Cloud: cloud, NetworkWriteSlots: a.WriteSlots, NetworkWriteSpacing: time.Duration(a.WriteSpacingMS) * time.Millisecond,
		NetworkWriteAdaptive: a.WriteAdaptive, NetworkWriteTrace: a.tracer}
}

// csvWriteTracer writes each gated write to the file at path, as a CSV row, its times in ms from start.
func csvWriteTracer(path string, start time.Time) (*openstack.WriteTracer, func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "sent_ms,latency_ms,class,status,failed,saturated,in_flight,limit,congested")
	var mu sync.Mutex
	tracer := &openstack.WriteTracer{Observe: func(e openstack.WriteEvent) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%d,%d,%q,%d,%t,%t,%d,%.3f,%t\n", e.Sent.Sub(start).Milliseconds(), e.Latency.Milliseconds(), e.Class,
			e.Status, e.Failed, e.Saturated, e.InFlight, e.Limit, e.Congested)
	}}
	return tracer, func() {
		mu.Lock()
		defer mu.Unlock()
		_ = w.Flush()
		_ = f.Close()
	}, nil
}
