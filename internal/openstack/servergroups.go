package openstack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gophercloud/gophercloud/v2"
)

// ServerGroup is a Nova server group. From microversion 2.64 Nova shows one Policy and its Rules
// (max_server_per_host, for anti-affinity); before, a list of Policies (one element) and no rules.
// ServerGroupPolicy reads either.
type ServerGroup struct {
	ID        string         `json:"id,omitempty"`
	Name      string         `json:"name"`
	Policy    string         `json:"policy,omitempty"`
	Policies  []string       `json:"policies,omitempty"`
	Rules     map[string]int `json:"rules,omitempty"`
	ProjectID string         `json:"project_id,omitempty"`
	Members   []string       `json:"members,omitempty"`
}

// PolicyName is the group's policy, whichever microversion it was read with.
func (g ServerGroup) PolicyName() string {
	if g.Policy != "" {
		return g.Policy
	}
	if len(g.Policies) > 0 {
		return g.Policies[0]
	}
	return ""
}

// The microversions server groups are read and written with: 2.64 has policy and rules; 2.15 (soft
// policies, and project_id shown since 2.13) is the fallback for a Nova older than 2.64.
const (
	serverGroupRulesVersion = "2.64"
	serverGroupOldVersion   = "2.15"
)

// ErrNoServerGroupRules is returned by CreateServerGroup when the group has rules and the Nova is older
// than microversion 2.64, which has them: the group is created without its rules.
var ErrNoServerGroupRules = errors.New("the destination Nova is older than microversion 2.64: server group rules are not supported")

func novaVersion(v string) *gophercloud.RequestOpts {
	return &gophercloud.RequestOpts{MoreHeaders: map[string]string{
		"OpenStack-API-Version": "compute " + v, "X-OpenStack-Nova-API-Version": v,
	}}
}

// ListServerGroups lists the server groups of a project (admin: all_projects, filtered here; Nova has
// no project filter), following Nova's limit/offset pages: one call up to 1000 groups in the cloud.
func ListServerGroups(ctx context.Context, c *gophercloud.ServiceClient, projectID string) ([]ServerGroup, error) {
	version := serverGroupRulesVersion
	var out []ServerGroup
	const page = 1000
	for offset := 0; ; {
		q := url.Values{"all_projects": {"True"}, "limit": {strconv.Itoa(page)}, "offset": {strconv.Itoa(offset)}}
		var resp struct {
			ServerGroups []ServerGroup `json:"server_groups"`
		}
		_, err := c.Get(ctx, c.ServiceURL("os-server-groups")+"?"+q.Encode(), &resp, novaVersion(version))
		if gophercloud.ResponseCodeIs(err, http.StatusNotAcceptable) && version == serverGroupRulesVersion {
			version = serverGroupOldVersion
			continue
		}
		if err != nil {
			return nil, apiError(err)
		}
		for _, g := range resp.ServerGroups {
			if g.ProjectID == projectID {
				out = append(out, g)
			}
		}
		if len(resp.ServerGroups) < page {
			return out, nil
		}
		offset += page
	}
}

// CreateServerGroup creates a server group in the project token is scoped to (Nova creates server
// groups in the caller's project only: an administrator cannot name another one), through c's endpoint
// and HTTP client. On a Nova older than 2.64 the group is created with policies and without rules, and
// when it had rules the error wraps ErrNoServerGroupRules (the group exists).
func CreateServerGroup(ctx context.Context, c *gophercloud.ServiceClient, token string, g ServerGroup) (ServerGroup, error) {
	sc := asToken(c, token)
	body := map[string]any{"name": g.Name, "policy": g.PolicyName()}
	if len(g.Rules) > 0 {
		body["rules"] = g.Rules
	}
	var resp struct {
		ServerGroup ServerGroup `json:"server_group"`
	}
	ok := []int{http.StatusOK, http.StatusCreated}
	opts := novaVersion(serverGroupRulesVersion)
	opts.OkCodes = ok
	_, err := sc.Post(ctx, sc.ServiceURL("os-server-groups"), map[string]any{"server_group": body}, &resp, opts)
	if !gophercloud.ResponseCodeIs(err, http.StatusNotAcceptable) {
		return resp.ServerGroup, apiError(err)
	}
	old := novaVersion(serverGroupOldVersion)
	old.OkCodes = ok
	_, err = sc.Post(ctx, sc.ServiceURL("os-server-groups"), map[string]any{"server_group": map[string]any{
		"name": g.Name, "policies": []string{g.PolicyName()},
	}}, &resp, old)
	if err == nil && len(g.Rules) > 0 {
		return resp.ServerGroup, ErrNoServerGroupRules
	}
	return resp.ServerGroup, apiError(err)
}

// DeleteServerGroup deletes a server group (an administrator may delete any); one already gone is not
// an error.
func DeleteServerGroup(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
	_, err := c.Delete(ctx, c.ServiceURL("os-server-groups", id), nil)
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return apiError(err)
	}
	return nil
}

// ProjectToken asks Keystone (through identity's endpoint and HTTP client) for a token of user scoped
// to projectID, with the user's password: for the calls that act only in the caller's own project.
// The token is a secret: never log it.
func ProjectToken(ctx context.Context, identity *gophercloud.ServiceClient, userID, password, projectID string) (string, error) {
	sc := asToken(identity, "")
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"id": userID, "password": password},
		}},
		"scope": map[string]any{"project": map[string]any{"id": projectID}},
	}}
	resp, err := sc.Post(ctx, sc.ServiceURL("auth", "tokens"), body, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusCreated}})
	if err != nil {
		return "", fmt.Errorf("authenticating user %s in project %s: %w", userID, projectID, apiError(err))
	}
	token := resp.Header.Get("X-Subject-Token")
	if token == "" {
		return "", fmt.Errorf("authenticating user %s in project %s: Keystone returned no token", userID, projectID)
	}
	return token, nil
}

// asToken is a client for c's endpoint over c's HTTP client (its retries and counting) that sends
// token ("" for none) instead of c's own, and never re-authenticates.
func asToken(c *gophercloud.ServiceClient, token string) *gophercloud.ServiceClient {
	pc := &gophercloud.ProviderClient{HTTPClient: c.HTTPClient, UserAgent: c.UserAgent}
	if token != "" {
		pc.SetToken(token)
	}
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: c.Endpoint, ResourceBase: c.ResourceBase, Type: c.Type}
}
