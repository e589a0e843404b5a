package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// Acceptance tests (TestAcc*) drive the provider through a real Terraform or OpenTofu CLI against the lab
// (lab/up.sh). They run only with TF_ACC=1 and WOM_LAB=1:
//
//	eval "$(scripts/tf-clis.sh)"
//	TF_ACC=1 WOM_LAB=1 TF_ACC_TERRAFORM_PATH=$terraform go test ./internal/provider/ -run TestAcc
//	TF_ACC=1 WOM_LAB=1 TF_ACC_TERRAFORM_PATH=$tofu TF_ACC_PROVIDER_HOST=registry.opentofu.org go test ./internal/provider/ -run TestAcc
//
// Other people use the lab at the same time: every project a test makes has a unique name
// (testlab.Suffix) and is torn down in t.Cleanup, whatever the test's outcome.

// The offerings every acceptance configuration configures: the lab's two regions sharing one Keystone,
// and a second cloud.
const (
	accSrcOffering   = "old"   // lab-RegionOne
	accDstOffering   = "new"   // lab-RegionTwo
	accOtherOffering = "other" // lab2-RegionOne
)

// accCloudOf maps the configured offerings to their clouds.yaml entries.
var accCloudOf = map[string]string{
	accSrcOffering:   testlab.RegionOne,
	accDstOffering:   testlab.RegionTwo,
	accOtherOffering: testlab.OtherCloudOne,
}

// accTimeout bounds every API call a test makes itself (seeding, checks, cleanup).
const accTimeout = 5 * time.Minute

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if os.Getenv(resource.EnvTfAcc) != "" {
		cleanup, err := accEnvironment()
		if err != nil {
			fmt.Fprintln(os.Stderr, "acceptance test setup:", err)
			return 1
		}
		defer cleanup()
	}
	code := m.Run()
	accSource.teardown()
	return code
}

// accEnvironment makes the acceptance tests independent of the caller's Terraform setup and shell:
//   - TF_CLI_CONFIG_FILE points at an empty file (the environment may name one that does not exist, or
//     one with provider_installation or dev_overrides that would change what is tested);
//   - without TF_ACC_TERRAFORM_PATH, the Terraform that scripts/tf-clis.sh builds is used, or one on
//     PATH; terraform-plugin-testing would otherwise download one, and these tests download nothing;
//   - a bare command name in TF_ACC_TERRAFORM_PATH is looked up in PATH;
//   - a CLI named tofu gets TF_ACC_PROVIDER_HOST=registry.opentofu.org unless it is set;
//   - the Waldur backend's environment variables are unset: the tests configure the standalone backend
//     or, on purpose, none.
//
// The lab's clouds.yaml is exported here too (as testlab.Require does per test), so that tests can run
// in parallel: t.Setenv cannot be used in parallel tests.
func accEnvironment() (func(), error) {
	dir, err := os.MkdirTemp("", "wom-acc-")
	if err != nil {
		return nil, err
	}
	cleanup := func() { _ = os.RemoveAll(dir) }
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		cleanup()
		return nil, err
	}
	env := map[string]string{"TF_CLI_CONFIG_FILE": rc, "TF_PLUGIN_CACHE_DIR": "", "CHECKPOINT_DISABLE": "1"}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		path, err := defaultTerraform()
		if err != nil {
			cleanup()
			return nil, err
		}
		env["TF_ACC_TERRAFORM_PATH"] = path
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		cli = env["TF_ACC_TERRAFORM_PATH"]
	} else if !strings.ContainsRune(cli, filepath.Separator) {
		// A bare command name ("terraform", "tofu"): terraform-plugin-testing wants a path.
		path, err := exec.LookPath(cli)
		if err != nil {
			cleanup()
			return nil, fmt.Errorf("TF_ACC_TERRAFORM_PATH=%s: %w", cli, err)
		}
		env["TF_ACC_TERRAFORM_PATH"] = path
	}
	if strings.HasPrefix(filepath.Base(cli), "tofu") && os.Getenv(resource.EnvTfAccProviderHost) == "" {
		env[resource.EnvTfAccProviderHost] = "registry.opentofu.org"
	}
	if os.Getenv("WOM_LAB") == "1" {
		env["OS_CLIENT_CONFIG_FILE"] = testlab.CloudsFile()
	}
	for k, v := range env {
		if v == "" {
			_ = os.Unsetenv(k)
		} else if err := os.Setenv(k, v); err != nil {
			cleanup()
			return nil, err
		}
	}
	for _, k := range []string{envWaldurURL, envWaldurToken} {
		_ = os.Unsetenv(k)
	}
	return cleanup, nil
}

