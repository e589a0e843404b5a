package replication

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// graph runs tasks in dependency order, each as soon as its dependencies are done, with at most limit
// running at once. A failed task fails the tasks that depend on it, while independent branches go on, so
// that one run builds as much as it can (and a re-run has less left to do).
type graph struct {
	tasks []*task
	limit int
}

type task struct {
	name string
	deps []*task
	run  func(ctx context.Context) error
	done chan struct{}
	err  error
}

// errDependency marks a task not run because one it depends on failed.
var errDependency = errors.New("a step it depends on failed")

func (g *graph) add(name string, run func(ctx context.Context) error, deps ...*task) *task {
	t := &task{name: name, deps: deps, run: run, done: make(chan struct{})}
	g.tasks = append(g.tasks, t)
	return t
}

// wait runs every task and returns the errors of the tasks that failed by themselves (not those skipped
// for a failed dependency), joined.
func (g *graph) wait(ctx context.Context) error {
	sem := make(chan struct{}, max(g.limit, 1))
	var wg sync.WaitGroup
	for _, t := range g.tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(t.done)
			for _, d := range t.deps {
				<-d.done
				if d.err != nil {
					t.err = errDependency
					return
				}
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				t.err = ctx.Err()
				return
			}
			defer func() { <-sem }()
			if err := ctx.Err(); err != nil {
				t.err = err
				return
			}
			if err := t.run(ctx); err != nil {
				t.err = fmt.Errorf("%s: %w", t.name, err)
			}
		}()
	}
	wg.Wait()
	var errs []error
	for _, t := range g.tasks {
		if t.err != nil && !errors.Is(t.err, errDependency) {
			errs = append(errs, t.err)
		}
	}
	return errors.Join(errs...)
}
