package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// The migration resource in the Waldur backend: Waldur runs the migration (POST
// /api/openstack-migrations/) and the provider checks the inputs first, waits for the outcome, and
// describes what was built from what Waldur lists. Identifiers are Waldur's: the migration's uuid is
// the resource id (and the import id), dst_resource_uuid the new tenant's marketplace resource.

// waldurPlanned is a migration checked against Waldur's data and planned from it.
type waldurPlanned struct {
	req  waldur.MigrationCreateRequest
	src  waldurSource
	dst  waldurDestination
	plan *replication.Plan
}

// waldurRequestOf converts the resource's inputs to Waldur's create request. Name and description are
// those of the model as they are (unknown and null become empty: Waldur then uses the source's).
func waldurRequestOf(ctx context.Context, m migrationModel) (waldur.MigrationCreateRequest, replication.Mappings, diag.Diagnostics) {
	req := waldur.MigrationCreateRequest{
		SrcResource: knownString(m.SrcResource), DstOffering: knownString(m.DstOffering), DstPlan: knownString(m.DstPlan),
		Name: knownString(m.Name), Description: knownString(m.Description),
	}
	mappings, diags := mappingsFromModel(ctx, m.Mappings)
	if m.Mappings.IsNull() || m.Mappings.IsUnknown() {
		return req, mappings, diags
	}
	wm := &waldur.Mappings{
		Networks: mappings.Networks, SyncInstancePorts: mappings.SyncInstancePorts, SkipConnectionExtnet: mappings.SkipConnectionExtnet,
	}
	for _, s := range mappings.Subnets {
		wm.Subnets = append(wm.Subnets, waldur.SubnetMapping{SrcCIDR: s.SrcCIDR, DstCIDR: s.DstCIDR})
	}
	for _, vt := range mappings.VolumeTypes {
		wm.VolumeTypes = append(wm.VolumeTypes, waldur.VolumeTypeMapping{SrcTypeUUID: vt.SrcTypeID, DstTypeUUID: vt.DstTypeID})
	}
	req.Mappings = wm
	return req, mappings, diags
}

// planWaldur runs every check that can be made before Waldur is asked to migrate, in Waldur's order,
// and plans the migration from Waldur's data. Each problem is a diagnostic on its attribute; nil comes
// back when there is any.
func planWaldur(ctx context.Context, api *waldur.Client, m migrationModel, diags *diag.Diagnostics) *waldurPlanned {
	req, mappings, d := waldurRequestOf(ctx, m)
	diags.Append(d...)
	if diags.HasError() {
		return nil
	}
	done := map[string]bool{} // attributes with an error already
	var fe waldur.FieldErrors
	if err := req.Validate(); errors.As(err, &fe) {
		addWaldurFieldErrors(diags, fe, &req, done)
	}
	pl := &waldurPlanned{req: req}
	srcOK := !done["src_resource"] && lookupWaldurSource(ctx, api, req.SrcResource, &pl.src, diags)
	dstOK := !done["dst_offering"] && lookupWaldurDestination(ctx, api, req.DstOffering, &pl.dst, diags)
	if srcOK && len(pl.src.Resource.Limits) == 0 {
		diags.AddAttributeError(path.Root("src_resource"), "Source tenant has no limits",
			fmt.Sprintf("src_resource = %q: Waldur refuses to migrate a tenant whose marketplace resource has no limits set (\"Source resource does not have limits set.\"). Set the tenant's limits in Waldur first.", req.SrcResource))
		done["src_resource"] = true
	}
	if dstOK && !done["dst_plan"] {
		if msg := checkWaldurPlan(pl.dst.Offering, req.DstPlan); msg != "" {
			diags.AddAttributeError(path.Root("dst_plan"), "Plan not available", fmt.Sprintf("dst_plan = %q: %s", req.DstPlan, msg))
			done["dst_plan"] = true
		}
	}
	if !srcOK || !dstOK {
		return nil
	}
	p, err := planFromWaldur(pl.src, pl.dst, mappings, replication.Target{Name: req.Name, Description: req.Description})
	if err != nil {
		var errs replication.ValidationErrors
		if !errors.As(err, &errs) {
			diags.AddError("Error planning migration", err.Error())
			return nil
		}
		for _, e := range errs {
			p, ok := attributePath(e.Attribute)
			switch {
			case ok && done[p.String()]:
			case ok:
				diags.AddAttributeError(p, "Invalid migration input", e.Error())
			default:
				diags.AddError("Invalid migration input", e.Error())
			}
		}
		return nil
	}
	if diags.HasError() {
		return nil
	}
	pl.plan = p
	return pl
}

