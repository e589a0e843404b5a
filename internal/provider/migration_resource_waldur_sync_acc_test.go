package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// TestAccWaldurMigration_followSource: a replica with the Waldur backend. Created with follow_source =
// true, it is in sync; once the source changes in Waldur (a network added, a port's description and a
// rule changed), refresh records the drift in source_drift (and the output and check block of
// testdata/waldur_follow_source see it), but the plan is empty: Waldur cannot apply it in place, and a
// replacement must be asked for (terraform apply -replace), never planned silently. The destination is
// left as it was, and the next plan is empty too.
func TestAccWaldurMigration_followSource(t *testing.T) {
	waccPreCheck(t)
	f := newWaccFixture(t, waldurtest.Options{})
	config := f.config(t, accMigrationArgs{
		SrcResource: f.shop.ResourceUUID, DstOffering: f.dstOff.UUID, DstPlan: f.standard.UUID, Name: "shop-dr", FollowSource: true,
		Mappings: &accMappings{SyncInstancePorts: true},
	}, "migration/main.tf", "waldur_follow_source/check.tf")
	drift := map[string]knownvalue.Check{
		"networks": knownvalue.StringExact("add: reports"),
		"ports":    knownvalue.StringExact("change: db-vip (description)"),
		"security_group_rules": knownvalue.StringExact("add: web: ingress IPv4 tcp 22-22 from 10.0.0.0/16; " +
			"remove: web: ingress IPv4 tcp 22-22 from 10.0.1.0/24"),
	}
	var dstTenant string
	var dstBefore waldurtest.Objects
	waccTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(waccMigration, tfjsonpath.New("follow_source"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(waccMigration, tfjsonpath.New("state"), knownvalue.StringExact("OK")),
				statecheck.ExpectKnownValue(waccMigration, tfjsonpath.New("source_drift"), knownvalue.MapExact(map[string]knownvalue.Check{})),
			},
			Check: func(s *terraform.State) error {
				attrs, err := waccAttributes(s, waccMigration)
				if err != nil {
					return err
				}
				res, err := f.api.GetResource(t.Context(), attrs["dst_resource_uuid"])
				if err != nil {
					return err
				}
				dstTenant, dstBefore = res.ResourceUUID, f.srv.TenantObjects(res.ResourceUUID)
				return nil
			},
		}, {
			// Refresh after a change of the source: plan only (nothing to apply), the drift in state.
			PreConfig: func() {
				o := f.srv.TenantObjects(f.shop.UUID)
				o.Networks = append(o.Networks, waldurtest.Network{BackendID: "net-reports", Name: "reports"})
				for i := range o.Ports {
					if o.Ports[i].Name == "db-vip" {
						o.Ports[i].Description = "the database's address"
					}
				}
				for i := range o.SecurityGroups {
					if o.SecurityGroups[i].Name == "web" {
						o.SecurityGroups[i].Rules[1].CIDR = "10.0.0.0/16"
					}
				}
				f.srv.SetObjects(f.shop.UUID, o)
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(waccMigration, plancheck.ResourceActionNoop),
				plancheck.ExpectKnownValue(waccMigration, tfjsonpath.New("source_drift"), knownvalue.MapExact(drift)),
				plancheck.ExpectKnownOutputValue("source_drift", knownvalue.MapExact(drift)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(waccMigration, tfjsonpath.New("source_drift"), knownvalue.MapExact(drift)),
				statecheck.ExpectKnownValue(waccMigration, tfjsonpath.New("state"), knownvalue.StringExact("OK")),
				statecheck.ExpectKnownOutputValue("source_drift", knownvalue.MapExact(drift)),
			},
			Check: func(*terraform.State) error {
				// Nothing was applied: the destination holds what the migration built.
				after := f.srv.TenantObjects(dstTenant)
				if len(after.Networks) != len(dstBefore.Networks) || len(after.Ports) != len(dstBefore.Ports) {
					return fmt.Errorf("the destination changed: %d networks, %d ports, were %d, %d",
						len(after.Networks), len(after.Ports), len(dstBefore.Networks), len(dstBefore.Ports))
				}
				return nil
			},
		}},
	})
}

