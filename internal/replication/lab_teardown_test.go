package replication_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

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

// TestLabTeardownForeignObjects: a destination holding what the migration did not make (a server, a
// volume it boots from, another volume, a floating IP) is refused without DeleteForeign
// (destroy_foreign_objects) and left as it was; with it, the teardown deletes them, servers first, and
// the project is verified empty in Nova, Cinder and Neutron and deleted. The destination is the second
// cloud, whose Nova finds its Cinder (the first cloud's RegionTwo Nova looks volumes up in RegionOne).
// The lab has no volume backend, so volumes stay "creating" (the boot volume is set available by an
// administrator) and no snapshot can be made; its Nova has no compute, so the server stays in BUILD,
// which is enough for Nova to list it and delete it.
func TestLabTeardownForeignObjects(t *testing.T) {
	testlab.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	src, dst := testlab.Connect(t, testlab.RegionOne), testlab.Connect(t, testlab.OtherCloudOne)
	if _, err := testlab.EnsureVolumeTypes(ctx, dst, testlab.VolumeTypeNames...); err != nil {
		t.Fatal(err)
	}
	tenant := seed(t, ctx, src)
	m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst,
		Target: replication.Target{Name: "foreign-" + testlab.Suffix()}}
	plan, res, err := m.Run(ctx, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
	}
	if err != nil {
		t.Fatal(err)
	}
	guard := replication.TeardownGuard{SourceProjectID: tenant.ProjectID, UserID: res.Credentials.UserID}

	// What a user of the new tenant makes there, with the migration user's own token.
	token, err := openstack.ProjectToken(ctx, dst.Identity, res.Credentials.UserID, res.Credentials.Password, res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	cinder := asProject(dst.BlockStorage, token, strings.Replace(dst.BlockStorage.Endpoint, dst.ProjectID, res.ProjectID, 1))
	nova := asProject(dst.Compute, token, dst.Compute.Endpoint)
	volume := func(name string) string {
		var out struct {
			Volume struct{ ID string } `json:"volume"`
		}
		if _, err := cinder.Post(ctx, cinder.ServiceURL("volumes"), map[string]any{"volume": map[string]any{"name": name, "size": 1}}, &out, nil); err != nil {
			t.Fatalf("creating volume %s: %v", name, err)
		}
		return out.Volume.ID
	}
	data := volume("data-" + testlab.Suffix())
	boot := volume("boot-" + testlab.Suffix())
	for _, action := range []map[string]any{{"os-reset_status": map[string]any{"status": "available"}}, {"os-set_bootable": map[string]any{"bootable": true}}} {
		if _, err := dst.BlockStorage.Post(ctx, dst.BlockStorage.ServiceURL("volumes", boot, "action"), action, nil, &gophercloud.RequestOpts{OkCodes: []int{200, 202}}); err != nil {
			t.Fatalf("volume action %v: %v", action, err)
		}
	}
	flavorName := "foreign-" + testlab.Suffix()
	var flavor struct {
		Flavor struct{ ID string } `json:"flavor"`
	}
	if _, err := dst.Compute.Post(ctx, dst.Compute.ServiceURL("flavors"), map[string]any{"flavor": map[string]any{"name": flavorName, "ram": 64, "vcpus": 1, "disk": 0}}, &flavor, &gophercloud.RequestOpts{OkCodes: []int{200}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = dst.Compute.Delete(context.Background(), dst.Compute.ServiceURL("flavors", flavor.Flavor.ID), nil)
	})
	serverName := "app-" + testlab.Suffix()
	var server struct {
		Server struct{ ID string } `json:"server"`
	}
	if _, err := nova.Post(ctx, nova.ServiceURL("servers"), map[string]any{"server": map[string]any{
		"name": serverName, "flavorRef": flavor.Flavor.ID, "networks": "none",
		"block_device_mapping_v2": []any{map[string]any{"source_type": "volume", "destination_type": "volume", "uuid": boot, "boot_index": 0}},
	}}, &server, &gophercloud.RequestOpts{OkCodes: []int{202}, MoreHeaders: map[string]string{"OpenStack-API-Version": "compute 2.37"}}); err != nil {
		t.Fatalf("creating a server: %v", err)
	}
	fip, err := openstack.Create[openstack.FloatingIP](ctx, dst.Network, openstack.FloatingIPs,
		map[string]any{"floating_network_id": plan.ExternalNetworkID, "project_id": res.ProjectID})
	if err != nil {
		t.Fatal(err)
	}

	// Without the opt-in: refused, naming each, and nothing deleted.
	err = replication.TeardownCopy(ctx, dst, res.ProjectID, 4, guard)
	for _, want := range []string{"1 server (" + serverName + ")", "2 volumes (", "1 floating IP (" + fip.FloatingIPAddress + ")", "destroy_foreign_objects = true"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("TeardownCopy of a destination with foreign objects: %v, want a refusal containing %q", err, want)
		}
	}
	if !errors.Is(err, replication.ErrTeardownRefused) {
		t.Fatalf("the refusal %v is not ErrTeardownRefused", err)
	}
	servers, err := openstack.ProjectServers(ctx, dst.Compute, res.ProjectID)
	if err != nil || len(servers) != 1 {
		t.Fatalf("after the refusal the project holds servers %v (%v), want the one", servers, err)
	}
	nets, err := openstack.List[openstack.Network](ctx, dst.Network, openstack.Networks, url.Values{"project_id": {res.ProjectID}})
	if err != nil || len(nets) != len(plan.Networks) {
		t.Fatalf("after the refusal the project holds %d networks (%v), want all %d", len(nets), err, len(plan.Networks))
	}

	// With it: everything goes, the foreign objects first, and the project is verified empty.
	guard.DeleteForeign = true
	var steps []string
	guard.Progress = func(p replication.Progress) { steps = append(steps, p.Step) }
	if err := replication.TeardownCopy(ctx, dst, res.ProjectID, 4, guard); err != nil {
		t.Fatalf("TeardownCopy with DeleteForeign: %v", err)
	}
	t.Logf("steps: %v", steps)
	if len(steps) < 4 || !strings.HasPrefix(steps[0], "deleting 1 server ("+serverName+")") || !strings.HasPrefix(steps[2], "deleting 2 volumes") {
		t.Errorf("steps %v: want the server deleted first, then the two volumes", steps)
	}
	if _, err := openstack.GetProject(ctx, dst.Identity, res.ProjectID); !openstack.IsNotFound(err) {
		t.Fatalf("the project is still there: %v", err)
	}
	for what, url := range map[string]string{
		"server": dst.Compute.ServiceURL("servers", server.Server.ID), "data volume": dst.BlockStorage.ServiceURL("volumes", data),
		"boot volume": dst.BlockStorage.ServiceURL("volumes", boot), "floating IP": dst.Network.ServiceURL("floatingips", fip.ID),
	} {
		if _, err := dst.Compute.Get(ctx, url, nil, nil); !gophercloud.ResponseCodeIs(err, 404) {
			t.Errorf("the %s is still there after the teardown: %v", what, err)
		}
	}
	if _, err := openstack.GetUser(ctx, dst.Identity, res.Credentials.UserID); !openstack.IsNotFound(err) {
		t.Fatalf("the migration's user is still there: %v", err)
	}
}

// asProject is a client of c's service at endpoint, over c's HTTP client, sending token instead of c's
// own: a user of the destination project acting in it.
func asProject(c *gophercloud.ServiceClient, token, endpoint string) *gophercloud.ServiceClient {
	pc := &gophercloud.ProviderClient{HTTPClient: c.HTTPClient, UserAgent: c.UserAgent}
	pc.SetToken(token)
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: endpoint, ResourceBase: c.ResourceBase, Type: c.Type}
}
