package provider

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/apiproxy"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestAccMigration_resumeAfterFailure makes an apply fail midway: the destination refuses the router's
// create once (409, from a fault-injecting proxy in front of the destination region), after the
// project, user, networks, subnets and security groups were built. The failed apply saves what it built
// (ERRED, tainted); the next plan shows the replacement, and the apply resumes into the same destination
// project, adopting what exists: no duplicate, the password of the first run kept. The source's router
// quota is lowered below what it uses (Neutron allows that): the plan raises the copy's to what it
// holds (reported, skipped kind quota), so that alone no longer fails an apply.
func TestAccMigration_resumeAfterFailure(t *testing.T) {
	accPreCheck(t)
	src := seedSource(t) // its quota is changed: not the shared source
	name := accName("resume")
	cleanupDestination(t, accDstOffering, name)
	srcCloud := accConnect(t, accSrcOffering)
	if err := openstack.SetNetworkQuotas(accContext(t), srcCloud.Network, src.ProjectID, map[string]int{"router": 0}); err != nil {
		t.Fatalf("setting the source's router quota: %v", err)
	}
	proxy, err := apiproxy.Start(accContext(t), testlab.CloudsFile(), t.TempDir(), []string{accCloudOf[accDstOffering]})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	faults := apiproxy.NewSchedule(apiproxy.Rule{Service: `network\[RegionTwo\]`, Method: "POST", Path: "/v2.0/routers", Nth: 1, Times: 1,
		Fault: apiproxy.Fault{Kind: apiproxy.Status, Status: http.StatusConflict}})
	proxy.SetFaults(faults)
	ao, eo, _, err := clouds.Parse(clouds.WithCloudName(accCloudOf[accDstOffering]), clouds.WithLocations(proxy.CloudsFile))
	if err != nil {
		t.Fatal(err)
	}
	projectDomain := ao.DomainName
	if ao.Scope != nil {
		projectDomain = cmp.Or(ao.Scope.DomainName, projectDomain)
	}
	config := accConfig(t, map[string]any{"SourceProjectID": src.ProjectID, "Name": name,
		"DstAuthURL": ao.IdentityEndpoint, "DstRegion": eo.Region, "DstUsername": ao.Username, "DstPassword": ao.Password,
		"DstProject": ao.TenantName, "DstUserDomain": ao.DomainName, "DstProjectDomain": projectDomain},
		"migration_resume/provider.tf", "migration_resume/main.tf")

	var partial openstack.Project
	var partialPassword string
	accTest(t, resource.TestCase{
		// destroy_destination = false: destroy forgets the migration, the destination stays.
		CheckDestroy: checkProjectKept(t, accDstOffering, name, 4),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The plan shows the quota the copy will get: the source's 0 raised to the one router.
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "quotas", "network", "router"), num(1)),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "counts", "routers"), num(1)),
				}},
				ExpectError: regexp.MustCompile(`(?s)Error creating migration.*409.*InjectedFault.*Run terraform apply again\s+to\s+resume`),
			},
			{
				// What the failed apply saved: an ERRED migration, tainted, naming the partial project.
				PreConfig: func() {
					ctx := accContext(t)
					dst := accConnect(t, accDstOffering)
					var err error
					if partial, err = findProject(ctx, dst, name); err != nil {
						t.Fatalf("the failed apply should have left its destination project: %v", err)
					}
					routers, err := openstack.List[openstack.Router](ctx, dst.Network, openstack.Routers, mapQuery("project_id", partial.ID))
					if err != nil || len(routers) != 0 {
						t.Fatalf("the partial destination has routers %v (%v), want none", routers, err)
					}
					if got := faults.Injected(); len(got) != 1 {
						t.Fatalf("faults injected: %v, want the router create's one", got)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					priorStateCheck{addr: accMigration, check: func(r *tfjson.StateResource) error {
						v := r.AttributeValues
						if !r.Tainted || v["state"] != backend.StateErred || v["dst_project_id"] != partial.ID {
							return fmt.Errorf("saved state: tainted %v, state %v, dst_project_id %v; want tainted, %s, %s", r.Tainted, v["state"], v["dst_project_id"], backend.StateErred, partial.ID)
						}
						if msg, _ := v["error_message"].(string); !strings.Contains(msg, "InjectedFault") {
							return fmt.Errorf("error_message %q does not say why", msg)
						}
						networkIDs, _ := v["network_ids"].(map[string]any)
						if n := len(networkIDs); n != 4 {
							return fmt.Errorf("the saved network_ids has %d entries, want the 4 networks built", n)
						}
						creds, _ := v["credentials"].(map[string]any)
						if partialPassword, _ = creds["password"].(string); partialPassword == "" {
							return errors.New("the saved state has no password for the user the failed apply made")
						}
						return nil
					}},
					plancheck.ExpectResourceAction(accMigration, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "quotas", "network", "router"), num(1)),
				}},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accMigration, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("state"), str(backend.StateOK)),
					statecheck.ExpectKnownValue(accMigration, tfpath("error_message"), str("")),
					statecheck.ExpectKnownValue(accMigration, tfpath("router_ids"), knownvalue.MapSizeExact(1)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The same project, resumed.
					resource.TestCheckResourceAttrPtr(accMigration, "dst_project_id", &partial.ID),
					resource.TestCheckResourceAttrPtr(accMigration, "credentials.password", &partialPassword),
					// Exactly one copy of everything: checkDestination compares the id maps with all the
					// project holds.
					checkDestination(t, destinationWant{
						Offering: accDstOffering, Source: src, Networks: []string{"web", "app", "db", "mgmt"}, ExternalGateway: true,
					}),
					checkOneProjectNamed(t, accDstOffering, name),
				),
			},
		},
	})
}

// checkOneProjectNamed checks that the destination holds one project named name, marked as a copy.
func checkOneProjectNamed(t *testing.T, offering, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := accContext(t)
		c, err := openstack.Connect(ctx, openstack.Config{Cloud: accCloudOf[offering]}, nil)
		if err != nil {
			return err
		}
		p, err := findProject(ctx, c, name)
		if err != nil {
			return err
		}
		if replication.SourceOf(p.Tags) == "" {
			return fmt.Errorf("project %s has no source marker", p.ID)
		}
		return nil
	}
}
