package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurlab"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// TestAccWaldurMigration_lab proves the Waldur backend end to end on a real OpenStack: the test server's
// migrations run the replication engine against the lab (waldurlab). A three-tier tenant seeded in
// RegionOne is registered in the server; Terraform migrates it to RegionTwo through Waldur's API with a
// subnet remap and two volume types mapped onto one; the state is checked against the new project; and
// destroy with destroy_destination terminates the tenant, which tears the project down. Needs TF_ACC=1
// and WOM_LAB=1.
func TestAccWaldurMigration_lab(t *testing.T) {
	waccPreCheck(t)
	testlab.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	lab := waldurlab.New()
	srcCloud, err := lab.Cloud(ctx, testlab.RegionOne)
	if err != nil {
		t.Fatal(err)
	}
	dstCloud, err := lab.Cloud(ctx, testlab.RegionTwo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testlab.EnsureVolumeTypes(ctx, dstCloud, testlab.VolumeTypeNames...); err != nil {
		t.Fatal(err)
	}
	source, err := testlab.SeedThreeTier(ctx, srcCloud, "wacc-src-"+testlab.Suffix())
	if source != nil {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			if err := errors.Join(waccTeardownProject(ctx, srcCloud, source.ProjectID), waccTeardownProject(ctx, srcCloud, source.ForeignProject)); err != nil {
				t.Errorf("tearing down source tenant %s: %v", source.Name, err)
			}
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	name := "wacc-copy-" + testlab.Suffix()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		projects, err := openstack.FindProjects(ctx, dstCloud.Identity, url.Values{"name": {name}})
		for _, p := range projects {
			err = errors.Join(err, replication.Teardown(ctx, dstCloud, p.ID, 8))
		}
		if err != nil {
			t.Errorf("cleanup of %s: %v", name, err)
		}
	})

	srv := waldurtest.New(waldurtest.Options{Runner: lab.Runner(), Terminator: lab.Terminator(), StepDuration: 20 * time.Millisecond})
	t.Cleanup(srv.Close)
	srcOff, err := lab.AddOffering(ctx, srv, "Lab RegionOne", testlab.RegionOne)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lab.AddOffering(ctx, srv, "Lab RegionTwo", testlab.RegionTwo); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.AddTenant(ctx, srv, srcOff, source.ProjectID); err != nil {
		t.Fatal(err)
	}

	config := accConfig(t, map[string]any{"Endpoint": srv.APIURL(), "Token": srv.Token, "Source": source.Name, "Name": name},
		"shared/provider_waldur.tf", "waldur_lab_migration/main.tf")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			projects, err := openstack.FindProjects(context.Background(), dstCloud.Identity, url.Values{"name": {name}})
			if err != nil || len(projects) != 0 {
				return fmt.Errorf("destroy_destination = true, but projects named %s remain: %v (%v)", name, projects, err)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(waccMigration, wpath("preview", "counts"), knownvalue.MapPartial(map[string]knownvalue.Check{
					"networks": knownvalue.Int64Exact(4), "subnets": knownvalue.Int64Exact(4), "routers": knownvalue.Int64Exact(1),
					"router_interfaces": knownvalue.Int64Exact(3), "security_groups": knownvalue.Int64Exact(4),
				})),
				// Waldur's limits: ssd and hdd summed onto fast.
				plancheck.ExpectKnownValue(waccMigration, wpath("preview", "quotas", "volume", "gigabytes_fast"), knownvalue.Int64Exact(800)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(waccMigration, wpath("state"), knownvalue.StringExact("OK")),
				statecheck.ExpectKnownValue(waccMigration, wpath("network_ids"), knownvalue.MapSizeExact(4)),
				statecheck.ExpectKnownValue(waccMigration, wpath("subnet_ids"), knownvalue.MapSizeExact(4)),
				statecheck.ExpectKnownValue(waccMigration, wpath("router_ids"), knownvalue.MapSizeExact(1)),
				statecheck.ExpectKnownValue(waccMigration, wpath("security_group_ids"), knownvalue.MapSizeExact(4)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				waccMapsMatchPreview(waccMigration),
				checkLabDestination(dstCloud, name, srv),
			),
		}},
	})
}