// TestAccWaldurReplicaExampleCLI runs examples/waldur-replica with the terraform (or tofu) CLI of
// TF_ACC_TERRAFORM_PATH and the provider built from this repository, against the Waldur test server, to
// see what a user sees: once the source changes, the plan changes no resource and shows the warning on
// follow_source (the drift, what Waldur cannot do, -replace and the standalone backend) and the
// example's check block; the apply shows them again and changes nothing; the output has the drift.
func TestAccWaldurReplicaExampleCLI(t *testing.T) {
	waccPreCheck(t)
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Skip("needs TF_ACC_TERRAFORM_PATH (the CLI to run the example with)")
	}
	f := newWaccFixture(t, waldurtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir := t.TempDir()
	work, providerDir, rc := filepath.Join(dir, "work"), filepath.Join(dir, "provider"), filepath.Join(dir, "cli.tfrc")
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(providerDir, "terraform-provider-waldur"), ".")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "waldur-replica", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), example, 0o600); err != nil {
		t.Fatal(err)
	}
	rcText := "disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n    \"waldur/waldur\" = \"" + providerDir + "\"\n  }\n  direct {}\n}\n"
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, int) {
		t.Helper()
		if args[0] == "plan" || args[0] == "apply" {
			args = append(args, "-no-color", "-var", "waldur_api_url="+f.srv.APIURL(), "-var", "waldur_token="+f.srv.Token)
		}
		cmd := exec.CommandContext(ctx, cli, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit):
			return string(out), exit.ExitCode()
		case err != nil:
			t.Fatalf("%s %s: %v", cli, strings.Join(args, " "), err)
		}
		return string(out), 0
	}

	if out, code := run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply: exit %d\n%s", code, out)
	}
	if out, code := run("plan", "-detailed-exitcode"); code != 0 || strings.Contains(out, "Warning: Waldur cannot sync") {
		t.Fatalf("the plan right after the apply: exit %d, want 0 and no warning\n%s", code, out)
	}

	o := f.srv.TenantObjects(f.shop.UUID)
	o.Networks = append(o.Networks, waldurtest.Network{BackendID: "net-reports", Name: "reports"})
	f.srv.SetObjects(f.shop.UUID, o)

	warned := []string{"Warning: Waldur cannot sync the replica in place", "follow_source", "networks: add: reports",
		"copies a tenant once", "terraform apply -replace=", "standalone backend", "The replica differs from its source"}
	plan, code := run("plan")
	if code != 0 {
		t.Fatalf("plan after the source changed: exit %d\n%s", code, plan)
	}
	// The CLI wraps long lines: compare words.
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, want := range warned {
		if !strings.Contains(flat(plan), want) {
			t.Errorf("the plan lacks %q", want)
		}
	}
	for _, never := range []string{"will be updated in-place", "must be replaced", "will be created", "will be destroyed"} {
		if strings.Contains(plan, never) {
			t.Errorf("the plan says %q: Waldur can apply no drift", never)
		}
	}
	apply, code := run("apply", "-auto-approve")
	if code != 0 {
		t.Fatalf("apply after the source changed: exit %d\n%s", code, apply)
	}
	for _, want := range append(warned, "0 added, 0 changed, 0 destroyed") {
		if !strings.Contains(flat(apply), want) {
			t.Errorf("the apply lacks %q", want)
		}
	}
	out, code := run("output", "-json", "source_drift")
	var drift map[string]string
	if code != 0 || json.Unmarshal([]byte(out), &drift) != nil {
		t.Fatalf("output source_drift: exit %d\n%s", code, out)
	}
	if want := map[string]string{"networks": "add: reports"}; !reflect.DeepEqual(drift, want) {
		t.Errorf("output source_drift = %v, want %v", drift, want)
	}
	if t.Failed() {
		t.Logf("plan:\n%s\napply:\n%s", plan, apply)
	}
}
