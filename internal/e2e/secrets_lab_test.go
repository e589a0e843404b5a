package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestLabSecretsNeverLogged runs examples/migrate-tenant with TF_LOG=TRACE through apply, a refreshing
// plan (saved, and shown as JSON), output, show and destroy, and checks that neither the new tenant's password nor the lab's admin password
// appears in Terraform's log (which carries the provider's own log lines) or in anything the commands
// print. It first checks that the log does hold the provider's progress lines, so that an empty or
// misdirected log cannot pass.
func TestLabSecretsNeverLogged(t *testing.T) {
	testlab.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()

	_, dst, name, _ := seededSource(t, ctx, "e2e-secrets")

	logFile := filepath.Join(t.TempDir(), "terraform.log")
	w := newWorkdir(t, "migrate-tenant", map[string]string{"source_tenant": name, "destination_name": name + "-copy", "sync_instance_ports": "true"},
		"TF_LOG=TRACE", "TF_LOG_PATH="+logFile)
	destroyed := false
	w.destroyAtEnd(&destroyed)
	w.run(ctx, "apply", "-auto-approve", "-no-color")
	w.run(ctx, "plan", "-no-color", "-out=saved.tfplan")
	checkPlanJSONMarksSensitive(t, w, ctx, "saved.tfplan")
	w.run(ctx, "output", "-no-color")
	w.run(ctx, "show", "-no-color")

	// The secrets to look for: the new user's password, from the state, and the lab's admin password.
	raw, err := w.command(ctx, "output", "-json", "credentials").Output()
	if err != nil {
		t.Fatalf("terraform output -json credentials: %v", err)
	}
	var creds struct {
		Password string `json:"password"`
	}
	if err := json.Unmarshal(raw, &creds); err != nil || len(creds.Password) < 16 {
		t.Fatalf("the credentials output holds no usable password (%v)", err)
	}
	secrets := map[string]string{"the new tenant's password": creds.Password}
	for i, p := range adminPasswords(t) {
		secrets[fmt.Sprintf("the lab's admin password %d", i+1)] = p
	}

	w.run(ctx, "destroy", "-auto-approve", "-no-color")
	destroyed = true
	// destroy_destination = true (the example's default): the copy passed the teardown's checks and is gone.
	if left, err := openstack.FindProjects(ctx, dst.Identity, url.Values{"name": {name + "-copy"}}); err != nil || len(left) > 0 {
		t.Errorf("after terraform destroy the destination project %s-copy is still there (%d found, %v)", name, len(left), err)
	}

	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	// The log must hold the provider's own lines, its progress included, or the check below proves nothing.
	for _, want := range []string{"terraform-provider-waldur", "Tearing down the destination tenant"} {
		if !bytes.Contains(log, []byte(want)) {
			t.Fatalf("Terraform's log (%d bytes) lacks %q: the provider's log lines are not in it", len(log), want)
		}
	}
	for what, secret := range secrets {
		for where, text := range map[string][]byte{"Terraform's TRACE log": log, "what the commands printed": w.printed.Bytes()} {
			if i := bytes.Index(text, []byte(secret)); i >= 0 {
				start := max(0, i-200)
				t.Errorf("%s appears in %s, near: %q", what, where, bytes.ReplaceAll(text[start:i], []byte(secret), []byte("***")))
			}
		}
	}
}

// terraformCLI is the Terraform CLI the acceptance tests use: TF_ACC_TERRAFORM_PATH, else Terraform
// 1.8.5 as scripts/tf-clis.sh builds it (run here when it has not been yet).
func terraformCLI(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	cmd := exec.Command("bash", filepath.Join(testlab.RepoRoot(t), "scripts", "tf-clis.sh"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/tf-clis.sh: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if p, ok := strings.CutPrefix(line, "terraform="); ok {
			return p
		}
	}
	t.Fatalf("scripts/tf-clis.sh printed no terraform= line:\n%s", out)
	return ""
}

// buildProvider builds the provider from the repository into a directory of dir and returns it.
func buildProvider(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "provider")
	cmd := exec.Command("go", "build", "-o", filepath.Join(out, "terraform-provider-waldur"), ".")
	cmd.Dir = testlab.RepoRoot(t)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, b)
	}
	return out
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// adminPasswords reads the passwords of the lab's clouds.yaml entries (one admin per cloud).
func adminPasswords(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(testlab.CloudsFile())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^\s*password:\s*['"]?([^'"\s]+)`).FindAllSubmatch(b, -1) {
		if p := string(m[1]); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatal("no password in the lab's clouds.yaml")
	}
	return out
}

// checkPlanJSONMarksSensitive reads `terraform show -json` of a saved plan and checks that the
// migration's credentials are marked sensitive in it. Terraform's JSON plan carries the values it took
// from the state, sensitive ones included (marked, not hidden: state is excepted), so its text is not
// searched for the password; what the provider controls is the marking.
func checkPlanJSONMarksSensitive(t *testing.T, w *workdir, ctx context.Context, plan string) {
	t.Helper()
	raw, err := w.command(ctx, "show", "-json", plan).Output()
	if err != nil {
		t.Fatalf("terraform show -json %s: %v", plan, err)
	}
	var doc struct {
		ResourceChanges []struct {
			Type   string `json:"type"`
			Change struct {
				AfterSensitive map[string]any `json:"after_sensitive"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, rc := range doc.ResourceChanges {
		if rc.Type != "waldur_openstack_migration" {
			continue
		}
		if marked, _ := json.Marshal(rc.Change.AfterSensitive["credentials"]); !strings.Contains(string(marked), `"password":true`) && string(marked) != "true" {
			t.Errorf("the plan's JSON does not mark credentials.password sensitive: after_sensitive.credentials = %s", marked)
		}
		return
	}
	t.Fatalf("the plan's JSON has no waldur_openstack_migration change")
}
