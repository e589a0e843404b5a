package provider

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// The migrations of the shared three-tier source tenant (testlab.SeedThreeTier), one per kind of mapping:
// none; subnet remaps with volume types mapped many-to-one; selected networks with instance ports and no
// external gateway. Each checks the preview in the plan, the id maps in state and, through the API, the
// destination they describe; terraform-plugin-testing checks the plan is empty after each apply.

const accMigration = "waldur_openstack_migration.test"

func tfpath(attr string, steps ...any) tfjsonpath.Path {
	p := tfjsonpath.New(attr)
	for _, s := range steps {
		switch s := s.(type) {
		case string:
			p = p.AtMapKey(s)
		case int:
			p = p.AtSliceIndex(s)
		}
	}
	return p
}

func str(s string) knownvalue.Check { return knownvalue.StringExact(s) }

func num(n int64) knownvalue.Check { return knownvalue.Int64Exact(n) }

// TestAccMigration_noMappings copies the tenant as it is into the other region, then switches
// destroy_destination and destroy_foreign_objects on in place, so that destroy tears the copy down.
func TestAccMigration_noMappings(t *testing.T) {
	accPreCheck(t)
	src := accSource.get(t)
	name := accName("plain")
	cleanupDestination(t, accDstOffering, name)
	config := func(destroy bool) string {
		return accWithSource(t, map[string]any{"Source": src.Name, "Name": name, "Destroy": destroy}, "migration_no_mappings/main.tf")
	}
	projectID := statecheck.CompareValue(compare.ValuesSame())
	accTest(t, resource.TestCase{
		CheckDestroy: checkProjectGone(t, accDstOffering, name),
		Steps: []resource.TestStep{
			{
				Config: config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accMigration, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(accMigration, tfpath("dst_project_id")),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "name"), str(name)),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "description"), str("three-tier sample tenant")),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "counts"), knownvalue.MapPartial(map[string]knownvalue.Check{
						"networks": num(4), "subnets": num(4), "routers": num(1), "router_interfaces": num(3), "routes": num(1),
						"security_groups": num(4), "ports": num(0),
					})),
					// Nothing remapped: every subnet keeps its CIDR, gateway and pools.
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "subnets"), knownvalue.SetPartial([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": str("web-subnet"), "network": str("web"), "source_cidr": str("10.10.1.0/24"), "cidr": str("10.10.1.0/24"),
							"gateway_ip": str("10.10.1.1"), "pools_regenerated": knownvalue.Bool(false),
							// Neutron lists allocation pools in no particular order.
							"allocation_pools": knownvalue.SetExact([]knownvalue.Check{
								knownvalue.ObjectExact(map[string]knownvalue.Check{"start": str("10.10.1.10"), "end": str("10.10.1.99")}),
								knownvalue.ObjectExact(map[string]knownvalue.Check{"start": str("10.10.1.150"), "end": str("10.10.1.200")}),
							}),
							"dns_nameservers": knownvalue.ListExact([]knownvalue.Check{str("10.10.1.53"), str("9.9.9.9")}),
							"host_routes": knownvalue.ListExact([]knownvalue.Check{
								knownvalue.ObjectExact(map[string]knownvalue.Check{"destination": str("10.20.0.0/16"), "nexthop": str("10.10.1.254")}),
							}),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": str("mgmt-subnet"), "cidr": str("10.10.9.0/24"), "gateway_ip": knownvalue.Null()}),
					})),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "routers"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": str("edge"), "external_gateway": knownvalue.Bool(true),
							"interfaces": knownvalue.SetExact([]knownvalue.Check{
								knownvalue.ObjectExact(map[string]knownvalue.Check{"subnet": str("web-subnet"), "cidr": str("10.10.1.0/24"), "ip_address": str("10.10.1.1")}),
								knownvalue.ObjectExact(map[string]knownvalue.Check{"subnet": str("app-subnet"), "cidr": str("10.10.2.0/24"), "ip_address": str("10.10.2.254")}),
								knownvalue.ObjectExact(map[string]knownvalue.Check{"subnet": str("db-subnet"), "cidr": str("10.10.3.0/24"), "ip_address": str("10.10.3.1")}),
							}),
							"routes": knownvalue.ListExact([]knownvalue.Check{
								knownvalue.ObjectExact(map[string]knownvalue.Check{"destination": str("10.10.3.128/25"), "nexthop": str("10.10.2.10")}),
							}),
							"dropped_routes": knownvalue.ListExact([]knownvalue.Check{
								knownvalue.ObjectExact(map[string]knownvalue.Check{
									"destination": str("192.168.100.0/24"), "nexthop": str("10.10.1.20"),
									"reason": knownvalue.StringRegexp(regexp.MustCompile(`192\.168\.100\.0/24 is not inside any copied subnet`)),
								}),
							}),
						}),
					})),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "quotas", "network"), knownvalue.MapPartial(map[string]knownvalue.Check{
						"network": num(20), "subnet": num(25), "router": num(4), "security_group_rule": num(150),
					})),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "quotas", "compute"), knownvalue.MapPartial(map[string]knownvalue.Check{
						"cores": num(40), "instances": num(20),
					})),
					// Without a volume type map the per-type quotas keep their types' names.
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "quotas", "volume"), knownvalue.MapPartial(map[string]knownvalue.Check{
						"gigabytes": num(1000), "gigabytes_ssd": num(300), "volumes_ssd": num(10), "gigabytes_hdd": num(500),
					})),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "ports"), knownvalue.ListSizeExact(0)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("state"), str(backend.StateOK)),
					statecheck.ExpectKnownValue(accMigration, tfpath("error_message"), str("")),
					statecheck.ExpectKnownValue(accMigration, tfpath("mappings"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accMigration, tfpath("description"), str("three-tier sample tenant")),
					statecheck.ExpectKnownValue(accMigration, tfpath("dst_offering"), str(accDstOffering)),
					statecheck.ExpectKnownValue(accMigration, tfpath("network_ids"), knownvalue.MapSizeExact(4)),
					statecheck.ExpectKnownValue(accMigration, tfpath("subnet_ids"), knownvalue.MapSizeExact(4)),
					statecheck.ExpectKnownValue(accMigration, tfpath("router_ids"), knownvalue.MapSizeExact(1)),
					statecheck.ExpectKnownValue(accMigration, tfpath("security_group_ids"), knownvalue.MapSizeExact(4)),
					statecheck.ExpectKnownValue(accMigration, tfpath("port_ids"), knownvalue.MapSizeExact(0)),
					statecheck.ExpectKnownValue(accMigration, tfpath("credentials", "username"), knownvalue.NotNull()),
					statecheck.ExpectSensitiveValue(accMigration, tfpath("credentials")),
					// The rule referencing another project's group is reported, not copied.
					statecheck.ExpectKnownValue(accMigration, tfpath("skipped"), knownvalue.SetPartial([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"kind": str("security_group_rule"), "reason": knownvalue.StringRegexp(regexp.MustCompile(`is not a group of the source tenant`)),
						}),
					})),
					projectID.AddStateValue(accMigration, tfpath("dst_project_id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDestination(t, destinationWant{
						Offering: accDstOffering, Source: src, Networks: []string{"web", "app", "db", "mgmt"}, ExternalGateway: true,
						VolumeQuotas: map[string]int{"gigabytes": 1000, "gigabytes_ssd": 300, "volumes_ssd": 10, "gigabytes_hdd": 500},
					}),
					checkIDMapsMatchPreview(),
				),
			},
			{
				// destroy_destination and destroy_foreign_objects change in place: no new migration.
				Config: config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accMigration, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(accMigration, tfpath("destroy_destination"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue(accMigration, tfpath("destroy_foreign_objects"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "counts", "networks"), num(4)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("destroy_destination"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(accMigration, tfpath("destroy_foreign_objects"), knownvalue.Bool(true)),
					projectID.AddStateValue(accMigration, tfpath("dst_project_id")),
				},
			},
		},
	})
}

