package standalone

import (
	"context"
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// A destination that lacks what the source plans has drift, recorded by kind; one that has it all
// (the source planned once more against what a run built) has none.
func TestRecordDrift(t *testing.T) {
	p, err := replication.BuildPlan(sampleSnapshot(), replication.Mappings{}, replication.Facts{
		ExternalNetworkID: "dst-ext", CanCreateProjects: true, User: "admin",
		VolumeTypes: []openstack.VolumeType{{ID: "dvt-ssd", Name: "ssd"}, {ID: "dvt-hdd", Name: "hdd"}, {ID: "dvt-fast", Name: "fast"}},
	}, replication.Target{})
	if err != nil {
		t.Fatal(err)
	}
	log := &logged{}
	b := New(nil, log)
	m := backend.Migration{DstProjectID: "p-dst", IDs: replication.NewIDMaps()}
	b.recordDrift(context.Background(), &m, p, replication.ProjectObjects{}, nil)
	if len(m.SourceDrift) == 0 || !strings.HasPrefix(m.SourceDrift["networks"], "add: ") {
		t.Errorf("source drift of an empty destination = %v, want every network to add", m.SourceDrift)
	}
	if len(log.infos) != 1 || !strings.Contains(log.infos[0], "differs") {
		t.Errorf("logged %q", log.infos)
	}
}