// lookupWaldurSource reads the source tenant: its marketplace resource, the tenant, its objects and its
// volume types. A missing resource is an error on src_resource.
func lookupWaldurSource(ctx context.Context, api *waldur.Client, uuid string, src *waldurSource, diags *diag.Diagnostics) bool {
	res, err := api.GetResource(ctx, uuid)
	if err != nil {
		if waldur.IsNotFound(err) {
			diags.AddAttributeError(path.Root("src_resource"), "Source tenant not found",
				fmt.Sprintf("src_resource = %q: Waldur has no marketplace resource with this uuid that the token's user can see. "+
					"It is the `id` of the waldur_openstack_tenant data source.", uuid))
		} else {
			diags.AddAttributeError(path.Root("src_resource"), "Error reading the source tenant", err.Error())
		}
		return false
	}
	if res.ResourceUUID == "" || (res.OfferingType != "" && res.OfferingType != waldur.OfferingTypeTenant) {
		diags.AddAttributeError(path.Root("src_resource"), "Source is not an OpenStack tenant",
			fmt.Sprintf("src_resource = %q: marketplace resource %q is of an offering of type %q, not an %s with a tenant.", uuid, res.Name, res.OfferingType, waldur.OfferingTypeTenant))
		return false
	}
	src.Resource = *res
	tenant := res.ResourceUUID
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		t, err := api.GetTenant(gctx, tenant)
		if err == nil {
			src.Tenant = *t
		}
		return err
	})
	g.Go(func() (err error) {
		src.Objects, err = listWaldurObjects(gctx, api, tenant)
		return err
	})
	g.Go(func() (err error) {
		src.VolumeTypes, err = api.ListVolumeTypes(gctx, waldur.VolumeTypeFilter{TenantUUID: tenant})
		return err
	})
	if err := g.Wait(); err != nil {
		diags.AddAttributeError(path.Root("src_resource"), "Error reading the source tenant", err.Error())
		return false
	}
	return true
}

// listWaldurObjects lists a tenant's networks, subnets, routers, security groups and ports.
func listWaldurObjects(ctx context.Context, api *waldur.Client, tenantUUID string) (waldurObjects, error) {
	var o waldurObjects
	f := waldur.TenantObjectFilter{TenantUUID: tenantUUID}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { o.Networks, err = api.ListNetworks(ctx, f); return err })
	g.Go(func() (err error) { o.Subnets, err = api.ListSubnets(ctx, f); return err })
	g.Go(func() (err error) { o.Routers, err = api.ListRouters(ctx, f); return err })
	g.Go(func() (err error) { o.SecurityGroups, err = api.ListSecurityGroups(ctx, f); return err })
	g.Go(func() (err error) { o.Ports, err = api.ListPorts(ctx, f); return err })
	return o, g.Wait()
}

