package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestLabKilledApplyConverges kills terraform (and the provider it started) with SIGKILL in the middle
// of the apply of examples/migrate-tenant, once the destination project holds some networks and before
// any state was written. The next apply must adopt what the killed one built: one destination project,
// every object in it held by the id maps (no duplicate, no orphan), as many of each kind as the plan's
// counts, and an empty plan after.
func TestLabKilledApplyConverges(t *testing.T) {
	testlab.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	_, dst, name, _ := seededSource(t, ctx, "e2e-killed")
	copyName := name + "-copy"
	w := newWorkdir(t, "migrate-tenant", map[string]string{"source_tenant": name, "destination_name": copyName, "sync_instance_ports": "true"})
	destroyed := false
	w.destroyAtEnd(&destroyed)
	t.Cleanup(func() {
		// Whatever the state says, the copy goes (the killed apply may have left it unrecorded).
		if found, err := openstack.FindProjects(context.Background(), dst.Identity, url.Values{"name": {copyName}}); err == nil {
			for _, p := range found {
				cctx, ccancel := context.WithTimeout(context.Background(), 5*time.Minute)
				_ = replication.Teardown(cctx, dst, p.ID, 4)
				ccancel()
			}
		}
	})

	apply := w.start(ctx, "apply", "-auto-approve", "-no-color")
	killed := false
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline) && !apply.exited(); time.Sleep(200 * time.Millisecond) {
		found, err := openstack.FindProjects(ctx, dst.Identity, url.Values{"name": {copyName}})
		if err != nil || len(found) == 0 {
			continue
		}
		nets, err := openstack.List[openstack.Network](ctx, dst.Network, openstack.Networks, url.Values{"project_id": {found[0].ID}})
		if err == nil && len(nets) > 0 {
			apply.kill()
			killed = true
			break
		}
	}
	if !killed {
		apply.kill()
		t.Fatalf("the apply ended, or the destination never held a network, before it could be killed:\n%s", w.printed.String())
	}
	if out, err := w.command(ctx, "state", "list").CombinedOutput(); err == nil && len(out) > 0 {
		t.Logf("state after the kill (the provider had not returned): %s", out)
	}

	w.run(ctx, "apply", "-auto-approve", "-no-color")
	if out, err := w.try(ctx, "plan", "-detailed-exitcode", "-no-color"); err != nil {
		t.Fatalf("the plan after the converging apply is not empty: %v\n%s", err, out)
	}
	found, err := openstack.FindProjects(ctx, dst.Identity, url.Values{"name": {copyName}})
	if err != nil || len(found) != 1 {
		t.Fatalf("%d destination projects named %s (%v), want exactly 1", len(found), copyName, err)
	}
	objects, err := replication.ListDestination(ctx, dst, found[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids replication.IDMaps
	outputs := map[string]*map[string]string{"network_ids": &ids.Networks, "subnet_ids": &ids.Subnets, "router_ids": &ids.Routers,
		"security_group_ids": &ids.SecurityGroups, "address_group_ids": &ids.AddressGroups, "port_ids": &ids.Ports}
	for o, into := range outputs {
		raw, err := w.command(ctx, "output", "-json", o).Output()
		if err != nil || json.Unmarshal(raw, into) != nil {
			t.Fatalf("terraform output %s: %v", o, err)
		}
	}
	var built map[string]int
	raw, err := w.command(ctx, "output", "-json", "built").Output()
	if err != nil || json.Unmarshal(raw, &built) != nil {
		t.Fatalf("terraform output built: %v", err)
	}
	for output, kind := range map[string]string{"network_ids": "networks", "subnet_ids": "subnets", "router_ids": "routers",
		"security_group_ids": "security_groups", "address_group_ids": "address_groups", "port_ids": "ports"} {
		if n := len(*outputs[output]); n != built[kind] {
			t.Errorf("%s holds %d, the plan built %d %s", output, n, built[kind], kind)
		}
	}
	orphans := testlab.Orphans(objects, ids)
	if len(orphans) > 0 {
		t.Errorf("objects of the destination that no id map holds (duplicates or orphans of the killed apply): %v", orphans)
	}
	w.run(ctx, "destroy", "-auto-approve", "-no-color")
	destroyed = true
}
