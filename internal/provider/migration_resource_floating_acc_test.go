package provider

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// A source with a floating IP on web-1, a free one and an anti-affinity server group: the preview shows
// them, the apply fills floating_ip_ids, floating_ip_addresses (source address -> new address, the
// output) and server_group_ids, the copy is associated with web-1's copy at its fixed IP, a second plan
// is empty, and destroy releases the floating IPs with the project.
func TestAccMigration_floatingIPs(t *testing.T) {
	accPreCheck(t)
	src := seedSource(t)
	ctx := accContext(t)
	srcCloud := accConnect(t, accSrcOffering)
	web, spare := accSeedFloatingIP(t, ctx, srcCloud, src, "web-1", "10.10.1.11", "www"), accSeedFloatingIP(t, ctx, srcCloud, src, "", "", "spare")
	group := accSeedServerGroup(t, ctx, srcCloud, src.ProjectID)
	name := accName("fips")
	cleanupDestination(t, accDstOffering, name)
	config := accWithSource(t, map[string]any{"Source": src.Name, "Name": name}, "migration_floating_ips/main.tf")
	accTest(t, resource.TestCase{
		CheckDestroy: checkProjectGone(t, accDstOffering, name),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "floating_ips"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"source_id": str(web.ID), "source_address": str(web.FloatingIPAddress),
							"description": str("www"), "port": str("web-1"), "fixed_ip": str("10.10.1.11")}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"source_id": str(spare.ID), "source_address": str(spare.FloatingIPAddress),
							"description": str("spare"), "port": knownvalue.Null(), "fixed_ip": knownvalue.Null()}),
					})),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "server_groups"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"source_id": str(group.ID), "name": str("web"),
							"policy": str("anti-affinity"), "rules": knownvalue.MapExact(map[string]knownvalue.Check{"max_server_per_host": num(1)})}),
					})),
					plancheck.ExpectKnownValue(accMigration, tfpath("preview", "counts").AtMapKey("floating_ips"), num(2)),
					plancheck.ExpectKnownValue(accMigration, tfpath("mappings", "floating_ips"), str("all")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accMigration, tfpath("floating_ip_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						web.ID: knownvalue.NotNull(), spare.ID: knownvalue.NotNull(),
					})),
					statecheck.ExpectKnownValue(accMigration, tfpath("floating_ip_addresses"), knownvalue.MapExact(map[string]knownvalue.Check{
						web.FloatingIPAddress: knownvalue.NotNull(), spare.FloatingIPAddress: knownvalue.NotNull(),
					})),
					statecheck.ExpectKnownValue(accMigration, tfpath("server_group_ids"), knownvalue.MapExact(map[string]knownvalue.Check{group.ID: knownvalue.NotNull()})),
				},
				Check: func(s *terraform.State) error {
					attrs, err := resourceAttributes(s, accMigration)
					if err != nil {
						return err
					}
					dst := accConnect(t, accDstOffering)
					fips, err := openstack.List[openstack.FloatingIP](ctx, dst.Network, openstack.FloatingIPs, url.Values{"project_id": {attrs["dst_project_id"]}})
					if err != nil {
						return err
					}
					ids, ports := flatMap(attrs, "floating_ip_ids"), flatMap(attrs, "port_ids")
					addresses := map[string]string{} // keys are addresses: flatMap leaves out keys with dots
					for _, a := range []string{web.FloatingIPAddress, spare.FloatingIPAddress} {
						addresses[a] = attrs["floating_ip_addresses."+a]
					}
					if len(fips) != 2 {
						return fmt.Errorf("the destination holds %d floating IPs, want 2", len(fips))
					}
					for _, f := range fips {
						switch f.ID {
						case ids[web.ID]:
							if f.PortID != ports[src.Ports["web-1"]] || f.FixedIPAddress != "10.10.1.11" || f.Description != "www" || addresses[web.FloatingIPAddress] != f.FloatingIPAddress {
								return fmt.Errorf("copy of the web floating IP: %+v (addresses %v)", f, addresses)
							}
						case ids[spare.ID]:
							if f.PortID != "" || f.Description != "spare" || addresses[spare.FloatingIPAddress] != f.FloatingIPAddress {
								return fmt.Errorf("copy of the free floating IP: %+v (addresses %v)", f, addresses)
							}
						default:
							return fmt.Errorf("floating IP %s (%s) is in no id map", f.ID, f.FloatingIPAddress)
						}
					}
					groups, err := openstack.ListServerGroups(ctx, dst.Compute, attrs["dst_project_id"])
					if err != nil || len(groups) != 1 || groups[0].ID != attrs["server_group_ids."+group.ID] || groups[0].PolicyName() != "anti-affinity" {
						return fmt.Errorf("destination server groups %+v (%v)", groups, err)
					}
					return nil
				},
			},
			{
				Config:             config,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ExpectNonEmptyPlan: false,
			},
		},
	})
}

// accSeedFloatingIP gives the source a floating IP, on a port at its fixed IP or free ("" port).
func accSeedFloatingIP(t *testing.T, ctx context.Context, c *openstack.Cloud, src *testlab.Tenant, port, fixed, description string) openstack.FloatingIP {
	t.Helper()
	ext, err := openstack.List[openstack.Network](ctx, c.Network, openstack.Networks, url.Values{"router:external": {"true"}})
	if err != nil || len(ext) == 0 {
		t.Fatalf("no external network: %v", err)
	}
	body := map[string]any{"floating_network_id": ext[0].ID, "project_id": src.ProjectID, "description": description}
	if port != "" {
		body["port_id"], body["fixed_ip_address"] = src.Ports[port], fixed
	}
	f, err := openstack.Create[openstack.FloatingIP](ctx, c.Network, openstack.FloatingIPs, body)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// accSeedServerGroup makes an anti-affinity server group in the source project, as a user of it (Nova
// makes server groups in the caller's project only); the user goes with the source's teardown.
func accSeedServerGroup(t *testing.T, ctx context.Context, c *openstack.Cloud, projectID string) openstack.ServerGroup {
	t.Helper()
	password := "Acc-" + testlab.Suffix() + "-long-password"
	u, err := openstack.CreateUser(ctx, c.Identity, openstack.User{Name: "acc-sg-" + testlab.Suffix(), Password: password,
		DomainID: c.DomainID, DefaultProjectID: projectID, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = openstack.DeleteUser(context.Background(), c.Identity, u.ID) })
	role, err := openstack.RoleID(ctx, c.Identity, "member")
	if err == nil {
		err = openstack.AssignProjectRole(ctx, c.Identity, projectID, u.ID, role)
	}
	if err != nil {
		t.Fatal(err)
	}
	token, err := openstack.ProjectToken(ctx, c.Identity, u.ID, password, projectID)
	if err != nil {
		t.Fatal(err)
	}
	g, err := openstack.CreateServerGroup(ctx, c.Compute, token, openstack.ServerGroup{Name: "web", Policy: "anti-affinity", Rules: map[string]int{"max_server_per_host": 1}})
	if err != nil {
		t.Fatal(err)
	}
	return g
}