// lookupWaldurDestination reads the destination offering and the volume types of its settings.
func lookupWaldurDestination(ctx context.Context, api *waldur.Client, uuid string, dst *waldurDestination, diags *diag.Diagnostics) bool {
	off, err := api.GetOffering(ctx, uuid)
	if err != nil {
		if waldur.IsNotFound(err) {
			diags.AddAttributeError(path.Root("dst_offering"), "Destination offering not found",
				fmt.Sprintf("dst_offering = %q: Waldur has no public offering with this uuid that the token's user can order from. "+
					"It is the `uuid` of the waldur_marketplace_offering data source.", uuid))
		} else {
			diags.AddAttributeError(path.Root("dst_offering"), "Error reading the destination offering", err.Error())
		}
		return false
	}
	if off.Type != waldur.OfferingTypeTenant {
		diags.AddAttributeError(path.Root("dst_offering"), "Destination offering is not an OpenStack tenant offering",
			fmt.Sprintf("dst_offering = %q: offering %q is of type %q; a migration needs one of type %s.", uuid, off.Name, off.Type, waldur.OfferingTypeTenant))
		return false
	}
	if off.State != "" && off.State != offeringStateActive {
		diags.AddAttributeError(path.Root("dst_offering"), "Destination offering not active",
			fmt.Sprintf("dst_offering = %q: offering %q is %s; Waldur orders new tenants only from Active offerings.", uuid, off.Name, off.State))
		return false
	}
	dst.Offering = *off
	dst.VolumeTypes, err = api.ListVolumeTypes(ctx, waldur.VolumeTypeFilter{OfferingUUID: off.UUID})
	if err != nil {
		diags.AddAttributeError(path.Root("dst_offering"), "Error reading the destination offering's volume types", err.Error())
		return false
	}
	return true
}

// checkWaldurPlan applies Waldur's plan rules: the plan is one of the offering's, and it is active (not
// archived, not at its max_amount). It returns the problem, or "".
func checkWaldurPlan(off waldur.Offering, planUUID string) string {
	if planUUID == "" {
		return ""
	}
	var names []string
	for _, p := range off.Plans {
		if !waldur.SameUUID(p.UUID, planUUID) {
			names = append(names, fmt.Sprintf("%s (%s)", p.UUID, p.Name))
			continue
		}
		switch {
		case p.IsActive:
			return ""
		case p.Archived:
			return fmt.Sprintf("plan %q is archived: Waldur orders nothing on it.", p.Name)
		case p.MaxAmount != nil:
			return fmt.Sprintf("Plan is not available because limit has been reached: plan %q allows %d resources and has %d.", p.Name, *p.MaxAmount, p.ResourcesCount)
		default:
			return fmt.Sprintf("plan %q is not active: Waldur orders nothing on it.", p.Name)
		}
	}
	avail := "none"
	if len(names) > 0 {
		avail = strings.Join(names, ", ")
	}
	return fmt.Sprintf("This plan is not available for selected offering: offering %q (%s) has the plans %s.", off.Name, off.UUID, avail)
}

// modifyPlanWaldur is ModifyPlan in the Waldur backend: the preview and every plan-time check.
func (r *MigrationResource) modifyPlanWaldur(ctx context.Context, plan migrationModel, resp *resource.ModifyPlanResponse, imported bool) {
	api := waldurAPI(r.data, &resp.Diagnostics)
	if api == nil {
		return
	}
	pl := planWaldur(ctx, api, plan, &resp.Diagnostics)
	if pl == nil {
		return
	}
	setPlanned(ctx, resp, plan, pl.plan, imported)
}

