package replication

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// fakeNovaCinder holds one project's servers, snapshots and volumes, and records the deletes in order.
// Its servers answer a delete with 500 after deleting (as the lab's Nova, which cannot reach Placement);
// its snapshots take two lists to go; volume "vol-attached" refuses a delete (400) while a server is
// left, and "vol-stuck" refuses a plain delete always (force-delete only); "vol-forever" never goes.
type fakeNovaCinder struct {
	mu                          sync.Mutex
	servers, snapshots, volumes map[string]string // id -> name
	dying                       map[string]int    // snapshot id -> lists left before it is gone
	deletes                     []string
}

func (f *fakeNovaCinder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // compute|volume, kind[, id[, action]]
	kinds := map[string]map[string]string{"servers": f.servers, "snapshots": f.snapshots, "volumes": f.volumes}
	objects := kinds[parts[1]]
	switch {
	case r.Method == http.MethodGet && len(parts) == 2:
		if r.URL.Query().Get("all_tenants") != "1" || r.URL.Query().Get("project_id") != "p1" {
			http.Error(w, "want all_tenants=1&project_id=p1", http.StatusBadRequest)
			return
		}
		list := []map[string]string{}
		for id, name := range objects {
			if n, ok := f.dying[id]; ok {
				if n == 0 {
					delete(objects, id)
					continue
				}
				f.dying[id] = n - 1
			}
			list = append(list, map[string]string{"id": id, "name": name})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{parts[1]: list})
	case r.Method == http.MethodDelete && len(parts) == 3:
		id := parts[2]
		f.deletes = append(f.deletes, parts[1]+" "+id)
		if _, ok := objects[id]; !ok {
			http.NotFound(w, r)
			return
		}
		switch {
		case parts[1] == "servers":
			delete(objects, id)
			http.Error(w, `{"computeFault": {"code": 500, "message": "MissingAuthPlugin"}}`, http.StatusInternalServerError)
		case parts[1] == "snapshots":
			f.dying[id] = 2
			w.WriteHeader(http.StatusAccepted)
		case id == "vol-stuck" || (id == "vol-attached" && len(f.servers) > 0):
			http.Error(w, `{"badRequest": {"code": 400, "message": "Invalid volume: status must be available"}}`, http.StatusBadRequest)
		case id == "vol-forever":
			w.WriteHeader(http.StatusAccepted)
		default:
			delete(objects, id)
			w.WriteHeader(http.StatusAccepted)
		}
	case r.Method == http.MethodPost && len(parts) == 4 && parts[3] == "action":
		id := parts[2]
		f.deletes = append(f.deletes, "force "+id)
		if id == "vol-forever" {
			http.Error(w, `{"badRequest": {"code": 400, "message": "no"}}`, http.StatusBadRequest)
			return
		}
		delete(objects, id)
		w.WriteHeader(http.StatusAccepted)
	default:
		http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusMethodNotAllowed)
	}
}

func novaCinderCloud(t *testing.T, f *fakeNovaCinder) *openstack.Cloud {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	pc := &gophercloud.ProviderClient{HTTPClient: *srv.Client()}
	return &openstack.Cloud{
		Compute:      &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: srv.URL + "/compute/"},
		BlockStorage: &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: srv.URL + "/volume/"},
	}
}

func fastForeignWait(t *testing.T, wait time.Duration) {
	savedWait, savedPoll := foreignWait, foreignPoll
	foreignWait, foreignPoll = wait, 10*time.Millisecond
	t.Cleanup(func() { foreignWait, foreignPoll = savedWait, savedPoll })
}

func TestDeleteForeignServersFirstThenSnapshotsThenVolumes(t *testing.T) {
	fastForeignWait(t, 5*time.Second)
	f := &fakeNovaCinder{
		servers:   map[string]string{"srv-1": "app"},
		snapshots: map[string]string{"snap-1": "nightly"},
		volumes:   map[string]string{"vol-attached": "root", "vol-stuck": "stuck", "vol-free": "data"},
		dying:     map[string]int{},
	}
	dst := novaCinderCloud(t, f)
	var steps []string
	err := deleteForeign(context.Background(), dst, "p1", 4, func(p Progress) { steps = append(steps, p.Step) })
	if err != nil {
		t.Fatalf("deleteForeign: %v (deletes %v)", err, f.deletes)
	}
	if len(f.servers)+len(f.snapshots)+len(f.volumes) != 0 {
		t.Fatalf("left: servers %v, snapshots %v, volumes %v", f.servers, f.snapshots, f.volumes)
	}
	// The server went first, its 500 notwithstanding; the snapshot before any volume; the stuck volume
	// was force-deleted.
	order := strings.Join(f.deletes, ",")
	if !strings.HasPrefix(order, "servers srv-1,snapshots snap-1,volumes ") || !strings.Contains(order, "force vol-stuck") {
		t.Fatalf("deletes in order %s: want the server, then the snapshot, then the volumes, vol-stuck forced", order)
	}
	want := []string{"deleting 1 server (app)", "deleted 1 server (app)", "deleting 1 volume snapshot (nightly)", "deleted 1 volume snapshot (nightly)", "deleting 3 volumes", "deleted 3 volumes"}
	if len(steps) != len(want) {
		t.Fatalf("steps %q, want %d", steps, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(steps[i], w) {
			t.Errorf("step %d: %q, want it to start with %q", i, steps[i], w)
		}
	}
	// Nothing left: a second call lists and does nothing.
	before := len(f.deletes)
	if err := deleteForeign(context.Background(), dst, "p1", 4, nil); err != nil || len(f.deletes) != before {
		t.Fatalf("deleteForeign again: %v, %d more deletes", err, len(f.deletes)-before)
	}
}

func TestDeleteForeignReportsWhatStays(t *testing.T) {
	fastForeignWait(t, 200*time.Millisecond)
	f := &fakeNovaCinder{servers: map[string]string{}, snapshots: map[string]string{},
		volumes: map[string]string{"vol-forever": "keeper"}, dying: map[string]int{}}
	err := deleteForeign(context.Background(), novaCinderCloud(t, f), "p1", 4, nil)
	if err == nil || !strings.Contains(err.Error(), "still holds 1 volume (keeper)") {
		t.Fatalf("deleteForeign of a volume that never goes: %v, want an error naming it", err)
	}
	// Its delete was accepted (202), so there is no delete error to report with it.
	if strings.Contains(err.Error(), "deleting volume") {
		t.Fatalf("an accepted delete reported as failed: %v", err)
	}
}
