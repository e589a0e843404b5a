package openstack

import (
	"context"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
)

// This file deletes what a project may hold beside the network objects a migration builds: Nova
// servers and Cinder volumes and snapshots, for a teardown told to delete them too
// (replication.TeardownGuard.DeleteForeign). Each delete only asks: the object goes away in the
// background, and the caller waits for the project's list to empty (ProjectServers, ProjectVolumes,
// ProjectSnapshots). An object already gone is not an error.

// DeleteServer asks Nova to delete a server (an administrator may delete any).
func DeleteServer(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
	return apiError(deleteIgnoringGone(ctx, c, c.ServiceURL("servers", id)))
}

// DeleteSnapshot asks Cinder to delete a volume snapshot.
func DeleteSnapshot(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
	return apiError(deleteIgnoringGone(ctx, c, c.ServiceURL("snapshots", id)))
}

// DeleteVolume asks Cinder to delete a volume. A volume Cinder will not delete as it is (400: its
// status is not one a plain delete accepts, such as one stuck creating, attaching or detaching) is
// force-deleted (os-force_delete, administrators only).
func DeleteVolume(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
	err := deleteIgnoringGone(ctx, c, c.ServiceURL("volumes", id))
	if !gophercloud.ResponseCodeIs(err, http.StatusBadRequest) {
		return apiError(err)
	}
	_, ferr := c.Post(ctx, c.ServiceURL("volumes", id, "action"), map[string]any{"os-force_delete": map[string]any{}}, nil,
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusAccepted}})
	if ferr != nil && !gophercloud.ResponseCodeIs(ferr, http.StatusNotFound) {
		return apiError(ferr)
	}
	return nil
}

// deleteIgnoringGone sends DELETE url; a 404 is success. Its error is gophercloud's, for the caller to
// test and wrap (apiError).
func deleteIgnoringGone(ctx context.Context, c *gophercloud.ServiceClient, url string) error {
	_, err := c.Delete(ctx, url, nil)
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return err
	}
	return nil
}
