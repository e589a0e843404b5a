package bench

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// KindPrototype is not one of the modes: it is the floor's calls (no markers, no adoption
// reads) scheduled like the engine's dependency graph, to show what the engine could reach on this lab
// once its per-object calls are gone. Concurrency bounds the rule bulks in flight; PortBulk splits the
// ports into that many bulk calls sent in parallel.
const KindPrototype = "prototype"

func childPrototype(ctx context.Context, a childArgs) (childResult, error) {
	res := childResult{Created: map[string]int{}, Steps: map[string]string{}}
	start := time.Now()
	var stepMu sync.Mutex
	step := func(name string) {
		stepMu.Lock()
		res.Steps[name] = time.Since(start).Round(time.Millisecond).String()
		stepMu.Unlock()
	}
	var transport http.RoundTripper
	if a.GateSlots > 0 {
		transport = newWorkerGate(a.GateSlots, 100*time.Millisecond)
	}
	c, err := floorConnect(ctx, a.SrcCloud, a.DstCloud, transport)
	if err != nil {
		return res, err
	}
	plan, err := floorPlan(ctx, c, a)
	if err != nil {
		return res, err
	}
	step("read and plan")
	f := &floor{c: c, plan: plan, res: &res, step: step}
	err = f.parallel(ctx, max(a.Concurrency, 1), max(a.PortBulk, 1))
	res.WallSeconds = time.Since(start).Seconds()
	return res, err
}

// parallel builds the plan with independent work overlapped: quotas and the user beside the network
// objects; routers (each one's interfaces in sequence), rule bulks and port bulks all at once as soon as
// what they need exists.
func (f *floor) parallel(ctx context.Context, ruleLimit, portBulks int) error {
	if err := f.project(ctx); err != nil {
		return err
	}
	f.step("project")
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return f.user(gctx) })
	g.Go(func() error { return f.quotas(gctx) })
	if err := g.Wait(); err != nil {
		return err
	}
	f.step("user and quotas")
	subnetsDone, groupsDone := make(chan struct{}), make(chan struct{})
	wait := func(chs ...chan struct{}) error {
		for _, ch := range chs {
			select {
			case <-ch:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	}
	g, gctx = errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := f.networksAndSubnets(gctx); err != nil {
			return err
		}
		f.step("networks and subnets")
		close(subnetsDone)
		return nil
	})
	g.Go(func() error {
		if err := f.createGroups(gctx); err != nil {
			return err
		}
		f.step("security groups")
		close(groupsDone)
		rg, rctx := errgroup.WithContext(gctx)
		rg.SetLimit(ruleLimit)
		for _, sg := range f.ruleGroups {
			rg.Go(func() error { return f.rules(rctx, sg) })
		}
		err := rg.Wait()
		f.step("rules")
		return err
	})
	for _, r := range f.plan.Routers {
		g.Go(func() error {
			if err := wait(subnetsDone); err != nil {
				return err
			}
			err := f.router(gctx, r)
			f.step("router " + r.Name)
			return err
		})
	}
	g.Go(func() error {
		if err := wait(subnetsDone, groupsDone); err != nil {
			return err
		}
		ports := f.portBodies()
		pg, pctx := errgroup.WithContext(gctx)
		per := (len(ports) + portBulks - 1) / max(portBulks, 1)
		for start := 0; start < len(ports); start += per {
			chunk := ports[start:min(start+per, len(ports))]
			pg.Go(func() error { return f.createPorts(pctx, chunk) })
		}
		err := pg.Wait()
		f.step("ports")
		return err
	})
	return g.Wait()
}

// workerGate is the prototype's answer to how a multi-process server (neutron-server with api_workers)
// spreads requests: each worker process accepts connections greedily and keeps them, so requests sent at
// once over pooled keep-alive connections tend to pile onto one worker while the other idles (seen in
// the lab's Neutron log). The gate sends every Neutron write on a fresh connection, at most slots at a
// time, each started some time after the previous one, by which time the worker that accepted the
// previous one is busy and the next connection goes to an idle one.
type workerGate struct {
	pooled, fresh http.RoundTripper
	slots         chan struct{}
	spacing       time.Duration
	mu            sync.Mutex
	last          time.Time
}

func newWorkerGate(slots int, spacing time.Duration) *workerGate {
	pooled := http.DefaultTransport.(*http.Transport).Clone()
	pooled.MaxIdleConnsPerHost = 32
	fresh := http.DefaultTransport.(*http.Transport).Clone()
	fresh.DisableKeepAlives = true
	return &workerGate{pooled: pooled, fresh: fresh, slots: make(chan struct{}, slots), spacing: spacing}
}

func (g *workerGate) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet || !strings.Contains(r.URL.Path, "/v2.0/") {
		return g.pooled.RoundTrip(r)
	}
	select {
	case g.slots <- struct{}{}:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	defer func() { <-g.slots }()
	g.mu.Lock()
	if wait := g.spacing - time.Since(g.last); wait > 0 {
		time.Sleep(wait)
	}
	g.last = time.Now()
	g.mu.Unlock()
	return g.fresh.RoundTrip(r)
}
