package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestLabReplicaExample runs examples/replica-dr as a user would, with the built provider: a replica of
// a freshly seeded tenant in the lab's second cloud. The source then gains a network with a subnet and
// changes a network's description; `terraform plan` must show an in-place update whose source_drift
// names both (no replacement), `terraform apply` must sync it, and the next plan must be empty.
func TestLabReplicaExample(t *testing.T) {
	testlab.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	src, _, name, tenant := seededSource(t, ctx, "e2e-replica")
	w := newWorkdir(t, "replica-dr", map[string]string{"source_tenant": name})
	destroyed := false
	w.destroyAtEnd(&destroyed)
	w.run(ctx, "apply", "-auto-approve", "-no-color")
	if out, err := w.try(ctx, "plan", "-detailed-exitcode", "-no-color"); err != nil {
		t.Fatalf("the plan right after the apply is not empty: %v\n%s", err, out)
	}

	// The source moves on.
	added, err := openstack.Create[openstack.Network](ctx, src.Network, openstack.Networks, openstack.Network{
		ProjectID: tenant.ProjectID, Name: "reports", AdminStateUp: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openstack.Create[openstack.Subnet](ctx, src.Network, openstack.Subnets, map[string]any{
		"project_id": tenant.ProjectID, "network_id": added.ID, "name": "reports", "ip_version": 4, "cidr": "10.10.77.0/24"}); err != nil {
		t.Fatal(err)
	}
	if _, err := openstack.Update[openstack.Network](ctx, src.Network, openstack.Networks, tenant.Networks["app"],
		map[string]any{"description": "application tier, moved"}); err != nil {
		t.Fatal(err)
	}

	out, err := w.try(ctx, "plan", "-detailed-exitcode", "-no-color")
	if err == nil {
		t.Fatalf("the plan after the source changed is empty:\n%s", out)
	}
	for _, want := range []string{"will be updated in-place", "source_drift", "add: reports", "change: app (description)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "must be replaced") {
		t.Errorf("the plan replaces the replica:\n%s", out)
	}
	w.run(ctx, "apply", "-auto-approve", "-no-color")
	if out, err := w.try(ctx, "plan", "-detailed-exitcode", "-no-color"); err != nil {
		t.Fatalf("the plan after the sync is not empty: %v\n%s", err, out)
	}
	var ids map[string]string
	raw, err := w.command(ctx, "output", "-json", "network_ids").Output()
	if err != nil || json.Unmarshal(raw, &ids) != nil {
		t.Fatalf("terraform output network_ids: %v", err)
	}
	if ids[added.ID] == "" {
		t.Fatalf("the replica's network_ids lack the network added to the source: %v", ids)
	}
	w.run(ctx, "destroy", "-auto-approve", "-no-color")
	destroyed = true
}
