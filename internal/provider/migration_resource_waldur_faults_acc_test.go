package provider

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// TestAccWaldurMigration_faults: Waldur commits the create but its answer never reaches the provider (the
// connection drops), and reads fail on the way (dropped connections, 502s): the apply still ends with the
// one migration Waldur made in the state, the next plan is empty, and Waldur holds no second migration.
func TestAccWaldurMigration_faults(t *testing.T) {
	waccPreCheck(t)
	f := newWaccFixture(t, waldurtest.Options{})
	faults := waldurtest.NewFaults(f.srv)
	t.Cleanup(faults.Close)
	faults.Add(waldurtest.Rule{Method: http.MethodPost, PathSuffix: "/openstack-migrations/", Times: 1, Fault: waldurtest.LoseAnswer})
	faults.Add(waldurtest.Rule{Method: http.MethodGet, Skip: 30, Times: 2, Fault: waldurtest.Drop})
	faults.Add(waldurtest.Rule{Method: http.MethodGet, Skip: 40, Times: 2, Fault: waldurtest.Status, Status: http.StatusBadGateway})
	config := fmt.Sprintf(`
provider "waldur" {
  endpoint = %q
  token    = %q
}

resource "waldur_openstack_migration" "test" {
  src_resource = %q
  dst_offering = %q
  dst_plan     = %q
  name         = "shop-copy"
}
`, faults.URL+"/api/", f.srv.Token, f.shop.ResourceUUID, f.dstOff.UUID, f.standard.UUID)
	oneMigration := func(s *terraform.State) error {
		attrs, err := waccAttributes(s, waccMigration)
		if err != nil {
			return err
		}
		list, err := f.api.ListMigrations(context.Background(), waldur.MigrationFilter{})
		if err != nil || len(list) != 1 || list[0].UUID != attrs["id"] {
			return fmt.Errorf("the server has migrations %v (%v), want just %s", list, err, attrs["id"])
		}
		if faults.Count() < 2 {
			return fmt.Errorf("%d faults injected", faults.Count())
		}
		return nil
	}
	waccTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(waccMigration, "state", "OK"),
					resource.TestCheckResourceAttrSet(waccMigration, "dst_project_id"),
					oneMigration,
				),
			},
			{Config: config, PlanOnly: true},
		},
	})
}
