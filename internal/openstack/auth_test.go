package openstack

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAuthOptionsFromCloudsYAML(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "clouds.yaml")
	yaml := `clouds:
  one:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: alice
      password: secret
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionTwo
`
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OS_CLIENT_CONFIG_FILE", file)
	ao, region, _, err := authOptions(Config{Cloud: "one"})
	if err != nil {
		t.Fatal(err)
	}
	if ao.IdentityEndpoint != "http://127.0.0.1:5000/v3" || ao.Username != "alice" || ao.Password != "secret" || region != "RegionTwo" {
		t.Fatalf("got %+v region %q", ao, region)
	}
	if _, _, _, err := authOptions(Config{Cloud: "missing"}); err == nil {
		t.Fatal("an unknown cloud entry must be an error")
	}
}

func TestAuthOptionsFromEnvironment(t *testing.T) {
	for k, v := range map[string]string{
		"OS_AUTH_URL": "http://127.0.0.1:5000/v3", "OS_USERNAME": "bob", "OS_PASSWORD": "pw",
		"OS_PROJECT_NAME": "demo", "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default",
		"OS_REGION_NAME": "RegionOne",
	} {
		t.Setenv(k, v)
	}
	ao, region, _, err := authOptions(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if ao.Username != "bob" || ao.IdentityEndpoint != "http://127.0.0.1:5000/v3" || region != "RegionOne" {
		t.Fatalf("got %+v region %q", ao, region)
	}
}

func TestAuthOptionsExplicit(t *testing.T) {
	ao, region, _, err := authOptions(Config{AuthURL: "http://k:5000/v3", Username: "u", Password: "p", ProjectName: "x", Region: "R"})
	if err != nil {
		t.Fatal(err)
	}
	if ao.DomainName != "Default" || ao.Scope.ProjectName != "x" || ao.Scope.DomainName != "Default" || region != "R" {
		t.Fatalf("got %+v scope %+v", ao, ao.Scope)
	}
	if _, _, _, err := authOptions(Config{AuthURL: "http://k", CACertFile: "/nonexistent"}); err == nil {
		t.Fatal("a missing CA file must be an error")
	}
}