// defaultTerraform finds the Terraform CLI when TF_ACC_TERRAFORM_PATH is not set.
func defaultTerraform() (string, error) {
	tools := os.Getenv("WOM_TOOLS")
	if tools == "" {
		tools = "/root/.cache/wom-tools"
	}
	built := filepath.Join(tools, "terraform-1.8.5", "terraform")
	if _, err := os.Stat(built); err == nil {
		return built, nil
	}
	if path, err := exec.LookPath("terraform"); err == nil {
		return path, nil
	}
	return "", errors.New("no Terraform CLI: run scripts/tf-clis.sh and set TF_ACC_TERRAFORM_PATH (and, for OpenTofu, TF_ACC_PROVIDER_HOST=registry.opentofu.org)")
}

// envSetByTestMain lets testlab.Require run in parallel tests: its t.Setenv of OS_CLIENT_CONFIG_FILE is
// replaced by a check that TestMain exported the same value.
type envSetByTestMain struct{ testing.TB }

func (e envSetByTestMain) Setenv(key, value string) {
	e.Helper()
	if os.Getenv(key) != value {
		e.Fatalf("%s is %q, want %q (set in TestMain)", key, os.Getenv(key), value)
	}
}

// accPreCheck skips the test unless TF_ACC is set, and then requires the lab (WOM_LAB=1).
func accPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance tests need %s=1", resource.EnvTfAcc)
	}
	testlab.Require(envSetByTestMain{t})
}

// accTest runs an acceptance test case. The test cases share no Terraform state and every object they
// make has a unique name, so they run in parallel: most of their time is spent waiting on the lab.
func accTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	tc.ProtoV6ProviderFactories = testAccProtoV6ProviderFactories
	resource.ParallelTest(t, tc)
}

func accContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), accTimeout)
	t.Cleanup(cancel)
	return ctx
}

// accConnect connects to the cloud of a configured offering.
func accConnect(t *testing.T, offering string) *openstack.Cloud {
	t.Helper()
	return testlab.Connect(t, accCloudOf[offering])
}

// accSource is the three-tier source tenant the tests share (seeded once, in RegionOne, and torn down
// after all tests). Migrations only read it; a test that changes its source seeds its own (seedSource).
var accSource sharedSource

type sharedSource struct {
	once   sync.Once
	tenant *testlab.Tenant
	err    error
}

func (s *sharedSource) get(t *testing.T) *testlab.Tenant {
	t.Helper()
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), accTimeout)
		defer cancel()
		c, err := openstack.Connect(ctx, openstack.Config{Cloud: testlab.RegionOne}, nil)
		if err != nil {
			s.err = err
			return
		}
		s.tenant, s.err = testlab.SeedThreeTier(ctx, c, "acc-src-"+testlab.Suffix())
		if s.err != nil {
			return
		}
		// The source has per-type quotas on its volume types; migrations that map none need types of the
		// same names in the destination. A lab region starts with its own types only (nothing another test
		// made may be relied on), so the tests' destinations get them here.
		for _, offering := range []string{accDstOffering, accOtherOffering} {
			dst, err := openstack.Connect(ctx, openstack.Config{Cloud: accCloudOf[offering]}, nil)
			if err == nil {
				_, err = testlab.EnsureVolumeTypes(ctx, dst, testlab.VolumeTypeNames...)
			}
			if err != nil {
				s.err = fmt.Errorf("volume types in offering %q: %w", offering, err)
				return
			}
		}
	})
	if s.err != nil {
		t.Fatalf("seeding the shared source tenant: %v", s.err)
	}
	return s.tenant
}

