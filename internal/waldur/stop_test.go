package waldur

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// TestCreateMigrationStoppedInFlight: an apply stopped while Waldur handles the create still learns the
// migration Waldur made (which goes on regardless), whether the answer carries its uuid or the client
// has to look it up; Waldur holds that one migration and no other.
func TestCreateMigrationStoppedInFlight(t *testing.T) {
	for _, withUUID := range []bool{false, true} {
		t.Run(map[bool]string{false: "answer without uuid", true: "answer with uuid"}[withUUID], func(t *testing.T) {
			f := newFixture(t, waldurtest.Options{CreateResponseWithUUID: withUUID})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			inner := f.srv.Handler()
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/"+migrationsPath) {
					cancel() // the apply is stopped while Waldur handles the create
				}
				inner.ServeHTTP(w, r)
			}))
			t.Cleanup(hs.Close)
			c, err := New(hs.URL+"/api", f.srv.Token)
			if err != nil {
				t.Fatal(err)
			}
			m, err := c.CreateMigration(ctx, f.request())
			if ctx.Err() == nil {
				t.Fatal("the run was not stopped during the create")
			}
			if err != nil || m == nil || m.UUID == "" {
				t.Fatalf("CreateMigration = %+v, %v; want the migration Waldur created", m, err)
			}
			list, err := f.c.ListMigrations(context.Background(), MigrationFilter{SrcResourceUUID: f.src.ResourceUUID})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].UUID != m.UUID {
				t.Fatalf("Waldur holds %d migrations (%+v), want just %s", len(list), list, m.UUID)
			}
		})
	}
}

// TestCreateMigrationNotSentAfterStop: a create whose apply has already stopped is not sent.
func TestCreateMigrationNotSentAfterStop(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.c.CreateMigration(ctx, f.request()); err == nil {
		t.Fatal("a create after the stop succeeded")
	}
	list, err := f.c.ListMigrations(context.Background(), MigrationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Fatalf("Waldur holds %d migrations after a create that was never sent", len(list))
	}
}

// TestCreateMigrationReadBackFails: when Waldur answers the create with the new migration's uuid alone
// and reading the migration then fails, the caller still gets that uuid, with the error, to record it.
func TestCreateMigrationReadBackFails(t *testing.T) {
	const id = "3f1c0f7e8a9b4c2d9e0f1a2b3c4d5e6f"
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/api/users/me/":
			_, _ = w.Write([]byte(`{"uuid":"` + id + `"}`))
			return
		case r.Method == http.MethodGet && r.URL.Path == "/api/"+migrationsPath:
			_, _ = w.Write([]byte(`[]`))
			return
		}
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"uuid":"` + id + `"}`))
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"detail":"Not found."}`))
	}))
	t.Cleanup(hs.Close)
	c, err := New(hs.URL+"/api", "token")
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.CreateMigration(context.Background(), MigrationCreateRequest{SrcResource: id, DstOffering: id, DstPlan: id})
	if err == nil || StatusCode(err) != http.StatusNotFound {
		t.Fatalf("err = %v, want the 404 of the read back", err)
	}
	if m == nil || m.UUID != id {
		t.Fatalf("migration = %+v, want uuid %s kept for the caller to record", m, id)
	}
}
