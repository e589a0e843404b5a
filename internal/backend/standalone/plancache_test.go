package standalone

import (
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

func TestPlanCache(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	c := &planCache{now: func() time.Time { return now }}
	in := backend.Inputs{SrcResource: "src/p1", DstOffering: "dst", Mappings: replication.Mappings{
		VolumeTypes: []replication.VolumeTypeMap{{SrcTypeID: "ssd", DstTypeID: "fast"}}, SyncInstancePorts: true}}
	p := &replication.Plan{SourceProjectID: "p1"}
	if got := c.remember(in, p); got != p {
		t.Fatal("remember does not return the plan")
	}

	now = now.Add(3 * time.Second)
	// Neither the steps in flight nor follow_source change what is planned.
	same := in
	same.Concurrency, same.FollowSource = 7, true
	got, age, ok := c.recent(same)
	if !ok || got != p || age != 3*time.Second {
		t.Fatalf("recent = %v, %v, %v; want the plan, 3s old", got, age, ok)
	}
	if _, _, ok := c.recent(in); ok {
		t.Error("a plan was executed twice: the next run (a resume) must plan again")
	}

	// Other inputs, other plans.
	c.remember(in, p)
	for name, other := range map[string]backend.Inputs{
		"another source":   {SrcResource: "src/p2", DstOffering: "dst", Mappings: in.Mappings},
		"another name":     {SrcResource: "src/p1", DstOffering: "dst", Mappings: in.Mappings, Name: "copy"},
		"another mapping":  {SrcResource: "src/p1", DstOffering: "dst", Mappings: replication.Mappings{SyncInstancePorts: true}},
		"another offering": {SrcResource: "src/p1", DstOffering: "dst2", Mappings: in.Mappings},
	} {
		if _, _, ok := c.recent(other); ok {
			t.Errorf("%s: the plan of other inputs was returned", name)
		}
	}

	// A plan older than the window is read again.
	now = now.Add(planReuseWindow + time.Second)
	if _, _, ok := c.recent(in); ok {
		t.Error("a stale plan was returned")
	}

	// Stale entries are dropped when a new plan is remembered; nil plans (failed plans) are not kept.
	c.remember(backend.Inputs{SrcResource: "src/old"}, p)
	now = now.Add(planReuseWindow + time.Second)
	c.remember(in, nil)
	c.remember(backend.Inputs{SrcResource: "src/new"}, p)
	if len(c.entries) != 1 {
		t.Errorf("%d entries kept, want 1 (the stale one dropped, the nil plan not kept)", len(c.entries))
	}
}