func (s *sharedSource) teardown() {
	if s.tenant == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), accTimeout)
	defer cancel()
	c, err := openstack.Connect(ctx, openstack.Config{Cloud: testlab.RegionOne}, nil)
	if err == nil {
		err = errors.Join(teardownProject(ctx, c, s.tenant.ProjectID), teardownProject(ctx, c, s.tenant.ForeignProject))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tearing down the shared source tenant %s: %v\n", s.tenant.Name, err)
	}
}

// seedSource seeds a three-tier source tenant in RegionOne for one test, torn down when it ends.
func seedSource(t *testing.T) *testlab.Tenant {
	t.Helper()
	ctx := accContext(t)
	src := accConnect(t, accSrcOffering)
	tenant, err := testlab.SeedThreeTier(ctx, src, "acc-src-"+testlab.Suffix())
	if tenant != nil {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), accTimeout)
			defer cancel()
			if err := errors.Join(teardownProject(ctx, src, tenant.ProjectID), teardownProject(ctx, src, tenant.ForeignProject)); err != nil {
				t.Errorf("tearing down source tenant %s: %v", tenant.Name, err)
			}
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	return tenant
}

// teardownProject removes a project and everything in it; a project that is gone already is fine.
func teardownProject(ctx context.Context, c *openstack.Cloud, projectID string) error {
	if projectID == "" {
		return nil
	}
	if _, err := openstack.GetProject(ctx, c.Identity, projectID); openstack.IsNotFound(err) {
		return nil
	}
	return replication.Teardown(ctx, c, projectID, 8)
}

// cleanupDestination tears down, when the test ends, every project named name in the offering's cloud:
// what a migration made and its destroy left (destroy_destination = false), or a failed test did not
// destroy. It is registered before the migration runs, so it cannot miss a partial one.
func cleanupDestination(t *testing.T, offering, name string) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), accTimeout)
		defer cancel()
		c, err := openstack.Connect(ctx, openstack.Config{Cloud: accCloudOf[offering]}, nil)
		if err != nil {
			t.Errorf("cleanup of %s: %v", name, err)
			return
		}
		projects, err := openstack.FindProjects(ctx, c.Identity, url.Values{"name": {name}})
		if err != nil {
			t.Errorf("cleanup of %s: %v", name, err)
			return
		}
		for _, p := range projects {
			if err := replication.Teardown(ctx, c, p.ID, 8); err != nil {
				t.Errorf("cleanup of %s (%s): %v", name, p.ID, err)
			}
		}
	})
}

// accName is a unique name for a destination tenant.
func accName(what string) string {
	return "acc-" + what + "-" + testlab.Suffix()
}

// findProject returns the one project named name in c, or an error.
func findProject(ctx context.Context, c *openstack.Cloud, name string) (openstack.Project, error) {
	projects, err := openstack.FindProjects(ctx, c.Identity, url.Values{"name": {name}})
	if err != nil {
		return openstack.Project{}, err
	}
	if len(projects) != 1 {
		return openstack.Project{}, fmt.Errorf("%d projects named %q, want 1", len(projects), name)
	}
	return projects[0], nil
}

// resourceAttributes returns the flatmap attributes of a resource in state.
func resourceAttributes(s *terraform.State, addr string) (map[string]string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok || rs.Primary == nil {
		return nil, fmt.Errorf("%s is not in the state", addr)
	}
	return rs.Primary.Attributes, nil
}

// flatMap returns the map attribute name of a flatmap (keys "name.<key>", without "name.%").
func flatMap(attrs map[string]string, name string) map[string]string {
	out := map[string]string{}
	for k, v := range attrs {
		if key, ok := strings.CutPrefix(k, name+"."); ok && key != "%" && !strings.Contains(key, ".") {
			out[key] = v
		}
	}
	return out
}

// destinationWant is what checkDestination expects of a migration's destination.
type destinationWant struct {
	Offering string
	Source   *testlab.Tenant
	// Networks are the names of the copied source networks (their subnets are copied with them).
	Networks []string
	// CIDRs maps source CIDRs to destination CIDRs, for the remapped subnets.
	CIDRs map[string]string
	// Ports are the names of the copied source ports.
	Ports []string
	// ExternalGateway says whether the copied router has a gateway.
	ExternalGateway bool
	// VolumeQuotas are expected per-type volume quotas of the new project.
	VolumeQuotas map[string]int
}

