package openstack

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gophercloud/gophercloud/v2"
)

// keystoneList reads one Keystone collection (Keystone does not paginate by default).
func keystoneList[T any](ctx context.Context, c *gophercloud.ServiceClient, path, key string, query url.Values) ([]T, error) {
	u := c.ServiceURL(path)
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var resp envelope
	if _, err := c.Get(ctx, u, &resp, nil); err != nil {
		return nil, apiError(err)
	}
	var items []T
	return items, resp.decode(key, &items)
}

func keystoneWrite[T any](ctx context.Context, c *gophercloud.ServiceClient, method, path, key string, body any) (T, error) {
	var resp envelope
	var out T
	opts := &gophercloud.RequestOpts{JSONBody: map[string]any{key: body}, JSONResponse: &resp, OkCodes: []int{http.StatusOK, http.StatusCreated}}
	if _, err := c.Request(ctx, method, c.ServiceURL(path), opts); err != nil {
		return out, apiError(err)
	}
	return out, resp.decode(key, &out)
}

// GetProject reads one project.
func GetProject(ctx context.Context, c *gophercloud.ServiceClient, id string) (Project, error) {
	var resp envelope
	var p Project
	if _, err := c.Get(ctx, c.ServiceURL("projects", id), &resp, nil); err != nil {
		return p, apiError(err)
	}
	return p, resp.decode("project", &p)
}

// FindProjects lists the projects matching query (name, domain_id, tags, ...).
func FindProjects(ctx context.Context, c *gophercloud.ServiceClient, query url.Values) ([]Project, error) {
	return keystoneList[Project](ctx, c, "projects", "projects", query)
}

// CreateProject creates a project.
func CreateProject(ctx context.Context, c *gophercloud.ServiceClient, p Project) (Project, error) {
	return keystoneWrite[Project](ctx, c, http.MethodPost, "projects", "project", p)
}

// DeleteProject deletes a project; a project already gone is not an error.
func DeleteProject(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
	return keystoneDelete(ctx, c, "projects", id)
}

// FindUsers lists the users matching query (name, domain_id, ...).
func FindUsers(ctx context.Context, c *gophercloud.ServiceClient, query url.Values) ([]User, error) {
	return keystoneList[User](ctx, c, "users", "users", query)
}

// GetUser reads one user.
func GetUser(ctx context.Context, c *gophercloud.ServiceClient, id string) (User, error) {
	var resp envelope
	var u User
	if _, err := c.Get(ctx, c.ServiceURL("users", id), &resp, nil); err != nil {
		return u, apiError(err)
	}
	return u, resp.decode("user", &u)
}

// CreateUser creates a user.
func CreateUser(ctx context.Context, c *gophercloud.ServiceClient, u User) (User, error) {
	return keystoneWrite[User](ctx, c, http.MethodPost, "users", "user", u)
}

// SetUserPassword replaces a user's password (as an administrator, without the old one).
func SetUserPassword(ctx context.Context, c *gophercloud.ServiceClient, id, password string) error {
	_, err := keystoneWrite[User](ctx, c, http.MethodPatch, "users/"+id, "user", map[string]string{"password": password})
	return err
}

// DeleteUser deletes a user; a user already gone is not an error.
func DeleteUser(ctx context.Context, c *gophercloud.ServiceClient, id string) error {
	return keystoneDelete(ctx, c, "users", id)
}

// RoleID finds a role by name.
func RoleID(ctx context.Context, c *gophercloud.ServiceClient, name string) (string, error) {
	roles, err := keystoneList[struct {
		ID string `json:"id"`
	}](ctx, c, "roles", "roles", url.Values{"name": {name}})
	if err != nil || len(roles) == 0 {
		return "", err
	}
	return roles[0].ID, nil
}

// AssignProjectRole gives a user a role on a project (idempotent in Keystone).
func AssignProjectRole(ctx context.Context, c *gophercloud.ServiceClient, projectID, userID, roleID string) error {
	_, err := c.Put(ctx, c.ServiceURL("projects", projectID, "users", userID, "roles", roleID), nil, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusNoContent}})
	return apiError(err)
}

// ProjectUserIDs lists the ids of users with a role on a project, directly assigned.
func ProjectUserIDs(ctx context.Context, c *gophercloud.ServiceClient, projectID string) ([]string, error) {
	type assignment struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	list, err := keystoneList[assignment](ctx, c, "role_assignments", "role_assignments", url.Values{"scope.project.id": {projectID}})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var ids []string
	for _, a := range list {
		if a.User.ID != "" && !seen[a.User.ID] {
			seen[a.User.ID] = true
			ids = append(ids, a.User.ID)
		}
	}
	return ids, nil
}

func keystoneDelete(ctx context.Context, c *gophercloud.ServiceClient, path, id string) error {
	_, err := c.Delete(ctx, c.ServiceURL(path, id), nil)
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return apiError(err)
	}
	return nil
}