// createWaldur is Create in the Waldur backend: it creates the migration and waits for it. It returns
// true once Waldur has the migration, so that the state is saved also when it ends ERRED.
func (r *MigrationResource) createWaldur(ctx context.Context, run timedRun, plan *migrationModel, diags *diag.Diagnostics) bool {
	api := waldurAPI(r.data, diags)
	if api == nil {
		return false
	}
	runCtx := run.ctx
	pl := planWaldur(runCtx, api, *plan, diags)
	if pl == nil {
		return false
	}
	diags.Append(fillFromPlan(ctx, plan, pl.plan, false)...)
	// Waldur names the new tenant after the source unless told otherwise; sending only real differences
	// also keeps clear of the versions that fail on any description.
	body := pl.req
	body.Name, body.Description = "", ""
	if plan.Name.ValueString() != pl.src.Resource.Name {
		body.Name = plan.Name.ValueString()
	}
	if plan.Description.ValueString() != pl.src.Resource.Description {
		body.Description = plan.Description.ValueString()
	}
	tflog.Info(ctx, "Creating Waldur migration", map[string]any{"src_resource": body.SrcResource, "dst_offering": body.DstOffering,
		"dst_plan": body.DstPlan, "timeout": run.timeout.String()})
	mig, err := api.CreateMigration(runCtx, body)
	switch {
	case err != nil && (mig == nil || mig.UUID == ""):
		addWaldurError(diags, "Error creating migration", err, &body)
		return false
	case err != nil:
		// Waldur has the migration: keep it (the wait below reads it again, or ends with the run) so that
		// it is saved in the state, never left running unrecorded.
		tflog.Warn(ctx, "Waldur created the migration, but reading it failed", map[string]any{"migration": mig.UUID, "error": err.Error()})
	}
	tflog.Info(ctx, "Waldur migration created; waiting for it", map[string]any{"migration": mig.UUID, "state": string(mig.State)})

	last := mig.State
	opts := waldurPoll
	opts.OnPoll = func(v any) {
		if m, ok := v.(*waldur.Migration); ok && m != nil && m.State != last {
			last = m.State
			tflog.Info(ctx, "Waldur migration progress", map[string]any{"migration": m.UUID, "state": string(m.State), "dst_resource_state": string(m.DstResourceState)})
		}
	}
	done, waitErr := waldur.WaitForMigration(runCtx, api, mig.UUID, opts)
	if done == nil {
		done = mig
	}
	waitErr = run.timedOut(ctx, waitErr, fmt.Sprintf(" waiting for Waldur migration %s, last seen %s; it goes on in Waldur", mig.UUID, done.State))
	diags.Append(r.describeWaldurMigration(ctx, api, plan, done, pl.plan, waitErr == nil)...)
	plan.State = types.StringValue(string(done.State))
	plan.ErrorMessage = types.StringValue(done.ErrorMessage)
	if waitErr != nil && done.State != waldur.StateErred {
		plan.ErrorMessage = types.StringValue(waitErr.Error())
	}
	if waitErr != nil {
		var erred *waldur.MigrationErredError
		msg := waitErr.Error()
		if errors.As(waitErr, &erred) {
			msg = fmt.Sprintf("Waldur migration %s ended %s: %s", mig.UUID, stateErred, erred.Message)
		}
		diags.AddError("Error creating migration", msg+"\n\nThe migration is saved in the state (state = \""+plan.State.ValueString()+
			"\") and the resource is marked tainted. Waldur rolls nothing back: the next apply deletes this migration (with destroy_destination = true, "+
			"also its destination tenant) and creates a new one.")
	}
	return true
}