// checkDestination verifies through the API that the migration's state describes its destination
// exactly: the project exists, carries the source marker and has the generated user, who can log in
// with the password in state; every id map points at a real object of that project, marked with the
// source id it is keyed by; and the project holds no other (duplicate) copies.
func checkDestination(t *testing.T, want destinationWant) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := resourceAttributes(s, accMigration)
		if err != nil {
			return err
		}
		ctx := accContext(t)
		c, err := openstack.Connect(ctx, openstack.Config{Cloud: accCloudOf[want.Offering]}, nil)
		if err != nil {
			return err
		}
		projectID := attrs["dst_project_id"]
		if attrs["id"] != want.Offering+"/"+projectID || attrs["dst_resource_uuid"] != attrs["id"] {
			return fmt.Errorf("id %q, dst_resource_uuid %q, dst_project_id %q do not agree", attrs["id"], attrs["dst_resource_uuid"], projectID)
		}
		project, err := openstack.GetProject(ctx, c.Identity, projectID)
		if err != nil {
			return fmt.Errorf("destination project %s: %w", projectID, err)
		}
		if project.Name != attrs["name"] || replication.SourceOf(project.Tags) != want.Source.ProjectID {
			return fmt.Errorf("destination project %s is %q tagged %v, want %q tagged with source %s", projectID, project.Name, project.Tags, attrs["name"], want.Source.ProjectID)
		}
		if err := checkCredentials(ctx, c, attrs, projectID); err != nil {
			return err
		}
		src, err := openstack.Connect(ctx, openstack.Config{Cloud: accCloudOf[accSrcOffering]}, nil)
		if err != nil {
			return err
		}
		back, err := replication.ReadBack(ctx, src, c, projectID)
		if err != nil {
			return err
		}
		if err := checkNeutron(ctx, c, attrs, projectID, want, back.Result); err != nil {
			return err
		}
		if want.VolumeQuotas != nil {
			q, err := openstack.VolumeQuotas(ctx, c.BlockStorage, projectID)
			if err != nil {
				return err
			}
			for k, v := range want.VolumeQuotas {
				if q[k] != v {
					return fmt.Errorf("volume quota %s = %d, want %d (all: %v)", k, q[k], v, q)
				}
			}
		}
		return nil
	}
}

// checkCredentials checks the generated user and logs in as it with the password from state.
func checkCredentials(ctx context.Context, c *openstack.Cloud, attrs map[string]string, projectID string) error {
	userID, username, password := attrs["credentials.user_id"], attrs["credentials.username"], attrs["credentials.password"]
	u, err := openstack.GetUser(ctx, c.Identity, userID)
	if err != nil {
		return fmt.Errorf("user %s: %w", userID, err)
	}
	if u.Name != username || u.DefaultProjectID != projectID {
		return fmt.Errorf("user %s is %q in project %s, want %q in %s", userID, u.Name, u.DefaultProjectID, username, projectID)
	}
	if password == "" {
		return errors.New("credentials.password is empty")
	}
	as, err := openstack.Connect(ctx, openstack.Config{
		AuthURL: strings.TrimSuffix(c.Identity.Endpoint, "/"), Username: username, Password: password, ProjectID: projectID, Region: c.Region,
	}, nil)
	if err != nil {
		return fmt.Errorf("logging in as the generated user: %w", err)
	}
	if as.ProjectID != projectID {
		return fmt.Errorf("the generated user's token is scoped to %s, want %s", as.ProjectID, projectID)
	}
	return nil
}

