package replication

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// batch is one step's objects of one type: the copies an earlier run built are recorded as adopted and
// queued for an update where they differ from their plan, the missing ones collected to be created
// together, and both kinds queued for their tags where their tag set is not the planned one (the user's
// tags and, when the plan wants one, the source marker: see identity.go).
type batch[T any] struct {
	e        *execution
	kind     string
	ids      map[string]string
	id       func(T) string
	tags     func(T) []string
	missing  []T
	sources  []string
	wanted   [][]string // the tags missing[i] must carry (the user's, and its marker when it needs one)
	mu       sync.Mutex
	untagged []toTag
	changed  []toUpdate
	created  int
	// createdIDs are the ids of the objects this batch created.
	createdIDs map[string]bool
}

// toUpdate is an adopted copy to update in place: the body of differing fields (diff_objects.go).
type toUpdate struct {
	id, name string
	body     map[string]any
}

func newBatch[T any](e *execution, kind string, ids map[string]string, id func(T) string, tags func(T) []string) *batch[T] {
	return &batch[T]{e: e, kind: kind, ids: ids, id: id, tags: tags}
}

// adoptOr records have, the copy of sourceID an earlier run built, when found, queueing changes (the
// update body that makes it match its plan, nil when it does) and its tags when they are not want; or
// else queues body() to be created, to carry want.
func (b *batch[T]) adoptOr(sourceID, name string, have T, found bool, want []string, changes map[string]any, body func() T) {
	if found {
		b.e.record(b.ids, b.kind, sourceID, b.id(have), false)
		if changes != nil {
			b.changed = append(b.changed, toUpdate{b.id(have), name, changes})
		}
		if tagsDiffer(b.tags(have), want) {
			b.queueTag(b.id(have), want)
		}
		return
	}
	b.missing = append(b.missing, body())
	b.sources = append(b.sources, sourceID)
	b.wanted = append(b.wanted, want)
}

// recordCreated records objects created from b.missing[from:], in order. Safe for parallel chunks.
func (b *batch[T]) recordCreated(from int, created []T) {
	for i, obj := range created {
		b.e.record(b.ids, b.kind, b.sources[from+i], b.id(obj), true)
		if len(b.wanted[from+i]) > 0 && !b.e.tagOnCreate {
			b.queueTag(b.id(obj), b.wanted[from+i])
		}
	}
	b.mu.Lock()
	b.created += len(created)
	if b.createdIDs == nil {
		b.createdIDs = map[string]bool{}
	}
	for _, obj := range created {
		b.createdIDs[b.id(obj)] = true
	}
	b.mu.Unlock()
}

func (b *batch[T]) queueTag(id string, tags []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.untagged = append(b.untagged, toTag{id, tags})
}

// update sends the queued updates of adopted copies, in parallel.
func (b *batch[T]) update(ctx context.Context, r openstack.Resource) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(b.e.opts.Concurrency)
	for _, u := range b.changed {
		g.Go(func() error {
			if _, err := openstack.Update[T](gctx, b.e.dst.Network, r, u.id, u.body); err != nil {
				return fmt.Errorf("updating %s %q (%s): %w", strings.ReplaceAll(b.kind, "_", " "), u.name, u.id, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// finish updates and tags what needs it and reports the step's progress. An adopted copy updated or
// retagged counts once as updated.
func (b *batch[T]) finish(ctx context.Context, r openstack.Resource, step string, total int) error {
	if err := b.update(ctx, r); err != nil {
		return err
	}
	if err := b.e.tag(ctx, r, b.untagged); err != nil {
		return err
	}
	updated := map[string]bool{}
	for _, u := range b.changed {
		updated[u.id] = true
	}
	for _, t := range b.untagged {
		if !b.createdIDs[t.id] {
			updated[t.id] = true
		}
	}
	b.e.countUpdated(b.kind, len(updated))
	b.e.report(Progress{Step: step, Kind: b.kind, Created: b.created, Adopted: total - b.created, Total: total, Updated: len(updated)})
	return nil
}
