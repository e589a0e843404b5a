package waldurmode

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// The migration in Waldur: Waldur runs it (POST /api/openstack-migrations/); this backend checks the
// inputs first, waits for the outcome, and describes what was built from what Waldur lists.
// Identifiers are Waldur's: the migration's uuid is the resource id (and the import id),
// dst_resource_uuid the new tenant's marketplace resource.

// The resource's attributes that errors of this backend name.
var (
	srcResourceAttr = replication.Root("src_resource")
	dstOfferingAttr = replication.Root("dst_offering")
	dstPlanAttr     = replication.Root("dst_plan")
)

// offeringStateActive is the state of an offering that takes orders.
const offeringStateActive = backend.OfferingStateActive

// waldurPlanned is a migration checked against Waldur's data and planned from it.
type waldurPlanned struct {
	req  waldur.MigrationCreateRequest
	src  waldurSource
	dst  waldurDestination
	plan *replication.Plan
}

// requestOf converts the inputs to Waldur's create request. Name and description are sent as they are
// ("" lets Waldur use the source's). Mappings are sent when there are any: Waldur takes no mappings as
// empty ones.
func requestOf(in backend.Inputs) waldur.MigrationCreateRequest {
	req := waldur.MigrationCreateRequest{
		SrcResource: in.SrcResource, DstOffering: in.DstOffering, DstPlan: in.DstPlan, Name: in.Name, Description: in.Description,
	}
	m := in.Mappings
	if len(m.Networks)+len(m.Subnets)+len(m.VolumeTypes) == 0 && !m.SyncInstancePorts && !m.SkipConnectionExtnet {
		return req
	}
	wm := &waldur.Mappings{Networks: m.Networks, SyncInstancePorts: m.SyncInstancePorts, SkipConnectionExtnet: m.SkipConnectionExtnet}
	for _, s := range m.Subnets {
		wm.Subnets = append(wm.Subnets, waldur.SubnetMapping{SrcCIDR: s.SrcCIDR, DstCIDR: s.DstCIDR})
	}
	for _, vt := range m.VolumeTypes {
		wm.VolumeTypes = append(wm.VolumeTypes, waldur.VolumeTypeMapping{SrcTypeUUID: vt.SrcTypeID, DstTypeUUID: vt.DstTypeID})
	}
	req.Mappings = wm
	return req
}

