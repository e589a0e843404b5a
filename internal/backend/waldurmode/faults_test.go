package waldurmode

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// faultFixture is a Waldur test server with a source tenant and a destination offering, a fault-injecting
// front, and a staff client that sees every migration.
type faultFixture struct {
	srv    *waldurtest.Server
	faults *waldurtest.Faults
	staff  *waldur.Client
	in     backend.Inputs
}

const staffToken = "staff-token-0123456789abcdef0123"

func newFaultFixture(t *testing.T, step time.Duration) *faultFixture {
	t.Helper()
	return newFaultFixtureWith(t, waldurtest.Options{StepDuration: step})
}

func newFaultFixtureWith(t *testing.T, opts waldurtest.Options) *faultFixture {
	t.Helper()
	srv := waldurtest.New(opts)
	t.Cleanup(srv.Close)
	faults := waldurtest.NewFaults(srv)
	t.Cleanup(faults.Close)
	srcOff := srv.AddOffering(waldurtest.Offering{Name: "Source cloud", Backend: "lab-a/RegionOne"})
	dstOff := srv.AddOffering(waldurtest.Offering{Name: "Destination cloud", Backend: "lab-b/RegionOne"})
	srcPlan := srv.AddPlan(waldurtest.Plan{OfferingUUID: srcOff.UUID, Name: "src"})
	dstPlan := srv.AddPlan(waldurtest.Plan{OfferingUUID: dstOff.UUID, Name: "dst"})
	src := srv.AddTenant(waldurtest.Tenant{OfferingUUID: srcOff.UUID, PlanUUID: srcPlan.UUID, Name: "prod", Description: "production",
		Limits: map[string]int{"cores": 20, "ram": 51200, "storage": 1024000}})
	srv.AddObjects(src.UUID, waldurtest.Objects{
		Networks: []waldurtest.Network{{BackendID: "net-a", Name: "front"}},
		Subnets: []waldurtest.Subnet{{BackendID: "sub-a", NetworkBackendID: "net-a", Name: "front-v4", CIDR: "192.168.1.0/24",
			GatewayIP: "192.168.1.1", EnableDHCP: true}},
		SecurityGroups: []waldurtest.SecurityGroup{{BackendID: "sg-web", Name: "web"}},
	})
	srv.AddUser(waldurtest.User{Token: staffToken, Username: "staff", FullName: "Staff", Staff: true})
	staff, err := waldur.New(srv.URL, staffToken)
	if err != nil {
		t.Fatal(err)
	}
	return &faultFixture{srv: srv, faults: faults, staff: staff, in: backend.Inputs{
		SrcResource: src.ResourceUUID, DstOffering: dstOff.UUID, DstPlan: dstPlan.UUID, Name: "prod-copy",
		Mappings: replication.Mappings{Subnets: []replication.SubnetRemap{{SrcCIDR: "192.168.1.0/24", DstCIDR: "10.20.1.0/24"}}},
	}}
}

// backend is a Waldur backend reaching the server through the faults, as the user with token.
func (f *faultFixture) backend(token string) *Backend {
	return New(Settings{Endpoint: f.faults.URL, Token: token,
		Poll:   waldur.WaitOptions{MinInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond},
		Client: []waldur.Option{waldur.WithRetry(waldur.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})},
	}, nil)
}

