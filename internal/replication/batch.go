package replication

import (
	"context"
	"sync"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// batch is one step's objects of one type: those an earlier run built are recorded as adopted, the
// missing ones collected to be created together, and both kinds queued for their source marker when the
// plan wants one (see identity.go) and they lack it.
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
	created  int
}

func newBatch[T any](e *execution, kind string, ids map[string]string, id func(T) string, tags func(T) []string) *batch[T] {
	return &batch[T]{e: e, kind: kind, ids: ids, id: id, tags: tags}
}

// adoptOr records the existing copy of sourceID from existing (see pool.adopt; key is its content key),
// or queues body() to be created. marker says whether the copy needs a marker, user the user's tags it
// carries like its source.
func (b *batch[T]) adoptOr(sourceID string, existing *pool[T], key string, marker bool, user []string, body func() T) {
	want := wantedTags(sourceID, marker, user)
	if have, found, _ := existing.adopt(sourceID, key); found {
		b.e.record(b.ids, b.kind, sourceID, b.id(have), false)
		if lacksTags(b.tags(have), want) {
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
	b.mu.Unlock()
}

func (b *batch[T]) queueTag(id string, tags []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.untagged = append(b.untagged, toTag{id, tags})
}

// finish tags what still lacks its tags and reports the step's progress.
func (b *batch[T]) finish(ctx context.Context, r openstack.Resource, step string, total int) error {
	if err := b.e.tag(ctx, r, b.untagged); err != nil {
		return err
	}
	b.e.progress(step, b.kind, b.created, total-b.created, total)
	return nil
}
