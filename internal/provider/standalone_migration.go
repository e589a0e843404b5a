package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// The standalone backend of waldur_openstack_migration: the provider runs the replication engine itself
// between two configured OpenStack offerings.

// migration resolves the inputs to what the engine takes. Problems are attribute errors: an unknown
// offering, a malformed tenant id, an unreachable cloud.
func (r *MigrationResource) migration(ctx context.Context, b *standaloneBackend, m migrationModel, diags *diag.Diagnostics) (replication.Migration, offeringSettings) {
	var mig replication.Migration
	src, err := parseTenantRef(m.SrcResource.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("src_resource"), "Invalid source tenant", err.Error())
	}
	dstSettings, err := b.offering(m.DstOffering.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("dst_offering"), "Unknown destination offering", err.Error())
	}
	if !m.DstPlan.IsNull() && !m.DstPlan.IsUnknown() && m.DstPlan.ValueString() != defaultPlan {
		diags.AddAttributeError(path.Root("dst_plan"), "Plan not in offering",
			fmt.Sprintf("dst_plan %q is not a plan of offering %q: offerings of the standalone backend have one plan, %q (or omit dst_plan).",
				m.DstPlan.ValueString(), m.DstOffering.ValueString(), defaultPlan))
	}
	mappings, d := mappingsFromModel(ctx, m.Mappings)
	diags.Append(d...)
	if diags.HasError() {
		return mig, dstSettings
	}
	mig.Source, err = b.cloud(ctx, src.Offering)
	if err != nil {
		diags.AddAttributeError(path.Root("src_resource"), "Cannot reach the source offering", err.Error())
	}
	mig.Destination, err = b.cloud(ctx, m.DstOffering.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("dst_offering"), "Cannot reach the destination offering", err.Error())
	}
	mig.SourceProjectID = src.ProjectID
	mig.ExternalNetwork = dstSettings.ExternalNetwork
	mig.Mappings = mappings
	mig.Target = replication.Target{Name: knownString(m.Name), Description: knownString(m.Description)}
	return mig, dstSettings
}

// modifyPlanStandalone reads the source tenant and the destination facts and runs the engine's planner.
func (r *MigrationResource) modifyPlanStandalone(ctx context.Context, plan migrationModel, resp *resource.ModifyPlanResponse, imported bool) {
	b := backendFor(r.data, &resp.Diagnostics)
	if b == nil {
		return
	}
	mig, _ := r.migration(ctx, b, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// A missing source tenant is the commonest bad input; name the attribute rather than the API call.
	if _, err := openstack.GetProject(ctx, mig.Source.Identity, mig.SourceProjectID); openstack.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("src_resource"), "Source tenant not found",
			fmt.Sprintf("%s: the offering has no project %s.", plan.SrcResource.ValueString(), mig.SourceProjectID))
		return
	}
	p, err := mig.Plan(ctx)
	if err != nil {
		if !addValidationErrors(&resp.Diagnostics, err) {
			resp.Diagnostics.AddError("Error planning migration", err.Error())
		}
		return
	}
	setPlanned(ctx, resp, plan, p, imported)
}

// createStandalone runs the engine. It returns true when a destination project exists, so that the
// state is saved, with state = ERRED and the partial id maps after a failure.
func (r *MigrationResource) createStandalone(ctx context.Context, run timedRun, plan *migrationModel, diags *diag.Diagnostics) bool {
	b := backendFor(r.data, diags)
	if b == nil {
		return false
	}
	runCtx := run.ctx
	mig, dstSettings := r.migration(runCtx, b, *plan, diags)
	if diags.HasError() {
		return false
	}
	dstOffering, srcResource := plan.DstOffering.ValueString(), plan.SrcResource.ValueString()
	opts := replication.Options{
		Concurrency: int(plan.Concurrency.ValueInt64()),
		DomainID:    dstSettings.DomainID,
		ProjectID:   plan.DstProjectID.ValueString(), // known when rebuilding an existing migration (drift.go)
		Previous:    b.previousCredentials(dstOffering, srcResource),
		Progress: func(p replication.Progress) {
			tflog.Info(ctx, "Migration step done", map[string]any{
				"step": p.Step, "kind": p.Kind, "created": p.Created, "adopted": p.Adopted, "total": p.Total,
			})
		},
	}
	tflog.Info(ctx, "Starting migration", map[string]any{"src_resource": srcResource, "dst_offering": dstOffering,
		"timeout": run.timeout.String(), "previous_credentials": opts.Previous != nil})
	enginePlan, res, err := mig.Run(runCtx, opts)
	err = run.timedOut(ctx, err, "")
	if err != nil && (res == nil || res.ProjectID == "") {
		// Nothing was built: no state, so the next apply simply starts again.
		if !addValidationErrors(diags, err) {
			diags.AddError("Error creating migration", err.Error())
		}
		return false
	}
	tflog.Info(ctx, "Migration run finished", map[string]any{"project_id": res.ProjectID, "created": res.Created, "adopted": res.Adopted, "removed": res.Removed})

	diags.Append(fillFromPlan(ctx, plan, enginePlan, false)...)
	diags.Append(applyResult(ctx, plan, dstOffering, res)...)
	plan.State = types.StringValue(stateOK)
	plan.ErrorMessage = types.StringValue("")
	if err != nil {
		plan.State = types.StringValue(stateErred)
		plan.ErrorMessage = types.StringValue(err.Error())
		diags.AddError("Error creating migration",
			fmt.Sprintf("The migration failed after creating destination project %s: %s\n\n"+
				"What was built so far is saved in the state (state = %q) and the resource is marked tainted. "+
				"Run terraform apply again to resume: the objects already built are adopted, not duplicated.",
				res.ProjectID, err.Error(), stateErred))
	}
	return true
}

