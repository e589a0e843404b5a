package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
)

// A migration that refresh found INCOMPLETE (copies deleted from its destination since) is rebuilt in
// place by the next apply: ModifyPlan plans an update with what the rebuild decides unknown, and Update
// asks the backend to repair it.

// needsRepair says whether an update of the migration in state rebuilds what is missing from its
// destination, or, for a migration recorded while still running (Waldur's CREATING: its create ran out of
// time), waits for it again: a running migration is resumed, never replaced.
func needsRepair(state migrationModel) bool {
	return state.State.ValueString() == backend.StateIncomplete || backend.Running(state.State.ValueString())
}

// markForRepair plans the in-place rebuild of an incomplete migration: the id maps, the state, what is
// skipped and the credentials (a deleted user is made again) are known only after the apply.
func markForRepair(ctx context.Context, m *migrationModel) {
	for _, ids := range modelIDMaps(m) {
		*ids = types.MapUnknown(types.StringType)
	}
	m.State = types.StringUnknown()
	m.ErrorMessage = types.StringUnknown()
	m.Skipped = types.ListUnknown(m.Skipped.ElementType(ctx))
	m.Credentials = types.ObjectUnknown(credentialsTypes)
}

// planRepair is ModifyPlan for a migration in state: when refresh found it INCOMPLETE, it plans the
// rebuild as an in-place update, with the preview planned afresh from the source (the rebuild re-runs
// the migration), and reports true.
func (r *MigrationResource) planRepair(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) bool {
	var state, plan migrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !needsRepair(state) {
		return false
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return true
	}
	markForRepair(ctx, &plan)
	if backend.Running(state.State.ValueString()) {
		// Resumed, not run again: the preview stays the one it was created with; the new tenant's
		// project may be known only once it is done.
		if plan.DstProjectID.ValueString() == "" {
			plan.DstProjectID = types.StringUnknown()
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return true
	}
	if !req.Config.Raw.IsFullyKnown() {
		plan.Preview = types.ObjectUnknown(plan.Preview.AttributeTypes(ctx))
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return true
	}
	r.planMigration(ctx, plan, resp, false)
	return true
}

// repair is Update for an INCOMPLETE migration. The backend runs the migration again into the same
// destination; when nothing ran, the state stays as it was.
func (r *MigrationResource) repair(ctx context.Context, prior, plan migrationModel, resp *resource.UpdateResponse) {
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
	out, err := b.Repair(ctx, in, recorded, timeout)
	if out != nil && errors.Is(err, backend.ErrStillRunning) {
		resp.Diagnostics.AddWarning("Migration still running", err.Error())
	} else {
		addBackendError(&resp.Diagnostics, "Error creating migration", err)
	}
	if out == nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		return
	}
	resp.Diagnostics.Append(applyRun(ctx, &plan, out)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	// A migration imported and rebuilt before its first apply: the rebuild recorded the configuration.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
}
