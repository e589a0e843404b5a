package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestAccMigration_planTimeValidation checks that every bad input is an error of `terraform plan`, on the
// offending attribute, before anything is built: each step is plan-only and must fail with its error,
// which names the attribute (Terraform shows nested attributes of mappings at the resource block).
func TestAccMigration_planTimeValidation(t *testing.T) {
	accPreCheck(t)
	src := accSource.get(t)
	ctx := accContext(t)
	srcCloud := accConnect(t, accSrcOffering)
	dstTypes, err := testlab.EnsureVolumeTypes(ctx, accConnect(t, accDstOffering), testlab.VolumeTypeNames...)
	if err != nil {
		t.Fatal(err)
	}
	// A network of another tenant, which mappings.networks may not name.
	foreign, err := openstack.Create[openstack.Network](ctx, srcCloud.Network, openstack.Networks, map[string]any{
		"name": "foreign-" + testlab.Suffix(), "project_id": src.ForeignProject,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), accTimeout)
		defer cancel()
		if err := openstack.Delete(ctx, srcCloud.Network, openstack.Networks, foreign.ID); err != nil && !openstack.IsNotFound(err) {
			t.Errorf("deleting network %s: %v", foreign.ID, err)
		}
	})

	name := accName("invalid")
	// Nothing may be built; should a step not fail, whatever it built is removed.
	cleanupDestination(t, accDstOffering, name)
	// args are the inputs of a migration of the source tenant into "new", with the given mappings.
	args := func(m *accMappings) accMigrationArgs {
		return accMigrationArgs{SrcResource: "old/" + src.ProjectID, DstOffering: "new", Name: name, Mappings: m}
	}
	migration := func(a accMigrationArgs) string {
		return accStandalone(t, a, "migration/main.tf")
	}
	remaps := func(pairs ...string) accMigrationArgs {
		m := &accMappings{}
		for i := 0; i < len(pairs); i += 2 {
			m.Subnets = append(m.Subnets, accPair{pairs[i], pairs[i+1]})
		}
		return args(m)
	}
	// step is a plan-only step that must fail with an error containing the phrases, in order; without
	// phrases the plan must succeed, planning a creation.
	step := func(config string, phrases ...string) resource.TestStep {
		if len(phrases) == 0 {
			return resource.TestStep{Config: config, PlanOnly: true, ExpectNonEmptyPlan: true}
		}
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: phrasesRegexp(phrases...)}
	}
	accTest(t, resource.TestCase{
		CheckDestroy: checkProjectGone(t, accDstOffering, name),
		Steps: []resource.TestStep{
			// A destination CIDR outside the private ranges.
			step(migration(remaps("10.10.1.0/24", "8.8.8.0/24")),
				"Error: Not a private network", "with waldur_openstack_migration.test",
				`mappings.subnets[0].dst_cidr: "8.8.8.0/24" is not a private network`),
			// Malformed CIDRs: not a CIDR at all, and host bits set.
			step(migration(remaps("10.10.1.0/33", "192.168.11.0/24")),
				"Error: Invalid CIDR", `mappings.subnets[0].src_cidr: "10.10.1.0/33" is not a CIDR`),
			step(migration(remaps("10.10.1.0/24", "192.168.11.5/24")),
				"Error: Invalid CIDR", `mappings.subnets[0].dst_cidr: "192.168.11.5/24" has host bits set: did you mean 192.168.11.0/24?`),
			// Remaps onto overlapping destinations, and one subnet remapped twice.
			step(migration(remaps("10.10.1.0/24", "192.168.0.0/16", "10.10.2.0/24", "192.168.5.0/24")),
				"Error: Conflicting subnet remaps", "mappings.subnets[1].dst_cidr: 192.168.5.0/24 overlaps 192.168.0.0/16, the destination of entry 0"),
			step(migration(remaps("10.10.1.0/24", "192.168.1.0/24", "10.10.1.0/24", "192.168.2.0/24")),
				"Error: Conflicting subnet remaps", "mappings.subnets[1].src_cidr: 10.10.1.0/24 is already remapped by entry 0"),
			// A remap matching no subnet of the source, and one of a network not selected.
			step(migration(remaps("10.99.0.0/24", "192.168.11.0/24")),
				"Error: Invalid migration input", `mappings.subnets[0].src_cidr = "10.99.0.0/24": matches no subnet of the copied source networks`),
			step(migration(args(&accMappings{Networks: []string{src.Networks["web"]}, Subnets: []accPair{{"10.10.2.0/24", "192.168.12.0/24"}}})),
				"Error: Invalid migration input", `mappings.subnets[0].src_cidr = "10.10.2.0/24": matches no subnet of the copied source networks`),
			// Ports keep their addresses: not with remapped subnets.
			step(migration(args(&accMappings{Subnets: []accPair{{"10.10.1.0/24", "192.168.11.0/24"}}, SyncInstancePorts: true})),
				"Error: Ports cannot be copied into remapped subnets", "sync_instance_ports = true cannot be used together with mappings.subnets"),
			// A network of another tenant.
			step(migration(args(&accMappings{Networks: []string{src.Networks["web"], foreign.ID}})),
				"Error: Invalid migration input", fmt.Sprintf(`mappings.networks[1] = "%s": is not a network of the source tenant`, foreign.ID)),
			// Volume types unknown on their side: a type of the destination region named as a source
			// type, and a type of the source region named as a destination type.
			step(migration(args(&accMappings{VolumeTypes: []accPair{{dstTypes["fast"], dstTypes["fast"]}}})),
				"Error: Invalid migration input", fmt.Sprintf(`mappings.volume_types[0].src_type_uuid = "%s": is not a volume type available in the source tenant`, dstTypes["fast"])),
			step(migration(args(&accMappings{VolumeTypes: []accPair{{src.VolumeTypes["ssd"], src.VolumeTypes["ssd"]}}})),
				"Error: Invalid migration input", fmt.Sprintf(`mappings.volume_types[0].dst_type_uuid = "%s": is not a volume type of the destination offering`, src.VolumeTypes["ssd"])),
			// The source tenant, the destination offering and its plan.
			step(migration(args(nil))), // the valid configuration plans
			step(migration(accMigrationArgs{SrcResource: "old/00000000000000000000000000000000", DstOffering: "new", Name: name}), "Error: Source tenant not found", "src_resource =", "old/00000000000000000000000000000000: the offering has no project"),
			step(migration(accMigrationArgs{SrcResource: "old/" + src.ProjectID, DstOffering: "elsewhere", Name: name}), "Error: Unknown destination offering", `dst_offering = "elsewhere"`, `offering "elsewhere" is not configured`),
			step(migration(accMigrationArgs{SrcResource: "old/" + src.ProjectID, DstOffering: "new", Name: name, DstPlan: "gold"}), "Error: Plan not in offering", `dst_plan = "gold"`, `offerings of the standalone backend have one plan, "default"`),
		},
	})
}

