package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// stateIncomplete is the state of a standalone migration whose destination has lost copies it built
// (someone deleted a network, a port or a rule there): refresh finds it, and the next apply rebuilds what
// is missing in place, in the same project, keeping the user's password (see repairStandalone).
const stateIncomplete = "INCOMPLETE"

// idMaps names the model's source → destination id maps by the kind of object they hold.
func idMaps(m *migrationModel) []struct {
	kind string
	ids  *types.Map
} {
	return []struct {
		kind string
		ids  *types.Map
	}{
		{"network", &m.NetworkIDs}, {"subnet", &m.SubnetIDs}, {"router", &m.RouterIDs},
		{"security group", &m.SecurityGroupIDs}, {"security group rule", &m.SecurityGroupRuleIDs},
		{"address group", &m.AddressGroupIDs}, {"port", &m.PortIDs},
	}
}

// pruneMissing drops from m's id maps the copies whose destination id exists no more, and returns how
// many of each kind it dropped (none: an empty map).
func pruneMissing(m *migrationModel, exists map[string]bool) map[string]int {
	missing := map[string]int{}
	for _, f := range idMaps(m) {
		if f.ids.IsNull() || f.ids.IsUnknown() {
			continue
		}
		kept := map[string]attr.Value{}
		for src, v := range f.ids.Elements() {
			dst, ok := v.(types.String)
			if ok && !exists[dst.ValueString()] {
				missing[f.kind]++
				continue
			}
			kept[src] = v
		}
		if missing[f.kind] > 0 {
			*f.ids = types.MapValueMust(types.StringType, kept)
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

// markForRepair plans the in-place rebuild of an incomplete migration: the id maps, the state, what is
// skipped and the credentials (a deleted user is made again) are known only after the apply.
func markForRepair(ctx context.Context, m *migrationModel) {
	for _, f := range idMaps(m) {
		*f.ids = types.MapUnknown(types.StringType)
	}
	m.State = types.StringUnknown()
	m.ErrorMessage = types.StringUnknown()
	m.Skipped = types.ListUnknown(m.Skipped.ElementType(ctx))
	m.Credentials = types.ObjectUnknown(credentialsTypes)
}

// needsRepair says whether an update of the migration in state rebuilds what is missing from its
// destination. Only the standalone backend can: a Waldur migration is one-shot.
func (r *MigrationResource) needsRepair(state migrationModel) bool {
	return r.data != nil && r.data.waldur == nil && state.State.ValueString() == stateIncomplete
}

// planRepair is ModifyPlan for a migration in state: when refresh found it INCOMPLETE, it plans the
// rebuild as an in-place update, with the preview planned afresh from the source (the rebuild re-runs
// the migration: see repairStandalone), and reports true.
func (r *MigrationResource) planRepair(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) bool {
	var state, plan migrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.needsRepair(state) {
		return false
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return true
	}
	markForRepair(ctx, &plan)
	if !req.Config.Raw.IsFullyKnown() {
		plan.Preview = types.ObjectUnknown(plan.Preview.AttributeTypes(ctx))
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return true
	}
	r.modifyPlanStandalone(ctx, plan, resp, false)
	return true
}

// repairStandalone is Update for an INCOMPLETE migration: the engine runs again into the same project
// (by id), adopts what is there and builds what is missing, keeping the user's password. Being the
// migration run again, it makes the destination match the source as configured once more: rules added
// in the destination since are removed, quotas set again, objects added to the source since copied (the
// plan's preview shows the result). On failure the state stays INCOMPLETE (an update is not tainted),
// with what was rebuilt so far, and the next apply goes on.
func (r *MigrationResource) repairStandalone(ctx context.Context, prior, plan migrationModel, resp *resource.UpdateResponse) {
	b := backendFor(r.data, &resp.Diagnostics)
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	if b == nil || resp.Diagnostics.HasError() {
		// Nothing ran: the state stays as it was (the response starts out null, which would drop it).
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		return
	}
	if creds := credentialsOf(ctx, prior); creds != nil {
		b.rememberCredentials(prior.DstOffering.ValueString(), prior.SrcResource.ValueString(), *creds)
	}
	tflog.Info(ctx, "Rebuilding what is missing from the destination", map[string]any{
		"dst_project_id": prior.DstProjectID.ValueString(), "missing": prior.ErrorMessage.ValueString()})
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var runDiags diag.Diagnostics
	if !r.createStandalone(ctx, timedRun{ctx: runCtx, timeout: timeout}, &plan, &runDiags) {
		resp.Diagnostics.Append(runDiags...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		return
	}
	if plan.State.ValueString() == stateErred {
		plan.State = types.StringValue(stateIncomplete)
		resp.Diagnostics.AddError("Error rebuilding the migration",
			fmt.Sprintf("Rebuilding what was missing from destination project %s failed: %s\n\n"+
				"What was rebuilt so far is saved in the state (state = %q). Run terraform apply again to go on.",
				plan.DstProjectID.ValueString(), plan.ErrorMessage.ValueString(), stateIncomplete))
	} else {
		resp.Diagnostics.Append(runDiags...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	// A migration imported and rebuilt before its first apply: the rebuild recorded the configuration.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
}
