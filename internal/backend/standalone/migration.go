package standalone

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// DefaultPlan is the one plan of every offering of the standalone backend.
const DefaultPlan = "default"

// The resource's attributes that errors of this backend name.
var (
	srcResourceAttr = replication.Root("src_resource")
	dstOfferingAttr = replication.Root("dst_offering")
	dstPlanAttr     = replication.Root("dst_plan")
)

// migration resolves the inputs to what the engine takes. Problems are errors on their attribute: an
// unknown offering, a malformed tenant id, an unreachable cloud.
func (b *Backend) migration(ctx context.Context, in backend.Inputs) (replication.Migration, OfferingSettings, error) {
	var mig replication.Migration
	var errs []error
	src, err := parseTenantRef(in.SrcResource)
	if err != nil {
		errs = append(errs, backend.At(srcResourceAttr, "Invalid source tenant", err))
	}
	dstSettings, err := b.OfferingSettings(in.DstOffering)
	if err != nil {
		errs = append(errs, backend.At(dstOfferingAttr, "Unknown destination offering", err))
	}
	if in.DstPlan != "" && in.DstPlan != DefaultPlan {
		errs = append(errs, backend.Errorf(dstPlanAttr, "Plan not in offering",
			"dst_plan %q is not a plan of offering %q: offerings of the standalone backend have one plan, %q (or omit dst_plan).",
			in.DstPlan, in.DstOffering, DefaultPlan))
	}
	if len(errs) > 0 {
		return mig, dstSettings, errors.Join(errs...)
	}
	mig.Source, err = b.cloud(ctx, src.Offering)
	if err != nil {
		errs = append(errs, backend.At(srcResourceAttr, "Cannot reach the source offering", err))
	}
	mig.Destination, err = b.cloud(ctx, in.DstOffering)
	if err != nil {
		errs = append(errs, backend.At(dstOfferingAttr, "Cannot reach the destination offering", err))
	}
	mig.SourceProjectID = src.ProjectID
	mig.ExternalNetwork = dstSettings.ExternalNetwork
	mig.Mappings = in.Mappings
	mig.Target = replication.Target{Name: in.Name, Description: in.Description}
	return mig, dstSettings, errors.Join(errs...)
}

// Plan reads the source tenant and the destination facts and runs the engine's planner.
func (b *Backend) Plan(ctx context.Context, in backend.Inputs) (*replication.Plan, error) {
	mig, _, err := b.migration(ctx, in)
	if err != nil {
		return nil, err
	}
	// A missing source tenant is the commonest bad input; name the attribute rather than the API call.
	if _, err := openstack.GetProject(ctx, mig.Source.Identity, mig.SourceProjectID); openstack.IsNotFound(err) {
		return nil, backend.NotFoundf(srcResourceAttr, "Source tenant not found", "%s: the offering has no project %s.", in.SrcResource, mig.SourceProjectID)
	}
	p, err := mig.Plan(ctx)
	if err != nil {
		return nil, err
	}
	return b.plans.remember(in, p), nil
}

// Create runs the engine. The migration comes back once a destination project exists, with state
// ERRED and the partial id maps after a failure; a run that failed before leaves nothing to record,
// and the next apply starts again.
func (b *Backend) Create(ctx context.Context, in backend.Inputs, timeout time.Duration) (*backend.Migration, error) {
	return b.run(ctx, in, nil, timeout)
}

// run runs the engine within timeout. prior, when set, is the migration an earlier run built: the run
// goes on in its destination project, pairs the copies its id maps name with their sources first and,
// with in.FollowSource, removes those whose source is no longer planned (Sync).
func (b *Backend) run(ctx context.Context, in backend.Inputs, prior *backend.Migration, timeout time.Duration) (*backend.Migration, error) {
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	mig, dstSettings, err := b.migration(runCtx, in)
	if err != nil {
		return nil, err
	}
	opts := replication.Options{
		Concurrency: in.Concurrency,
		DomainID:    dstSettings.DomainID,
		Previous:    b.previousCredentials(in.DstOffering, in.SrcResource),
		Progress: func(p replication.Progress) {
			b.log.Info(ctx, "Migration step done", map[string]any{
				"step": p.Step, "kind": p.Kind, "created": p.Created, "adopted": p.Adopted, "updated": p.Updated,
				"removed": p.Removed, "total": p.Total,
			})
		},
	}
	if prior != nil {
		ids := prior.IDs
		opts.ProjectID, opts.Prior, opts.Prune = prior.DstProjectID, &ids, in.FollowSource
	}
	b.log.Info(ctx, "Starting migration", map[string]any{"src_resource": in.SrcResource, "dst_offering": in.DstOffering,
		"dst_project_id": opts.ProjectID, "prune": opts.Prune, "timeout": timeout.String(), "previous_credentials": opts.Previous != nil})
	plan, res, err := b.execute(runCtx, mig, in, opts)
	err = backend.TimedOut(ctx, runCtx, timeout, err, "")
	if err != nil && (res == nil || res.ProjectID == "") {
		// Nothing was built: nothing to record, so the next apply simply starts again.
		return nil, err
	}
	b.log.Info(ctx, "Migration run finished", map[string]any{"project_id": res.ProjectID, "created": res.Created, "adopted": res.Adopted,
		"updated": res.Updated, "removed": res.Removed})

	out := migrationOf(in.DstOffering, res)
	out.Plan = plan
	out.State = backend.StateOK
	if err != nil {
		out.State = backend.StateErred
		out.ErrorMessage = err.Error()
		return out, backend.Messagef("The migration failed after creating destination project %s: %s\n\n"+
			"What was built so far is saved in the state (state = %q) and the resource is marked tainted. "+
			"Run terraform apply again to resume: the objects already built are adopted, not duplicated.",
			res.ProjectID, err.Error(), backend.StateErred)
	}
	return out, nil
}

