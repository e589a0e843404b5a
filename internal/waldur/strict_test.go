package waldur

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// TestCreateFromNonTenant: a source resource of an offering that is not an OpenStack tenant offering
// is, as in Waldur, an object that does not exist for src_resource (400), not a server error.
func TestCreateFromNonTenant(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	vmOff := f.srv.AddOffering(waldurtest.Offering{Name: "VMs", Type: "OpenStack.Instance"})
	vm := f.srv.AddTenant(waldurtest.Tenant{OfferingUUID: vmOff.UUID, Name: "vm", Limits: map[string]int{"cores": 1}})
	req := f.request()
	req.SrcResource = vm.ResourceUUID
	req.Mappings = nil
	_, err := f.c.CreateMigration(context.Background(), req)
	ae, ok := AsAPIError(err)
	if !ok || ae.Status != http.StatusBadRequest {
		t.Fatalf("want a 400, got %v", err)
	}
	want := fmt.Sprintf(waldurtest.MsgDoesNotExistFmt, vm.ResourceUUID)
	if got := ae.FieldMessages("src_resource"); len(got) != 1 || got[0] != want {
		t.Errorf("src_resource: %q, want %q", got, want)
	}
}

// TestExpiredToken: Waldur refuses a token past its lifetime with 401 "Token has expired.", which is no
// transient error.
func TestExpiredToken(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	f.srv.ExpireToken(f.srv.Token)
	_, err := f.c.CurrentUser(context.Background())
	ae, ok := AsAPIError(err)
	if !ok || ae.Status != http.StatusUnauthorized || ae.Detail != "Token has expired." || IsTransient(err) {
		t.Fatalf("got %v", err)
	}
}

// TestProjectVisibility: a user who is not a member of the source's project sees neither its resource,
// its tenant nor its objects, and a migration of it is refused as Waldur does: the source "does not
// exist". A member sees them.
func TestProjectVisibility(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	ctx := context.Background()
	outsider := f.client(t, f.srv.AddUser(waldurtest.User{Token: "outsider-token", MayOrderWithoutReview: true}).Token)
	member := f.client(t, f.srv.AddUser(waldurtest.User{Token: "member-token", MayOrderWithoutReview: true, Projects: []string{f.src.ProjectUUID}}).Token)
	if _, err := outsider.GetResource(ctx, f.src.ResourceUUID); !IsNotFound(err) {
		t.Errorf("outsider reads the resource: %v", err)
	}
	if _, err := outsider.GetTenant(ctx, f.src.UUID); !IsNotFound(err) {
		t.Errorf("outsider reads the tenant: %v", err)
	}
	if nets, err := outsider.ListNetworks(ctx, TenantObjectFilter{TenantUUID: f.src.UUID}); err != nil || len(nets) != 0 {
		t.Errorf("outsider lists networks %v, %v", nets, err)
	}
	_, err := outsider.CreateMigration(ctx, f.request())
	want := fmt.Sprintf(waldurtest.MsgDoesNotExistFmt, f.src.ResourceUUID)
	if ae, ok := AsAPIError(err); !ok || len(ae.FieldMessages("src_resource")) != 1 || ae.FieldMessages("src_resource")[0] != want {
		t.Errorf("outsider's create: %v", err)
	}
	if _, err := member.GetResource(ctx, f.src.ResourceUUID); err != nil {
		t.Errorf("member: %v", err)
	}
	if nets, err := member.ListNetworks(ctx, TenantObjectFilter{TenantUUID: f.src.UUID}); err != nil || len(nets) != 2 {
		t.Errorf("member lists networks %v, %v", nets, err)
	}
}