// TestAccMigration_remapsAndVolumeTypes remaps two subnets and maps two source volume types onto one
// destination type; then changes a remap, which the plan shows as an in-place update with a new preview
// and which the apply makes in the same project, replacing only the remapped subnet; then imports the
// migration.
func TestAccMigration_remapsAndVolumeTypes(t *testing.T) {
	accPreCheck(t)
	src := accSource.get(t)
	ctx := accContext(t)
	if _, err := testlab.EnsureVolumeTypes(ctx, accConnect(t, accDstOffering), testlab.VolumeTypeNames...); err != nil {
		t.Fatal(err)
	}
	name := accName("remap")
	cleanupDestination(t, accDstOffering, name)
	config := func(webCIDR string) string {
		return accWithSource(t, map[string]any{"Source": src.Name, "Name": name, "WebCIDR": webCIDR}, "migration_remap/main.tf")
	}
	remapped := func(webNet string) knownvalue.Check {
		return knownvalue.SetPartial([]knownvalue.Check{
			knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"name": str("web-subnet"), "source_cidr": str("10.10.1.0/24"), "cidr": str(webNet + ".0/24"), "gateway_ip": str(webNet + ".1"),
				"pools_regenerated": knownvalue.Bool(false),
				// Neutron lists allocation pools in no particular order.
				"allocation_pools": knownvalue.SetExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"start": str(webNet + ".10"), "end": str(webNet + ".99")}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"start": str(webNet + ".150"), "end": str(webNet + ".200")}),
				}),
				// The host route's next hop moves with the subnet; DNS servers are addresses, not moved.
				"host_routes": knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"destination": str("10.20.0.0/16"), "nexthop": str(webNet + ".254")}),
				}),
			}),
			knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"name": str("app-subnet"), "source_cidr": str("10.10.2.0/24"), "cidr": str("172.20.2.0/24"), "gateway_ip": str("172.20.2.1"),
			}),
			knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"name": str("db-subnet"), "source_cidr": str("10.10.3.0/24"), "cidr": str("10.10.3.0/24"), "gateway_ip": str("10.10.3.1"),
			}),
		})
	}
	routers := func(webNet string) knownvalue.Check {
		return knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"interfaces": knownvalue.SetExact([]knownvalue.Check{
				knownvalue.ObjectExact(map[string]knownvalue.Check{"subnet": str("web-subnet"), "cidr": str(webNet + ".0/24"), "ip_address": str(webNet + ".1")}),
				knownvalue.ObjectExact(map[string]knownvalue.Check{"subnet": str("app-subnet"), "cidr": str("172.20.2.0/24"), "ip_address": str("172.20.2.254")}),
				knownvalue.ObjectExact(map[string]knownvalue.Check{"subnet": str("db-subnet"), "cidr": str("10.10.3.0/24"), "ip_address": str("10.10.3.1")}),
			}),
			// The kept route's next hop moves with the app subnet.
			"routes": knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectExact(map[string]knownvalue.Check{"destination": str("10.10.3.128/25"), "nexthop": str("172.20.2.10")}),
			}),
			"dropped_routes": knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"destination": str("192.168.100.0/24"),
					"reason":      knownvalue.StringRegexp(regexp.MustCompile(`is not inside any copied subnet`)),
				}),
			}),
		})})
	}
	// ssd (300 GB, 10 volumes) and hdd (500 GB, unlimited volumes and snapshots) both onto fast: summed,
	// unlimited absorbing numbers.
	volumeQuotas := map[string]int{"gigabytes_fast": 800, "volumes_fast": -1, "snapshots_fast": -1}
	previewVolume := knownvalue.MapPartial(map[string]knownvalue.Check{"gigabytes_fast": num(800), "volumes_fast": num(-1), "snapshots_fast": num(-1), "gigabytes": num(1000)})
	want := func(webCIDR string) destinationWant {
		return destinationWant{
			Offering: accDstOffering, Source: src, Networks: []string{"web", "app", "db", "mgmt"}, ExternalGateway: true,
			CIDRs:        map[string]string{"10.10.1.0/24": webCIDR, "10.10.2.0/24": "172.20.2.0/24"},
			VolumeQuotas: volumeQuotas,
		}
	}
	projectKept := statecheck.CompareValue(compare.ValuesSame())
	var first map[string]string // the first apply's attributes
	accTest(t, resource.TestCase{
		CheckDestroy: checkProjectGone(t, accDstOffering, name),
		Steps: []resource.TestStep{
			{
				Config: config("192.168.11.0/24"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accMigration, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "subnets"), remapped("192.168.11")),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "networks"), knownvalue.SetPartial([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": str("web"), "cidrs": knownvalue.ListExact([]knownvalue.Check{str("192.168.11.0/24")})}),
					})),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "routers"), routers("192.168.11")),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "quotas", "volume"), previewVolume),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "description"), str("remapped copy")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("state"), str(backend.StateOK)),
					statecheck.ExpectKnownValue(accMigration, tfpath("network_ids"), knownvalue.MapSizeExact(4)),
					statecheck.ExpectKnownValue(accMigration, tfpath("subnet_ids"), knownvalue.MapSizeExact(4)),
					statecheck.ExpectKnownValue(accMigration, tfpath("router_ids"), knownvalue.MapSizeExact(1)),
					statecheck.ExpectKnownValue(accMigration, tfpath("security_group_ids"), knownvalue.MapSizeExact(4)),
					statecheck.ExpectKnownValue(accMigration, tfpath("port_ids"), knownvalue.MapSizeExact(0)),
					statecheck.ExpectKnownValue(accMigration, tfpath("mappings", "subnets"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(accMigration, tfpath("mappings", "volume_types"), knownvalue.ListSizeExact(2)),
					projectKept.AddStateValue(accMigration, tfpath("dst_project_id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDestination(t, want("192.168.11.0/24")),
					checkIDMapsMatchPreview(),
					func(s *terraform.State) (err error) {
						first, err = resourceAttributes(s, accMigration)
						return err
					},
				),
			},
			{
				// A changed remap is applied in place (an OpenStack offering): the plan shows the new
				// preview, and the apply replaces the web subnet with its new CIDR in the same project,
				// keeping every other copy.
				Config: config("192.168.12.0/24"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accMigration, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "subnets"), remapped("192.168.12")),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "routers"), routers("192.168.12")),
					plancheck.ExpectKnownValue(accMigration, tfpath("dst_project_id"), knownvalue.NotNull()),
					plancheck.ExpectUnknownValue(accMigration, tfpath("subnet_ids")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("state"), str(backend.StateOK)),
					statecheck.ExpectKnownValue(accMigration, tfpath("source_drift"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					projectKept.AddStateValue(accMigration, tfpath("dst_project_id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDestination(t, want("192.168.12.0/24")),
					checkIDMapsMatchPreview(),
					func(s *terraform.State) error {
						after, err := resourceAttributes(s, accMigration)
						if err != nil {
							return err
						}
						return checkKeptIDs(first, after, map[string][]string{
							"network_ids": slices.Collect(maps.Values(src.Networks)), "router_ids": {src.Routers["edge"]},
							"subnet_ids": {src.Subnets["app"], src.Subnets["db"], src.Subnets["mgmt"]},
						}, map[string][]string{"subnet_ids": {src.Subnets["web"]}})
					},
				),
			},
			{
				// Import by "<src offering>/<src project>:<dst offering>/<dst project>". The password and the
				// configured mappings and settings cannot be read back. Subnet remaps can (from the CIDRs),
				// the volume type map cannot (the destination shows only the summed quotas of fast): what
				// depends on it, the preview's volume quotas and what is skipped, is planned again from the
				// configured mappings on the first plan after the import.
				ResourceName:      accMigration,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					attrs, err := resourceAttributes(s, accMigration)
					if err != nil {
						return "", err
					}
					return attrs["src_resource"] + ":" + attrs["id"], nil
				},
				ImportStateVerifyIgnore: []string{
					"credentials.password", "mappings", "dst_plan", "destroy_destination",
					"preview.quotas.volume", "preview.skipped", "skipped",
				},
			},
		},
	})
}

