package standalone

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// Drift, of two kinds. Copies deleted from the destination since the migration built them: Read finds
// them missing (the destination's objects are listed, and the id maps checked against them), drops them
// from the id maps and marks the migration INCOMPLETE. A source changed since, for a replica
// (follow_source): Read plans the source again and compares the destination with that plan
// (compareWithSource), recording the difference in SourceDrift. Either way Sync runs the migration
// again into the same project, which adopts what is there, updates what differs and builds what is
// missing.

// pruneMissing drops from ids the copies whose destination id exists no more, and returns how many of
// each kind it dropped (none: an empty map). A map it changes is replaced, never written to: the one
// it held may be shared.
func pruneMissing(ids *backend.IDMaps, exists map[string]bool) map[string]int {
	missing := map[string]int{}
	for _, f := range ids.Kinds() {
		if *f.IDs == nil {
			continue
		}
		kept := map[string]string{}
		for src, dst := range *f.IDs {
			if !exists[dst] {
				missing[f.Kind]++
				continue
			}
			kept[src] = dst
		}
		if missing[f.Kind] > 0 {
			*f.IDs = kept
		}
	}
	return missing
}

// describeMissing says what pruneMissing found missing, e.g. "1 network, 2 ports".
func describeMissing(missing map[string]int) string {
	kinds := make([]string, 0, len(missing))
	for k := range missing {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		n := missing[k]
		if n != 1 {
			k += "s"
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, k))
	}
	return strings.Join(parts, ", ")
}

// Sync runs the migration again into its destination project (by id): it rebuilds what Read found
// missing (INCOMPLETE), applies changed mappings, and, for a replica (in.FollowSource), brings it in line
// with the source as it is now. The engine pairs the copies the state's id maps name with their sources
// first (so a renamed source object keeps its copy), adopts what else is there, updates every copy that
// differs from the plan, builds what is missing (replacing subnets whose CIDR changed) and keeps the
// user's password; with in.FollowSource it also removes the copies whose source is no longer planned
// (deleted in the source, or no longer selected). Without it nothing of the kind is removed: a one-off
// copy keeps what it has. Being the migration run again, it makes the destination match the source as
// configured once more: rules added in the destination since are removed, quotas set again (the plan's
// preview shows the result). A run that fails comes back INCOMPLETE (an update is not tainted), with
// what was done so far, and the next apply goes on.
func (b *Backend) Sync(ctx context.Context, in backend.Inputs, prior backend.Migration, timeout time.Duration) (*backend.Migration, error) {
	if creds := usableCredentials(prior.Credentials); creds != nil {
		b.rememberCredentials(prior.DstOffering, prior.SrcResource, *creds)
	}
	fields := map[string]any{"dst_project_id": prior.DstProjectID, "follow_source": in.FollowSource, "source_drift": prior.SourceDrift}
	if prior.State == backend.StateIncomplete {
		fields["missing"] = prior.ErrorMessage
	}
	b.log.Info(ctx, "Syncing the migration in place", fields)
	out, err := b.run(ctx, in, &prior, timeout)
	if out == nil || out.State != backend.StateErred {
		return out, err
	}
	out.State = backend.StateIncomplete
	return out, backend.Errorf(replication.Path{}, "Error syncing the migration",
		"Syncing destination project %s failed: %s\n\n"+
			"What was done so far is saved in the state (state = %q). Run terraform apply again to go on.",
		out.DstProjectID, out.ErrorMessage, backend.StateIncomplete)
}

// InPlaceSync is nil: this backend builds the copy itself and can run it again into its destination.
func (b *Backend) InPlaceSync() error { return nil }

// sourceReadTimeout bounds the comparison of a replica with its source during a refresh: a source cloud
// that is down must not hold the plan for longer than the transport's retries (a minute per request).
const sourceReadTimeout = 2 * time.Minute

// sourceView is what a replica's refresh compares its destination with: the source planned now with
// the migration's mappings, and the destination's quotas.
type sourceView struct {
	plan   *replication.Plan
	err    error               // the source could not be read or planned
	quotas *replication.Quotas // nil: not read
}

// readSourceView starts reading the source side of a replica's comparison, alongside the destination's
// listing (issue 17: an in-sync plan of a large tenant waited for the two in turn). The result comes on
// the returned channel; cancelling ctx abandons it.
func (b *Backend) readSourceView(ctx context.Context, m backend.Migration, dst *openstack.Cloud) <-chan sourceView {
	out := make(chan sourceView, 1)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, sourceReadTimeout)
		defer cancel()
		var v sourceView
		done := make(chan struct{})
		go func() {
			defer close(done)
			if q, err := replication.ReadQuotas(ctx, dst, m.DstProjectID); err == nil {
				v.quotas = &q
			} else if ctx.Err() == nil {
				b.log.Warn(ctx, "Could not read the destination's quotas; they are not compared with the source", map[string]any{
					"dst_project_id": m.DstProjectID, "error": err.Error()})
			}
		}()
		v.plan, v.err = b.Plan(ctx, m.Inputs)
		<-done
		out <- v
	}()
	return out
}

// compareWithSource records in m.SourceDrift how the destination (objects, listed by Read) differs from
// the source as it is now (v, from readSourceView): what a Sync would add, change and remove. A source
// that cannot be read or planned (its cloud down, its project gone: the disaster a replica is for) is a
// warning, never an error, and leaves the drift empty: the replica is kept as it is, and nothing is
// planned.
func (b *Backend) compareWithSource(ctx context.Context, m *backend.Migration, v sourceView, objects replication.ProjectObjects) {
	if v.err != nil {
		b.log.Warn(ctx, "The source could not be read; the replica is kept as it is", map[string]any{
			"src_resource": m.SrcResource, "error": v.err.Error()})
		m.Warnings = append(m.Warnings, fmt.Sprintf("follow_source = true, but source tenant %s could not be read or planned "+
			"with the migration's mappings, so the replica was not compared with it: %s\n\n"+
			"The replica is kept as it is and no change is planned for it (source_drift stays empty); "+
			"the next refresh tries again.", m.SrcResource, errorText(v.err)))
		return
	}
	b.recordDrift(ctx, m, v.plan, objects, v.quotas)
}

// recordDrift records in m.SourceDrift how the destination's objects and quotas (nil: not compared)
// differ from p, the source planned now, pairing them by the migration's id maps first.
func (b *Backend) recordDrift(ctx context.Context, m *backend.Migration, p *replication.Plan, objects replication.ProjectObjects, quotas *replication.Quotas) {
	drift := replication.Compare(p, m.IDs, objects, quotas)
	m.SourceDrift = drift.Summary()
	if drift.Empty() {
		b.log.Info(ctx, "The replica is in sync with the source", map[string]any{"dst_project_id": m.DstProjectID})
		return
	}
	b.log.Info(ctx, "The replica differs from the source; the next apply syncs it", map[string]any{
		"dst_project_id": m.DstProjectID, "source_drift": m.SourceDrift})
}

// errorText is the message of a backend's error, validation errors one per line.
func errorText(err error) string { return backend.ErrorText(err, nil) }