// readStandalone reports the migration gone when its destination project no longer exists. Otherwise,
// for a migration that was built (OK, or INCOMPLETE already), it drops from the id maps the copies that
// are no longer in the destination and marks the migration INCOMPLETE when there were any (drift.go).
func (r *MigrationResource) readStandalone(ctx context.Context, state *migrationModel, diags *diag.Diagnostics) (gone bool) {
	b := backendFor(r.data, diags)
	if b == nil {
		return false
	}
	projectID := state.DstProjectID.ValueString()
	if projectID == "" {
		return true
	}
	dst, err := b.cloud(ctx, state.DstOffering.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("dst_offering"), "Error reading migration", err.Error())
		return false
	}
	if _, err := openstack.GetProject(ctx, dst.Identity, projectID); err != nil {
		if openstack.IsNotFound(err) {
			tflog.Warn(ctx, "Destination project no longer exists; removing the migration from state", map[string]any{"dst_project_id": projectID})
			return true
		}
		diags.AddError("Error reading migration", fmt.Sprintf("Reading destination project %s: %s", projectID, err))
		return false
	}
	if s := state.State.ValueString(); s != stateOK && s != stateIncomplete {
		return false
	}
	objects, err := replication.ListDestination(ctx, dst, projectID)
	if err != nil {
		// Looking for deleted copies must not stop a plan or a destroy: without the listing, nothing is pruned.
		tflog.Warn(ctx, "Could not list the destination's objects; deleted copies are not looked for", map[string]any{
			"dst_project_id": projectID, "error": err.Error()})
		return false
	}
	if missing := pruneMissing(state, objects.IDs()); len(missing) > 0 {
		what := describeMissing(missing)
		tflog.Warn(ctx, "Copies are missing from the destination; the next apply rebuilds them", map[string]any{
			"dst_project_id": projectID, "missing": what})
		state.State = types.StringValue(stateIncomplete)
		state.ErrorMessage = types.StringValue(fmt.Sprintf("%s of the copy no longer exist in destination project %s; "+
			"the next apply rebuilds them in place", what, projectID))
	}
	return false
}

// deleteStandalone forgets the migration (keeping its credentials for a resume in this run), or with
// destroy_destination tears the destination project down.
func (r *MigrationResource) deleteStandalone(ctx context.Context, state migrationModel, diags *diag.Diagnostics) {
	b := backendFor(r.data, diags)
	if b == nil {
		return
	}
	projectID := state.DstProjectID.ValueString()
	if !state.DestroyDestination.ValueBool() {
		creds := credentialsOf(ctx, state)
		if creds != nil {
			b.rememberCredentials(state.DstOffering.ValueString(), state.SrcResource.ValueString(), *creds)
		}
		tflog.Info(ctx, "Forgetting the migration; the destination tenant stays (destroy_destination = false)",
			map[string]any{"dst_project_id": projectID, "credentials_kept_for_resume": creds != nil})
		return
	}
	dst, err := b.cloud(ctx, state.DstOffering.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("dst_offering"), "Error destroying the destination tenant", err.Error())
		return
	}
	tflog.Info(ctx, "Tearing down the destination tenant", map[string]any{"dst_project_id": projectID})
	if err := replication.Teardown(ctx, dst, projectID, int(state.Concurrency.ValueInt64())); err != nil {
		diags.AddError("Error destroying the destination tenant",
			fmt.Sprintf("Tearing down project %s: %s\n\nRun terraform destroy again to continue: the teardown resumes where it stopped.", projectID, err))
	}
}

// credentialsOf returns the engine's view of the credentials kept in state, or nil without a password.
func credentialsOf(ctx context.Context, m migrationModel) *replication.Credentials {
	if m.Credentials.IsNull() || m.Credentials.IsUnknown() {
		return nil
	}
	var c credentialsModel
	if diags := m.Credentials.As(ctx, &c, basetypes.ObjectAsOptions{}); diags.HasError() || c.Password.ValueString() == "" || c.UserID.ValueString() == "" {
		return nil
	}
	return &replication.Credentials{UserID: c.UserID.ValueString(), Username: c.Username.ValueString(), Password: c.Password.ValueString()}
}

