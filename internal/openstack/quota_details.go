package openstack

import (
	"context"

	"github.com/gophercloud/gophercloud/v2"
)

// QuotaDetail is one Neutron quota of a project with its usage: what exists, what requests in flight
// (or interrupted ones, until their reservation expires) have reserved, and the limit (-1: none).
type QuotaDetail struct {
	Used     int `json:"used"`
	Reserved int `json:"reserved"`
	Limit    int `json:"limit"`
}

// NetworkQuotaDetails reads a project's Neutron quotas with their usage (the quota-details extension),
// by resource ("network", "port", ...).
func NetworkQuotaDetails(ctx context.Context, c *gophercloud.ServiceClient, projectID string) (map[string]QuotaDetail, error) {
	var resp struct {
		Quota map[string]QuotaDetail `json:"quota"`
	}
	if _, err := c.Get(ctx, c.ServiceURL("quotas", projectID, "details"), &resp, nil); err != nil {
		return nil, apiError(err)
	}
	return resp.Quota, nil
}