// migrationOf describes what a run built (or, after a failure, what it had built so far), with the
// ids made of dstOffering, the offering's name.
func migrationOf(dstOffering string, res *replication.Result) *backend.Migration {
	dst := tenantRef{Offering: dstOffering, ProjectID: res.ProjectID}.String()
	out := &backend.Migration{
		ID:              dst,
		DstResourceUUID: dst,
		DstProjectID:    res.ProjectID,
		IDs:             backend.IDMapsOf(res),
		Skipped:         res.Skipped,
	}
	if res.Credentials.Username != "" {
		creds := res.Credentials
		out.Credentials = &creds
	}
	return out
}

// listDestination lists the objects of the destination project. Looking for deleted copies must not
// stop a plan or a destroy: when the listing fails, it says so in the log and reports false, and
// nothing is pruned.
func (b *Backend) listDestination(ctx context.Context, dst *openstack.Cloud, projectID string) (replication.ProjectObjects, bool) {
	objects, err := replication.ListDestination(ctx, dst, projectID)
	if err != nil {
		b.log.Warn(ctx, "Could not list the destination's objects; deleted copies are not looked for", map[string]any{
			"dst_project_id": projectID, "error": err.Error()})
		return replication.ProjectObjects{}, false
	}
	return objects, true
}

// Read reports the migration gone when its destination project no longer exists. Otherwise, for a
// migration that was built (OK, or INCOMPLETE already), it drops from the id maps the copies that are
// no longer in the destination and marks the migration INCOMPLETE when there were any (drift.go).
func (b *Backend) Read(ctx context.Context, m backend.Migration) (*backend.Migration, error) {
	projectID := m.DstProjectID
	if projectID == "" {
		return nil, backend.ErrGone
	}
	dst, err := b.cloud(ctx, m.DstOffering)
	if err != nil {
		return nil, backend.At(dstOfferingAttr, "Error reading migration", err)
	}
	if _, err := openstack.GetProject(ctx, dst.Identity, projectID); err != nil {
		if openstack.IsNotFound(err) {
			b.log.Warn(ctx, "Destination project no longer exists; removing the migration from state", map[string]any{"dst_project_id": projectID})
			return nil, backend.ErrGone
		}
		return nil, backend.Messagef("Reading destination project %s: %w", projectID, err)
	}
	if m.State != backend.StateOK && m.State != backend.StateIncomplete {
		return &m, nil
	}
	// What an earlier refresh found is replaced by what this one finds.
	m.SourceDrift = nil
	var source <-chan sourceView
	if m.FollowSource && m.State == backend.StateOK {
		// The source is read while the destination is listed; abandoned if the comparison is not made.
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		source = b.readSourceView(sctx, m, dst)
	}
	objects, ok := b.listDestination(ctx, dst, projectID)
	if !ok {
		return &m, nil
	}
	if missing := pruneMissing(&m.IDs, objects.IDs()); len(missing) > 0 {
		what := describeMissing(missing)
		b.log.Warn(ctx, "Copies are missing from the destination; the next apply rebuilds them", map[string]any{
			"dst_project_id": projectID, "missing": what})
		m.State = backend.StateIncomplete
		m.ErrorMessage = fmt.Sprintf("%s of the copy no longer exist in destination project %s; "+
			"the next apply rebuilds them in place", what, projectID)
	}
	if source != nil && m.State == backend.StateOK {
		// An INCOMPLETE migration is run again anyway, which syncs it with the source too.
		b.compareWithSource(ctx, &m, <-source, objects)
	}
	return &m, nil
}