// describeWaldurMigration fills the computed attributes from Waldur: the destination resource and
// project, the credentials and the id maps. After a failure (complete = false) it fills what Waldur
// shows so far and never fails: the error that matters is the migration's.
func (r *MigrationResource) describeWaldurMigration(ctx context.Context, api *waldur.Client, m *migrationModel, mig *waldur.Migration, p *replication.Plan, complete bool) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(mig.UUID)
	m.DstResourceUUID = types.StringValue(mig.DstResourceUUID)
	m.DstProjectID = types.StringNull()
	m.Credentials = types.ObjectNull(credentialsTypes)
	res := &replication.Result{}
	var skipped []replication.Skipped
	if p != nil {
		skipped = append(skipped, p.Skipped...)
	}
	tenant, objects, err := readWaldurDestination(ctx, api, mig.DstResourceUUID)
	switch {
	case err != nil && complete:
		diags.AddError("Error reading the new tenant", fmt.Sprintf("Waldur migration %s is OK, but its destination could not be read: %s", mig.UUID, err))
	case err != nil:
		tflog.Warn(ctx, "Could not read the destination of the failed migration", map[string]any{"error": err.Error()})
	default:
		if tenant.BackendID != "" {
			m.DstProjectID = types.StringValue(tenant.BackendID)
		}
		var d diag.Diagnostics
		m.Credentials, d = waldurCredentials(ctx, tenant)
		diags.Append(d...)
		if p != nil {
			var missing []replication.Skipped
			res, missing = matchWaldurObjects(p, objects)
			if complete {
				skipped = append(skipped, missing...)
			}
		}
	}
	m.NetworkIDs, m.SubnetIDs, m.RouterIDs = idMap(res.Networks), idMap(res.Subnets), idMap(res.Routers)
	m.SecurityGroupIDs, m.SecurityGroupRuleIDs, m.PortIDs = idMap(res.SecurityGroups), idMap(res.SecurityGroupRules), idMap(res.Ports)
	m.AddressGroupIDs = idMap(res.AddressGroups)
	var d diag.Diagnostics
	m.Skipped, d = skippedList(ctx, skipped)
	diags.Append(d...)
	return diags
}

// readWaldurDestination reads a migration's destination: the tenant behind the marketplace resource and
// its objects.
func readWaldurDestination(ctx context.Context, api *waldur.Client, resourceUUID string) (*waldur.Tenant, waldurObjects, error) {
	if resourceUUID == "" {
		return nil, waldurObjects{}, errors.New("the migration names no destination resource")
	}
	res, err := api.GetResource(ctx, resourceUUID)
	if err != nil {
		return nil, waldurObjects{}, err
	}
	if res.ResourceUUID == "" {
		return nil, waldurObjects{}, fmt.Errorf("marketplace resource %s has no tenant (state %s)", resourceUUID, res.State)
	}
	tenant, err := api.GetTenant(ctx, res.ResourceUUID)
	if err != nil {
		return nil, waldurObjects{}, err
	}
	objects, err := listWaldurObjects(ctx, api, tenant.UUID)
	return tenant, objects, err
}

// waldurCredentials are the tenant's user as Waldur shows it (only to users allowed to see it). Waldur
// shows no user id.
func waldurCredentials(ctx context.Context, t *waldur.Tenant) (types.Object, diag.Diagnostics) {
	if t.UserUsername == "" {
		return types.ObjectNull(credentialsTypes), nil
	}
	password := types.StringNull()
	if t.UserPassword != "" {
		password = types.StringValue(t.UserPassword)
	}
	return types.ObjectValueFrom(ctx, credentialsTypes, credentialsModel{
		UserID: types.StringNull(), Username: types.StringValue(t.UserUsername), Password: password,
	})
}

// readWaldur is Read in the Waldur backend: a migration Waldur no longer has, or whose destination
// tenant was terminated, is removed from the state, so the next apply migrates again.
func (r *MigrationResource) readWaldur(ctx context.Context, state *migrationModel, diags *diag.Diagnostics) (gone bool) {
	api := waldurAPI(r.data, diags)
	if api == nil {
		return false
	}
	id := state.ID.ValueString()
	if _, err := api.GetMigration(ctx, id); err != nil {
		if waldur.IsNotFound(err) {
			tflog.Warn(ctx, "Waldur has no such migration any more; removing it from state", map[string]any{"migration": id})
			return true
		}
		diags.AddError("Error reading migration", err.Error())
		return false
	}
	dst := state.DstResourceUUID.ValueString()
	if dst == "" {
		return false
	}
	res, err := api.GetResource(ctx, dst)
	switch {
	case waldur.IsNotFound(err) || (err == nil && res.State == waldur.ResourceTerminated):
		tflog.Warn(ctx, "The migration's destination tenant was terminated; removing the migration from state", map[string]any{"migration": id, "dst_resource_uuid": dst})
		return true
	case err != nil:
		diags.AddError("Error reading the migration's destination tenant", err.Error())
	}
	return false
}

