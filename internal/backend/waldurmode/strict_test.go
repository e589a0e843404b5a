package waldurmode

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// TestCreateHiddenCredentials: a Waldur that hides tenant credentials gives a migration without
// credentials (nil, not an empty password) and a warning saying why.
func TestCreateHiddenCredentials(t *testing.T) {
	f := newFaultFixtureWith(t, waldurtest.Options{StepDuration: 5 * time.Millisecond, HideTenantCredentials: true})
	out, err := f.backend(f.srv.Token).Create(context.Background(), f.in, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if out.Credentials != nil {
		t.Errorf("credentials %+v, want none", out.Credentials)
	}
	if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "TENANT_CREDENTIALS_VISIBLE") {
		t.Errorf("warnings %q", out.Warnings)
	}
}

// TestCreateTokenExpires: a token that expires while the migration runs ends the wait with Waldur's 401
// (no use polling on), and the migration, still running, is returned to be recorded and resumed.
func TestCreateTokenExpires(t *testing.T) {
	f := newFaultFixture(t, 200*time.Millisecond)
	b := f.backend(f.srv.Token)
	go func() {
		time.Sleep(150 * time.Millisecond)
		f.srv.ExpireToken(f.srv.Token)
	}()
	out, err := b.Create(context.Background(), f.in, time.Minute)
	if !errors.Is(err, backend.ErrStillRunning) || out == nil || !backend.Running(out.State) {
		t.Fatalf("Create = %+v, %v; want the running migration, still running", out, err)
	}
	if !strings.Contains(err.Error(), "Token has expired.") {
		t.Errorf("the error does not say the token expired: %v", err)
	}
	if n := len(f.migrations(t)); n != 1 {
		t.Fatalf("Waldur holds %d migrations", n)
	}
}

// TestPlanSourceNotVisible: a source the token's user may not see (not a member of its project) is
// "Source tenant not found" on src_resource at plan time, as Waldur hides it.
func TestPlanSourceNotVisible(t *testing.T) {
	f := newFaultFixture(t, 5*time.Millisecond)
	f.srv.AddUser(waldurtest.User{Token: "outsider-token-0123456789abcdef", MayOrderWithoutReview: true})
	_, err := f.backend("outsider-token-0123456789abcdef").Plan(context.Background(), f.in)
	var e *backend.Error
	if !errors.As(err, &e) || e.Summary != "Source tenant not found" || e.Attribute.String() != "src_resource" {
		t.Fatalf("Plan = %v; want Source tenant not found on src_resource", err)
	}
}
