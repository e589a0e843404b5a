package testlab

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// The clouds.yaml entries the lab writes.
const (
	RegionOne     = "lab-RegionOne"
	RegionTwo     = "lab-RegionTwo"
	OtherCloudOne = "lab2-RegionOne"
)

// CloudsFile is the lab's clouds.yaml.
func CloudsFile() string {
	if f := os.Getenv("OS_CLIENT_CONFIG_FILE"); f != "" {
		return f
	}
	dir := os.Getenv("LAB_DIR")
	if dir == "" {
		dir = "/var/tmp/wom-lab"
	}
	return filepath.Join(dir, "clouds.yaml")
}

// Require skips t unless WOM_LAB=1, and then fails it (never skips) if the lab cannot be reached: `make
// test` sets WOM_LAB=1 after starting the lab, so lab tests cannot silently not run there.
func Require(t testing.TB) {
	t.Helper()
	if os.Getenv("WOM_LAB") != "1" {
		t.Skip("lab tests need WOM_LAB=1 and a running lab (make lab-up)")
	}
	if _, err := os.Stat(CloudsFile()); err != nil {
		t.Fatalf("WOM_LAB=1 but the lab's clouds.yaml is missing: %v", err)
	}
	t.Setenv("OS_CLIENT_CONFIG_FILE", CloudsFile())
}

// Connect authenticates to one lab cloud entry with its own request counter when its Keystone authentication is not shared with another Connect (see openstack.Connect).
func Connect(t testing.TB, cloud string) *openstack.Cloud {
	t.Helper()
	c, err := openstack.Connect(context.Background(), openstack.Config{Cloud: cloud}, nil)
	if err != nil {
		t.Fatalf("connecting to %s: %v", cloud, err)
	}
	return c
}

// RepoRoot is the repository's root directory, for the tests of packages at internal/<name> (a test
// runs in its package's directory).
func RepoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("%s is not the repository's root: %v", root, err)
	}
	return root
}