// plan runs every check that can be made before Waldur is asked to migrate, in Waldur's order, and
// plans the migration from Waldur's data. An attribute gets one error: the first check that fails it.
func (b *Backend) plan(ctx context.Context, api *waldur.Client, in backend.Inputs) (*waldurPlanned, error) {
	req := requestOf(in)
	done := map[string]bool{} // attributes with an error already
	var errs []error
	var fe waldur.FieldErrors
	if err := req.Validate(); errors.As(err, &fe) {
		errs = append(errs, fieldErrors(fe, &req, done)...)
	}
	pl := &waldurPlanned{req: req}
	srcOK, dstOK := false, false
	if !done["src_resource"] {
		if err := lookupSource(ctx, api, req.SrcResource, &pl.src); err != nil {
			errs = append(errs, err)
		} else {
			srcOK = true
		}
	}
	if !done["dst_offering"] {
		if err := lookupDestination(ctx, api, req.DstOffering, &pl.dst); err != nil {
			errs = append(errs, err)
		} else {
			dstOK = true
		}
	}
	if srcOK && len(pl.src.Resource.Limits) == 0 {
		errs = append(errs, backend.Errorf(srcResourceAttr, "Source tenant has no limits",
			"src_resource = %q: Waldur refuses to migrate a tenant whose marketplace resource has no limits set (\"Source resource does not have limits set.\"). Set the tenant's limits in Waldur first.", req.SrcResource))
		done["src_resource"] = true
	}
	if dstOK && !done["dst_plan"] {
		if msg := checkWaldurPlan(pl.dst.Offering, req.DstPlan); msg != "" {
			errs = append(errs, backend.Errorf(dstPlanAttr, "Plan not available", "dst_plan = %q: %s", req.DstPlan, msg))
			done["dst_plan"] = true
		}
	}
	if !srcOK || !dstOK {
		return nil, errors.Join(errs...)
	}
	p, err := planFromWaldur(pl.src, pl.dst, in.Mappings, replication.Target{Name: req.Name, Description: req.Description})
	if err != nil {
		var invalid replication.ValidationErrors
		if !errors.As(err, &invalid) {
			return nil, errors.Join(append(errs, backend.At(replication.Path{}, "Error planning migration", err))...)
		}
		var kept replication.ValidationErrors
		for _, e := range invalid {
			if !e.Attribute.IsEmpty() && done[e.Attribute.String()] {
				continue
			}
			kept = append(kept, e)
		}
		if len(kept) > 0 {
			errs = append(errs, kept)
		}
		return nil, errors.Join(errs...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	pl.plan = p
	return pl, nil
}

// lookupSource reads the source tenant: its marketplace resource, the tenant, its objects and its
// volume types. A missing resource is an error on src_resource.
func lookupSource(ctx context.Context, api *waldur.Client, uuid string, src *waldurSource) error {
	res, err := api.GetResource(ctx, uuid)
	if err != nil {
		if waldur.IsNotFound(err) {
			return backend.NotFoundf(srcResourceAttr, "Source tenant not found",
				"src_resource = %q: Waldur has no marketplace resource with this uuid that the token's user can see. "+
					"It is the `id` of the waldur_openstack_tenant data source.", uuid)
		}
		return backend.At(srcResourceAttr, "Error reading the source tenant", err)
	}
	if res.State == waldur.ResourceTerminated {
		return backend.Errorf(srcResourceAttr, "Source tenant terminated",
			"src_resource = %q: marketplace resource %q is %s in Waldur: its tenant no longer exists.", uuid, res.Name, res.State)
	}
	if res.ResourceUUID == "" || (res.OfferingType != "" && res.OfferingType != waldur.OfferingTypeTenant) {
		return backend.Errorf(srcResourceAttr, "Source is not an OpenStack tenant",
			"src_resource = %q: marketplace resource %q is of an offering of type %q, not an %s with a tenant.", uuid, res.Name, res.OfferingType, waldur.OfferingTypeTenant)
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
		return backend.At(srcResourceAttr, "Error reading the source tenant", err)
	}
	return nil
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

// lookupDestination reads the destination offering and the volume types of its settings.
func lookupDestination(ctx context.Context, api *waldur.Client, uuid string, dst *waldurDestination) error {
	off, err := api.GetOffering(ctx, uuid)
	if err != nil {
		if waldur.IsNotFound(err) {
			return backend.NotFoundf(dstOfferingAttr, "Destination offering not found",
				"dst_offering = %q: Waldur has no public offering with this uuid that the token's user can order from. "+
					"It is the `uuid` of the waldur_marketplace_offering data source.", uuid)
		}
		return backend.At(dstOfferingAttr, "Error reading the destination offering", err)
	}
	if off.Type != waldur.OfferingTypeTenant {
		return backend.Errorf(dstOfferingAttr, "Destination offering is not an OpenStack tenant offering",
			"dst_offering = %q: offering %q is of type %q; a migration needs one of type %s.", uuid, off.Name, off.Type, waldur.OfferingTypeTenant)
	}
	if off.State != "" && off.State != offeringStateActive {
		return backend.Errorf(dstOfferingAttr, "Destination offering not active",
			"dst_offering = %q: offering %q is %s; Waldur orders new tenants only from Active offerings.", uuid, off.Name, off.State)
	}
	dst.Offering = *off
	dst.VolumeTypes, err = api.ListVolumeTypes(ctx, waldur.VolumeTypeFilter{OfferingUUID: off.UUID})
	if err != nil {
		return backend.At(dstOfferingAttr, "Error reading the destination offering's volume types", err)
	}
	return nil
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

// Plan is the preview and every plan-time check. A replica (in.FollowSource) is planned as a one-off
// copy: Waldur copies the tenant once, and Read reports the source's drift since.
func (b *Backend) Plan(ctx context.Context, in backend.Inputs) (*replication.Plan, error) {
	api, err := b.api()
	if err != nil {
		return nil, err
	}
	pl, err := b.plan(ctx, api, in)
	if err != nil {
		return nil, err
	}
	return pl.plan, nil
}

// Create creates the migration and waits for it, within timeout. The migration comes back once Waldur
// has it, so that it is recorded also when it ends ERRED.
func (b *Backend) Create(ctx context.Context, in backend.Inputs, timeout time.Duration) (*backend.Migration, error) {
	api, err := b.api()
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pl, err := b.plan(runCtx, api, in)
	if err != nil {
		return nil, err
	}
	// Waldur names the new tenant after the source unless told otherwise; sending only real differences
	// also keeps clear of the versions that fail on any description.
	name, description := cmp.Or(in.Name, pl.plan.Project.Name), cmp.Or(in.Description, pl.plan.Project.Description)
	body := pl.req
	body.Name, body.Description = "", ""
	if name != pl.src.Resource.Name {
		body.Name = name
	}
	if description != pl.src.Resource.Description {
		body.Description = description
	}
	mig, err := b.adoptOrCreate(ctx, runCtx, api, body, timeout)
	if err != nil {
		return nil, err
	}
	return b.await(ctx, runCtx, api, mig, pl.plan, timeout)
}

// adoptOrCreate carries on the migration an earlier run of this configuration started (same source,
// destination offering and name, created by the token's user, not ERRED: an apply that failed before it
// could save it, or whose create answer was lost), or posts a new one. The client looks up a create
// whose outcome is unknown; a nil migration comes with an error and means Waldur has none.
func (b *Backend) adoptOrCreate(ctx, runCtx context.Context, api *waldur.Client, body waldur.MigrationCreateRequest, timeout time.Duration) (*waldur.Migration, error) {
	me, err := api.CurrentUser(runCtx)
	if err != nil {
		return nil, backend.At(replication.Path{}, "Error reading the token's user", err)
	}
	list, err := api.ListMigrations(runCtx, waldur.MigrationFilter{SrcResourceUUID: body.SrcResource})
	if err != nil {
		return nil, backend.At(srcResourceAttr, "Error listing the source's migrations", err)
	}
	if m := waldur.Adoptable(list, body, me.UUID); m != nil {
		b.log.Warn(ctx, "Carrying on the migration an earlier apply of this configuration started instead of creating another", map[string]any{
			"migration": m.UUID, "state": string(m.State), "created": m.Created.String()})
		return m, nil
	}
	b.log.Info(ctx, "Creating Waldur migration", map[string]any{"src_resource": body.SrcResource, "dst_offering": body.DstOffering,
		"dst_plan": body.DstPlan, "timeout": timeout.String()})
	mig, err := api.CreateMigration(runCtx, body)
	switch {
	case err != nil && (mig == nil || mig.UUID == ""):
		return nil, apiError("Error creating migration", err, &body)
	case err != nil:
		// Waldur has the migration: keep it (the wait reads it again, or ends with the run) so that it
		// is recorded, never left running unrecorded.
		b.log.Warn(ctx, "Waldur created the migration, but reading it failed", map[string]any{"migration": mig.UUID, "error": err.Error()})
	}
	b.log.Info(ctx, "Waldur migration created; waiting for it", map[string]any{"migration": mig.UUID, "state": string(mig.State)})
	return mig, nil
}

// await polls mig to OK or ERRED within runCtx, through transient errors, and describes it. A migration
// still running at the deadline comes back with its state (CREATING) and an error that says the next
// apply resumes waiting for it: Terraform records it without tainting (see the provider's Create), and
// the next apply's update polls it again (Sync), never posting a second one.
func (b *Backend) await(ctx, runCtx context.Context, api *waldur.Client, mig *waldur.Migration, p *replication.Plan, timeout time.Duration) (*backend.Migration, error) {
	last := mig.State
	opts := b.settings.Poll
	opts.OnPoll = func(v any) {
		if m, ok := v.(*waldur.Migration); ok && m != nil && m.State != last {
			last = m.State
			b.log.Info(ctx, "Waldur migration progress", map[string]any{"migration": m.UUID, "state": string(m.State), "dst_resource_state": string(m.DstResourceState)})
		}
	}
	opts.OnRetry = func(err error) {
		b.log.Warn(ctx, "Polling the Waldur migration failed; trying again until the deadline", map[string]any{"migration": mig.UUID, "error": err.Error()})
	}
	done, waitErr := waldur.WaitForMigration(runCtx, api, mig.UUID, opts)
	if done == nil {
		done = mig
	}
	waitErr = backend.TimedOut(ctx, runCtx, timeout, waitErr, fmt.Sprintf(" waiting for Waldur migration %s, last seen %s; it goes on in Waldur", mig.UUID, done.State))
	out, describeErr := b.describe(ctx, api, done, p, waitErr == nil)
	out.Plan = p
	out.State = string(done.State)
	out.ErrorMessage = done.ErrorMessage
	if waitErr != nil && done.State != waldur.StateErred && !backend.Running(out.State) {
		out.ErrorMessage = waitErr.Error()
	}
	if waitErr == nil {
		return out, describeErr
	}
	var erred *waldur.MigrationErredError
	if errors.As(waitErr, &erred) {
		return out, errors.Join(describeErr, backend.Messagef("Waldur migration %s ended %s: %s\n\nThe migration is saved in the state (state = %q) and the resource is marked tainted. "+
			"Waldur rolls nothing back: the next apply deletes this migration (with destroy_destination = true, also its destination tenant) and creates a new one.",
			mig.UUID, backend.StateErred, erred.Message, out.State))
	}
	return out, errors.Join(describeErr, backend.StillRunningf("Waldur migration still running",
		"%s\n\nThe migration is saved in the state (state = %q); Waldur goes on with it. The next apply waits for it again (an in-place update), "+
			"and a refresh records how it ended: no second migration is created.", waitErr, out.State))
}

// describe tells what Waldur shows of a migration: the destination resource and project, the
// credentials and the id maps. After a failure (complete = false) it tells what Waldur shows so far and
// never fails: the error that matters is the migration's.
func (b *Backend) describe(ctx context.Context, api *waldur.Client, mig *waldur.Migration, p *replication.Plan, complete bool) (*backend.Migration, error) {
	out := &backend.Migration{ID: mig.UUID, DstResourceUUID: mig.DstResourceUUID}
	res := &replication.Result{}
	if p != nil {
		out.Skipped = append(out.Skipped, p.Skipped...)
	}
	var err error
	tenant, objects, readErr := readWaldurDestination(ctx, api, mig.DstResourceUUID)
	switch {
	case readErr != nil && complete:
		err = backend.Errorf(replication.Path{}, "Error reading the new tenant", "Waldur migration %s is OK, but its destination could not be read: %s", mig.UUID, readErr)
	case readErr != nil:
		b.log.Warn(ctx, "Could not read the destination of the failed migration", map[string]any{"error": readErr.Error()})
	default:
		out.DstProjectID = tenant.BackendID
		// Waldur shows the tenant's user only where the deployment makes tenant credentials visible
		// (WALDUR_OPENSTACK.TENANT_CREDENTIALS_VISIBLE), and never its id.
		if tenant.UserUsername != "" && tenant.UserPassword != "" {
			out.Credentials = &replication.Credentials{Username: tenant.UserUsername, Password: tenant.UserPassword}
		} else {
			out.Warnings = append(out.Warnings, fmt.Sprintf("credentials is null: Waldur does not show the user and password of tenant %s "+
				"(this deployment hides tenant credentials: WALDUR_OPENSTACK.TENANT_CREDENTIALS_VISIBLE is off). "+
				"Get them from the Waldur administrators, or reset the user's password in the new project.", tenant.UUID))
		}
		if p != nil {
			var missing []replication.Skipped
			res, missing = matchWaldurObjects(p, objects)
			if complete {
				out.Skipped = append(out.Skipped, missing...)
			}
		}
	}
	out.IDs = backend.IDMapsOf(res)
	return out, err
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

// Read refreshes a recorded migration from Waldur: its state and error message, for one recorded
// while running that Waldur has since finished, what it built (the id maps, planned again from what
// Waldur shows of the source), and, for a replica (FollowSource) that is OK, how its destination
// differs from the source now (SourceDrift, drift.go). A migration Waldur no longer has, or whose
// destination tenant was terminated, is gone, so that the next apply migrates again.
func (b *Backend) Read(ctx context.Context, m backend.Migration) (*backend.Migration, error) {
	api, err := b.api()
	if err != nil {
		return nil, err
	}
	mig, err := api.GetMigration(ctx, m.ID)
	if err != nil {
		if waldur.IsNotFound(err) {
			b.log.Warn(ctx, "Waldur has no such migration any more; removing it from state", map[string]any{"migration": m.ID})
			return nil, backend.ErrGone
		}
		return nil, err
	}
	dst := m.DstResourceUUID
	if dst == "" {
		dst = mig.DstResourceUUID
		m.DstResourceUUID = dst
	}
	var dstRes *waldur.Resource
	if dst != "" {
		res, err := api.GetResource(ctx, dst)
		dstRes = res
		switch {
		case waldur.IsNotFound(err) || (err == nil && res.State == waldur.ResourceTerminated):
			b.log.Warn(ctx, "The migration's destination tenant was terminated; removing the migration from state", map[string]any{"migration": m.ID, "dst_resource_uuid": dst})
			return nil, backend.ErrGone
		case err != nil:
			return nil, backend.At(replication.Path{}, "Error reading the migration's destination tenant", err)
		}
	}
	wasRunning := backend.Running(m.State)
	m.State = string(mig.State)
	switch {
	case mig.State == waldur.StateErred:
		m.ErrorMessage = mig.ErrorMessage
	case mig.State == waldur.StateOK && wasRunning:
		m.ErrorMessage = ""
		p, perr := b.replan(ctx, api, mig, m.Inputs)
		if perr != nil {
			b.log.Warn(ctx, "The migration finished, but it could not be planned again to match what it built", map[string]any{"migration": m.ID, "error": perr.Error()})
		}
		out, derr := b.describe(ctx, api, mig, p, true)
		if derr != nil {
			return &m, derr
		}
		m.IDs, m.DstProjectID, m.Skipped = out.IDs, out.DstProjectID, out.Skipped
		if out.Credentials != nil {
			m.Credentials = out.Credentials
		}
	default:
		m.ErrorMessage = ""
	}
	m.SourceDrift = nil
	if m.FollowSource && mig.State == waldur.StateOK && dstRes != nil {
		if err := b.compareWithSource(ctx, api, &m, mig, dstRes); err != nil {
			return &m, err
		}
	}
	return &m, nil
}

// replan plans a migration again from what Waldur shows of its source and destination now, without the
// checks that only a create needs (the plan's room, which the migration itself has taken).
func (b *Backend) replan(ctx context.Context, api *waldur.Client, mig *waldur.Migration, in backend.Inputs) (*replication.Plan, error) {
	var src waldurSource
	var dst waldurDestination
	if err := lookupSource(ctx, api, mig.SrcResourceUUID, &src); err != nil {
		return nil, err
	}
	if err := lookupDestination(ctx, api, mig.DstOfferingUUID, &dst); err != nil {
		return nil, err
	}
	return planFromWaldur(src, dst, in.Mappings, replication.Target{Name: mig.DstResourceName, Description: in.Description})
}

// followSourceAttr is the resource's argument that asks for a replica.
var followSourceAttr = replication.Root("follow_source")

// InPlaceSync says why this backend cannot sync a migration in place, and what the user can do instead:
// Waldur's migration API copies a tenant once. The provider shows it, on follow_source, as the warning
// of a plan whose replica has drifted from its source (the plan changes nothing), and a changed mapping
// replaces the migration instead.
func (b *Backend) InPlaceSync() error {
	return backend.Errorf(followSourceAttr, "Waldur cannot sync the replica in place",
		"Waldur's migration API (POST /api/openstack-migrations/) copies a tenant once: it cannot apply the source's later "+
			"changes to the copy, so this plan changes nothing in the destination, and source_drift keeps showing them. "+
			"To take them, either run terraform apply -replace=<address of this resource>, which copies the source tenant "+
			"again, as it is now, into a new destination tenant (the current one is terminated with destroy_destination = true, "+
			"and kept otherwise); or manage this migration with the standalone backend (the provider's openstack offerings "+
			"instead of endpoint and token), which syncs a replica in place. Set follow_source = false to stop comparing.")
}

// Sync of a migration recorded while still running (CREATION_SCHEDULED, CREATING: its create ran out
// of time, or Waldur could not be reached) waits for it again within timeout and records how it ended:
// the migration is resumed, never posted a second time. Otherwise it does not apply: a Waldur migration
// is one-shot (InPlaceSync).
func (b *Backend) Sync(ctx context.Context, in backend.Inputs, prior backend.Migration, timeout time.Duration) (*backend.Migration, error) {
	if !backend.Running(prior.State) {
		return nil, backend.Messagef("A migration made by Waldur cannot be rebuilt or synced in place: Waldur migrates a tenant once. " +
			"Replace the resource (terraform apply -replace) to migrate again.")
	}
	api, err := b.api()
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	mig, err := api.GetMigration(runCtx, prior.ID)
	switch {
	case waldur.IsNotFound(err):
		return nil, backend.Messagef("Waldur has no migration %s any more; refresh removes it from the state, and the next apply migrates again.", prior.ID)
	case err != nil:
		// Waldur unreachable: the wait below goes on through it until the deadline.
		mig = &waldur.Migration{UUID: prior.ID, State: waldur.ParseState(prior.State), DstResourceUUID: prior.DstResourceUUID}
	}
	b.log.Info(ctx, "Resuming the wait for a Waldur migration recorded while running", map[string]any{"migration": prior.ID, "state": string(mig.State)})
	p, perr := b.replan(runCtx, api, mig, in)
	if perr != nil {
		b.log.Warn(ctx, "The migration could not be planned again to match what it builds", map[string]any{"migration": prior.ID, "error": perr.Error()})
		p = prior.Plan
	}
	out, err := b.await(ctx, runCtx, api, mig, p, timeout)
	if out != nil && out.Credentials == nil {
		out.Credentials = prior.Credentials
	}
	return out, err
}

// Delete, with destroy_destination, terminates the destination tenant first (and waits for its
// termination order), then deletes the migration record. A termination that fails keeps the record, so
// that destroy can be run again.
func (b *Backend) Delete(ctx context.Context, m backend.Migration) error {
	api, err := b.api()
	if err != nil {
		return err
	}
	if dst := m.DstResourceUUID; m.DestroyDestination && dst != "" {
		if err := b.terminate(ctx, api, dst); err != nil {
			return backend.Errorf(replication.Path{}, "Error destroying the destination tenant",
				"Terminating marketplace resource %s: %s\n\nThe migration is kept; run terraform destroy again to retry.", dst, err)
		}
	} else {
		b.log.Info(ctx, "Deleting the migration record; the destination tenant stays (destroy_destination = false)", map[string]any{"dst_resource_uuid": dst})
	}
	if err := api.DeleteMigration(ctx, m.ID); err != nil && !waldur.IsNotFound(err) {
		return err
	}
	return nil
}

// terminate terminates a marketplace resource and waits for the order. A resource that is gone or
// terminated already is fine; one being terminated is waited for through its order.
func (b *Backend) terminate(ctx context.Context, api *waldur.Client, uuid string) error {
	b.log.Info(ctx, "Terminating the destination tenant", map[string]any{"dst_resource_uuid": uuid})
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
	b.log.Info(ctx, "Waiting for the termination order", map[string]any{"order": order})
	_, err = waldur.WaitForOrder(ctx, api, order, b.settings.Poll)
	return err
}

// Import imports a migration by its uuid. The mappings Waldur stored (without the network selection,
// which it does not keep) give the preview; the network selection is inferred from the destination's
// networks.
func (b *Backend) Import(ctx context.Context, importID string) (*backend.Imported, error) {
	api, err := b.api()
	if err != nil {
		return nil, err
	}
	id := strings.TrimSpace(importID)
	if !waldur.IsUUID(id) {
		return nil, backend.Errorf(replication.Path{}, "Invalid import id",
			"%q is not a migration uuid: the Waldur backend imports a migration by the uuid Waldur gave it (GET /api/openstack-migrations/).", importID)
	}
	mig, err := api.GetMigration(ctx, id)
	if err != nil {
		if waldur.IsNotFound(err) {
			return nil, backend.NotFoundf(replication.Path{}, "", "Waldur has no migration %s that the token's user can see.", id)
		}
		return nil, err
	}
	description := ""
	if dst, err := api.GetResource(ctx, mig.DstResourceUUID); err == nil {
		description = dst.Description
	}
	var p *replication.Plan
	var src waldurSource
	var dst waldurDestination
	var why string
	if err := lookupSource(ctx, api, mig.SrcResourceUUID, &src); err != nil {
		why = summarized(err)
	} else if err := lookupDestination(ctx, api, mig.DstOfferingUUID, &dst); err != nil {
		why = summarized(err)
	} else if p, err = planImportedWaldur(ctx, api, mig, src, dst); err != nil {
		why = "planning: " + err.Error()
	}
	out := &backend.Imported{}
	if p == nil {
		out.NoPreview = backend.Messagef("The preview and id maps could not be planned from what Waldur shows of the source tenant and the stored mappings: %s"+
			"\n\nThe preview is computed on the first plan after the import, from the configured mappings.", why)
	}
	m, describeErr := b.describe(ctx, api, mig, p, mig.State == waldur.StateOK)
	m.Plan = p
	m.SrcResource = mig.SrcResourceUUID
	m.DstOffering = mig.DstOfferingUUID
	m.Name = mig.DstResourceName
	m.Description = description
	m.State = string(mig.State)
	m.ErrorMessage = mig.ErrorMessage
	out.Migration = *m
	return out, describeErr
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

// summarized is an error of the lookups with its summary: "Source tenant not found: src_resource = ...".
func summarized(err error) string {
	var e *backend.Error
	if errors.As(err, &e) && e.Summary != "" {
		return e.Summary + ": " + e.Error()
	}
	return err.Error()
}
