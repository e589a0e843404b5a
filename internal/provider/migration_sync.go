package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
)

// A migration in state is synced in place, never replaced, when the next apply runs it again into the
// same destination project (the backend's Sync):
//   - refresh found it INCOMPLETE (copies deleted from its destination since): the rebuild puts them
//     back;
//   - it is a replica (follow_source = true) and refresh found the source changed (source_drift not
//     empty), or follow_source was just turned on: the sync adds, updates and removes copies so that the
//     destination matches the source as it is now;
//   - its mappings changed, with a backend that syncs in place (InPlaceSync nil): the run applies the new
//     mappings. A backend that cannot (Waldur: its API copies a tenant once) replaces the migration
//     instead, except on the first plan after an import, which records the configured mappings.
//
// A replica with a backend that cannot sync in place (Waldur) is never synced nor replaced for its
// drift: a plan that succeeds must apply, and Waldur can apply none of it. Refresh still records the
// drift in source_drift (for a check block or an output), and the plan keeps the state as it is and
// warns on follow_source with the drift and what the user can do instead (InPlaceSync's error says
// it): the apply of that plan shows the same warning and changes nothing.
//
// ModifyPlan plans such a sync as an in-place update with what the run decides unknown (the id maps,
// state, skipped, credentials), source_drift empty and the preview planned afresh from the source; the
// unknown id maps are how Update tells it (syncPlanned). A refresh that could not read the source never
// plans one: the replica is kept as it is, and refresh says why in a warning.

// needsRepair says whether an update of the migration in state rebuilds what is missing from its
// destination, or, for a migration recorded while still running (Waldur's CREATING: its create ran out of
// time), waits for it again: a running migration is resumed, never replaced.
func needsRepair(state migrationModel) bool {
	return state.State.ValueString() == backend.StateIncomplete || backend.Running(state.State.ValueString())
}

// syncPlanned says whether ModifyPlan planned a sync (markForRepair): only then are the planned id maps
// unknown; every other update keeps them (UseStateForUnknown).
func syncPlanned(plan migrationModel) bool {
	return plan.NetworkIDs.IsUnknown()
}

// markForRepair plans the in-place run of a migration: the id maps, the state, what is skipped and the
// credentials (a deleted user is made again) are known only after the apply; the run leaves the
// destination in sync with the source, so source_drift is empty.
func markForRepair(ctx context.Context, m *migrationModel) {
	for _, ids := range modelIDMaps(m) {
		*ids = types.MapUnknown(types.StringType)
	}
	m.State = types.StringUnknown()
	m.ErrorMessage = types.StringUnknown()
	m.Skipped = types.ListUnknown(m.Skipped.ElementType(ctx))
	m.Credentials = types.ObjectUnknown(credentialsTypes)
	m.SourceDrift = driftMap(nil)
}

// syncReason says why an update of state to plan runs the migration again, or "" when it does not;
// replace is set when the change needs a new migration instead (mappings changed where the backend
// cannot apply them in place).
func (r *MigrationResource) syncReason(state, plan migrationModel, imported bool) (reason string, replace bool) {
	if needsRepair(state) {
		return "rebuild", false
	}
	// The first plan after an import records the configured mappings without a run: the import could
	// not know them, and they describe what is there.
	if !plan.Mappings.Equal(state.Mappings) && !importGrace(imported, state.Mappings) {
		if r.backend.InPlaceSync() != nil {
			return "", true
		}
		return "mappings changed", false
	}
	if !plan.FollowSource.ValueBool() || r.backend.InPlaceSync() != nil {
		return "", false
	}
	switch {
	case !state.FollowSource.ValueBool():
		return "follow_source turned on", false
	case len(state.SourceDrift.Elements()) > 0:
		return "source changed", false
	}
	return "", false
}

// forcesReplacement says whether the schema's plan modifiers replace the migration (they run before
// ModifyPlan, which does not see their verdict): a new source, destination, plan, name or description.
// Terraform then plans the replacement as a create, calling ModifyPlan again without a state.
func forcesReplacement(state, plan migrationModel, imported bool) bool {
	return !plan.SrcResource.Equal(state.SrcResource) || !plan.DstOffering.Equal(state.DstOffering) ||
		!plan.Name.Equal(state.Name) || !plan.Description.Equal(state.Description) ||
		(!plan.DstPlan.Equal(state.DstPlan) && !importGrace(imported, state.DstPlan))
}

// importGrace says whether a change of an argument the import could not know (stateValue null) is the
// first plan after the import recording the configured value, which is never a new migration nor a run.
func importGrace(imported bool, stateValue attr.Value) bool {
	return imported && stateValue.IsNull()
}

