package openstack

import (
	"os"
	"path/filepath"
	"strings"
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

// TestAuthOptionsExplicitNeedsAuthURL: credentials or TLS settings given without auth_url are an error
// naming them, not silently replaced by a clouds.yaml entry or the OS_* environment.
func TestAuthOptionsExplicitNeedsAuthURL(t *testing.T) {
	t.Setenv("OS_AUTH_URL", "http://127.0.0.1:5000/v3")
	t.Setenv("OS_USERNAME", "ambient-admin")
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Username: "u", Password: "p"}, "username, password given without auth_url"},
		{Config{Insecure: true}, "insecure given without auth_url"},
		{Config{CACertFile: "/etc/ca.pem", ProjectName: "x"}, "project_name, cacert_file given without auth_url"},
		{Config{Cloud: "one", Password: "p"}, `clouds.yaml entry "one"`},
	} {
		_, _, _, err := authOptions(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("authOptions(%+v): %v, want an error containing %q", tc.cfg, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "ambient-admin") {
			t.Errorf("the error names the environment's user: %v", err)
		}
	}
}
