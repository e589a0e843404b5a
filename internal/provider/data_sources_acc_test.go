package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestAccDataSources reads the three data sources against the lab, then checks that zero or several
// matches are errors.
func TestAccDataSources(t *testing.T) {
	accPreCheck(t)
	src := accSource.get(t)
	ctx := accContext(t)
	dst := accConnect(t, accDstOffering)
	dstTypes, err := testlab.EnsureVolumeTypes(ctx, dst, testlab.VolumeTypeNames...)
	if err != nil {
		t.Fatal(err)
	}
	descriptions := map[string]string{}
	for offering, c := range map[string]*openstack.Cloud{accSrcOffering: accConnect(t, accSrcOffering), accDstOffering: dst} {
		types, err := openstack.VolumeTypes(ctx, c.BlockStorage)
		if err != nil {
			t.Fatal(err)
		}
		for _, vt := range types {
			descriptions[offering+"/"+vt.Name] = vt.Description
		}
	}
	duplicate := duplicateTenantName(t)

	plan := knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
		"uuid": str("default"), "name": str("default"), "archived": knownvalue.Bool(false), "is_active": knownvalue.Bool(true),
		"max_amount": knownvalue.Null(),
	})})
	network := func(name string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{"id": str(src.Networks[name]), "name": str(name)})
	}
	subnet := func(name, cidr string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id": str(src.Subnets[name]), "name": str(name + "-subnet"), "cidr": str(cidr), "network_id": str(src.Networks[name]),
		})
	}
	// errorStep plans testdata/data_sources/<file> and expects an error with the phrases, in order.
	errorStep := func(file string, phrases ...string) resource.TestStep {
		config := accStandalone(t, map[string]any{"Duplicate": duplicate}, "data_sources/"+file)
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: phrasesRegexp(phrases...)}
	}
	valid := accStandalone(t, map[string]any{"Source": src.Name}, "data_sources/valid.tf")
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: valid,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_name", tfpath("uuid"), str("new")),
					statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_name", tfpath("name"), str("new")),
					statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_name", tfpath("type"), str("OpenStack.Tenant")),
					statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_name", tfpath("state"), str("Active")),
					statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_name", tfpath("scope_uuid"), str("RegionTwo")),
					statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_name", tfpath("plans"), plan),
					statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_uuid", tfpath("name"), str("other")),
					statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_uuid", tfpath("scope_uuid"), str("RegionOne")),
					statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_uuid", tfpath("plans"), plan),

					statecheck.ExpectKnownValue("data.waldur_openstack_tenant.src", tfpath("id"), str(accSrcOffering+"/"+src.ProjectID)),
					statecheck.ExpectKnownValue("data.waldur_openstack_tenant.src", tfpath("project_id"), str(src.ProjectID)),
					statecheck.ExpectKnownValue("data.waldur_openstack_tenant.src", tfpath("description"), str("three-tier sample tenant")),
					// By name: stable across reads.
					statecheck.ExpectKnownValue("data.waldur_openstack_tenant.src", tfpath("networks"), knownvalue.ListExact([]knownvalue.Check{
						network("app"), network("db"), network("mgmt"), network("web"),
					})),
					statecheck.ExpectKnownValue("data.waldur_openstack_tenant.src", tfpath("subnets"), knownvalue.ListExact([]knownvalue.Check{
						subnet("app", "10.10.2.0/24"), subnet("db", "10.10.3.0/24"), subnet("mgmt", "10.10.9.0/24"), subnet("web", "10.10.1.0/24"),
					})),

					statecheck.ExpectKnownValue("data.waldur_openstack_volume_type.src_ssd", tfpath("uuid"), str(src.VolumeTypes["ssd"])),
					statecheck.ExpectKnownValue("data.waldur_openstack_volume_type.src_ssd", tfpath("description"), str(descriptions["old/ssd"])),
					statecheck.ExpectKnownValue("data.waldur_openstack_volume_type.dst_fast", tfpath("uuid"), str(dstTypes["fast"])),
					statecheck.ExpectKnownValue("data.waldur_openstack_volume_type.dst_fast", tfpath("description"), str(descriptions["new/fast"])),
				},
			},
			// Zero matches.
			errorStep("offering_not_configured.tf",
				"Error: Offering not found", `offering "elsewhere" is not configured: the provider's openstack.offerings has "new", "old", "other"`),
			errorStep("tenant_not_found.tf",
				"Error: Tenant not found", `Offering "old" has no tenant named "acc-no-such-tenant".`),
			errorStep("volume_type_not_found.tf",
				"Error: Volume type not found", `offering new has no volume type named "no-such-type"; it has:`, "fast"),
			errorStep("volume_type_of_missing_tenant.tf",
				"Error: Error reading volume types", `offering "old" has no project 00000000000000000000000000000000`),
			// Several matches: a tenant name in two Keystone domains.
			errorStep("tenant_in_two_domains.tf",
				"Error: Several tenants match", fmt.Sprintf(`Offering "old" has 2 tenants named %q (in different domains): set the offering's domain_id to choose.`, duplicate)),
			// Neither or both of the alternative keys.
			errorStep("offering_name_and_uuid.tf", "Error: Invalid Attribute Combination"),
			errorStep("volume_type_without_place.tf", "Error: Invalid Attribute Combination"),
			// The configuration reads the same again (and the test's final destroy needs a valid one).
			{Config: valid, PlanOnly: true},
		},
	})
}

// duplicateTenantName makes two projects of one name, in the default domain and in a domain of their
// own, removed when the test ends; it returns the name.
func duplicateTenantName(t *testing.T) string {
	t.Helper()
	ctx := accContext(t)
	c := accConnect(t, accSrcOffering)
	name := "acc-dup-" + testlab.Suffix()
	var created struct {
		Domain struct {
			ID string `json:"id"`
		} `json:"domain"`
	}
	if _, err := c.Identity.Post(ctx, c.Identity.ServiceURL("domains"), map[string]any{
		"domain": map[string]any{"name": name, "description": "acceptance test domain", "enabled": true},
	}, &created, &gophercloud.RequestOpts{OkCodes: []int{201}}); err != nil {
		t.Fatalf("creating domain %s: %v", name, err)
	}
	domainID := created.Domain.ID
	var projects []string
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), accTimeout)
		defer cancel()
		for _, id := range projects {
			if err := openstack.DeleteProject(ctx, c.Identity, id); err != nil && !openstack.IsNotFound(err) {
				t.Errorf("deleting project %s: %v", id, err)
			}
		}
		url := c.Identity.ServiceURL("domains", domainID)
		// Keystone deletes only disabled domains.
		if _, err := c.Identity.Patch(ctx, url, map[string]any{"domain": map[string]any{"enabled": false}}, nil, &gophercloud.RequestOpts{OkCodes: []int{200}}); err != nil {
			t.Errorf("disabling domain %s: %v", domainID, err)
		}
		if _, err := c.Identity.Delete(ctx, url, nil); err != nil {
			t.Errorf("deleting domain %s: %v", domainID, err)
		}
	})
	for _, domain := range []string{"default", domainID} {
		p, err := openstack.CreateProject(ctx, c.Identity, openstack.Project{Name: name, DomainID: domain, Enabled: true})
		if err != nil {
			t.Fatalf("creating project %s in domain %s: %v", name, domain, err)
		}
		projects = append(projects, p.ID)
	}
	return name
}
