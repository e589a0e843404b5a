package openstack

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
)

// ComputeQuotaKeys are the Nova quotas of a project that are tenant data. Nova's quota set also shows
// network-related keys proxied to Neutron (deprecated since microversion 2.36); those are Neutron's to copy.
var ComputeQuotaKeys = []string{
	"cores", "ram", "instances", "key_pairs", "metadata_items", "server_groups", "server_group_members",
	"injected_files", "injected_file_content_bytes", "injected_file_path_bytes",
}

// ComputeQuotas reads a project's Nova quota set, limited to ComputeQuotaKeys.
func ComputeQuotas(ctx context.Context, c *gophercloud.ServiceClient, projectID string) (map[string]int, error) {
	all, err := quotaSet(ctx, c, projectID)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, k := range ComputeQuotaKeys {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

// SetComputeQuotas sets Nova quotas of a project.
func SetComputeQuotas(ctx context.Context, c *gophercloud.ServiceClient, projectID string, quotas map[string]int) error {
	return setQuotaSet(ctx, c, projectID, quotas)
}

// VolumeQuotas reads a project's Cinder quota set: volumes, snapshots, gigabytes, backups, ... and the
// per-volume-type keys gigabytes_<type>, volumes_<type>, snapshots_<type>.
func VolumeQuotas(ctx context.Context, c *gophercloud.ServiceClient, projectID string) (map[string]int, error) {
	return quotaSet(ctx, c, projectID)
}

// SetVolumeQuotas sets Cinder quotas of a project. Cinder rejects a per-type key for a type that does
// not exist in the region ("Bad key(s) in quota set").
func SetVolumeQuotas(ctx context.Context, c *gophercloud.ServiceClient, projectID string, quotas map[string]int) error {
	return setQuotaSet(ctx, c, projectID, quotas)
}

// quotaSet reads an os-quota-sets document (Nova and Cinder share the shape), keeping the numeric keys.
func quotaSet(ctx context.Context, c *gophercloud.ServiceClient, projectID string) (map[string]int, error) {
	var resp struct {
		QuotaSet map[string]json.RawMessage `json:"quota_set"`
	}
	if _, err := c.Get(ctx, c.ServiceURL("os-quota-sets", projectID), &resp, nil); err != nil {
		return nil, apiError(err)
	}
	out := map[string]int{}
	for k, raw := range resp.QuotaSet {
		var n int
		if json.Unmarshal(raw, &n) == nil {
			out[k] = n
		}
	}
	return out, nil
}

func setQuotaSet(ctx context.Context, c *gophercloud.ServiceClient, projectID string, quotas map[string]int) error {
	if len(quotas) == 0 {
		return nil
	}
	_, err := c.Put(ctx, c.ServiceURL("os-quota-sets", projectID), map[string]any{"quota_set": quotas}, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	return apiError(err)
}

// VolumeTypes lists every volume type of the region, public and private (as an administrator).
func VolumeTypes(ctx context.Context, c *gophercloud.ServiceClient) ([]VolumeType, error) {
	var resp struct {
		Types []VolumeType `json:"volume_types"`
	}
	if _, err := c.Get(ctx, c.ServiceURL("types")+"?is_public=None", &resp, nil); err != nil {
		return nil, apiError(err)
	}
	return resp.Types, nil
}

// CreateVolumeType creates a public volume type.
func CreateVolumeType(ctx context.Context, c *gophercloud.ServiceClient, name, description string) (VolumeType, error) {
	var resp struct {
		Type VolumeType `json:"volume_type"`
	}
	body := map[string]any{"volume_type": map[string]any{"name": name, "description": description, "os-volume-type-access:is_public": true}}
	_, err := c.Post(ctx, c.ServiceURL("types"), body, &resp, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	return resp.Type, apiError(err)
}

// DeleteVolumeType deletes a volume type; one already gone is not an error.
func DeleteVolumeType(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
	_, err := c.Delete(ctx, c.ServiceURL("types", id), nil)
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return apiError(err)
	}
	return nil
}

// DeleteQuotaSet resets a project's Nova or Cinder quotas to the defaults.
func DeleteQuotaSet(ctx context.Context, c *gophercloud.ServiceClient, projectID string) error {
	_, err := c.Delete(ctx, c.ServiceURL("os-quota-sets", projectID), &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK, http.StatusAccepted, http.StatusNoContent}})
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return apiError(err)
	}
	return nil
}
