package standalone

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// logged records what a backend logs.
type logged struct {
	mu    sync.Mutex
	warns []string
	infos []string
}

func (l *logged) Info(_ context.Context, msg string, _ map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.infos = append(l.infos, msg)
}

func (l *logged) Warn(_ context.Context, msg string, _ map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.warns = append(l.warns, msg)
}

// A replica whose source cannot be read (its cloud down) is kept as it is: no drift, so nothing is
// planned, and a warning that says why, for the refresh to show. Never an error.
func TestCompareWithUnreadableSource(t *testing.T) {
	log := &logged{}
	b := New(map[string]OfferingSettings{"old": {}, "new": {}}, log)
	b.connect = func(_ context.Context, cfg openstack.Config) (*openstack.Cloud, error) {
		return nil, errors.New("dial tcp 10.0.0.1:5000: connect: connection refused")
	}
	m := backend.Migration{
		Inputs:       backend.Inputs{SrcResource: "old/p-src", DstOffering: "new", FollowSource: true},
		DstProjectID: "p-dst", State: backend.StateOK,
		IDs: backend.IDMaps{Networks: map[string]string{"net-web": "d-net-web"}},
	}
	p, err := b.Plan(context.Background(), m.Inputs)
	b.compareWithSource(context.Background(), &m, sourceView{plan: p, err: err}, replication.ProjectObjects{})
	if len(m.SourceDrift) != 0 {
		t.Errorf("source drift = %v, want none: a source that cannot be read plans no removal", m.SourceDrift)
	}
	if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "old/p-src could not be read") ||
		!strings.Contains(m.Warnings[0], "connection refused") || !strings.Contains(m.Warnings[0], "kept as it is") {
		t.Errorf("warnings = %q, want one saying the source could not be read, why, and that the replica is kept", m.Warnings)
	}
	if len(log.warns) != 1 {
		t.Errorf("logged warnings %q, want one", log.warns)
	}
	if m.State != backend.StateOK || m.IDs.Networks["net-web"] != "d-net-web" {
		t.Errorf("the migration changed: %+v", m)
	}
}
