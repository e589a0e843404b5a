package standalone

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// Drift: copies deleted from the destination since the migration built them. Read finds them missing
// (the destination's objects are listed, and the id maps checked against them), drops them from the id
// maps and marks the migration INCOMPLETE; Repair runs the migration again into the same project, which
// adopts what is there and builds what is missing.

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

// Repair rebuilds an INCOMPLETE migration: the engine runs again into the same project (by id), adopts
// what is there and builds what is missing, keeping the user's password. Being the migration run
// again, it makes the destination match the source as configured once more: rules added in the
// destination since are removed, quotas set again, objects added to the source since copied (the
// plan's preview shows the result). A run that fails comes back INCOMPLETE (an update is not
// tainted), with what was rebuilt so far, and the next apply goes on.
func (b *Backend) Repair(ctx context.Context, in backend.Inputs, prior backend.Migration, timeout time.Duration) (*backend.Migration, error) {
	if creds := usableCredentials(prior.Credentials); creds != nil {
		b.rememberCredentials(prior.DstOffering, prior.SrcResource, *creds)
	}
	b.log.Info(ctx, "Rebuilding what is missing from the destination", map[string]any{
		"dst_project_id": prior.DstProjectID, "missing": prior.ErrorMessage})
	out, err := b.run(ctx, in, prior.DstProjectID, timeout)
	if out == nil || out.State != backend.StateErred {
		return out, err
	}
	out.State = backend.StateIncomplete
	return out, backend.Errorf(replication.Path{}, "Error rebuilding the migration",
		"Rebuilding what was missing from destination project %s failed: %s\n\n"+
			"What was rebuilt so far is saved in the state (state = %q). Run terraform apply again to go on.",
		out.DstProjectID, out.ErrorMessage, backend.StateIncomplete)
}