// TestAccProvider_backendConfiguration checks the provider's "exactly one backend" rule.
func TestAccProvider_backendConfiguration(t *testing.T) {
	accPreCheck(t)
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				// No backend: neither openstack nor endpoint and token (TestMain unsets WALDUR_API_URL and
				// WALDUR_ACCESS_TOKEN).
				Config:      accConfig(t, nil, "provider_backends/none.tf", "provider_backends/offering.tf"),
				PlanOnly:    true,
				ExpectError: phrasesRegexp("Error: No backend configured", "Configure exactly one backend"),
			},
			{
				Config:   accConfig(t, nil, "provider_backends/both.tf", "provider_backends/offering.tf"),
				PlanOnly: true,
				ExpectError: phrasesRegexp("Error: Two backends configured", `in provider "waldur"`, "openstack = {",
					"Configure either the Waldur backend (endpoint and token) or the standalone backend (openstack), not both."),
			},
			{
				// A half-configured Waldur backend.
				Config:      accConfig(t, nil, "provider_backends/waldur_without_token.tf", "provider_backends/offering.tf"),
				PlanOnly:    true,
				ExpectError: phrasesRegexp("Error: Missing Waldur token", "The Waldur backend needs token"),
			},
		},
	})
}

// phrasesRegexp matches the phrases in order, anything between them. Terraform wraps diagnostics at 78
// columns: a space in a phrase matches any white space, line breaks included.
func phrasesRegexp(phrases ...string) *regexp.Regexp {
	expr := "(?s)"
	for i, p := range phrases {
		if i > 0 {
			expr += ".*"
		}
		expr += strings.ReplaceAll(regexp.QuoteMeta(p), " ", `\s+`)
	}
	return regexp.MustCompile(expr)
}