// deleteWaldur is Delete in the Waldur backend: with destroy_destination the destination tenant is
// terminated first (and its termination order waited for), then the migration record is deleted. A
// termination that fails keeps the record, so that destroy can be run again.
func (r *MigrationResource) deleteWaldur(ctx context.Context, state migrationModel, diags *diag.Diagnostics) {
	api := waldurAPI(r.data, diags)
	if api == nil {
		return
	}
	if dst := state.DstResourceUUID.ValueString(); state.DestroyDestination.ValueBool() && dst != "" {
		if err := terminateWaldurResource(ctx, api, dst); err != nil {
			diags.AddError("Error destroying the destination tenant",
				fmt.Sprintf("Terminating marketplace resource %s: %s\n\nThe migration is kept; run terraform destroy again to retry.", dst, err))
			return
		}
	} else {
		tflog.Info(ctx, "Deleting the migration record; the destination tenant stays (destroy_destination = false)", map[string]any{"dst_resource_uuid": dst})
	}
	if err := api.DeleteMigration(ctx, state.ID.ValueString()); err != nil && !waldur.IsNotFound(err) {
		diags.AddError("Error deleting migration", err.Error())
	}
}

// terminateWaldurResource terminates a marketplace resource and waits for the order. A resource that is
// gone or terminated already is fine; one being terminated is waited for through its order.
func terminateWaldurResource(ctx context.Context, api *waldur.Client, uuid string) error {
	tflog.Info(ctx, "Terminating the destination tenant", map[string]any{"dst_resource_uuid": uuid})
	order, err := api.TerminateResource(ctx, uuid, nil)
	if err != nil {
		res, gerr := api.GetResource(ctx, uuid)
		switch {
		case waldur.IsNotFound(gerr) || (gerr == nil && res.State == waldur.ResourceTerminated):
			return nil
		case gerr == nil && res.State == waldur.ResourceTerminating && waldur.IsConflict(err):
			orders, lerr := api.ListOrders(ctx, waldur.OrderFilter{ResourceUUID: uuid, Type: []string{waldur.OrderTypeTerminate}})
			if lerr != nil || len(orders) == 0 {
				return err
			}
			order = orders[len(orders)-1].UUID
		default:
			return err
		}
	}
	tflog.Info(ctx, "Waiting for the termination order", map[string]any{"order": order})
	_, err = waldur.WaitForOrder(ctx, api, order, waldurPoll)
	return err
}

