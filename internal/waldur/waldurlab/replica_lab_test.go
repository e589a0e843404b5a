package waldurlab

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend/waldurmode"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// TestLabReplicaDriftThroughWaldur: a replica (follow_source) made by the Waldur backend, the engine
// building it on the lab's other region, is in sync on its first refresh: what Waldur lists of the real
// copy matches the source planned again (a remapped subnet, a mapped volume type; Waldur refuses
// sync_instance_ports with a subnet remap). Then the source changes through OpenStack (a network added,
// another's description changed), Waldur pulls it (Resync), and the refresh reports exactly that; the
// copy in the lab is untouched, since Waldur cannot sync in place.
func TestLabReplicaDriftThroughWaldur(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	l := newLabbed(t, ctx)
	name := "wlab-replica-" + testlab.Suffix()
	l.cleanupProjects(t, testlab.RegionTwo, name)

	b := waldurmode.New(waldurmode.Settings{Endpoint: l.srv.URL, Token: l.srv.Token,
		Poll: waldur.WaitOptions{MinInterval: 200 * time.Millisecond, MaxInterval: 2 * time.Second}}, nil)
	in := backend.Inputs{
		SrcResource: l.src.Tenant.ResourceUUID, DstOffering: l.dstOff.Offering.UUID, DstPlan: l.dstOff.Plan.UUID, Name: name, FollowSource: true,
		Mappings: replication.Mappings{
			Subnets:     []replication.SubnetRemap{{SrcCIDR: "10.10.1.0/24", DstCIDR: "10.20.1.0/24"}},
			VolumeTypes: []replication.VolumeTypeMap{{SrcTypeID: l.srcOff.VolumeTypes["ssd"].UUID, DstTypeID: l.dstOff.VolumeTypes["fast"].UUID}},
		},
	}
	m, err := b.Create(ctx, in, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	m.Inputs = in
	first, err := b.Read(ctx, *m)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.SourceDrift) != 0 || len(first.Warnings) != 0 {
		t.Fatalf("a replica just made: source_drift = %v, warnings %v; want in sync", first.SourceDrift, first.Warnings)
	}

	src, err := l.lab.Cloud(ctx, testlab.RegionOne)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openstack.Create[openstack.Network](ctx, src.Network, openstack.Networks, map[string]any{
		"name": "reports", "project_id": l.source.ProjectID}); err != nil {
		t.Fatal(err)
	}
	if _, err := openstack.Update[openstack.Network](ctx, src.Network, openstack.Networks, l.source.Networks["db"], map[string]any{"description": "database tier"}); err != nil {
		t.Fatal(err)
	}
	if l.src, err = l.lab.Resync(ctx, l.srv, l.srcOff, l.src); err != nil {
		t.Fatal(err)
	}
	dst, err := l.lab.Cloud(ctx, testlab.RegionTwo)
	if err != nil {
		t.Fatal(err)
	}
	before, err := replication.ReadSnapshot(ctx, dst, m.DstProjectID)
	if err != nil {
		t.Fatal(err)
	}

	out, err := b.Read(ctx, *m)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"networks": "add: reports; change: db (description)"}
	if !reflect.DeepEqual(out.SourceDrift, want) {
		t.Errorf("source_drift = %v, want %v", out.SourceDrift, want)
	}
	after, err := replication.ReadSnapshot(ctx, dst, m.DstProjectID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Networks) != len(before.Networks) {
		t.Errorf("the copy has %d networks after the refresh, had %d: Waldur applies no drift", len(after.Networks), len(before.Networks))
	}
	for _, n := range after.Networks {
		if n.Name == "db" && n.Description != "db tier" {
			t.Errorf("the copy's db network is %q, want it untouched", n.Description)
		}
	}
}
