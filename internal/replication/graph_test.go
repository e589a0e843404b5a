package replication

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestGraphRunsInDependencyOrderWithBoundedConcurrency(t *testing.T) {
	var mu sync.Mutex
	var order []string
	var running, peak atomic.Int32
	step := func(name string) func(context.Context) error {
		return func(context.Context) error {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			running.Add(-1)
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return nil
		}
	}
	g := &graph{limit: 2}
	root := g.add("root", step("root"))
	var leaves []*task
	for _, n := range []string{"a", "b", "c", "d"} {
		leaves = append(leaves, g.add(n, step(n), root))
	}
	g.add("last", step("last"), leaves...)
	if err := g.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if order[0] != "root" || order[len(order)-1] != "last" || len(order) != 6 {
		t.Fatalf("order %v", order)
	}
	if peak.Load() != 2 {
		t.Fatalf("peak concurrency %d, want 2", peak.Load())
	}
}

func TestGraphFailureSkipsDependentsOnly(t *testing.T) {
	g := &graph{limit: 4}
	boom := errors.New("boom")
	var ranIndependent, ranDependent atomic.Bool
	failing := g.add("failing", func(context.Context) error { return boom })
	g.add("dependent", func(context.Context) error { ranDependent.Store(true); return nil }, failing)
	g.add("independent", func(context.Context) error { ranIndependent.Store(true); return nil })
	err := g.wait(context.Background())
	if !errors.Is(err, boom) || err.Error() != "failing: boom" {
		t.Fatalf("err = %v", err)
	}
	if ranDependent.Load() || !ranIndependent.Load() {
		t.Fatalf("dependent ran %v, independent ran %v", ranDependent.Load(), ranIndependent.Load())
	}
}

func TestGraphStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g := &graph{limit: 1}
	first := g.add("first", func(context.Context) error { cancel(); return nil })
	var ran atomic.Bool
	g.add("second", func(context.Context) error { ran.Store(true); return nil }, first)
	if err := g.wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if ran.Load() {
		t.Fatal("a task ran after cancellation")
	}
}