// migrations lists every migration on the server.
func (f *faultFixture) migrations(t *testing.T) []waldur.Migration {
	t.Helper()
	list, err := f.staff.ListMigrations(context.Background(), waldur.MigrationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestCreateAmbiguousAdopts: a create POST that Waldur commits but whose answer is lost (the connection
// dropped, a 500, 502 or 504 from a gateway) is not posted again: the backend finds the migration it made
// and waits for it; Waldur holds that one migration.
func TestCreateAmbiguousAdopts(t *testing.T) {
	for name, r := range map[string]waldurtest.Rule{
		"answer lost": {Fault: waldurtest.LoseAnswer},
		"500":         {Fault: waldurtest.Status, Status: http.StatusInternalServerError, Commit: true},
		"502":         {Fault: waldurtest.Status, Status: http.StatusBadGateway, Commit: true},
		"504":         {Fault: waldurtest.Status, Status: http.StatusGatewayTimeout, Commit: true},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFaultFixture(t, 5*time.Millisecond)
			r.Method, r.PathSuffix, r.Times = http.MethodPost, "/openstack-migrations/", 1
			f.faults.Add(r)
			out, err := f.backend(f.srv.Token).Create(context.Background(), f.in, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			list := f.migrations(t)
			if len(list) != 1 || out.ID != list[0].UUID || out.State != backend.StateOK {
				t.Fatalf("Create = %s %s; Waldur holds %d migrations, want just that one, OK", out.ID, out.State, len(list))
			}
			if f.faults.Count() != 1 {
				t.Fatalf("%d faults injected, want 1", f.faults.Count())
			}
		})
	}
}

// TestCreateFailedNotCommitted: a 500 whose POST Waldur did not commit is an error with no migration to
// save; the next apply creates one.
func TestCreateFailedNotCommitted(t *testing.T) {
	f := newFaultFixture(t, 5*time.Millisecond)
	f.faults.Add(waldurtest.Rule{Method: http.MethodPost, PathSuffix: "/openstack-migrations/", Times: 1, Fault: waldurtest.Status, Status: http.StatusInternalServerError})
	b := f.backend(f.srv.Token)
	out, err := b.Create(context.Background(), f.in, time.Minute)
	if err == nil || out != nil {
		t.Fatalf("Create = %+v, %v; want an error and nothing to save", out, err)
	}
	if n := len(f.migrations(t)); n != 0 {
		t.Fatalf("Waldur holds %d migrations", n)
	}
	out, err = b.Create(context.Background(), f.in, time.Minute)
	if err != nil || out.State != backend.StateOK {
		t.Fatal(out, err)
	}
	if n := len(f.migrations(t)); n != 1 {
		t.Fatalf("Waldur holds %d migrations, want 1", n)
	}
}

// TestCreatePollsThroughFaults: status polls that fail (503s past the client's retries, dropped
// connections, slow answers) do not end the wait.
func TestCreatePollsThroughFaults(t *testing.T) {
	f := newFaultFixture(t, 20*time.Millisecond)
	const detail = "/" // a migration's detail path ends in its uuid and "/"
	f.faults.Add(waldurtest.Rule{Method: http.MethodGet, PathSuffix: detail, Skip: 0, Times: 7, Fault: waldurtest.Status, Status: http.StatusServiceUnavailable})
	f.faults.Add(waldurtest.Rule{Method: http.MethodGet, PathSuffix: detail, Times: 4, Fault: waldurtest.Drop})
	f.faults.Add(waldurtest.Rule{Method: http.MethodGet, PathSuffix: detail, Times: 2, Fault: waldurtest.Slow, Delay: 50 * time.Millisecond})
	// The faults hit the user and list reads before the POST too; those are retried by the client.
	b := f.backend(f.srv.Token)
	var out *backend.Migration
	var err error
	for range 3 { // the first reads may fail past their retries; no POST was sent then
		if out, err = b.Create(context.Background(), f.in, time.Minute); err == nil {
			break
		}
	}
	if err != nil || out.State != backend.StateOK {
		t.Fatalf("Create = %+v, %v", out, err)
	}
	if n := len(f.migrations(t)); n != 1 {
		t.Fatalf("Waldur holds %d migrations, want 1", n)
	}
}

// TestCreateStillRunningResumed: a create whose timeout ends while Waldur goes on returns the migration,
// CREATING, with ErrStillRunning (recorded, not tainted); Sync waits for it again and records how it
// ended; Read of the running record refreshes it from Waldur; and a create run again (the state lost)
// carries it on. Waldur holds one migration throughout.
func TestCreateStillRunningResumed(t *testing.T) {
	f := newFaultFixture(t, 150*time.Millisecond)
	b := f.backend(f.srv.Token)
	ctx := context.Background()
	out, err := b.Create(ctx, f.in, 100*time.Millisecond)
	if !errors.Is(err, backend.ErrStillRunning) || out == nil || !backend.Running(out.State) {
		t.Fatalf("Create = %+v, %v; want the running migration and ErrStillRunning", out, err)
	}
	if out.ErrorMessage != "" {
		t.Errorf("error_message %q for a migration still running", out.ErrorMessage)
	}
	again, err := b.Create(ctx, f.in, 100*time.Millisecond)
	if !errors.Is(err, backend.ErrStillRunning) && err != nil {
		t.Fatal(err)
	}
	if again == nil || again.ID != out.ID {
		t.Fatalf("a create run again made %v, want %s carried on", again, out.ID)
	}
	out.Inputs = f.in
	done, err := b.Sync(ctx, f.in, *out, time.Minute)
	if err != nil || done.State != backend.StateOK || done.ID != out.ID {
		t.Fatalf("Sync = %+v, %v", done, err)
	}
	if len(done.IDs.Networks) != 1 {
		t.Errorf("id maps %+v, want the network matched", done.IDs)
	}
	read, err := b.Read(ctx, *out)
	if err != nil || read.State != backend.StateOK || len(read.IDs.Networks) != 1 {
		t.Fatalf("Read of the running record = %+v, %v; want OK with the id maps", read, err)
	}
	if n := len(f.migrations(t)); n != 1 {
		t.Fatalf("Waldur holds %d migrations, want 1", n)
	}
}

// TestCreateAdoptsOnlyOwn: a migration of the same source, offering and name made by another user is
// never taken for this configuration's, even by a staff token that sees it; the staff user's own is.
func TestCreateAdoptsOnlyOwn(t *testing.T) {
	f := newFaultFixture(t, 5*time.Millisecond)
	ctx := context.Background()
	theirs, err := f.backend(f.srv.Token).Create(ctx, f.in, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	staff := f.backend(staffToken)
	// The answer is lost: the lookup must not take the other user's migration.
	f.faults.Add(waldurtest.Rule{Method: http.MethodPost, PathSuffix: "/openstack-migrations/", Times: 1, Fault: waldurtest.LoseAnswer})
	mine, err := staff.Create(ctx, f.in, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if mine.ID == theirs.ID {
		t.Fatalf("the staff user's create took the other user's migration %s", theirs.ID)
	}
	again, err := staff.Create(ctx, f.in, time.Minute)
	if err != nil || again.ID != mine.ID {
		t.Fatalf("create run again = %v, %v; want %s carried on", again, err, mine.ID)
	}
	if n := len(f.migrations(t)); n != 2 {
		t.Fatalf("Waldur holds %d migrations, want 2", n)
	}
}