// importWaldur is ImportState in the Waldur backend, by migration uuid. The mappings Waldur stored
// (without the network selection, which it does not keep) give the preview; the network selection is
// inferred from the destination's networks. dst_plan and mappings stay null, to be taken from the
// configuration on the first apply without a new migration, as in the standalone backend.
func (r *MigrationResource) importWaldur(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	api := waldurAPI(r.data, &resp.Diagnostics)
	if api == nil {
		return
	}
	id := strings.TrimSpace(req.ID)
	if !waldur.IsUUID(id) {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("%q is not a migration uuid: the Waldur backend imports a migration by the uuid Waldur gave it (GET /api/openstack-migrations/).", req.ID))
		return
	}
	mig, err := api.GetMigration(ctx, id)
	if err != nil {
		detail := err.Error()
		if waldur.IsNotFound(err) {
			detail = fmt.Sprintf("Waldur has no migration %s that the token's user can see.", id)
		}
		resp.Diagnostics.AddError("Error importing migration", detail)
		return
	}
	m := migrationModel{
		SrcResource:        types.StringValue(mig.SrcResourceUUID),
		DstOffering:        types.StringValue(mig.DstOfferingUUID),
		DstPlan:            types.StringNull(),
		Name:               types.StringValue(mig.DstResourceName),
		Description:        types.StringValue(""),
		Mappings:           types.ObjectNull(mappingsTypes),
		DestroyDestination: types.BoolValue(false),
		Concurrency:        types.Int64Value(defaultConcurrency),
		State:              types.StringValue(string(mig.State)),
		ErrorMessage:       types.StringValue(mig.ErrorMessage),
		Preview:            types.ObjectNull(previewTypes),
	}
	if dst, err := api.GetResource(ctx, mig.DstResourceUUID); err == nil {
		m.Description = types.StringValue(dst.Description)
	}
	var p *replication.Plan
	var src waldurSource
	var dst waldurDestination
	var d diag.Diagnostics
	if lookupWaldurSource(ctx, api, mig.SrcResourceUUID, &src, &d) && lookupWaldurDestination(ctx, api, mig.DstOfferingUUID, &dst, &d) {
		p, err = planImportedWaldur(ctx, api, mig, src, dst)
		if err != nil {
			d.AddError("planning", err.Error())
		}
	}
	if p != nil {
		var pd diag.Diagnostics
		m.Preview, pd = previewFromPlan(ctx, p)
		resp.Diagnostics.Append(pd...)
	} else {
		resp.Diagnostics.AddWarning("No preview for the imported migration",
			"The preview and id maps could not be planned from what Waldur shows of the source tenant and the stored mappings: "+
				diagText(d)+"\n\nThe preview is computed on the first plan after the import, from the configured mappings.")
	}
	resp.Diagnostics.Append(r.describeWaldurMigration(ctx, api, &m, mig, p, mig.State == waldur.StateOK)...)
	resp.Diagnostics.Append(setImported(ctx, resp, m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// planImportedWaldur plans an imported migration from its stored mappings, selecting the source networks
// that have a namesake in the destination (Waldur does not keep the selection).
func planImportedWaldur(ctx context.Context, api *waldur.Client, mig *waldur.Migration, src waldurSource, dst waldurDestination) (*replication.Plan, error) {
	m := replication.Mappings{SyncInstancePorts: mig.Mappings.SyncInstancePorts, SkipConnectionExtnet: mig.Mappings.SkipConnectionExtnet}
	for _, s := range mig.Mappings.Subnets {
		m.Subnets = append(m.Subnets, replication.SubnetRemap{SrcCIDR: s.SrcCIDR, DstCIDR: s.DstCIDR})
	}
	for _, vt := range mig.Mappings.VolumeTypes {
		m.VolumeTypes = append(m.VolumeTypes, replication.VolumeTypeMap{SrcTypeID: vt.SrcTypeUUID, DstTypeID: vt.DstTypeUUID})
	}
	description := ""
	res, err := api.GetResource(ctx, mig.DstResourceUUID)
	if err == nil {
		description = res.Description
	}
	if err == nil && res.ResourceUUID != "" {
		if nets, err := api.ListNetworks(ctx, waldur.TenantObjectFilter{TenantUUID: res.ResourceUUID}); err == nil {
			names := map[string]bool{}
			for _, n := range nets {
				names[n.Name] = true
			}
			var selected []string
			for _, n := range src.Objects.Networks {
				if names[n.Name] && !n.IsExternal {
					selected = append(selected, n.UUID)
				}
			}
			if len(selected) > 0 && len(selected) < len(src.Objects.Networks) {
				m.Networks = selected
			}
		}
	}
	return planFromWaldur(src, dst, m, replication.Target{Name: mig.DstResourceName, Description: description})
}

func diagText(d diag.Diagnostics) string {
	var parts []string
	for _, e := range d.Errors() {
		parts = append(parts, e.Summary()+": "+e.Detail())
	}
	if len(parts) == 0 {
		return "no details"
	}
	return strings.Join(parts, "; ")
}