// planUpdate is ModifyPlan for a migration in state. A change that forces a new migration is planned as
// a create once Terraform plans the replacement; otherwise it plans the sync syncReason asks for (or
// the replacement a change of mappings needs with a backend that cannot sync), or, on the first plan
// after an import, records the configured mappings and the preview and skipped they give.
func (r *MigrationResource) planUpdate(ctx context.Context, req resource.ModifyPlanRequest, plan migrationModel, resp *resource.ModifyPlanResponse) {
	var state migrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	imported := wasImported(ctx, req.Private)
	if resp.Diagnostics.HasError() || forcesReplacement(state, plan, imported) {
		return
	}
	reason, replace := r.syncReason(state, plan, imported)
	switch {
	case replace:
		resp.RequiresReplace.Append(path.Root("mappings"))
		return
	case reason != "":
		tflog.Info(ctx, "Planning an in-place sync of the migration", map[string]any{"reason": reason, "dst_project_id": state.DstProjectID.ValueString()})
		r.planSync(ctx, req, state, plan, resp)
		return
	}
	if plan.FollowSource.ValueBool() && state.FollowSource.ValueBool() {
		if err := r.backend.InPlaceSync(); err != nil {
			warnDriftNotSynced(&resp.Diagnostics, state.SourceDrift, err)
		}
	}
	if !plan.FollowSource.ValueBool() && len(state.SourceDrift.Elements()) > 0 {
		// follow_source turned off: the drift is no longer looked at.
		plan.SourceDrift = driftMap(nil)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
	if imported && req.Config.Raw.IsFullyKnown() {
		r.planMigration(ctx, plan, resp, true)
	}
}

// planSync plans the in-place run of the migration in state: with what it decides unknown, and the
// preview planned afresh from the source, since the run builds the migration as it is planned now. A
// migration recorded while still running is waited for, not run again: its preview stays.
func (r *MigrationResource) planSync(ctx context.Context, req resource.ModifyPlanRequest, state, plan migrationModel, resp *resource.ModifyPlanResponse) {
	markForRepair(ctx, &plan)
	if backend.Running(state.State.ValueString()) {
		// Resumed, not run again: the preview stays the one it was created with; the new tenant's
		// project may be known only once it is done.
		if plan.DstProjectID.ValueString() == "" {
			plan.DstProjectID = types.StringUnknown()
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	if !req.Config.Raw.IsFullyKnown() {
		plan.Preview = types.ObjectUnknown(plan.Preview.AttributeTypes(ctx))
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	r.planMigration(ctx, plan, resp, false)
}

// sync is Update for a migration ModifyPlan planned a run of. The backend runs the migration again into
// the same destination (Sync), with the id maps in state pairing copies with their sources first and,
// with follow_source, removing the copies whose source is no longer planned; when nothing ran, the
// state stays as it was.
func (r *MigrationResource) sync(ctx context.Context, prior, plan migrationModel, resp *resource.UpdateResponse) {
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	b := r.backendOr(&resp.Diagnostics)
	in, d := inputsOf(ctx, plan)
	resp.Diagnostics.Append(d...)
	recorded, d := migrationOf(ctx, prior)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		// Nothing ran: the state stays as it was (the response starts out null, which would drop it).
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		return
	}
	out, err := b.Sync(ctx, in, recorded, timeout)
	if out != nil && errors.Is(err, backend.ErrStillRunning) {
		resp.Diagnostics.AddWarning("Migration still running", err.Error())
	} else {
		addBackendError(&resp.Diagnostics, "Error syncing migration", err)
	}
	if out == nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		return
	}
	resp.Diagnostics.Append(applyRun(ctx, &plan, out)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	for _, w := range out.Warnings {
		resp.Diagnostics.AddWarning("Migration synced with a warning", w)
	}
	// A migration imported and rebuilt before its first apply: the run recorded the configuration.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
}

// warnDriftNotSynced warns, on follow_source, that a replica differs from its source (drift: the
// state's source_drift; nothing when it is empty) and that the backend cannot sync it in place (why, and
// what to do instead: the backend's InPlaceSync error).
func warnDriftNotSynced(diags *diag.Diagnostics, drift types.Map, why error) {
	lines := stringMapOf(drift)
	if len(lines) == 0 {
		return
	}
	kinds := make([]string, 0, len(lines))
	for k := range lines {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var b strings.Builder
	b.WriteString("The destination differs from the source as of the last refresh (source_drift):\n")
	for _, k := range kinds {
		fmt.Fprintf(&b, "  %s: %s\n", k, lines[k])
	}
	summary := "Replica differs from its source"
	var e *backend.Error
	if errors.As(why, &e) {
		summary = cmp.Or(e.Summary, summary)
	}
	b.WriteString("\n" + why.Error())
	diags.AddAttributeWarning(path.Root("follow_source"), summary, b.String())
}
