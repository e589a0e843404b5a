package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

var (
	_ resource.Resource                 = &MigrationResource{}
	_ resource.ResourceWithConfigure    = &MigrationResource{}
	_ resource.ResourceWithModifyPlan   = &MigrationResource{}
	_ resource.ResourceWithImportState  = &MigrationResource{}
	_ resource.ResourceWithUpgradeState = &MigrationResource{}
)

const (
	defaultCreateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

// MigrationResource is waldur_openstack_migration. Each method is a recipe: read the plan or the
// state, convert the model to what the backend takes, call the backend, convert what it reports back
// to the model, save it.
type MigrationResource struct {
	backend backend.Backend
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
	if b, ok := backendOf(req.ProviderData, &resp.Diagnostics); ok {
		r.backend = b
	}
}

// backendOr returns the backend, or adds the diagnostic saying there is none.
func (r *MigrationResource) backendOr(diags *diag.Diagnostics) backend.Backend {
	return backendOr(r.backend, diags)
}

// ModifyPlan fills `preview` when a migration is to be created, so that every bad input is a plan-time
// error on its attribute and the plan shows what will be built. For a migration in state it plans what
// an update does (planUpdate, migration_sync.go): the rebuild of an INCOMPLETE migration, the sync of a
// replica whose refresh found the source changed, a change of mappings applied in place (or, where the
// backend cannot, a replacement), and the recording of what an import could not know.
func (r *MigrationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Destroy: nothing to plan. Without a backend (an unconfigured provider, as in some validation
	// paths) there is nothing to ask.
	if req.Plan.Raw.IsNull() || r.backend == nil {
		return
	}
	var plan migrationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		r.planUpdate(ctx, req, plan, resp)
		return
	}
	// Inputs known only after apply (another resource's attributes): the preview stays unknown, and the
	// planner runs again at apply time, when Terraform re-plans with every value known.
	if !req.Config.Raw.IsFullyKnown() {
		return
	}
	r.planMigration(ctx, plan, resp, false)
}

// planMigration asks the backend for the plan of the migration and records it in the planned values.
func (r *MigrationResource) planMigration(ctx context.Context, plan migrationModel, resp *resource.ModifyPlanResponse, imported bool) {
	in, d := inputsOf(ctx, plan)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := r.backend.Plan(ctx, in)
	if err != nil {
		addBackendError(&resp.Diagnostics, "Error planning migration", err)
		return
	}
	setPlanned(ctx, resp, plan, p, imported)
}

// Create runs the migration within timeouts.create. Whenever the backend reports a migration, it is
// saved, also after a failure (Terraform marks the resource tainted, and the next apply resumes or
// replaces it).
func (r *MigrationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan migrationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	b := r.backendOr(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	in, d := inputsOf(ctx, plan)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := b.Create(ctx, in, timeout)
	if out != nil {
		resp.Diagnostics.Append(applyRun(ctx, &plan, out)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		for _, w := range out.Warnings {
			resp.Diagnostics.AddWarning("Migration created with a warning", w)
		}
	}
	if out != nil && errors.Is(err, backend.ErrStillRunning) {
		// Still running where it runs: recorded as it is, not tainted (an error would make Terraform
		// replace it, and a second migration would be started); the next apply waits for it again.
		resp.Diagnostics.AddWarning("Migration still running", err.Error())
		return
	}
	addBackendError(&resp.Diagnostics, "Error creating migration", err)
}

// applyRun records in m what a run reported: the values its plan decides (the preview, the defaulted
// name and description; known values are kept) and what it built.
func applyRun(ctx context.Context, m *migrationModel, out *backend.Migration) diag.Diagnostics {
	var diags diag.Diagnostics
	if out.Plan != nil {
		diags.Append(fillFromPlan(ctx, m, out.Plan, false)...)
	}
	diags.Append(applyMigration(ctx, m, out)...)
	return diags
}

// Read removes the migration from the state when the backend finds its destination gone, so the next
// apply builds it again. Otherwise it records what the backend found changed: copies deleted from the
// destination since are dropped from the id maps and the migration becomes INCOMPLETE, so that the next
// apply rebuilds them; with follow_source, how the destination differs from the source now
// (source_drift), which the next plan syncs, or, with a backend that cannot sync in place (Waldur),
// reports in a warning without planning anything. What the backend could not check without failing the
// refresh (a source that cannot be read) comes as a warning.
func (r *MigrationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state migrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := r.backendOr(&resp.Diagnostics)
	if b == nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	recorded, d := migrationOf(ctx, state)
	resp.Diagnostics.Append(d...)
	out, err := b.Read(ctx, recorded)
	switch {
	case errors.Is(err, backend.ErrGone):
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		addBackendError(&resp.Diagnostics, "Error reading migration", err)
	case backend.Running(recorded.State) && !backend.Running(out.State):
		// A migration saved while still running has finished since: the backend describes all it built
		// (destination, credentials, id maps, skipped), as a Create that waited would have.
		resp.Diagnostics.Append(applyMigration(ctx, &state, out)...)
	default:
		state.State = types.StringValue(out.State)
		state.ErrorMessage = types.StringValue(out.ErrorMessage)
		setIDMaps(&state, out.IDs)
		state.SourceDrift = driftMap(out.SourceDrift)
	}
	if out != nil {
		for _, w := range out.Warnings {
			resp.Diagnostics.AddWarning("Migration refreshed with a warning", w)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// setPlanned records the plan p in the planned values of ModifyPlan: for a create, the preview and the
// defaulted name and description; on the first plan after an import, the preview and `skipped` that
// the configured mappings give.
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

// fillFromPlan sets the values the plan decides: the preview and the defaulted name and description.
// Known values are kept unless overwrite is set (after apply they must equal the plan).
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

// Update changes what needs no run (destroy_destination, concurrency, follow_source, timeouts) and, on
// the first apply after an import, records the configured dst_plan and mappings and the preview planned
// from them. When ModifyPlan planned a run (a rebuild, a sync, changed mappings: syncPlanned), the
// backend syncs the destination in place (migration_sync.go).
func (r *MigrationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state migrationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if needsRepair(state) || syncPlanned(plan) {
		r.sync(ctx, state, plan, resp)
		return
	}
	state.DestroyDestination = plan.DestroyDestination
	state.DestroyForeignObjects = plan.DestroyForeignObjects
	state.Concurrency = plan.Concurrency
	state.Timeouts = plan.Timeouts
	state.FollowSource = plan.FollowSource
	if !plan.SourceDrift.IsUnknown() {
		state.SourceDrift = plan.SourceDrift
	}
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
	b := r.backendOr(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	recorded, d := migrationOf(ctx, state)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	addBackendError(&resp.Diagnostics, "Error deleting migration", b.Delete(ctx, recorded))
}

// ImportState takes the backend's import id (standalone: "<src offering>/<src project id>:<dst
// offering>/<dst project id>", or less where the source is unambiguous; Waldur: the migration's uuid)
// and rebuilds the migration's state from the destination. dst_plan and mappings stay null, to be
// taken from the configuration on the first apply without rebuilding.
func (r *MigrationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	b := r.backendOr(&resp.Diagnostics)
	if b == nil {
		return
	}
	imported, err := b.Import(ctx, req.ID)
	if imported == nil {
		addBackendError(&resp.Diagnostics, "Error importing migration", err)
		return
	}
	m := migrationModel{
		SrcResource:        types.StringValue(imported.SrcResource),
		DstOffering:        types.StringValue(imported.DstOffering),
		DstPlan:            types.StringNull(),
		Name:               types.StringValue(imported.Name),
		Description:        types.StringValue(imported.Description),
		Mappings:           types.ObjectNull(mappingsTypes),
		FollowSource:       types.BoolValue(false),
		SourceDrift:        driftMap(nil),
		DestroyDestination: types.BoolValue(false),
		Concurrency:        types.Int64Value(defaultConcurrency),
		Preview:            types.ObjectNull(previewTypes),
	}
	if imported.Plan != nil {
		var d diag.Diagnostics
		m.Preview, d = previewFromPlan(ctx, imported.Plan)
		resp.Diagnostics.Append(d...)
	}
	if imported.NoPreview != nil {
		resp.Diagnostics.AddWarning("No preview for the imported migration", imported.NoPreview.Error())
	}
	resp.Diagnostics.Append(applyMigration(ctx, &m, &imported.Migration)...)
	addBackendError(&resp.Diagnostics, "Error importing migration", err)
	resp.Diagnostics.Append(setImported(ctx, resp, m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// setImported writes an imported model attribute by attribute: the state of an import starts out null,
// and the timeouts block keeps its schema-typed null.
func setImported(ctx context.Context, resp *resource.ImportStateResponse, m migrationModel) diag.Diagnostics {
	var diags diag.Diagnostics
	for name, v := range map[string]any{
		"id": m.ID, "src_resource": m.SrcResource, "dst_offering": m.DstOffering, "dst_plan": m.DstPlan, "name": m.Name,
		"description": m.Description, "mappings": m.Mappings, "follow_source": m.FollowSource, "source_drift": m.SourceDrift,
		"destroy_destination": m.DestroyDestination,
		"concurrency":         m.Concurrency, "state": m.State, "error_message": m.ErrorMessage,
		"dst_resource_uuid": m.DstResourceUUID, "dst_project_id": m.DstProjectID, "credentials": m.Credentials,
		"network_ids": m.NetworkIDs, "subnet_ids": m.SubnetIDs, "router_ids": m.RouterIDs,
		"security_group_ids": m.SecurityGroupIDs, "security_group_rule_ids": m.SecurityGroupRuleIDs,
		"address_group_ids": m.AddressGroupIDs, "port_ids": m.PortIDs, "floating_ip_ids": m.FloatingIPIDs,
		"floating_ip_addresses": m.FloatingIPAddresses, "server_group_ids": m.ServerGroupIDs, "skipped": m.Skipped, "preview": m.Preview,
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
