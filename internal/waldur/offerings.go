package waldur

import (
	"context"
	"net/url"
	"strings"
)

const offeringsPath = "marketplace-public-offerings/"

// OfferingTypeTenant is the type of offerings that provide OpenStack tenants.
const OfferingTypeTenant = "OpenStack.Tenant"

// Offering is a public marketplace offering. For OpenStack.Tenant offerings, the scope is the service
// settings (the cloud and region) that new tenants are created in.
type Offering struct {
	UUID          string        `json:"uuid"`
	URL           string        `json:"url"`
	Name          string        `json:"name"`
	Type          string        `json:"type"`
	State         string        `json:"state"`
	Shared        bool          `json:"shared"`
	CustomerUUID  string        `json:"customer_uuid"`
	CustomerName  string        `json:"customer_name"`
	ScopeUUID     string        `json:"scope_uuid"`
	ScopeName     string        `json:"scope_name"`
	PluginOptions PluginOptions `json:"plugin_options"`
	Plans         []Plan        `json:"plans"`
}

// PluginOptions are the OpenStack options of an offering that matter to a migration.
type PluginOptions struct {
	StorageMode  string `json:"storage_mode"`
	MaxInstances int    `json:"max_instances"`
}

// Plan is a billing plan of an offering. IsActive is false when the plan is archived or at its
// MaxAmount of resources: Waldur then refuses new resources on it.
type Plan struct {
	UUID           string `json:"uuid"`
	URL            string `json:"url"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	Archived       bool   `json:"archived"`
	IsActive       bool   `json:"is_active"`
	MaxAmount      *int   `json:"max_amount"`
	ResourcesCount int    `json:"resources_count"`
}

// OfferingFilter narrows ListOfferings; empty fields do not filter. Name matches a substring
// (case-insensitive), NameExact the whole name.
type OfferingFilter struct {
	Type      string
	Name      string
	NameExact string
	ScopeUUID string
	State     []string
}

// ListOfferings lists the public offerings the token's user may order from.
func (c *Client) ListOfferings(ctx context.Context, f OfferingFilter) ([]Offering, error) {
	q := filterQuery(url.Values{})
	q.set("type", f.Type)
	q.set("name", f.Name)
	q.set("name_exact", f.NameExact)
	q.set("scope_uuid", f.ScopeUUID)
	q.add("state", f.State...)
	return listAll[Offering](ctx, c, offeringsPath, url.Values(q))
}

// GetOffering reads one public offering.
func (c *Client) GetOffering(ctx context.Context, uuid string) (*Offering, error) {
	if err := requireUUID("offering", uuid); err != nil {
		return nil, err
	}
	var o Offering
	if err := c.getJSON(ctx, detailPath(offeringsPath, uuid), &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// ListOfferingPlans lists the plans of an offering that the token's user may use.
func (c *Client) ListOfferingPlans(ctx context.Context, offeringUUID string) ([]Plan, error) {
	if err := requireUUID("offering", offeringUUID); err != nil {
		return nil, err
	}
	return listAll[Plan](ctx, c, detailPath(offeringsPath, offeringUUID)+"plans/", nil)
}

// GetOfferingPlan reads one plan of an offering.
func (c *Client) GetOfferingPlan(ctx context.Context, offeringUUID, planUUID string) (*Plan, error) {
	if err := requireUUID("offering", offeringUUID); err != nil {
		return nil, err
	}
	if err := requireUUID("plan", planUUID); err != nil {
		return nil, err
	}
	var p Plan
	path := detailPath(offeringsPath, offeringUUID) + "plans/" + url.PathEscape(strings.TrimSpace(planUUID)) + "/"
	if err := c.getJSON(ctx, path, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

const volumeTypesPath = "openstack-volume-types/"

// VolumeType is a Cinder volume type as Waldur knows it, attached to service settings (a cloud).
type VolumeType struct {
	UUID        string `json:"uuid"`
	URL         string `json:"url"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// Settings is the URL of the service settings the type belongs to.
	Settings string `json:"settings"`
}

// SettingsUUID is the uuid of the service settings the type belongs to.
func (v VolumeType) SettingsUUID() string { return UUIDFromURL(v.Settings) }

// VolumeTypeFilter narrows ListVolumeTypes; empty fields do not filter. OfferingUUID selects the types
// of the offering's service settings; TenantUUID those available in a tenant.
type VolumeTypeFilter struct {
	Name         string
	NameExact    string
	OfferingUUID string
	SettingsUUID string
	TenantUUID   string
}

// ListVolumeTypes lists volume types.
func (c *Client) ListVolumeTypes(ctx context.Context, f VolumeTypeFilter) ([]VolumeType, error) {
	q := filterQuery(url.Values{})
	q.set("name", f.Name)
	q.set("name_exact", f.NameExact)
	q.set("offering_uuid", f.OfferingUUID)
	q.set("settings_uuid", f.SettingsUUID)
	q.set("tenant_uuid", f.TenantUUID)
	return listAll[VolumeType](ctx, c, volumeTypesPath, url.Values(q))
}

// GetVolumeType reads one volume type.
func (c *Client) GetVolumeType(ctx context.Context, uuid string) (*VolumeType, error) {
	if err := requireUUID("volume type", uuid); err != nil {
		return nil, err
	}
	var v VolumeType
	if err := c.getJSON(ctx, detailPath(volumeTypesPath, uuid), &v); err != nil {
		return nil, err
	}
	return &v, nil
}
