package waldur

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

const (
	resourcesPath = "marketplace-resources/"
	ordersPath    = "marketplace-orders/"
)

// Resource is a marketplace resource. For an OpenStack tenant, ResourceUUID is the tenant's uuid
// (openstack-tenants), and Limits holds its quotas as ordered: cores, ram, storage and the per-volume-type
// gigabytes_<type>.
type Resource struct {
	UUID         string         `json:"uuid"`
	URL          string         `json:"url"`
	Name         string         `json:"name"`
	Description  string         `json:"description"`
	State        ResourceState  `json:"state"`
	ResourceUUID string         `json:"resource_uuid"`
	ResourceType string         `json:"resource_type"`
	Scope        string         `json:"scope"`
	BackendID    string         `json:"backend_id"`
	OfferingUUID string         `json:"offering_uuid"`
	OfferingName string         `json:"offering_name"`
	OfferingType string         `json:"offering_type"`
	PlanUUID     string         `json:"plan_uuid"`
	PlanName     string         `json:"plan_name"`
	ProjectUUID  string         `json:"project_uuid"`
	ProjectName  string         `json:"project_name"`
	CustomerUUID string         `json:"customer_uuid"`
	Limits       map[string]int `json:"limits"`
	ErrorMessage string         `json:"error_message"`
	Created      time.Time      `json:"created"`
}

// ResourceFilter narrows ListResources; empty fields do not filter.
//
// ResourceUUID (the scope's uuid, e.g. the tenant's) is applied here, after listing: Waldur's resource
// list has no such filter and would silently ignore it, returning every resource.
type ResourceFilter struct {
	OfferingUUID string
	ProjectUUID  string
	PlanUUID     string
	Name         string
	NameExact    string
	BackendID    string
	State        []string
	ResourceUUID string
}

// GetResource reads one marketplace resource.
func (c *Client) GetResource(ctx context.Context, uuid string) (*Resource, error) {
	if err := requireUUID("marketplace resource", uuid); err != nil {
		return nil, err
	}
	var r Resource
	if err := c.getJSON(ctx, detailPath(resourcesPath, uuid), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ListResources lists marketplace resources the token's user consumes.
func (c *Client) ListResources(ctx context.Context, f ResourceFilter) ([]Resource, error) {
	q := filterQuery(url.Values{})
	q.set("offering_uuid", f.OfferingUUID)
	q.set("project_uuid", f.ProjectUUID)
	q.set("plan_uuid", f.PlanUUID)
	q.set("name", f.Name)
	q.set("name_exact", f.NameExact)
	q.set("backend_id", f.BackendID)
	q.add("state", f.State...)
	all, err := listAll[Resource](ctx, c, resourcesPath, url.Values(q))
	if err != nil || f.ResourceUUID == "" {
		return all, err
	}
	var out []Resource
	for _, r := range all {
		if SameUUID(r.ResourceUUID, f.ResourceUUID) {
			out = append(out, r)
		}
	}
	return out, nil
}

// TerminateResource asks Waldur to terminate a marketplace resource and returns the uuid of the order
// that does it; wait for it with WaitForOrder. attributes may be nil.
func (c *Client) TerminateResource(ctx context.Context, uuid string, attributes map[string]any) (string, error) {
	if err := requireUUID("marketplace resource", uuid); err != nil {
		return "", err
	}
	body := map[string]any{}
	if attributes != nil {
		body["attributes"] = attributes
	}
	var out struct {
		OrderUUID string `json:"order_uuid"`
	}
	if err := c.postJSON(ctx, detailPath(resourcesPath, uuid)+"terminate/", body, &out); err != nil {
		return "", err
	}
	if out.OrderUUID == "" {
		return "", errors.New("waldur: terminate answered without an order_uuid")
	}
	return out.OrderUUID, nil
}

// Order types.
const (
	OrderTypeCreate    = "Create"
	OrderTypeUpdate    = "Update"
	OrderTypeTerminate = "Terminate"
)

// Order is a marketplace order. MarketplaceResourceUUID is the marketplace resource it is for;
// ResourceUUID that resource's scope (e.g. the tenant).
type Order struct {
	UUID                    string         `json:"uuid"`
	URL                     string         `json:"url"`
	Type                    string         `json:"type"`
	State                   OrderState     `json:"state"`
	MarketplaceResourceUUID string         `json:"marketplace_resource_uuid"`
	ResourceUUID            string         `json:"resource_uuid"`
	ResourceName            string         `json:"resource_name"`
	OfferingUUID            string         `json:"offering_uuid"`
	PlanUUID                string         `json:"plan_uuid"`
	ProjectUUID             string         `json:"project_uuid"`
	Limits                  map[string]int `json:"limits"`
	ErrorMessage            string         `json:"error_message"`
	Created                 time.Time      `json:"created"`
	CompletedAt             *time.Time     `json:"completed_at"`
}

// GetOrder reads one order.
func (c *Client) GetOrder(ctx context.Context, uuid string) (*Order, error) {
	if err := requireUUID("order", uuid); err != nil {
		return nil, err
	}
	var o Order
	if err := c.getJSON(ctx, detailPath(ordersPath, uuid), &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// OrderFilter narrows ListOrders; empty fields do not filter. ResourceUUID is the marketplace resource's
// uuid (not the tenant's).
type OrderFilter struct {
	ResourceUUID string
	OfferingUUID string
	ProjectUUID  string
	Type         []string
	State        []string
}

// ListOrders lists marketplace orders.
func (c *Client) ListOrders(ctx context.Context, f OrderFilter) ([]Order, error) {
	q := filterQuery(url.Values{})
	q.set("resource_uuid", f.ResourceUUID)
	q.set("offering_uuid", f.OfferingUUID)
	q.set("project_uuid", f.ProjectUUID)
	q.add("type", f.Type...)
	q.add("state", f.State...)
	return listAll[Order](ctx, c, ordersPath, url.Values(q))
}

// ResourceForTenant returns the marketplace resource whose scope is the given tenant.
func (c *Client) ResourceForTenant(ctx context.Context, tenantUUID string) (*Resource, error) {
	t, err := c.GetTenant(ctx, tenantUUID)
	if err != nil {
		return nil, err
	}
	if t.MarketplaceResourceUUID == "" {
		return nil, fmt.Errorf("waldur: tenant %s has no marketplace resource", tenantUUID)
	}
	return c.GetResource(ctx, t.MarketplaceResourceUUID)
}