// checkLabDestination checks the state against the lab: the project exists under its name, the id maps
// name Waldur's view of exactly that project's objects (the subnet remapped), nothing planned is missing,
// and the credentials log in to the project.
func checkLabDestination(dst *openstack.Cloud, name string, srv *waldurtest.Server) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := waccAttributes(s, waccMigration)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		projectID := attrs["dst_project_id"]
		project, err := openstack.GetProject(ctx, dst.Identity, projectID)
		if err != nil || project.Name != name {
			return fmt.Errorf("dst_project_id %s is %+v (%v), want project %q in RegionTwo", projectID, project, err, name)
		}
		subnets, err := openstack.List[openstack.Subnet](ctx, dst.Network, openstack.Subnets, url.Values{"project_id": {projectID}})
		if err != nil {
			return err
		}
		// Waldur's view of the new tenant: its subnets' uuids (the values of subnet_ids) and Neutron ids.
		api, err := waldur.New(srv.URL, srv.Token)
		if err != nil {
			return err
		}
		tenants, err := api.ListTenants(ctx, waldur.TenantFilter{BackendID: projectID})
		if err != nil || len(tenants) != 1 {
			return fmt.Errorf("the server has tenants %v (%v) with backend id %s, want one", tenants, err, projectID)
		}
		backendOf := map[string]string{}
		for _, sn := range srv.TenantObjects(tenants[0].UUID).Subnets {
			backendOf[sn.UUID] = sn.BackendID
		}
		for k, v := range waccFlatMap(attrs, "subnet_ids") {
			if _, ok := backendOf[v]; !ok {
				return fmt.Errorf("subnet_ids[%s] = %s is not a subnet of the new tenant in Waldur", k, v)
			}
		}
		cidrs := map[string]string{}
		for _, sn := range subnets {
			cidrs[sn.ID] = sn.CIDR
		}
		remapped := false
		for uuid, backend := range backendOf {
			cidr, ok := cidrs[backend]
			if !ok {
				return fmt.Errorf("subnet_ids names %s (Neutron %s), not a subnet of project %s", uuid, backend, projectID)
			}
			remapped = remapped || cidr == "10.20.1.0/24"
		}
		if !remapped || len(subnets) != len(backendOf) {
			return fmt.Errorf("subnet_ids %v vs the project's subnets %v: want all four, web remapped to 10.20.1.0/24", backendOf, cidrs)
		}
		for k, v := range attrs {
			if strings.HasSuffix(k, ".reason") && strings.Contains(v, "Waldur lists no matching") {
				return fmt.Errorf("%s = %q", k, v)
			}
		}
		as, err := openstack.Connect(ctx, openstack.Config{
			AuthURL: strings.TrimSuffix(dst.Identity.Endpoint, "/"), Username: attrs["credentials.username"], Password: attrs["credentials.password"],
			ProjectID: projectID, Region: dst.Region,
		}, nil)
		if err != nil {
			return fmt.Errorf("logging in with the credentials in state: %w", err)
		}
		if as.ProjectID != projectID {
			return fmt.Errorf("the credentials' token is scoped to %s, want %s", as.ProjectID, projectID)
		}
		return nil
	}
}

// waccTeardownProject removes a lab project and everything in it; one that is gone already is fine.
func waccTeardownProject(ctx context.Context, c *openstack.Cloud, projectID string) error {
	if projectID == "" {
		return nil
	}
	if _, err := openstack.GetProject(ctx, c.Identity, projectID); openstack.IsNotFound(err) {
		return nil
	}
	return replication.Teardown(ctx, c, projectID, 8)
}