// TestAccMigration_selectedNetworksWithPorts copies two of the four networks with their instance and VIP
// ports (fixed IPs and MACs kept) into another cloud, without router gateways; the default
// destroy_destination = false keeps the copy when the migration is destroyed. Then imported.
func TestAccMigration_selectedNetworksWithPorts(t *testing.T) {
	accPreCheck(t)
	src := accSource.get(t)
	name := accName("ports")
	cleanupDestination(t, accOtherOffering, name)
	config := accWithSource(t, map[string]any{"Source": src.Name, "Name": name}, "migration_selected_networks_with_ports/main.tf")
	port := func(name, kind, network, ip, mac string) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"name": str(name), "kind": str(kind), "network": str(network), "ips": knownvalue.ListExact([]knownvalue.Check{str(ip)}), "mac": str(mac),
		})
	}
	skipped := func(kind, sourceID, reason string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"kind": str(kind), "source_id": str(sourceID), "reason": knownvalue.StringRegexp(regexp.MustCompile(reason)),
		})
	}
	var built map[string]string // the first apply's attributes
	accTest(t, resource.TestCase{
		CheckDestroy: checkProjectKept(t, accOtherOffering, name, 2),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accMigration, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "networks"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": str("web"), "source_id": str(src.Networks["web"])}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": str("app"), "source_id": str(src.Networks["app"])}),
					})),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "ports"), knownvalue.SetExact([]knownvalue.Check{
						port("web-1", "instance", "web", "10.10.1.11", "fa:16:3e:10:01:11"),
						port("web-2", "instance", "web", "10.10.1.12", "fa:16:3e:10:01:12"),
						port("app-1", "instance", "app", "10.10.2.11", "fa:16:3e:10:02:11"),
					})),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "routers"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"external_gateway": knownvalue.Bool(false),
							"interfaces":       knownvalue.ListSizeExact(2),
							"routes":           knownvalue.ListSizeExact(0),
							// db is not copied: the route into it goes.
							"dropped_routes": knownvalue.SetExact([]knownvalue.Check{
								knownvalue.ObjectPartial(map[string]knownvalue.Check{"destination": str("10.10.3.128/25"), "reason": knownvalue.StringRegexp(regexp.MustCompile(`not inside any copied subnet`))}),
								knownvalue.ObjectPartial(map[string]knownvalue.Check{"destination": str("192.168.100.0/24"), "reason": knownvalue.StringRegexp(regexp.MustCompile(`not inside any copied subnet`))}),
							}),
						}),
					})),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "skipped"), knownvalue.SetPartial([]knownvalue.Check{
						skipped("router_gateway", src.Routers["edge"], `mappings\.skip_connection_extnet is set`),
						skipped("network", src.Networks["db"], `not selected in mappings\.networks`),
						skipped("network", src.Networks["mgmt"], `not selected in mappings\.networks`),
						skipped("port", src.Ports["scratch"], `neither an instance port nor a free VIP port`),
						skipped("port", src.Ports["db-1"], `is not copied`),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("state"), str(backend.StateOK)),
					statecheck.ExpectKnownValue(accMigration, tfpath("network_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						src.Networks["web"]: knownvalue.NotNull(), src.Networks["app"]: knownvalue.NotNull(),
					})),
					statecheck.ExpectKnownValue(accMigration, tfpath("subnet_ids"), knownvalue.MapSizeExact(2)),
					statecheck.ExpectKnownValue(accMigration, tfpath("router_ids"), knownvalue.MapSizeExact(1)),
					statecheck.ExpectKnownValue(accMigration, tfpath("port_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						src.Ports["web-1"]: knownvalue.NotNull(), src.Ports["web-2"]: knownvalue.NotNull(), src.Ports["app-1"]: knownvalue.NotNull(),
					})),
					statecheck.ExpectKnownValue(accMigration, tfpath("name"), str(name)),
					statecheck.ExpectKnownValue(accMigration, tfpath("destroy_destination"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDestination(t, destinationWant{
						Offering: accOtherOffering, Source: src, Networks: []string{"web", "app"}, Ports: []string{"web-1", "web-2", "app-1"},
						ExternalGateway: false,
					}),
					checkPortsKeptAddresses(t, accMigration, src),
					checkIDMapsMatchPreview(),
					func(s *terraform.State) (err error) {
						built, err = resourceAttributes(s, accMigration)
						return err
					},
				),
			},
			{
				// The short import id names only the destination; here the source project's Keystone serves
				// two configured offerings (the lab's regions), so the source must be named.
				ResourceName: accMigration,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					attrs, err := resourceAttributes(s, accMigration)
					return attrs["id"], err
				},
				ExpectError: regexp.MustCompile(`(?s)Error importing migration.*is in 2 configured offerings\s+\(new, old\): name the source in the import id`),
			},
			{
				ResourceName:      accMigration,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					attrs, err := resourceAttributes(s, accMigration)
					return attrs["src_resource"] + ":" + attrs["id"], err
				},
				ImportStateVerifyIgnore: []string{"credentials.password", "mappings"},
			},
			{
				// Someone deletes a copied port and a copied rule in the destination, and renames the
				// project. Refresh finds the copies missing (INCOMPLETE), the plan rebuilds them in place,
				// and the apply puts them back, with the port's address and MAC, into the same project
				// (found by id despite its new name), keeping the user's password.
				PreConfig: func() {
					ctx := accContext(t)
					dst := accConnect(t, accOtherOffering)
					renameProject(t, dst, built["dst_project_id"], name+"-renamed")
					port := flatMap(built, "port_ids")[src.Ports["web-1"]]
					var rule string
					for _, id := range flatMap(built, "security_group_rule_ids") {
						rule = id
						break
					}
					if port == "" || rule == "" {
						t.Fatalf("no copied port or rule to delete in %v", built)
					}
					if err := openstack.Delete(ctx, dst.Network, openstack.Ports, port); err != nil {
						t.Fatal(err)
					}
					if err := openstack.Delete(ctx, dst.Network, openstack.SecurityGroupRules, rule); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accMigration, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(accMigration, tfpath("port_ids")),
					plancheck.ExpectUnknownValue(accMigration, tfpath("security_group_rule_ids")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("state"), str(backend.StateOK)),
					statecheck.ExpectKnownValue(accMigration, tfpath("port_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						src.Ports["web-1"]: knownvalue.NotNull(), src.Ports["web-2"]: knownvalue.NotNull(), src.Ports["app-1"]: knownvalue.NotNull(),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					// First, while the project still has its new name; then its name back, which the
					// checks below, CheckDestroy and the clean-up find it by.
					func(s *terraform.State) error {
						after, err := resourceAttributes(s, accMigration)
						if err != nil {
							return err
						}
						for _, k := range []string{"dst_project_id", "credentials.user_id", "credentials.password", "security_group_rule_ids.%"} {
							if after[k] != built[k] {
								return fmt.Errorf("%s is %q after the repair, was %q", k, after[k], built[k])
							}
						}
						if _, err := findProject(accContext(t), accConnect(t, accOtherOffering), name); err == nil {
							return fmt.Errorf("the repair made a new project named %q instead of going on in the renamed one", name)
						}
						renameProject(t, accConnect(t, accOtherOffering), built["dst_project_id"], name)
						return nil
					},
					checkDestination(t, destinationWant{
						Offering: accOtherOffering, Source: src, Networks: []string{"web", "app"}, Ports: []string{"web-1", "web-2", "app-1"},
						ExternalGateway: false,
					}),
					checkPortsKeptAddresses(t, accMigration, src),
					checkIDMapsMatchPreview(),
				),
			},
		},
	})
}