// checkNeutron compares the id maps with what the destination project holds, and with back, the maps
// ReadBack rebuilds from the destination's content and markers alone (what import relies on).
func checkNeutron(ctx context.Context, c *openstack.Cloud, attrs map[string]string, projectID string, want destinationWant, back *replication.Result) error {
	byProject := url.Values{"project_id": {projectID}}
	src := want.Source
	names := func(ids map[string]string, names []string) []string {
		var out []string
		for _, n := range names {
			out = append(out, ids[n])
		}
		return out
	}
	wantNetworks := names(src.Networks, want.Networks)
	wantSubnets := names(src.Subnets, want.Networks)
	wantPorts := names(src.Ports, want.Ports)

	networks, err := openstack.List[openstack.Network](ctx, c.Network, openstack.Networks, byProject)
	if err != nil {
		return err
	}
	if err := sameCopies("network_ids", flatMap(attrs, "network_ids"), wantNetworks, networks, func(n openstack.Network) string { return n.ID }, back.Networks); err != nil {
		return err
	}
	subnets, err := openstack.List[openstack.Subnet](ctx, c.Network, openstack.Subnets, byProject)
	if err != nil {
		return err
	}
	subnetIDs := flatMap(attrs, "subnet_ids")
	if err := sameCopies("subnet_ids", subnetIDs, wantSubnets, subnets, func(s openstack.Subnet) string { return s.ID }, back.Subnets); err != nil {
		return err
	}
	// CIDRs: remapped ones moved, the others kept.
	sourceCIDR := map[string]string{"web": "10.10.1.0/24", "app": "10.10.2.0/24", "db": "10.10.3.0/24", "mgmt": "10.10.9.0/24"}
	byID := map[string]openstack.Subnet{}
	for _, s := range subnets {
		byID[s.ID] = s
	}
	for _, n := range want.Networks {
		cidr := sourceCIDR[n]
		if to, ok := want.CIDRs[cidr]; ok {
			cidr = to
		}
		if got := byID[subnetIDs[src.Subnets[n]]].CIDR; got != cidr {
			return fmt.Errorf("the copy of subnet %s has CIDR %s, want %s", n, got, cidr)
		}
	}

	routers, err := openstack.List[openstack.Router](ctx, c.Network, openstack.Routers, byProject)
	if err != nil {
		return err
	}
	if err := sameCopies("router_ids", flatMap(attrs, "router_ids"), []string{src.Routers["edge"]}, routers, func(r openstack.Router) string { return r.ID }, back.Routers); err != nil {
		return err
	}
	if gw := routers[0].ExternalGateway != nil && routers[0].ExternalGateway.NetworkID != ""; gw != want.ExternalGateway {
		return fmt.Errorf("router %s has an external gateway: %v, want %v", routers[0].ID, gw, want.ExternalGateway)
	}

	// Security groups: the source's default group maps onto the project's own, which has no marker.
	all, err := openstack.List[openstack.SecurityGroup](ctx, c.Network, openstack.SecurityGroups, nil)
	if err != nil {
		return err
	}
	var groups []openstack.SecurityGroup
	var defaultGroup string
	for _, g := range all {
		if g.ProjectID == projectID {
			groups = append(groups, g)
			if g.Name == "default" {
				defaultGroup = g.ID
			}
		}
	}
	groupIDs := flatMap(attrs, "security_group_ids")
	if len(groupIDs) != len(groups) || len(groups) != 4 {
		return fmt.Errorf("security_group_ids has %d entries, the project %d groups, want 4 (default, web, app, db)", len(groupIDs), len(groups))
	}
	for _, name := range []string{"web", "app", "db"} {
		if err := identifiedCopy("security_group_ids", groupIDs, src.SecurityGroups[name], groups, func(g openstack.SecurityGroup) string { return g.ID }, back.SecurityGroups); err != nil {
			return err
		}
	}
	if !slices.Contains(slices.Collect(maps.Values(groupIDs)), defaultGroup) {
		return fmt.Errorf("security_group_ids %v does not map the source default group onto the project's own (%s)", groupIDs, defaultGroup)
	}

	// Address groups: the seed's "office", its addresses moved with the remaps.
	addressGroups, err := openstack.List[openstack.AddressGroup](ctx, c.Network, openstack.AddressGroups, byProject)
	if err != nil {
		return err
	}
	agIDs := flatMap(attrs, "address_group_ids")
	if err := sameCopies("address_group_ids", agIDs, []string{src.AddressGroups["office"]}, addressGroups, func(ag openstack.AddressGroup) string { return ag.ID }, back.AddressGroups); err != nil {
		return err
	}
	wantAddresses := []string{"10.10.1.32/27", "10.10.3.0/26", "192.0.2.0/24"}
	for i, a := range wantAddresses {
		for from, to := range want.CIDRs {
			if a[:8] == from[:8] { // 10.10.1. or 10.10.3. moved with its /24
				wantAddresses[i] = strings.TrimSuffix(to, "0/24") + strings.TrimPrefix(a, from[:8])
			}
		}
	}
	if got := addressGroups[0].Addresses; !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(wantAddresses))) {
		return fmt.Errorf("the copy of address group office has addresses %v, want %v", got, wantAddresses)
	}

	// Rules are listed by group: what matters is that they are in the project's groups.
	var rules []openstack.SecurityGroupRule
	for _, g := range groups {
		rs, err := openstack.List[openstack.SecurityGroupRule](ctx, c.Network, openstack.SecurityGroupRules, mapQuery("security_group_id", g.ID))
		if err != nil {
			return err
		}
		rules = append(rules, rs...)
	}
	owners := map[string]int{}
	for _, r := range rules {
		owners[r.ProjectID]++
	}
	if len(owners) != 1 || owners[projectID] == 0 {
		return fmt.Errorf("the rules of the destination project's groups belong to projects %v, want all to %s", owners, projectID)
	}
	ruleIDs := flatMap(attrs, "security_group_rule_ids")
	ruleSet := map[string]bool{}
	for _, r := range rules {
		ruleSet[r.ID] = true
	}
	if len(ruleIDs) == 0 {
		return errors.New("security_group_rule_ids is empty")
	}
	for src, dst := range ruleIDs {
		if !ruleSet[dst] {
			return fmt.Errorf("security_group_rule_ids[%s] = %s is not a rule of the destination project", src, dst)
		}
	}
	if len(rules) != len(ruleIDs) {
		return fmt.Errorf("the destination project has %d security group rules, security_group_rule_ids %d", len(rules), len(ruleIDs))
	}

	ports, err := openstack.List[openstack.Port](ctx, c.Network, openstack.Ports, byProject)
	if err != nil {
		return err
	}
	var copied []openstack.Port
	for _, p := range ports {
		if !strings.HasPrefix(p.DeviceOwner, "network:") {
			copied = append(copied, p)
		}
	}
	return sameCopies("port_ids", flatMap(attrs, "port_ids"), wantPorts, copied, func(p openstack.Port) string { return p.ID }, back.Ports)
}

