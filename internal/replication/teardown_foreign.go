package replication

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// foreignKind is one kind of object a migration never makes, with how to list a project's and delete
// one.
type foreignKind struct {
	kind string // singular, as describeOwned takes it
	list func(ctx context.Context, dst *openstack.Cloud, projectID string) ([]openstack.Owned, error)
	del  func(ctx context.Context, dst *openstack.Cloud, id string) error
}

// foreignKinds in the order they are deleted: servers first (Nova frees their ports and detaches their
// volumes as it deletes them), then snapshots (Cinder refuses to delete a volume that has some), then
// volumes. Floating IPs go with the rest of the teardown, which releases every one of the project.
var foreignKinds = []foreignKind{
	{"server", func(ctx context.Context, dst *openstack.Cloud, p string) ([]openstack.Owned, error) {
		return openstack.ProjectServers(ctx, dst.Compute, p)
	}, func(ctx context.Context, dst *openstack.Cloud, id string) error {
		return openstack.DeleteServer(ctx, dst.Compute, id)
	}},
	{"volume snapshot", func(ctx context.Context, dst *openstack.Cloud, p string) ([]openstack.Owned, error) {
		return openstack.ProjectSnapshots(ctx, dst.BlockStorage, p)
	}, func(ctx context.Context, dst *openstack.Cloud, id string) error {
		return openstack.DeleteSnapshot(ctx, dst.BlockStorage, id)
	}},
	{"volume", func(ctx context.Context, dst *openstack.Cloud, p string) ([]openstack.Owned, error) {
		return openstack.ProjectVolumes(ctx, dst.BlockStorage, p)
	}, func(ctx context.Context, dst *openstack.Cloud, id string) error {
		return openstack.DeleteVolume(ctx, dst.BlockStorage, id)
	}},
}

// foreignWait bounds the wait for one kind's objects to be gone after their deletes were accepted (Nova
// and Cinder delete in the background); foreignPoll is how often the project is listed meanwhile.
var (
	foreignWait = 10 * time.Minute
	foreignPoll = 2 * time.Second
)

// deleteForeign deletes, kind after kind (foreignKinds), the project's servers, volume snapshots and
// volumes, and waits for each kind to be gone before the next. A delete that fails matters only if its
// object is still there when the wait ends (the lab's Nova, say, deletes a server and then answers 500
// because it cannot reach Placement): the error then names what is left and why.
func deleteForeign(ctx context.Context, dst *openstack.Cloud, projectID string, concurrency int, progress func(Progress)) error {
	if concurrency <= 0 {
		concurrency = 8
	}
	for _, k := range foreignKinds {
		items, err := k.list(ctx, dst, projectID)
		if err != nil {
			return fmt.Errorf("listing the %ss of destination project %s: %w", k.kind, projectID, err)
		}
		if len(items) == 0 {
			continue
		}
		if progress != nil {
			progress(Progress{Step: fmt.Sprintf("deleting %s the migration did not make (destroy_foreign_objects)",
				describeOwned(k.kind, items)), Kind: k.kind, Total: len(items)})
		}
		var mu sync.Mutex
		var failed []error
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(concurrency)
		for _, it := range items {
			g.Go(func() error {
				if err := k.del(gctx, dst, it.ID); err != nil {
					mu.Lock()
					failed = append(failed, fmt.Errorf("deleting %s %s: %w", k.kind, it.ID, err))
					mu.Unlock()
				}
				return nil
			})
		}
		_ = g.Wait()
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := waitGone(ctx, dst, projectID, k, errors.Join(failed...)); err != nil {
			return err
		}
		if progress != nil {
			progress(Progress{Step: fmt.Sprintf("deleted %s", describeOwned(k.kind, items)), Kind: k.kind, Removed: len(items), Total: len(items)})
		}
	}
	return nil
}

// waitGone lists the project's objects of kind k until there are none, for at most foreignWait.
// deleteErr, the deletes' failures, is reported with what is left.
func waitGone(ctx context.Context, dst *openstack.Cloud, projectID string, k foreignKind, deleteErr error) error {
	deadline := time.Now().Add(foreignWait)
	for {
		left, err := k.list(ctx, dst, projectID)
		if err != nil {
			return fmt.Errorf("listing the %ss of destination project %s: %w", k.kind, projectID, err)
		}
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			msg := fmt.Sprintf("destination project %s still holds %s %v after they were deleted", projectID, describeOwned(k.kind, left), foreignWait)
			if deleteErr != nil {
				return fmt.Errorf("%s: %w", msg, deleteErr)
			}
			return errors.New(msg)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s of destination project %s to be deleted: %w", describeOwned(k.kind, left), projectID, ctx.Err())
		case <-time.After(foreignPoll):
		}
	}
}

// countForeign lists the project's servers, volume snapshots and volumes, for verifyEmpty: "2 servers
// (a, b)" for each kind it holds.
func countForeign(ctx context.Context, dst *openstack.Cloud, projectID string) ([]string, error) {
	held := make([][]openstack.Owned, len(foreignKinds))
	g, gctx := errgroup.WithContext(ctx)
	for i, k := range foreignKinds {
		g.Go(func() (err error) {
			held[i], err = k.list(gctx, dst, projectID)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []string
	for i, k := range foreignKinds {
		if len(held[i]) > 0 {
			out = append(out, describeOwned(k.kind, held[i]))
		}
	}
	return out, nil
}
