package replication

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// ensureProject finds the project an earlier run of this migration made (Options.ProjectID, or by its
// name, tagged with the source project) or creates it. A project of that name that is not such a copy is
// never taken over.
func (e *execution) ensureProject(ctx context.Context) error {
	tag := SourceTag(e.plan.SourceProjectID)
	if id := e.opts.ProjectID; id != "" {
		p, err := openstack.GetProject(ctx, e.dst.Identity, id)
		if err != nil {
			return fmt.Errorf("reading destination project %s: %w", id, err)
		}
		if !slices.Contains(p.Tags, tag) {
			return fmt.Errorf("destination project %s (%q) is not a copy of source project %s", id, p.Name, e.plan.SourceProjectID)
		}
		e.res.ProjectID = p.ID
		e.res.Adopted["project"]++
		e.progress("project", "project", 0, 1, 1)
		return nil
	}
	found, err := openstack.FindProjects(ctx, e.dst.Identity, url.Values{"name": {e.plan.Project.Name}, "domain_id": {e.opts.DomainID}})
	if err != nil {
		return fmt.Errorf("looking for project %q: %w", e.plan.Project.Name, err)
	}
	if len(found) > 0 {
		if !slices.Contains(found[0].Tags, tag) {
			return fmt.Errorf("a project named %q already exists in the destination (id %s) and is not a copy of source project %s: choose another name", e.plan.Project.Name, found[0].ID, e.plan.SourceProjectID)
		}
		e.res.ProjectID = found[0].ID
		e.res.Adopted["project"]++
		e.progress("project", "project", 0, 1, 1)
		return nil
	}
	p, err := openstack.CreateProject(ctx, e.dst.Identity, openstack.Project{
		Name: e.plan.Project.Name, Description: e.plan.Project.Description, DomainID: e.opts.DomainID,
		Enabled: true, Tags: []string{tag},
	})
	if err != nil {
		return fmt.Errorf("creating project %q: %w", e.plan.Project.Name, err)
	}
	e.res.ProjectID, e.fresh = p.ID, true
	e.res.Created["project"]++
	e.progress("project", "project", 1, 0, 1)
	return nil
}

// ensureUser finds the user an earlier run made for this project (name prefix + default project) or
// creates one with fresh credentials, and gives it the member role. A found user keeps the password of
// opts.Previous when that names it; otherwise it gets a new one, since no password can be read back.
// A project this run created has no such user yet: no lookup then.
func (e *execution) ensureUser(ctx context.Context) error {
	c := e.dst.Identity
	prefix := usernamePrefix(e.plan.Project.Name)
	var users []openstack.User
	if !e.fresh {
		var err error
		if users, err = openstack.FindUsers(ctx, c, url.Values{"domain_id": {e.opts.DomainID}, "name__startswith": {prefix}}); err != nil {
			return err
		}
	}
	var user *openstack.User
	for _, u := range users {
		if u.DefaultProjectID == e.res.ProjectID && len(u.Name) == len(prefix)+6 {
			user = &u
			break
		}
	}
	creds := Credentials{}
	switch {
	case user != nil && e.opts.Previous != nil && e.opts.Previous.UserID == user.ID && e.opts.Previous.Password != "":
		creds = *e.opts.Previous
		e.count("user", false)
	case user != nil:
		password, err := newPassword()
		if err != nil {
			return err
		}
		if err := openstack.SetUserPassword(ctx, c, user.ID, password); err != nil {
			return fmt.Errorf("resetting the password of user %q: %w", user.Name, err)
		}
		creds = Credentials{UserID: user.ID, Username: user.Name, Password: password}
		e.count("user", false)
	default:
		name, err := newUsername(e.plan.Project.Name)
		if err != nil {
			return err
		}
		password, err := newPassword()
		if err != nil {
			return err
		}
		u, err := openstack.CreateUser(ctx, c, openstack.User{
			Name: name, Password: password, DomainID: e.opts.DomainID, DefaultProjectID: e.res.ProjectID, Enabled: true,
			Description: "Created by waldur_openstack_migration for project " + e.plan.Project.Name,
		})
		if err != nil {
			return fmt.Errorf("creating user %q: %w", name, err)
		}
		creds = Credentials{UserID: u.ID, Username: name, Password: password}
		e.count("user", true)
	}
	if user != nil {
		// An adopted user normally has its role already; ask before writing, so a re-run writes nothing.
		members, err := openstack.ProjectUserIDs(ctx, c, e.res.ProjectID)
		if err != nil {
			return err
		}
		if slices.Contains(members, user.ID) {
			e.setCredentials(creds)
			return nil
		}
	}
	roleID, err := openstack.RoleID(ctx, c, e.opts.MemberRole)
	if err != nil {
		return err
	}
	if roleID == "" {
		return fmt.Errorf("the destination has no role named %q", e.opts.MemberRole)
	}
	if err := openstack.AssignProjectRole(ctx, c, e.res.ProjectID, creds.UserID, roleID); err != nil {
		return fmt.Errorf("giving user %q the %s role: %w", creds.Username, e.opts.MemberRole, err)
	}
	e.setCredentials(creds)
	return nil
}

func (e *execution) setCredentials(creds Credentials) {
	e.mu.Lock()
	e.res.Credentials = creds
	created, adopted := e.res.Created["user"], e.res.Adopted["user"]
	e.mu.Unlock()
	e.progress("user", "user", created, adopted, 1)
}
