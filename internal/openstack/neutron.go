package openstack

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gophercloud/gophercloud/v2"
)

// Resource names a Neutron collection: its URL path and the JSON keys of one object and of a list.
type Resource struct {
	Path, Plural, Singular string
}

var (
	Networks           = Resource{"networks", "networks", "network"}
	Subnets            = Resource{"subnets", "subnets", "subnet"}
	Routers            = Resource{"routers", "routers", "router"}
	Ports              = Resource{"ports", "ports", "port"}
	SecurityGroups     = Resource{"security-groups", "security_groups", "security_group"}
	SecurityGroupRules = Resource{"security-group-rules", "security_group_rules", "security_group_rule"}
	// AddressGroups take no bulk create (Zed answers a bulk with an internal error): one call each.
	AddressGroups = Resource{"address-groups", "address_groups", "address_group"}
)

// List reads a whole collection with one call (following Neutron's pagination links if the server
// paginates), filtered by query.
func List[T any](ctx context.Context, c *gophercloud.ServiceClient, r Resource, query url.Values) ([]T, error) {
	next := c.ServiceURL(r.Path)
	if len(query) > 0 {
		next += "?" + query.Encode()
	}
	var all []T
	for next != "" {
		var page envelope
		if _, err := c.Get(ctx, next, &page, nil); err != nil {
			return nil, apiError(err)
		}
		var items []T
		if err := page.decode(r.Plural, &items); err != nil {
			return nil, err
		}
		all = append(all, items...)
		next = page.nextLink(r.Plural + "_links")
	}
	return all, nil
}

// BulkCreate creates all items in one call (Neutron creates them in one transaction: all or none), and
// returns them in order.
func BulkCreate[T any](ctx context.Context, c *gophercloud.ServiceClient, r Resource, items []T) ([]T, error) {
	if len(items) == 0 {
		return nil, nil
	}
	var resp envelope
	_, err := c.Post(ctx, c.ServiceURL(r.Path), map[string]any{r.Plural: items}, &resp, &gophercloud.RequestOpts{OkCodes: []int{http.StatusCreated}})
	if err != nil {
		return nil, apiError(err)
	}
	var created []T
	return created, resp.decode(r.Plural, &created)
}

// Create creates one object from body (any value that marshals to the object's fields).
func Create[T any](ctx context.Context, c *gophercloud.ServiceClient, r Resource, body any) (T, error) {
	var resp envelope
	var created T
	_, err := c.Post(ctx, c.ServiceURL(r.Path), map[string]any{r.Singular: body}, &resp, &gophercloud.RequestOpts{OkCodes: []int{http.StatusCreated}})
	if err != nil {
		return created, apiError(err)
	}
	return created, resp.decode(r.Singular, &created)
}

// Update changes the fields given in body.
func Update[T any](ctx context.Context, c *gophercloud.ServiceClient, r Resource, id string, body any) (T, error) {
	var resp envelope
	var updated T
	if _, err := c.Put(ctx, c.ServiceURL(r.Path, id), map[string]any{r.Singular: body}, &resp, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}}); err != nil {
		return updated, apiError(err)
	}
	return updated, resp.decode(r.Singular, &updated)
}

// Delete deletes one object; an object already gone is not an error.
func Delete(ctx context.Context, c *gophercloud.ServiceClient, r Resource, id string) error {
	_, err := c.Delete(ctx, c.ServiceURL(r.Path, id), nil)
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return apiError(err)
	}
	return nil
}

// AddRouterInterface attaches a router to a subnet (at the subnet's gateway IP) or to a port (at the
// port's IP), and returns the interface's port id.
func AddRouterInterface(ctx context.Context, c *gophercloud.ServiceClient, routerID, subnetID, portID string) (string, error) {
	body := map[string]string{}
	if portID != "" {
		body["port_id"] = portID
	} else {
		body["subnet_id"] = subnetID
	}
	var resp struct {
		PortID string `json:"port_id"`
	}
	if _, err := c.Put(ctx, c.ServiceURL("routers", routerID, "add_router_interface"), body, &resp, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}}); err != nil {
		return "", apiError(err)
	}
	return resp.PortID, nil
}

// RemoveRouterInterface detaches a router from the port of one interface. Neutron refuses while a static
// route still uses the interface's subnet: remove routes first.
func RemoveRouterInterface(ctx context.Context, c *gophercloud.ServiceClient, routerID, portID string) error {
	_, err := c.Put(ctx, c.ServiceURL("routers", routerID, "remove_router_interface"), map[string]string{"port_id": portID}, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return apiError(err)
	}
	return nil
}

// NetworkQuotas reads a project's Neutron quotas (network, subnet, port, router, security_group, ...).
func NetworkQuotas(ctx context.Context, c *gophercloud.ServiceClient, projectID string) (map[string]int, error) {
	var resp struct {
		Quota map[string]int `json:"quota"`
	}
	if _, err := c.Get(ctx, c.ServiceURL("quotas", projectID), &resp, nil); err != nil {
		return nil, apiError(err)
	}
	return resp.Quota, nil
}

// SetNetworkQuotas sets the given Neutron quotas of a project.
func SetNetworkQuotas(ctx context.Context, c *gophercloud.ServiceClient, projectID string, quotas map[string]int) error {
	_, err := c.Put(ctx, c.ServiceURL("quotas", projectID), map[string]any{"quota": quotas}, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	return apiError(err)
}

// DeleteNetworkQuotas resets a project's Neutron quotas to the defaults.
func DeleteNetworkQuotas(ctx context.Context, c *gophercloud.ServiceClient, projectID string) error {
	_, err := c.Delete(ctx, c.ServiceURL("quotas", projectID), nil)
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return apiError(err)
	}
	return nil
}

// SetTags replaces the tags of one object (Neutron's standard-attr-tag extension).
func SetTags(ctx context.Context, c *gophercloud.ServiceClient, r Resource, id string, tags []string) error {
	_, err := c.Put(ctx, c.ServiceURL(r.Path, id, "tags"), map[string]any{"tags": tags}, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	return apiError(err)
}

// HasExtension reports whether Neutron offers the extension with the given alias.
func HasExtension(ctx context.Context, c *gophercloud.ServiceClient, alias string) (bool, error) {
	_, err := c.Get(ctx, c.ServiceURL("extensions", alias), nil, nil)
	if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return false, nil
	}
	return err == nil, apiError(err)
}

// ChangeAddresses adds addresses to an address group (add) or removes them from it (Neutron's
// add_addresses and remove_addresses: an address group's addresses cannot be set by an update).
func ChangeAddresses(ctx context.Context, c *gophercloud.ServiceClient, addressGroupID string, add bool, addresses []string) error {
	action := "remove_addresses"
	if add {
		action = "add_addresses"
	}
	_, err := c.Put(ctx, c.ServiceURL("address-groups", addressGroupID, action), map[string]any{"addresses": addresses}, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	return apiError(err)
}

// RemoveRouterSubnet detaches a router from one subnet: Neutron takes the subnet's address off the
// interface port, and deletes the port when it was its last. Neutron refuses while a static route's
// next hop is on the subnet: change the routes first.
func RemoveRouterSubnet(ctx context.Context, c *gophercloud.ServiceClient, routerID, subnetID string) error {
	_, err := c.Put(ctx, c.ServiceURL("routers", routerID, "remove_router_interface"), map[string]string{"subnet_id": subnetID}, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return apiError(err)
	}
	return nil
}