// Delete forgets the migration (keeping its credentials for a resume in this run), or with
// destroy_destination tears the destination project down.
func (b *Backend) Delete(ctx context.Context, m backend.Migration) error {
	projectID := m.DstProjectID
	if !m.DestroyDestination {
		creds := usableCredentials(m.Credentials)
		if creds != nil {
			b.rememberCredentials(m.DstOffering, m.SrcResource, *creds)
		}
		b.log.Info(ctx, "Forgetting the migration; the destination tenant stays (destroy_destination = false)",
			map[string]any{"dst_project_id": projectID, "credentials_kept_for_resume": creds != nil})
		return nil
	}
	dst, err := b.cloud(ctx, m.DstOffering)
	if err != nil {
		return backend.At(dstOfferingAttr, "Error destroying the destination tenant", err)
	}
	b.log.Info(ctx, "Tearing down the destination tenant", map[string]any{"dst_project_id": projectID,
		"destroy_foreign_objects": m.DestroyForeignObjects})
	// Only the copy of this migration's source is torn down, with the migration's user only, and only
	// when it holds nothing the migration did not make, unless destroy_foreign_objects says to delete
	// that too (replication.TeardownCopy).
	guard := replication.TeardownGuard{DeleteForeign: m.DestroyForeignObjects, Progress: func(p replication.Progress) {
		b.log.Info(ctx, "Teardown step", map[string]any{"step": p.Step, "kind": p.Kind, "removed": p.Removed, "total": p.Total})
	}}
	if src, err := parseTenantRef(m.SrcResource); err == nil {
		guard.SourceProjectID = src.ProjectID
	}
	if m.Credentials != nil {
		guard.UserID = m.Credentials.UserID
	}
	// The floating IPs the migration made are released with the project; any other is refused.
	for _, id := range m.IDs.FloatingIPs {
		guard.FloatingIPIDs = append(guard.FloatingIPIDs, id)
	}
	err = replication.TeardownCopy(ctx, dst, projectID, m.Concurrency, guard)
	switch {
	case errors.Is(err, replication.ErrTeardownRefused):
		return backend.Errorf(replication.Path{}, "Error destroying the destination tenant", "%s", err)
	case err != nil:
		return backend.Errorf(replication.Path{}, "Error destroying the destination tenant",
			"Tearing down project %s: %s\n\nRun terraform destroy again to continue: the teardown resumes where it stopped.", projectID, err)
	}
	return nil
}

// Import takes "<src offering>/<src project id>:<dst offering>/<dst project id>", or
// "<dst offering>/<dst project id>" when exactly one configured offering holds the source project named
// by the destination project's marker. The id maps are rebuilt by pairing objects by content and
// markers (replication.ReadBack), and the preview is planned from the mappings the destination shows.
// The password cannot be read back.
func (b *Backend) Import(ctx context.Context, importID string) (*backend.Imported, error) {
	id, err := parseImportID(importID)
	if err != nil {
		return nil, backend.At(replication.Path{}, "Invalid import id", err)
	}
	dst, err := b.cloud(ctx, id.Destination.Offering)
	if err != nil {
		return nil, err
	}
	project, err := openstack.GetProject(ctx, dst.Identity, id.Destination.ProjectID)
	if err != nil {
		if openstack.IsNotFound(err) {
			err = fmt.Errorf("offering %q has no project %s", id.Destination.Offering, id.Destination.ProjectID)
		}
		return nil, err
	}
	sourceProjectID := replication.SourceOf(project.Tags)
	if sourceProjectID == "" {
		return nil, backend.Messagef("Project %s (%q) was not made by waldur_openstack_migration: it has no wom:src:<source project id> tag.", project.ID, project.Name)
	}
	src, err := b.sourceOfImport(ctx, id, sourceProjectID)
	if err != nil {
		return nil, err
	}
	srcCloud, err := b.cloud(ctx, src.Offering)
	if err != nil {
		return nil, err
	}
	existing, err := replication.ReadBack(ctx, srcCloud, dst, project.ID)
	if err != nil {
		return nil, err
	}

	out := &backend.Imported{}
	dstSettings, _ := b.OfferingSettings(id.Destination.Offering)
	inferred := replication.Migration{
		Source: srcCloud, SourceProjectID: src.ProjectID, Destination: dst, ExternalNetwork: dstSettings.ExternalNetwork,
		Mappings: existing.Mappings, Target: replication.Target{Name: existing.Project.Name, Description: existing.Project.Description},
	}
	if p, err := inferred.Plan(ctx); err == nil {
		out.Plan = p
		existing.Result.Skipped = p.Skipped
	} else {
		out.NoPreview = backend.Messagef("The preview could not be planned from the mappings the destination shows: %s"+
			"\n\nIt is computed on the first plan after the import, from the configured mappings.", err)
	}
	m := migrationOf(id.Destination.Offering, existing.Result)
	m.Plan = out.Plan
	m.SrcResource = src.String()
	m.DstOffering = id.Destination.Offering
	m.Name = existing.Project.Name
	m.Description = existing.Project.Description
	m.State = backend.StateOK
	out.Migration = *m
	return out, nil
}

// sourceOfImport finds the source tenant of an import: the one the id names (checked against the
// destination's marker), or the only configured offering that holds the marked project.
func (b *Backend) sourceOfImport(ctx context.Context, id importID, sourceProjectID string) (tenantRef, error) {
	if id.Source != nil {
		if id.Source.ProjectID != sourceProjectID {
			return tenantRef{}, fmt.Errorf("destination project %s is a copy of source project %s, not of %s", id.Destination.ProjectID, sourceProjectID, id.Source.ProjectID)
		}
		if _, err := b.OfferingSettings(id.Source.Offering); err != nil {
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
