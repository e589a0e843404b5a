package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// TestAccWaldurMigration_followSource: a replica with the Waldur backend. Created with follow_source =
// true, it is in sync; once the source changes in Waldur (a network added, a port's description and a
// rule changed), refresh records the drift in source_drift (and the output and check block of
// testdata/waldur_follow_source see it), but the plan is empty: Waldur cannot apply it in place, and a
// replacement must be asked for (terraform apply -replace), never planned silently. The destination is
// left as it was, and the next plan is empty too.
func TestAccWaldurMigration_followSource(t *testing.T) {
	waccPreCheck(t)
	f := newWaccFixture(t, waldurtest.Options{})
	config := f.config(t, accMigrationArgs{
		SrcResource: f.shop.ResourceUUID, DstOffering: f.dstOff.UUID, DstPlan: f.standard.UUID, Name: "shop-dr", FollowSource: true,
		Mappings: &accMappings{SyncInstancePorts: true},
	}, "migration/main.tf", "waldur_follow_source/check.tf")
	drift := map[string]knownvalue.Check{
		"networks": knownvalue.StringExact("add: reports"),
		"ports":    knownvalue.StringExact("change: db-vip (description)"),
		"security_group_rules": knownvalue.StringExact("add: web: ingress IPv4 tcp 22-22 from 10.0.0.0/16; " +
			"remove: web: ingress IPv4 tcp 22-22 from 10.0.1.0/24"),
	}
	var dstTenant string
	var dstBefore waldurtest.Objects
	waccTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(waccMigration, tfjsonpath.New("follow_source"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(waccMigration, tfjsonpath.New("state"), knownvalue.StringExact("OK")),
				statecheck.ExpectKnownValue(waccMigration, tfjsonpath.New("source_drift"), knownvalue.MapExact(map[string]knownvalue.Check{})),
			},
			Check: func(s *terraform.State) error {
				attrs, err := waccAttributes(s, waccMigration)
				if err != nil {
					return err
				}
				res, err := f.api.GetResource(t.Context(), attrs["dst_resource_uuid"])
				if err != nil {
					return err
				}
				dstTenant, dstBefore = res.ResourceUUID, f.srv.TenantObjects(res.ResourceUUID)
				return nil
			},
		}, {
			// Refresh after a change of the source: plan only (nothing to apply), the drift in state.
			PreConfig: func() {
				o := f.srv.TenantObjects(f.shop.UUID)
				o.Networks = append(o.Networks, waldurtest.Network{BackendID: "net-reports", Name: "reports"})
				for i := range o.Ports {
					if o.Ports[i].Name == "db-vip" {
						o.Ports[i].Description = "the database's address"
					}
				}
				for i := range o.SecurityGroups {
					if o.SecurityGroups[i].Name == "web" {
						o.SecurityGroups[i].Rules[1].CIDR = "10.0.0.0/16"
					}
				}
				f.srv.SetObjects(f.shop.UUID, o)
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(waccMigration, plancheck.ResourceActionNoop),
				plancheck.ExpectKnownValue(waccMigration, tfjsonpath.New("source_drift"), knownvalue.MapExact(drift)),
				plancheck.ExpectKnownOutputValue("source_drift", knownvalue.MapExact(drift)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(waccMigration, tfjsonpath.New("source_drift"), knownvalue.MapExact(drift)),
				statecheck.ExpectKnownValue(waccMigration, tfjsonpath.New("state"), knownvalue.StringExact("OK")),
				statecheck.ExpectKnownOutputValue("source_drift", knownvalue.MapExact(drift)),
			},
			Check: func(*terraform.State) error {
				// Nothing was applied: the destination holds what the migration built.
				after := f.srv.TenantObjects(dstTenant)
				if len(after.Networks) != len(dstBefore.Networks) || len(after.Ports) != len(dstBefore.Ports) {
					return fmt.Errorf("the destination changed: %d networks, %d ports, were %d, %d",
						len(after.Networks), len(after.Ports), len(dstBefore.Networks), len(dstBefore.Ports))
				}
				return nil
			},
		}},
	})
}
