package openstack

import (
	"context"
	"net/url"

	"github.com/gophercloud/gophercloud/v2"
)

// What a project holds besides what a migration builds: Nova servers, Cinder volumes and snapshots, and
// Neutron floating IPs. A teardown looks for them before it deletes anything (replication.CheckTeardown).

// Owned is one object of a project, named for messages.
type Owned struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// FloatingIP is a Neutron floating IP. As a create body it carries only the fields set (an admin may
// name the address, floating_ip_address, and the project).
type FloatingIP struct {
	ID                string   `json:"id,omitempty"`
	FloatingIPAddress string   `json:"floating_ip_address,omitempty"`
	FloatingNetworkID string   `json:"floating_network_id,omitempty"`
	PortID            string   `json:"port_id,omitempty"`
	FixedIPAddress    string   `json:"fixed_ip_address,omitempty"`
	ProjectID         string   `json:"project_id,omitempty"`
	Description       string   `json:"description,omitempty"`
	RouterID          string   `json:"router_id,omitempty"`
	Status            string   `json:"status,omitempty"`
	Tags              []string `json:"tags,omitempty"`
}

// FloatingIPs is the Neutron floating IP resource.
var FloatingIPs = Resource{"floatingips", "floatingips", "floatingip"}

// ProjectServers lists the Nova servers of a project (admin: all_tenants).
func ProjectServers(ctx context.Context, c *gophercloud.ServiceClient, projectID string) ([]Owned, error) {
	return ownedList(ctx, c, "servers", "servers", projectID)
}

// ProjectVolumes lists the Cinder volumes of a project (admin: all_tenants).
func ProjectVolumes(ctx context.Context, c *gophercloud.ServiceClient, projectID string) ([]Owned, error) {
	return ownedList(ctx, c, "volumes", "volumes", projectID)
}

// ProjectSnapshots lists the Cinder snapshots of a project (admin: all_tenants).
func ProjectSnapshots(ctx context.Context, c *gophercloud.ServiceClient, projectID string) ([]Owned, error) {
	return ownedList(ctx, c, "snapshots", "snapshots", projectID)
}

// ownedList reads one page of at most 1000 objects of a project: enough to name them in a message
// (a teardown refuses at the first).
func ownedList(ctx context.Context, c *gophercloud.ServiceClient, path, key, projectID string) ([]Owned, error) {
	q := url.Values{"all_tenants": {"1"}, "project_id": {projectID}, "limit": {"1000"}}
	var resp map[string][]Owned
	if _, err := c.Get(ctx, c.ServiceURL(path)+"?"+q.Encode(), &resp, nil); err != nil {
		return nil, apiError(err)
	}
	return resp[key], nil
}