// sameCopies checks that an id map has exactly the wanted source ids as keys, and that its values are
// exactly the objects the project holds, each identified as its source's copy by ReadBack (back): no
// object missing, none twice.
func sameCopies[T any](what string, ids map[string]string, wantSources []string, existing []T, idOf func(T) string, back map[string]string) error {
	if got, want := slices.Sorted(maps.Keys(ids)), slices.Sorted(slices.Values(wantSources)); !slices.Equal(got, want) {
		return fmt.Errorf("%s has source ids %v, want %v", what, got, want)
	}
	if len(existing) != len(ids) {
		return fmt.Errorf("%s has %d entries, the destination project holds %d such objects", what, len(ids), len(existing))
	}
	for _, src := range wantSources {
		if err := identifiedCopy(what, ids, src, existing, idOf, back); err != nil {
			return err
		}
	}
	return nil
}

// identifiedCopy checks that ids[src] is one of existing, and the object ReadBack pairs with src.
func identifiedCopy[T any](what string, ids map[string]string, src string, existing []T, idOf func(T) string, back map[string]string) error {
	dst, ok := ids[src]
	if !ok {
		return fmt.Errorf("%s has no entry for source %s", what, src)
	}
	for _, o := range existing {
		if idOf(o) == dst {
			if back[src] != dst {
				return fmt.Errorf("%s[%s] = %s, but read back from the destination the copy of %s is %q", what, src, dst, src, back[src])
			}
			return nil
		}
	}
	return fmt.Errorf("%s[%s] = %s is not in the destination project", what, src, dst)
}

