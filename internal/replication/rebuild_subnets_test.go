package replication

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestAnotherPass(t *testing.T) {
	leak := &LeakedAddressError{SubnetID: "s1", Address: "10.0.0.5", Err: errors.New("409")}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"success", nil, false},
		{"an answer lost (EOF), joined with another step's error", errors.Join(fmt.Errorf("ports: %w", io.EOF), errors.New("other")), true},
		{"a reset connection", fmt.Errorf("networks: %w", syscall.ECONNRESET), true},
		{"a 500", &openstack.APIError{Status: 500}, true},
		{"a 503 after the retries", fmt.Errorf("subnets: %w", &openstack.APIError{Status: 503}), true},
		{"leaked addresses", fmt.Errorf("ports: %w", leak), true},
		{"a cut-off create finished late", fmt.Errorf("ports: %w", &LateCreateError{SubnetID: "s1", Address: "10.0.0.5", PortID: "p", Err: errors.New("409")}), true},
		{"a 409 refusal", &openstack.APIError{Status: 409, Type: "Conflict"}, false},
		{"a 400", &openstack.APIError{Status: 400}, false},
		{"cancelled", fmt.Errorf("ports: %w", context.Canceled), false},
		{"cancelled while a connection broke", errors.Join(context.Canceled, io.EOF), false},
		{"out of time", context.DeadlineExceeded, false},
	} {
		if got := anotherPass(tc.err) != ""; got != tc.want {
			t.Errorf("%s: anotherPass(%v) = %q, want another pass %v", tc.name, tc.err, anotherPass(tc.err), tc.want)
		}
	}
}

// fakeHolders is a Neutron answering leakedAddress's calls: subnet s1 of subnetProject, whose address
// 10.0.0.5 gets a holder (a port of holderProject) from the holderFrom-th list of its holders on (0:
// never), and a tag update.
type fakeHolders struct {
	subnetProject, holderProject string
	holderFrom                   int

	mu    sync.Mutex
	lists int
	tags  []string
}

const fakeSubnetID = "5ab0e7a1-0000-4000-8000-000000000001"

