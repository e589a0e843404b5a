package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// waldurSecretsConfig migrates tenant "shop" of offering "Cloud A" into offering "Cloud B" through the
// Waldur backend. The token comes from WALDUR_ACCESS_TOKEN, as the provider documents, so that no
// configuration or variable carries it: whatever of it shows anywhere came through the provider.
const waldurSecretsConfig = `terraform {
  required_providers {
    waldur = { source = "waldur/waldur" }
  }
}

variable "endpoint" { type = string }

provider "waldur" {
  endpoint = var.endpoint
}

data "waldur_marketplace_offering" "src" { name = "Cloud A" }
data "waldur_marketplace_offering" "dst" { name = "Cloud B" }

data "waldur_openstack_tenant" "src" {
  name     = "shop"
  offering = data.waldur_marketplace_offering.src.uuid
}

resource "waldur_openstack_migration" "shop" {
  src_resource        = data.waldur_openstack_tenant.src.id
  dst_offering        = data.waldur_marketplace_offering.dst.uuid
  dst_plan            = one([for p in data.waldur_marketplace_offering.dst.plans : p.uuid if p.name == "standard"])
  name                = "shop-copy"
  destroy_destination = true
}

output "credentials" {
  value     = waldur_openstack_migration.shop.credentials
  sensitive = true
}
`

// TestWaldurSecretsNeverLogged runs a migration through the Waldur backend against the in-repo Waldur
// test server with TF_LOG=TRACE: apply, a refreshing plan saved and shown as JSON, output, show, a plan
// with a token the server refuses (its diagnostics), and destroy. Neither the Waldur token (nor the
// refused one) nor the destination tenant's password may appear in Terraform's log (which carries the
// provider's own lines), in the plan's JSON or in anything the commands print (their diagnostics). It
// first checks that the log holds the provider's own lines, so that a misdirected log cannot pass. It
// needs no OpenStack lab, only the Terraform CLI; it runs with WOM_LAB=1 (make test) or TF_ACC=1.
func TestWaldurSecretsNeverLogged(t *testing.T) {
	if os.Getenv("WOM_LAB") != "1" && os.Getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI: needs WOM_LAB=1 or TF_ACC=1")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	token, refused := randomSecret(t), randomSecret(t)
	srv := waldurtest.New(waldurtest.Options{Token: token, StepDuration: 20 * time.Millisecond})
	t.Cleanup(srv.Close)
	srcOff := srv.AddOffering(waldurtest.Offering{Name: "Cloud A"})
	dstOff := srv.AddOffering(waldurtest.Offering{Name: "Cloud B"})
	srcPlan := srv.AddPlan(waldurtest.Plan{OfferingUUID: srcOff.UUID, Name: "standard"})
	srv.AddPlan(waldurtest.Plan{OfferingUUID: dstOff.UUID, Name: "standard"})
	shop := srv.AddTenant(waldurtest.Tenant{OfferingUUID: srcOff.UUID, PlanUUID: srcPlan.UUID, Name: "shop",
		Limits: map[string]int{"cores": 8, "ram": 16384, "storage": 100}})
	srv.AddObjects(shop.UUID, waldurtest.Objects{
		Networks: []waldurtest.Network{{BackendID: "net-web", Name: "web"}},
		Subnets: []waldurtest.Subnet{{BackendID: "sub-web", NetworkBackendID: "net-web", Name: "web-v4", CIDR: "10.0.1.0/24",
			GatewayIP: "10.0.1.1", AllocationPools: []waldurtest.AllocationPool{{Start: "10.0.1.10", End: "10.0.1.99"}}, EnableDHCP: true}},
		SecurityGroups: []waldurtest.SecurityGroup{{BackendID: "sg-default", Name: "default", Rules: []waldurtest.SecurityGroupRule{{Direction: "egress"}}}},
	})

	logFile := filepath.Join(t.TempDir(), "terraform.log")
	w := newWorkdirWith(t, waldurSecretsConfig, map[string]string{"endpoint": srv.APIURL()},
		"TF_LOG=TRACE", "TF_LOG_PATH="+logFile, "WALDUR_ACCESS_TOKEN="+token, "WALDUR_API_URL=")
	destroyed := false
	w.destroyAtEnd(&destroyed)
	w.run(ctx, "apply", "-auto-approve", "-no-color")
	w.run(ctx, "plan", "-no-color", "-out=saved.tfplan")
	planJSON, err := w.command(ctx, "show", "-json", "saved.tfplan").Output()
	if err != nil {
		t.Fatalf("terraform show -json saved.tfplan: %v", err)
	}
	w.run(ctx, "output", "-no-color")
	w.run(ctx, "show", "-no-color")
	raw, err := w.command(ctx, "output", "-json", "credentials").Output()
	if err != nil {
		t.Fatalf("terraform output -json credentials: %v", err)
	}
	var creds struct {
		Password string `json:"password"`
	}
	if err := json.Unmarshal(raw, &creds); err != nil || len(creds.Password) < 8 {
		t.Fatalf("the credentials output holds no usable password (%v)", err)
	}

	// A token the server refuses: the plan fails, and its diagnostics must not echo the token.
	wrong := *w
	wrong.env = append(append([]string(nil), w.env...), "WALDUR_ACCESS_TOKEN="+refused)
	wrong.printed = bytes.Buffer{}
	out, err := wrong.try(ctx, "plan", "-no-color")
	if err == nil {
		t.Fatalf("a plan with a refused token succeeded:\n%s", out)
	}
	w.printed.Write(wrong.printed.Bytes())

	w.run(ctx, "destroy", "-auto-approve", "-no-color")
	destroyed = true

	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"terraform-provider-waldur", "Terminating the destination tenant"} {
		if !bytes.Contains(log, []byte(want)) {
			t.Fatalf("Terraform's log (%d bytes) lacks %q: the provider's log lines are not in it", len(log), want)
		}
	}
	if !strings.Contains(out, "401 Unauthorized") {
		t.Fatalf("the plan with a refused token did not fail on the token:\n%s", out)
	}
	secrets := map[string]string{"the Waldur token": token, "the refused Waldur token": refused, "the new tenant's password": creds.Password}
	for what, secret := range secrets {
		for where, text := range map[string][]byte{"Terraform's TRACE log": log, "what the commands printed (diagnostics included)": w.printed.Bytes(),
			"the plan's JSON": planJSON} {
			if what == "the new tenant's password" && where == "the plan's JSON" {
				continue // the plan carries the state's values, sensitive ones marked (state is excepted)
			}
			if i := bytes.Index(text, []byte(secret)); i >= 0 {
				start := max(0, i-200)
				t.Errorf("%s appears in %s, near: %q", what, where, bytes.ReplaceAll(text[start:i], []byte(secret), []byte("***")))
			}
		}
	}
}

// randomSecret is 32 random hex digits: a string no log holds by chance.
func randomSecret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
