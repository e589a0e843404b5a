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