// checkIDMapsMatchPreview checks that each id map has as many entries as the preview said would be built.
func checkIDMapsMatchPreview() resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := resourceAttributes(s, accMigration)
		if err != nil {
			return err
		}
		for attr, count := range map[string]string{
			"network_ids": "networks", "subnet_ids": "subnets", "router_ids": "routers",
			"security_group_ids": "security_groups", "security_group_rule_ids": "security_group_rules", "port_ids": "ports",
			"address_group_ids": "address_groups", "floating_ip_ids": "floating_ips", "server_group_ids": "server_groups",
		} {
			n, _ := strconv.Atoi(attrs[attr+".%"])
			p, _ := strconv.Atoi(attrs["preview.counts."+count])
			if n != p {
				return fmt.Errorf("%s has %d entries, preview.counts.%s is %d", attr, n, count, p)
			}
		}
		return nil
	}
}

// checkKeptIDs compares the flatmap attributes of a migration before and after a sync: for each id map,
// the sources in kept still map to the same destination object, those in replaced to another one.
func checkKeptIDs(before, after map[string]string, kept, replaced map[string][]string) error {
	for attr, sources := range kept {
		was, is := flatMap(before, attr), flatMap(after, attr)
		for _, src := range sources {
			if was[src] == "" || was[src] != is[src] {
				return fmt.Errorf("%s[%s] is %q after the sync, was %q: want the copy kept", attr, src, is[src], was[src])
			}
		}
	}
	for attr, sources := range replaced {
		was, is := flatMap(before, attr), flatMap(after, attr)
		for _, src := range sources {
			if was[src] == "" || is[src] == "" || was[src] == is[src] {
				return fmt.Errorf("%s[%s] is %q after the sync, was %q: want a new copy", attr, src, is[src], was[src])
			}
		}
	}
	return nil
}

// checkProjectGone is a CheckDestroy: the destination project named name no longer exists.
func checkProjectGone(t *testing.T, offering, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := accContext(t)
		c, err := openstack.Connect(ctx, openstack.Config{Cloud: accCloudOf[offering]}, nil)
		if err != nil {
			return err
		}
		projects, err := openstack.FindProjects(ctx, c.Identity, url.Values{"name": {name}})
		if err != nil {
			return err
		}
		if len(projects) > 0 {
			return fmt.Errorf("destroy_destination = true, but the destination project %s (%s) still exists", name, projects[0].ID)
		}
		return nil
	}
}

// checkProjectKept is a CheckDestroy: the destination project named name still exists with its
// networks (cleanupDestination tears it down later).
func checkProjectKept(t *testing.T, offering, name string, networks int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := accContext(t)
		c, err := openstack.Connect(ctx, openstack.Config{Cloud: accCloudOf[offering]}, nil)
		if err != nil {
			return err
		}
		p, err := findProject(ctx, c, name)
		if err != nil {
			return fmt.Errorf("destroy_destination = false, so the destination must stay: %w", err)
		}
		nets, err := openstack.List[openstack.Network](ctx, c.Network, openstack.Networks, url.Values{"project_id": {p.ID}})
		if err != nil {
			return err
		}
		if len(nets) != networks {
			return fmt.Errorf("the kept destination project %s has %d networks, want %d", p.ID, len(nets), networks)
		}
		return nil
	}
}

// priorStateCheck is a plan check on the state a plan started from (tfjson.Plan.PriorState): what a
// failed apply saved can be read there before the next apply replaces it.
type priorStateCheck struct {
	addr  string
	check func(r *tfjson.StateResource) error
}

func (c priorStateCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan.PriorState == nil || req.Plan.PriorState.Values == nil || req.Plan.PriorState.Values.RootModule == nil {
		resp.Error = errors.New("the plan has no prior state")
		return
	}
	for _, r := range req.Plan.PriorState.Values.RootModule.Resources {
		if r.Address == c.addr {
			resp.Error = c.check(r)
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the prior state", c.addr)
}

var _ plancheck.PlanCheck = priorStateCheck{}

func mapQuery(key, value string) url.Values { return url.Values{key: {value}} }
