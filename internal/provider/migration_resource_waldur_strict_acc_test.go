package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// TestAccWaldurMigration_hiddenCredentials: a Waldur that hides tenant credentials gives a migration whose
// credentials are null (with a warning saying why), not an empty password; the next plan is empty.
func TestAccWaldurMigration_hiddenCredentials(t *testing.T) {
	waccPreCheck(t)
	f := newWaccFixture(t, waldurtest.Options{HideTenantCredentials: true})
	config := fmt.Sprintf(`
provider "waldur" {
  endpoint = %q
  token    = %q
}

resource "waldur_openstack_migration" "test" {
  src_resource = %q
  dst_offering = %q
  dst_plan     = %q
}
`, f.srv.APIURL(), f.srv.Token, f.shop.ResourceUUID, f.dstOff.UUID, f.standard.UUID)
	waccTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(waccMigration, "state", "OK"),
				resource.TestCheckNoResourceAttr(waccMigration, "credentials.username"),
				resource.TestCheckNoResourceAttr(waccMigration, "credentials.password"),
			),
		}},
	})
}
