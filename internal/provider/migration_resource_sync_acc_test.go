package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// Keeping a replica in sync (follow_source): the source changes through the API after the migration,
// and the next plan of a replica syncs it in place, while that of a one-off copy shows nothing. A change
// of mappings applied in place is TestAccMigration_remapsAndVolumeTypes' second step.

// sourceChange is what changeSource did to a seeded three-tier source tenant.
type sourceChange struct {
	network, subnet string // added: "reports" with "reports-subnet"
	removedRule     string // web's http rule (tcp 80)
}

// changeSource changes a seeded three-tier source tenant as its users might: a network with a subnet
// added, the app network's description changed, web's http rule replaced by one on 8081, and the edge
// router's static routes removed.
func changeSource(t *testing.T, src *testlab.Tenant) sourceChange {
	t.Helper()
	ctx := accContext(t)
	c := accConnect(t, accSrcOffering)
	var ch sourceChange
	n, err := openstack.Create[openstack.Network](ctx, c.Network, openstack.Networks, map[string]any{
		"name": "reports", "description": "reports tier", "project_id": src.ProjectID, "admin_state_up": true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ch.network = n.ID
	gw := "10.10.4.1"
	sub, err := openstack.Create[openstack.Subnet](ctx, c.Network, openstack.Subnets, openstack.Subnet{
		ProjectID: src.ProjectID, NetworkID: n.ID, Name: "reports-subnet", Description: "subnet of reports", IPVersion: 4,
		CIDR: "10.10.4.0/24", GatewayIP: &gw, AllocationPools: []openstack.AllocationPool{{Start: "10.10.4.10", End: "10.10.4.99"}},
		DNSNameservers: []string{}, HostRoutes: []openstack.Route{}, EnableDHCP: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ch.subnet = sub.ID
	if _, err := openstack.Update[openstack.Network](ctx, c.Network, openstack.Networks, src.Networks["app"], map[string]any{
		"description": "application tier, v2",
	}); err != nil {
		t.Fatal(err)
	}
	rules, err := openstack.List[openstack.SecurityGroupRule](ctx, c.Network, openstack.SecurityGroupRules, url.Values{
		"security_group_id": {src.SecurityGroups["web"]}, "port_range_min": {"80"},
	})
	if err != nil || len(rules) != 1 {
		t.Fatalf("web's http rule: %v, %v", rules, err)
	}
	ch.removedRule = rules[0].ID
	if err := openstack.Delete(ctx, c.Network, openstack.SecurityGroupRules, ch.removedRule); err != nil {
		t.Fatal(err)
	}
	if _, err := openstack.Create[openstack.SecurityGroupRule](ctx, c.Network, openstack.SecurityGroupRules, openstack.SecurityGroupRule{
		ProjectID: src.ProjectID, SecurityGroupID: src.SecurityGroups["web"], Direction: "ingress", EtherType: "IPv4", Protocol: "tcp",
		PortRangeMin: ptr(8081), PortRangeMax: ptr(8081), RemoteIPPrefix: "0.0.0.0/0", Description: "http, moved",
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := openstack.Update[openstack.Router](ctx, c.Network, openstack.Routers, src.Routers["edge"], map[string]any{
		"routes": []openstack.Route{},
	}); err != nil {
		t.Fatal(err)
	}
	return ch
}

func ptr[T any](v T) *T { return &v }

// seedSourceFor seeds a three-tier source tenant for one test (seedSource) whose copy goes to the
// offering dst: the volume types its per-type quotas name are made there if missing.
func seedSourceFor(t *testing.T, dst string) *testlab.Tenant {
	t.Helper()
	if _, err := testlab.EnsureVolumeTypes(accContext(t), accConnect(t, dst), testlab.VolumeTypeNames...); err != nil {
		t.Fatal(err)
	}
	return seedSource(t)
}

// TestAccMigration_followSource replicates a tenant with follow_source = true; after the source changes,
// refresh records how in source_drift, the plan is an in-place update with the preview planned afresh,
// and the apply brings the replica in line, keeping the ids of every copy in sync; the next plan is
// empty. Then the source is torn down: the replica is kept, and nothing is planned.
func TestAccMigration_followSource(t *testing.T) {
	accPreCheck(t)
	src := seedSourceFor(t, accDstOffering)
	name := accName("replica")
	cleanupDestination(t, accDstOffering, name)
	config := accStandalone(t, accMigrationArgs{
		SrcResource: accSrcOffering + "/" + src.ProjectID, DstOffering: accDstOffering, Name: name, DestroyDestination: true, FollowSource: true,
	}, "migration/main.tf")
	projectKept := statecheck.CompareValue(compare.ValuesSame())
	var built map[string]string // the first apply's attributes
	var ch sourceChange
	accTest(t, resource.TestCase{
		CheckDestroy: checkProjectGone(t, accDstOffering, name),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("follow_source"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(accMigration, tfpath("source_drift"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectKnownValue(accMigration, tfpath("network_ids"), knownvalue.MapSizeExact(4)),
					projectKept.AddStateValue(accMigration, tfpath("dst_project_id")),
				},
				Check: func(s *terraform.State) (err error) {
					built, err = resourceAttributes(s, accMigration)
					return err
				},
			},
			{
				PreConfig: func() { ch = changeSource(t, src) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accMigration, plancheck.ResourceActionUpdate),
					// The refreshed state holds what differs, by kind; the plan syncs it away.
					priorStateCheck{accMigration, checkDrift(map[string]string{
						"networks":             `^add: reports; change: app \(description\)$`,
						"subnets":              `^add: reports-subnet$`,
						"security_group_rules": `^add: .*8081.*; remove: .*80.*$`,
						"routes":               `^remove: .*10\.10\.3\.128/25.*$`,
					})},
					plancheck.ExpectKnownValue(accMigration, tfpath("source_drift"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					plancheck.ExpectUnknownValue(accMigration, tfpath("network_ids")),
					plancheck.ExpectKnownValue(accMigration, tfpath("dst_project_id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "counts"), knownvalue.MapPartial(map[string]knownvalue.Check{
						"networks": num(5), "subnets": num(5), "routes": num(0),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("state"), str(backend.StateOK)),
					statecheck.ExpectKnownValue(accMigration, tfpath("source_drift"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectKnownValue(accMigration, tfpath("network_ids"), knownvalue.MapSizeExact(5)),
					projectKept.AddStateValue(accMigration, tfpath("dst_project_id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkIDMapsMatchPreview(),
					func(s *terraform.State) error {
						after, err := resourceAttributes(s, accMigration)
						if err != nil {
							return err
						}
						keptRules := slices.DeleteFunc(slices.Collect(maps.Keys(flatMap(built, "security_group_rule_ids"))), func(id string) bool { return id == ch.removedRule })
						if err := checkKeptIDs(built, after, map[string][]string{
							"network_ids": slices.Collect(maps.Values(src.Networks)), "subnet_ids": slices.Collect(maps.Values(src.Subnets)),
							"router_ids": {src.Routers["edge"]}, "security_group_ids": slices.Collect(maps.Keys(flatMap(built, "security_group_ids"))),
							"security_group_rule_ids": keptRules, "address_group_ids": {src.AddressGroups["office"]},
						}, nil); err != nil {
							return err
						}
						if after["credentials.password"] != built["credentials.password"] || after["credentials.user_id"] != built["credentials.user_id"] {
							return fmt.Errorf("the sync changed the replica's user or password")
						}
						return checkSynced(t, after, src, ch)
					},
				),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// The disaster: the source tenant is gone. Refresh cannot read it, warns, and plans nothing:
				// the replica is kept as it is, never emptied.
				PreConfig: func() {
					if err := teardownProject(accContext(t), accConnect(t, accSrcOffering), src.ProjectID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					priorStateCheck{accMigration, checkDrift(map[string]string{})},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("network_ids"), knownvalue.MapSizeExact(5)),
					projectKept.AddStateValue(accMigration, tfpath("dst_project_id")),
				},
			},
		},
	})
}

// TestAccMigration_oneOffCopyIgnoresSource changes the source of a one-off copy (follow_source = false,
// the default) into another cloud: the plan shows no change, and source_drift stays empty.
func TestAccMigration_oneOffCopyIgnoresSource(t *testing.T) {
	accPreCheck(t)
	src := seedSourceFor(t, accOtherOffering)
	name := accName("oneoff")
	cleanupDestination(t, accOtherOffering, name)
	config := accStandalone(t, accMigrationArgs{
		SrcResource: accSrcOffering + "/" + src.ProjectID, DstOffering: accOtherOffering, Name: name, DestroyDestination: true,
		Mappings: &accMappings{Networks: []string{src.Networks["web"], src.Networks["app"]}},
	}, "migration/main.tf")
	accTest(t, resource.TestCase{
		CheckDestroy: checkProjectGone(t, accOtherOffering, name),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("follow_source"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(accMigration, tfpath("source_drift"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
			{
				PreConfig: func() { changeSource(t, src) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					priorStateCheck{accMigration, checkDrift(map[string]string{})},
				}},
			},
		},
	})
}

// checkDrift checks a migration's source_drift in a state: exactly the kinds of want, each matching its
// regular expression.
func checkDrift(want map[string]string) func(r *tfjson.StateResource) error {
	return func(r *tfjson.StateResource) error {
		drift, ok := r.AttributeValues["source_drift"].(map[string]any)
		if !ok {
			return fmt.Errorf("source_drift is %T %v, want a map", r.AttributeValues["source_drift"], r.AttributeValues["source_drift"])
		}
		if got, wantKinds := slices.Sorted(maps.Keys(drift)), slices.Sorted(maps.Keys(want)); !slices.Equal(got, wantKinds) {
			return fmt.Errorf("source_drift has kinds %v, want %v (%v)", got, wantKinds, drift)
		}
		for kind, re := range want {
			if s, _ := drift[kind].(string); !regexp.MustCompile(re).MatchString(s) {
				return fmt.Errorf("source_drift[%s] = %q, want %s", kind, s, re)
			}
		}
		return nil
	}
}

// checkSynced compares the replica with the changed source through the API: the added network and
// subnet copied, the changed description and rule set followed, the removed route gone.
func checkSynced(t *testing.T, attrs map[string]string, src *testlab.Tenant, ch sourceChange) error {
	ctx := accContext(t)
	c := accConnect(t, accDstOffering)
	networks := flatMap(attrs, "network_ids")
	net, err := getOne[openstack.Network](ctx, c, openstack.Networks, networks[ch.network])
	if err != nil || net.Name != "reports" || net.Description != "reports tier" {
		return fmt.Errorf("the copy of the added network: %+v, %v", net, err)
	}
	sub, err := getOne[openstack.Subnet](ctx, c, openstack.Subnets, flatMap(attrs, "subnet_ids")[ch.subnet])
	if err != nil || sub.CIDR != "10.10.4.0/24" || sub.NetworkID != net.ID {
		return fmt.Errorf("the copy of the added subnet: %+v, %v", sub, err)
	}
	app, err := getOne[openstack.Network](ctx, c, openstack.Networks, networks[src.Networks["app"]])
	if err != nil || app.Description != "application tier, v2" {
		return fmt.Errorf("the copy of app: %+v, %v", app, err)
	}
	router, err := getOne[openstack.Router](ctx, c, openstack.Routers, flatMap(attrs, "router_ids")[src.Routers["edge"]])
	if err != nil || len(router.Routes) != 0 {
		return fmt.Errorf("the copy of edge: %+v, %v; want no routes", router, err)
	}
	rules, err := openstack.List[openstack.SecurityGroupRule](ctx, c.Network, openstack.SecurityGroupRules, url.Values{
		"security_group_id": {flatMap(attrs, "security_group_ids")[src.SecurityGroups["web"]]},
	})
	if err != nil {
		return err
	}
	var ports []int
	for _, r := range rules {
		if r.Direction == "ingress" && r.PortRangeMin != nil {
			ports = append(ports, *r.PortRangeMin)
		}
	}
	if slices.Sort(ports); !slices.Equal(ports, []int{22, 443, 8081}) {
		return fmt.Errorf("the copy of web has ingress rules on ports %v, want 22, 443 and 8081 (8443 matches another project's address group: skipped)", ports)
	}
	return nil
}

// getOne reads one Neutron object by id.
func getOne[T any](ctx context.Context, c *openstack.Cloud, r openstack.Resource, id string) (T, error) {
	var zero T
	if id == "" {
		return zero, errors.New("no id")
	}
	found, err := openstack.List[T](ctx, c.Network, r, url.Values{"id": {id}})
	if err != nil {
		return zero, err
	}
	if len(found) != 1 {
		return zero, fmt.Errorf("%d objects with id %s", len(found), id)
	}
	return found[0], nil
}