// importStandalone takes "<src offering>/<src project id>:<dst offering>/<dst project id>", or
// "<dst offering>/<dst project id>" when exactly one configured offering holds the source project named
// by the destination project's marker. The id maps are rebuilt by pairing objects by content and markers, and the
// preview is planned from the mappings the destination shows. The password cannot be read back; dst_plan
// and mappings stay null, to be taken from the configuration on the first apply without rebuilding.
func (r *MigrationResource) importStandalone(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	b := backendFor(r.data, &resp.Diagnostics)
	if b == nil {
		return
	}
	id, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	dst, err := b.cloud(ctx, id.Destination.Offering)
	if err != nil {
		resp.Diagnostics.AddError("Error importing migration", err.Error())
		return
	}
	project, err := openstack.GetProject(ctx, dst.Identity, id.Destination.ProjectID)
	if err != nil {
		if openstack.IsNotFound(err) {
			err = fmt.Errorf("offering %q has no project %s", id.Destination.Offering, id.Destination.ProjectID)
		}
		resp.Diagnostics.AddError("Error importing migration", err.Error())
		return
	}
	sourceProjectID := replication.SourceOf(project.Tags)
	if sourceProjectID == "" {
		resp.Diagnostics.AddError("Error importing migration", fmt.Sprintf(
			"Project %s (%q) was not made by waldur_openstack_migration: it has no wom:src:<source project id> tag.", project.ID, project.Name))
		return
	}
	src, err := r.sourceOfImport(ctx, b, id, sourceProjectID)
	if err != nil {
		resp.Diagnostics.AddError("Error importing migration", err.Error())
		return
	}
	srcCloud, err := b.cloud(ctx, src.Offering)
	if err != nil {
		resp.Diagnostics.AddError("Error importing migration", err.Error())
		return
	}
	existing, err := replication.ReadBack(ctx, srcCloud, dst, project.ID)
	if err != nil {
		resp.Diagnostics.AddError("Error importing migration", err.Error())
		return
	}

	preview := types.ObjectNull(previewTypes)
	dstSettings, _ := b.offering(id.Destination.Offering)
	inferred := replication.Migration{
		Source: srcCloud, SourceProjectID: src.ProjectID, Destination: dst, ExternalNetwork: dstSettings.ExternalNetwork,
		Mappings: existing.Mappings, Target: replication.Target{Name: existing.Project.Name, Description: existing.Project.Description},
	}
	if p, err := inferred.Plan(ctx); err == nil {
		var d diag.Diagnostics
		preview, d = previewFromPlan(ctx, p)
		resp.Diagnostics.Append(d...)
		existing.Result.Skipped = p.Skipped
	} else {
		resp.Diagnostics.AddWarning("No preview for the imported migration",
			"The preview could not be planned from the mappings the destination shows: "+err.Error()+
				"\n\nIt is computed on the first plan after the import, from the configured mappings.")
	}

	m := migrationModel{
		SrcResource:        types.StringValue(src.String()),
		DstOffering:        types.StringValue(id.Destination.Offering),
		DstPlan:            types.StringNull(),
		Name:               types.StringValue(existing.Project.Name),
		Description:        types.StringValue(existing.Project.Description),
		Mappings:           types.ObjectNull(mappingsTypes),
		DestroyDestination: types.BoolValue(false),
		Concurrency:        types.Int64Value(defaultConcurrency),
		State:              types.StringValue(stateOK),
		ErrorMessage:       types.StringValue(""),
		Preview:            preview,
	}
	resp.Diagnostics.Append(applyResult(ctx, &m, id.Destination.Offering, existing.Result)...)
	resp.Diagnostics.Append(setImported(ctx, resp, m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// sourceOfImport finds the source tenant of an import: the one the id names (checked against the
// destination's marker), or the only configured offering that holds the marked project.
func (r *MigrationResource) sourceOfImport(ctx context.Context, b *standaloneBackend, id importID, sourceProjectID string) (tenantRef, error) {
	if id.Source != nil {
		if id.Source.ProjectID != sourceProjectID {
			return tenantRef{}, fmt.Errorf("destination project %s is a copy of source project %s, not of %s", id.Destination.ProjectID, sourceProjectID, id.Source.ProjectID)
		}
		if _, err := b.offering(id.Source.Offering); err != nil {
			return tenantRef{}, err
		}
		return *id.Source, nil
	}
	var holders []string
	for _, name := range slices.Sorted(maps.Keys(b.offerings)) {
		cloud, err := b.cloud(ctx, name)
		if err != nil {
			return tenantRef{}, err
		}
		if _, err := openstack.GetProject(ctx, cloud.Identity, sourceProjectID); err == nil {
			holders = append(holders, name)
		} else if !openstack.IsNotFound(err) {
			return tenantRef{}, err
		}
	}
	if len(holders) == 1 {
		return tenantRef{Offering: holders[0], ProjectID: sourceProjectID}, nil
	}
	return tenantRef{}, fmt.Errorf("source project %s is in %d configured offerings (%s): name the source in the import id, "+
		"\"<src offering>/%s:%s\"", sourceProjectID, len(holders), strings.Join(holders, ", "), sourceProjectID, id.Destination)
}
