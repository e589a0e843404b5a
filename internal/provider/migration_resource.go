package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

var (
	_ resource.Resource                = &MigrationResource{}
	_ resource.ResourceWithConfigure   = &MigrationResource{}
	_ resource.ResourceWithModifyPlan  = &MigrationResource{}
	_ resource.ResourceWithImportState = &MigrationResource{}
)

const (
	defaultCreateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

// MigrationResource is waldur_openstack_migration.
type MigrationResource struct {
	data *providerData
}

// NewMigrationResource returns the resource.
func NewMigrationResource() resource.Resource { return &MigrationResource{} }

func (r *MigrationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_openstack_migration"
}

func (r *MigrationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = migrationSchema(ctx)
}

func (r *MigrationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	r.data = data
}

// The CRUD methods below hold what both backends share: reading the model, bounding the run by its
// timeout, saving or removing the state. The work is the backend's: standalone_migration.go runs the
// engine, waldur_migration.go drives Waldur's migration API.

// ModifyPlan fills `preview` when a migration is to be created (and on the first plan after an import,
// which records the configured mappings in place), so that every bad input is a plan-time error on its
// attribute and the plan shows what will be built. For a migration that refresh found INCOMPLETE, it
// plans the in-place rebuild of what is missing.
func (r *MigrationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Destroy, or an update of a migration that was created (its preview stays): nothing to plan but a
	// repair.
	// Without provider data (an unconfigured provider, as in some validation paths) there is nothing to ask.
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	imported := !req.State.Raw.IsNull() && wasImported(ctx, req.Private)
	if !req.State.Raw.IsNull() && (r.planRepair(ctx, req, resp) || !imported) {
		return
	}
	// Inputs known only after apply (another resource's attributes): the preview stays unknown, and the
	// planner runs again at apply time, when Terraform re-plans with every value known.
	if !req.Config.Raw.IsFullyKnown() {
		return
	}
	var plan migrationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data.waldur != nil {
		r.modifyPlanWaldur(ctx, plan, resp, imported)
		return
	}
	r.modifyPlanStandalone(ctx, plan, resp, imported)
}

// Create runs the migration within timeouts.create. The backend fills the computed attributes and says
// whether anything was built: then the state is saved, also after a failure (Terraform marks the
// resource tainted, and the next apply resumes or replaces it).
func (r *MigrationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan migrationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	create := r.createStandalone
	if r.data != nil && r.data.waldur != nil {
		create = r.createWaldur
	}
	if create(ctx, timedRun{ctx: runCtx, timeout: timeout}, &plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// timedRun is the context of a Create bounded by timeouts.create, and that timeout, for messages.
type timedRun struct {
	ctx     context.Context
	timeout time.Duration
}

// timedOut wraps err, when the run's own deadline (not the caller's) ended it, so that the message
// names timeouts.create.
func (t timedRun) timedOut(ctx context.Context, err error, what string) error {
	if err != nil && t.ctx.Err() != nil && ctx.Err() == nil {
		return fmt.Errorf("timed out after %s (timeouts.create)%s: %w", t.timeout, what, err)
	}
	return err
}

// Read removes the migration from the state when the backend finds its destination gone, so the next
// apply builds it again. The id maps describe what this migration built; in the standalone backend, the
// copies deleted from the destination since are dropped from them and the state becomes INCOMPLETE, so
// that the next apply rebuilds them (see drift.go).
func (r *MigrationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state migrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(upgradeOlderState(ctx, &state)...)
	read := r.readStandalone
	if r.data != nil && r.data.waldur != nil {
		read = r.readWaldur
	}
	if gone := read(ctx, &state, &resp.Diagnostics); gone {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// setPlanned records the engine's plan p in the planned values of ModifyPlan: for a create, the preview
// and the defaulted name and description; on the first plan after an import, the preview and `skipped`
// that the configured mappings give.
func setPlanned(ctx context.Context, resp *resource.ModifyPlanResponse, plan migrationModel, p *replication.Plan, imported bool) {
	if imported {
		// The import could only infer the mappings; the configuration states them. The in-place update
		// that records them also ends the import's grace (see requiresReplaceUnlessImported), so it is
		// planned even when nothing else differs: `state` is unknown until it is done.
		var d diag.Diagnostics
		plan.Preview, d = previewFromPlan(ctx, p)
		resp.Diagnostics.Append(d...)
		// What is skipped follows from the configured mappings, as after a create.
		plan.Skipped, d = skippedList(ctx, p.Skipped)
		resp.Diagnostics.Append(d...)
		plan.State = types.StringUnknown()
	} else {
		resp.Diagnostics.Append(fillFromPlan(ctx, &plan, p, true)...)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// fillFromPlan sets the values the engine's plan decides: the preview and the defaulted name and
// description. Known values are kept unless overwrite is set (after apply they must equal the plan).
func fillFromPlan(ctx context.Context, m *migrationModel, p *replication.Plan, overwrite bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if overwrite || m.Preview.IsUnknown() || m.Preview.IsNull() {
		m.Preview, diags = previewFromPlan(ctx, p)
	}
	if m.Name.IsUnknown() || m.Name.IsNull() {
		m.Name = types.StringValue(p.Project.Name)
	}
	if m.Description.IsUnknown() || m.Description.IsNull() {
		m.Description = types.StringValue(p.Project.Description)
	}
	return diags
}

// Update changes what needs no rebuild (destroy_destination, concurrency, timeouts) and, on the first
// apply after an import, records the configured dst_plan and mappings and the preview planned from them.
func (r *MigrationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state migrationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.needsRepair(state) {
		r.repairStandalone(ctx, state, plan, resp)
		return
	}
	state.DestroyDestination = plan.DestroyDestination
	state.Concurrency = plan.Concurrency
	state.Timeouts = plan.Timeouts
	state.DstPlan = plan.DstPlan
	state.Mappings = plan.Mappings
	if !plan.Preview.IsUnknown() {
		state.Preview = plan.Preview
	}
	if !plan.Skipped.IsUnknown() {
		state.Skipped = plan.Skipped
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
}

// Delete forgets the migration, or with destroy_destination tears the destination tenant down, within
// timeouts.delete. A backend that fails keeps the state, so that destroy can be run again.
func (r *MigrationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state migrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	del := r.deleteStandalone
	if r.data != nil && r.data.waldur != nil {
		del = r.deleteWaldur
	}
	del(ctx, state, &resp.Diagnostics)
}

// ImportState takes "<src offering>/<src project id>:<dst offering>/<dst project id>" (or, where the
// source is unambiguous, less: see each backend) and rebuilds the migration's state from the destination.
func (r *MigrationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if r.data != nil && r.data.waldur != nil {
		r.importWaldur(ctx, req, resp)
		return
	}
	r.importStandalone(ctx, req, resp)
}

// setImported writes an imported model attribute by attribute: the state of an import starts out null,
// and the timeouts block keeps its schema-typed null.
func setImported(ctx context.Context, resp *resource.ImportStateResponse, m migrationModel) diag.Diagnostics {
	var diags diag.Diagnostics
	for name, v := range map[string]any{
		"id": m.ID, "src_resource": m.SrcResource, "dst_offering": m.DstOffering, "dst_plan": m.DstPlan, "name": m.Name,
		"description": m.Description, "mappings": m.Mappings, "destroy_destination": m.DestroyDestination,
		"concurrency": m.Concurrency, "state": m.State, "error_message": m.ErrorMessage,
		"dst_resource_uuid": m.DstResourceUUID, "dst_project_id": m.DstProjectID, "credentials": m.Credentials,
		"network_ids": m.NetworkIDs, "subnet_ids": m.SubnetIDs, "router_ids": m.RouterIDs,
		"security_group_ids": m.SecurityGroupIDs, "security_group_rule_ids": m.SecurityGroupRuleIDs,
		"address_group_ids": m.AddressGroupIDs, "port_ids": m.PortIDs, "skipped": m.Skipped, "preview": m.Preview,
	} {
		diags.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	return diags
}

func knownString(v types.String) string {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	return v.ValueString()
}
