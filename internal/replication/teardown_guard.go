package replication

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// TeardownGuard says which destination project a teardown may delete: destroy_destination = true tears
// down whatever project id the state holds, also on a taint or a forced replacement, so the project is
// checked before anything in it is touched.
type TeardownGuard struct {
	// SourceProjectID is the project the migration copied: the destination project must carry its
	// marker (wom:src:<id>, set by Execute when it creates the project).
	SourceProjectID string
	// UserID is the migration's user, deleted with the project. Other users whose default project is the
	// destination are left alone. "": the user MigrationUser recognises by name, if any.
	UserID string
	// FloatingIPIDs are the floating IPs the migration made (its id map's values): released, not refused.
	FloatingIPIDs []string
	// DeleteForeign deletes what the migration did not make instead of refusing the teardown for it
	// (destroy_foreign_objects): the project's servers first (waiting for Nova to delete them, which
	// frees their ports and volumes), then its volume snapshots, then its volumes, each waited for, then
	// every floating IP with the rest of the teardown. Other users whose default project is the
	// destination are never deleted: users live in the domain, not in the project, and may be people;
	// they lose their role assignments on it with the project.
	DeleteForeign bool
	// Progress, when set, is told each step of deleting foreign objects.
	Progress func(Progress)
}

// ErrTeardownRefused is wrapped by CheckTeardown's refusals: running the teardown again does not help,
// unlike after a failure half-way.
var ErrTeardownRefused = errors.New("teardown refused")

// TeardownCopy tears a migration's destination project down (Teardown) after CheckTeardown found it
// safe. A project that no longer exists (or was never made: "") is nothing to do.
func TeardownCopy(ctx context.Context, dst *openstack.Cloud, projectID string, concurrency int, guard TeardownGuard) error {
	if projectID == "" {
		return nil
	}
	project, err := openstack.GetProject(ctx, dst.Identity, projectID)
	if openstack.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading destination project %s: %w", projectID, err)
	}
	if err := CheckTeardown(ctx, dst, project, guard); err != nil {
		return err
	}
	if guard.DeleteForeign {
		if err := deleteForeign(ctx, dst, projectID, concurrency, guard.Progress); err != nil {
			return err
		}
	}
	return teardown(ctx, dst, projectID, concurrency, func(u openstack.User) bool {
		if guard.UserID != "" {
			return u.ID == guard.UserID
		}
		return MigrationUser(project, []openstack.User{u}) != nil
	})
}

// CheckTeardown refuses to tear project down unless it is the copy of guard's source project (its
// marker) and, unless guard.DeleteForeign, holds nothing a migration does not build: servers, volumes,
// snapshots or floating IPs made in the destination since would be orphaned when the project is
// deleted. The error names them.
func CheckTeardown(ctx context.Context, dst *openstack.Cloud, project openstack.Project, guard TeardownGuard) error {
	source := SourceOf(project.Tags)
	switch {
	case source == "":
		return fmt.Errorf("%w: refusing to tear down project %s (%q): it carries no %s marker, so no migration made it. "+
			"If the state points at the wrong project, remove the migration from the state (terraform state rm) instead",
			ErrTeardownRefused, project.ID, project.Name, sourceTagPrefix)
	case guard.SourceProjectID != "" && source != guard.SourceProjectID:
		return fmt.Errorf("%w: refusing to tear down project %s (%q): it is the copy of source project %s, not of %s, which this migration copies",
			ErrTeardownRefused, project.ID, project.Name, source, guard.SourceProjectID)
	}
	if guard.DeleteForeign {
		return nil
	}
	var servers, volumes, snapshots []openstack.Owned
	var fips []openstack.FloatingIP
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { servers, err = openstack.ProjectServers(gctx, dst.Compute, project.ID); return err })
	g.Go(func() (err error) {
		volumes, err = openstack.ProjectVolumes(gctx, dst.BlockStorage, project.ID)
		return err
	})
	g.Go(func() (err error) {
		snapshots, err = openstack.ProjectSnapshots(gctx, dst.BlockStorage, project.ID)
		return err
	})
	g.Go(func() (err error) {
		fips, err = openstack.List[openstack.FloatingIP](gctx, dst.Network, openstack.FloatingIPs, url.Values{"project_id": {project.ID}})
		fips = guard.foreignFloatingIPs(fips)
		return err
	})
	if err := g.Wait(); err != nil {
		return fmt.Errorf("checking what destination project %s holds before tearing it down: %w", project.ID, err)
	}
	addresses := make([]openstack.Owned, len(fips))
	for i, f := range fips {
		addresses[i] = openstack.Owned{ID: f.ID, Name: f.FloatingIPAddress}
	}
	var held []string
	for _, k := range []struct {
		kind  string
		items []openstack.Owned
	}{{"server", servers}, {"volume", volumes}, {"volume snapshot", snapshots}, {"floating IP", addresses}} {
		if len(k.items) > 0 {
			held = append(held, describeOwned(k.kind, k.items))
		}
	}
	if len(held) > 0 {
		return fmt.Errorf("%w: refusing to tear down project %s (%q): it holds %s, which the migration did not make and "+
			"which deleting the project would orphan. Delete them first, set destroy_foreign_objects = true to have the teardown "+
			"delete them, or set destroy_destination = false to keep the tenant",
			ErrTeardownRefused, project.ID, project.Name, strings.Join(held, ", "))
	}
	return nil
}

// describeOwned says "2 servers (web-1, web-2)", naming at most five.
func describeOwned(kind string, items []openstack.Owned) string {
	names := make([]string, 0, 5)
	for i, it := range items {
		if i == 5 {
			names = append(names, fmt.Sprintf("and %d more", len(items)-5))
			break
		}
		names = append(names, cmp.Or(it.Name, it.ID))
	}
	if len(items) != 1 {
		kind += "s"
	}
	return fmt.Sprintf("%d %s (%s)", len(items), kind, strings.Join(names, ", "))
}