func (f *fakeHolders) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	q := r.URL.Query()
	switch {
	case r.Method == "GET" && r.URL.Path == "/v2.0/subnets" && q.Get("id") == fakeSubnetID:
		_ = json.NewEncoder(w).Encode(map[string]any{"subnets": []any{map[string]any{
			"id": fakeSubnetID, "project_id": f.subnetProject, "tags": []string{"keep"}}}})
	case r.Method == "GET" && r.URL.Path == "/v2.0/ports" &&
		slices.Equal(q["fixed_ips"], []string{"subnet_id=" + fakeSubnetID, "ip_address=10.0.0.5"}):
		f.lists++
		ports := []any{}
		if f.holderFrom > 0 && f.lists >= f.holderFrom {
			ports = append(ports, map[string]any{"id": "port-1", "project_id": f.holderProject,
				"fixed_ips": []any{map[string]any{"subnet_id": fakeSubnetID, "ip_address": "10.0.0.5"}}})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ports": ports})
	case r.Method == "POST" && r.URL.Path == "/v2.0/ports":
		// A create at the held address (an interface port's): refused as Neutron refuses it.
		w.WriteHeader(http.StatusConflict)
		_, _ = io.WriteString(w, `{"NeutronError":{"type":"IpAddressAlreadyAllocated","message":"IP address 10.0.0.5 already allocated in subnet `+fakeSubnetID+`"}}`)
	case r.Method == "PUT" && r.URL.Path == "/v2.0/subnets/"+fakeSubnetID+"/tags":
		var body struct{ Tags []string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		f.tags = body.Tags
		_ = json.NewEncoder(w).Encode(map[string]any{"tags": body.Tags})
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"NeutronError":{"type":"NotFound","message":"unexpected `+r.Method+" "+r.URL.String()+`"}}`)
	}
}

// TestLeakedAddressWaitsForARequestCutOff: a 409 IpAddressAlreadyAllocated with no holder is called a
// leak (the subnet marked for rebuild) only when no port of the project comes to hold the address
// within the grace; a holder that appears, or is there at once, is a create of ours that finished
// after its answer was lost (another pass, no rebuild); another project's port is a real conflict.
func TestLeakedAddressWaitsForARequestCutOff(t *testing.T) {
	savedGrace, savedPoll, savedMax := inFlightGrace, inFlightPoll, inFlightPollMax
	inFlightGrace, inFlightPoll, inFlightPollMax = 300*time.Millisecond, 10*time.Millisecond, 40*time.Millisecond
	t.Cleanup(func() { inFlightGrace, inFlightPoll, inFlightPollMax = savedGrace, savedPoll, savedMax })
	conflict := &openstack.APIError{Status: 409, Type: "IpAddressAlreadyAllocated",
		Message: "IP address 10.0.0.5 already allocated in subnet " + fakeSubnetID}
	for _, tc := range []struct {
		name          string
		f             *fakeHolders
		err           error
		cancelAfter   time.Duration
		want          string // "late", "leak", "same" (err returned as it is), "cancelled"
		minLists      int
		minElapsed    time.Duration
		wantTagged    bool
		wantNextPass  bool
		wantNoListing bool
	}{
		{name: "a holder of the project appears on the 4th list: the cut-off create finished",
			f: &fakeHolders{subnetProject: "p1", holderProject: "p1", holderFrom: 4}, err: conflict,
			want: "late", minLists: 4, wantNextPass: true},
		{name: "a holder of the project at once: committed between the pass's list and its create",
			f: &fakeHolders{subnetProject: "p1", holderProject: "p1", holderFrom: 1}, err: conflict,
			want: "late", minLists: 1, wantNextPass: true},
		{name: "no holder within the grace: leaked, the subnet marked",
			f: &fakeHolders{subnetProject: "p1"}, err: fmt.Errorf("ports: %w", conflict),
			want: "leak", minLists: 3, minElapsed: 300 * time.Millisecond, wantTagged: true, wantNextPass: true},
		{name: "another project's port holds it: a real conflict",
			f: &fakeHolders{subnetProject: "p1", holderProject: "p2", holderFrom: 2}, err: conflict,
			want: "same", minLists: 2},
		{name: "a subnet of another project: not ours to judge",
			f: &fakeHolders{subnetProject: "p2"}, err: conflict, want: "same", wantNoListing: true},
		{name: "another 409", f: &fakeHolders{subnetProject: "p1"},
			err: &openstack.APIError{Status: 409, Type: "MacAddressInUse", Message: "in use"}, want: "same", wantNoListing: true},
		{name: "cancelled while waiting: neither leak nor another pass",
			f: &fakeHolders{subnetProject: "p1"}, err: conflict, cancelAfter: 50 * time.Millisecond, want: "cancelled", minLists: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.f)
			t.Cleanup(srv.Close)
			pc := &gophercloud.ProviderClient{HTTPClient: *srv.Client()}
			dst := &openstack.Cloud{Network: &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: srv.URL + "/", ResourceBase: srv.URL + "/v2.0/"}}
			var steps []string
			e := &execution{dst: dst, res: &Result{ProjectID: "p1"}, opts: Options{Progress: func(p Progress) { steps = append(steps, p.Step) }}}
			ctx := context.Background()
			if tc.cancelAfter > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.cancelAfter)
				defer cancel()
			}
			start := time.Now()
			got := e.leakedAddress(ctx, tc.err)
			elapsed := time.Since(start)
			var late *LateCreateError
			var leak *LeakedAddressError
			switch tc.want {
			case "late":
				if !errors.As(got, &late) || late.PortID != "port-1" || late.Address != "10.0.0.5" || late.SubnetID != fakeSubnetID {
					t.Fatalf("got %v, want a LateCreateError for port-1 holding 10.0.0.5", got)
				}
			case "leak":
				if !errors.As(got, &leak) || leak.Address != "10.0.0.5" || leak.SubnetID != fakeSubnetID {
					t.Fatalf("got %v, want a LeakedAddressError", got)
				}
			case "same":
				if got != tc.err {
					t.Fatalf("got %v, want the error as it was: %v", got, tc.err)
				}
			case "cancelled":
				if !errors.Is(got, context.DeadlineExceeded) || errors.As(got, &leak) || errors.As(got, &late) {
					t.Fatalf("got %v, want the conflict joined with the context's end", got)
				}
			}
			if errors.As(got, &late) && errors.As(got, &leak) {
				t.Fatalf("got %v: both late and leaked", got)
			}
			if got == nil || !errors.Is(got, tc.err) {
				t.Fatalf("got %v, which does not wrap the create's error %v", got, tc.err)
			}
			tc.f.mu.Lock()
			lists, tags := tc.f.lists, tc.f.tags
			tc.f.mu.Unlock()
			if tc.wantNoListing && lists != 0 || lists < tc.minLists {
				t.Errorf("%d lists of the holders, want at least %d (none: %v)", lists, tc.minLists, tc.wantNoListing)
			}
			if elapsed < tc.minElapsed {
				t.Errorf("decided after %v, want at least the grace %v", elapsed, tc.minElapsed)
			}
			if tc.want == "late" && elapsed >= inFlightGrace {
				t.Errorf("decided after %v: a holder should end the wait at once", elapsed)
			}
			if tagged := slices.Equal(tags, []string{"keep", rebuildTag}); tagged != tc.wantTagged || (!tc.wantTagged && tags != nil) {
				t.Errorf("subnet tags set to %v, want marked for rebuild: %v", tags, tc.wantTagged)
			}
			if next := anotherPass(got) != ""; next != tc.wantNextPass {
				t.Errorf("anotherPass(%v) = %q, want another pass: %v", got, anotherPass(got), tc.wantNextPass)
			}
			if tc.want == "leak" && len(steps) == 0 {
				t.Errorf("the wait was not reported in progress")
			}
		})
	}
}

// An interface port whose create is refused as allocated, the address held by a port of the project
// (an earlier create of it, cut off, that finished since), is a late create: another pass adopts it,
// rather than the run failing on the 409 (found by TestLabFaults when the late commit hit an interface
// port before the ports bulk).
func TestInterfacePortRefusedAsAllocatedIsALateCreate(t *testing.T) {
	f := &fakeHolders{subnetProject: "p1", holderProject: "p1", holderFrom: 1}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	pc := &gophercloud.ProviderClient{HTTPClient: *srv.Client()}
	dst := &openstack.Cloud{Network: &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: srv.URL + "/", ResourceBase: srv.URL + "/v2.0/"}}
	e := &execution{dst: dst, res: &Result{ProjectID: "p1"}, pairs: emptyPairing()}
	_, err := e.interfacePort(context.Background(), InterfacePlan{IPAddress: "10.0.0.5"}, "net-1", fakeSubnetID)
	var late *LateCreateError
	if !errors.As(err, &late) || late.PortID != "port-1" {
		t.Fatalf("interfacePort: %v, want a LateCreateError naming port-1", err)
	}
	if why := anotherPass(err); why == "" {
		t.Errorf("anotherPass(%v) = \"\", want another pass to adopt the port", err)
	}
}
