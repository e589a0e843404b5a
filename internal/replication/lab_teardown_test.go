package replication_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestLabTeardownGuard: TeardownCopy deletes a migration's destination only when it is the copy of the
// migration's source and holds nothing the migration did not make, and it deletes the migration's user
// only.
func TestLabTeardownGuard(t *testing.T) {
	testlab.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	src, dst := testlab.Connect(t, testlab.RegionOne), testlab.Connect(t, testlab.RegionTwo)

	// A project no migration made is refused, and left as it was.
	plain, err := openstack.CreateProject(ctx, dst.Identity, openstack.Project{Name: "plain-" + testlab.Suffix(), DomainID: "default", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cleanupProject(t, dst, plain.ID) })
	err = replication.TeardownCopy(ctx, dst, plain.ID, 4, replication.TeardownGuard{})
	if err == nil || !strings.Contains(err.Error(), "carries no wom:src: marker") {
		t.Fatalf("TeardownCopy of a project no migration made: %v, want a refusal naming the marker", err)
	}
	if _, err := openstack.GetProject(ctx, dst.Identity, plain.ID); err != nil {
		t.Fatalf("the refused project is gone: %v", err)
	}

	tenant := seed(t, ctx, src)
	if _, err := testlab.EnsureVolumeTypes(ctx, dst, testlab.VolumeTypeNames...); err != nil {
		t.Fatal(err)
	}
	m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst,
		Target: replication.Target{Name: "guard-" + testlab.Suffix()}}
	plan, res, err := m.Run(ctx, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
	}
	if err != nil {
		t.Fatal(err)
	}
	guard := replication.TeardownGuard{SourceProjectID: tenant.ProjectID, UserID: res.Credentials.UserID}

	// The copy of another source is refused.
	err = replication.TeardownCopy(ctx, dst, res.ProjectID, 4, replication.TeardownGuard{SourceProjectID: "0123456789abcdef0123456789abcdef"})
	if err == nil || !strings.Contains(err.Error(), "not of 0123456789abcdef0123456789abcdef") {
		t.Fatalf("TeardownCopy with another source: %v, want a refusal naming both sources", err)
	}

	// A floating IP made in the destination since is refused by name, and nothing is deleted.
	fip, err := openstack.Create[openstack.FloatingIP](ctx, dst.Network, openstack.FloatingIPs,
		map[string]any{"floating_network_id": plan.ExternalNetworkID, "project_id": res.ProjectID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = openstack.Delete(context.Background(), dst.Network, openstack.FloatingIPs, fip.ID) })
	err = replication.TeardownCopy(ctx, dst, res.ProjectID, 4, guard)
	if err == nil || !strings.Contains(err.Error(), "1 floating IP ("+fip.FloatingIPAddress+")") {
		t.Fatalf("TeardownCopy with a floating IP in the project: %v, want a refusal naming %s", err, fip.FloatingIPAddress)
	}
	nets, err := openstack.List[openstack.Network](ctx, dst.Network, openstack.Networks, url.Values{"project_id": {res.ProjectID}})
	if err != nil || len(nets) != len(plan.Networks) {
		t.Fatalf("after the refusal the project holds %d networks (%v), want all %d", len(nets), err, len(plan.Networks))
	}

	// Another user whose default project is the destination stays; the migration's user goes.
	other, err := openstack.CreateUser(ctx, dst.Identity, openstack.User{Name: "other-" + testlab.Suffix(), DomainID: "default",
		DefaultProjectID: res.ProjectID, Enabled: true, Password: "other-user-password-1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = openstack.DeleteUser(context.Background(), dst.Identity, other.ID) })

	if err := openstack.Delete(ctx, dst.Network, openstack.FloatingIPs, fip.ID); err != nil {
		t.Fatal(err)
	}
	if err := replication.TeardownCopy(ctx, dst, res.ProjectID, 4, guard); err != nil {
		t.Fatalf("TeardownCopy of a clean copy: %v", err)
	}
	if _, err := openstack.GetProject(ctx, dst.Identity, res.ProjectID); !openstack.IsNotFound(err) {
		t.Fatalf("the project is still there after TeardownCopy: %v", err)
	}
	if _, err := openstack.GetUser(ctx, dst.Identity, res.Credentials.UserID); !openstack.IsNotFound(err) {
		t.Fatalf("the migration's user is still there: %v", err)
	}
	if _, err := openstack.GetUser(ctx, dst.Identity, other.ID); err != nil {
		t.Fatalf("another user of the project was deleted: %v", err)
	}
	// Run again: the project is gone, nothing to do.
	if err := replication.TeardownCopy(ctx, dst, res.ProjectID, 4, guard); err != nil {
		t.Fatalf("TeardownCopy again: %v", err)
	}
}