// renameProject renames a destination project, as an operator might after the migration.
func renameProject(t *testing.T, c *openstack.Cloud, id, name string) {
	t.Helper()
	body := map[string]any{"project": map[string]any{"name": name}}
	if _, err := c.Identity.Patch(accContext(t), c.Identity.ServiceURL("projects", id), body, nil,
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}}); err != nil {
		t.Fatalf("renaming project %s to %q: %v", id, name, err)
	}
}

// checkPortsKeptAddresses checks through the API that the copied ports have their source's fixed IPs and
// MAC addresses.
func checkPortsKeptAddresses(t *testing.T, addr string, src *testlab.Tenant) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := resourceAttributes(s, addr)
		if err != nil {
			return err
		}
		ctx := accContext(t)
		c, err := openstack.Connect(ctx, openstack.Config{Cloud: accCloudOf[attrs["dst_offering"]]}, nil)
		if err != nil {
			return err
		}
		ports, err := openstack.List[openstack.Port](ctx, c.Network, openstack.Ports, mapQuery("project_id", attrs["dst_project_id"]))
		if err != nil {
			return err
		}
		byID := map[string]openstack.Port{}
		for _, p := range ports {
			byID[p.ID] = p
		}
		ids := flatMap(attrs, "port_ids")
		for name, want := range map[string][2]string{
			"web-1": {"10.10.1.11", "fa:16:3e:10:01:11"}, "web-2": {"10.10.1.12", "fa:16:3e:10:01:12"}, "app-1": {"10.10.2.11", "fa:16:3e:10:02:11"},
		} {
			p := byID[ids[src.Ports[name]]]
			if len(p.FixedIPs) != 1 || p.FixedIPs[0].IPAddress != want[0] || p.MACAddress != want[1] || p.Name != name {
				return fmt.Errorf("the copy of port %s is %q with %v and MAC %s, want %s and %s", name, p.Name, p.FixedIPs, p.MACAddress, want[0], want[1])
			}
		}
		return nil
	}
}
