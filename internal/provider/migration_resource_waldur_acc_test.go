package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// Acceptance tests of the Waldur backend: Terraform or OpenTofu drives the provider against the
// in-repo Waldur API server (waldurtest), one server per test. They need TF_ACC=1 only; the one that
// runs migrations on the lab (migration_resource_waldur_lab_acc_test.go) also needs WOM_LAB=1.
//
//	TF_ACC=1 go test ./internal/provider/ -run TestAccWaldur
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$tofu TF_ACC_PROVIDER_HOST=registry.opentofu.org go test ./internal/provider/ -run TestAccWaldur

func init() {
	// The test server's state machine steps take milliseconds: poll accordingly.
	waldurPoll = waldur.WaitOptions{MinInterval: 50 * time.Millisecond, MaxInterval: 500 * time.Millisecond}
}

const waccMigration = "waldur_openstack_migration.test"

func waccPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance tests need %s=1", resource.EnvTfAcc)
	}
}

// waccTest runs a test case of the Waldur backend; its servers are per test, so test cases run in
// parallel.
func waccTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	tc.ProtoV6ProviderFactories = testAccProtoV6ProviderFactories
	resource.ParallelTest(t, tc)
}

// waccFixture is a Waldur with a source tenant "shop" in offering "Cloud A" and a destination offering
// "Cloud B":
//   - shop: networks web (10.0.1.0/24) and db (10.0.3.0/24); router edge on both, with a static route
//     that is kept and one that is dropped; groups default and web (three rules, one naming default); an
//     instance port on web and a free VIP port on db; limits with per-type gigabytes for ssd and hdd;
//   - Cloud A's volume types ssd and hdd, Cloud B's fast and ssd;
//   - Cloud B's plans: "standard" (active) and "full" (max_amount 1, used by tenant "filler");
//   - "Cloud C", another offering with a plan, and its tenant "bare", which has no limits.
type waccFixture struct {
	srv                      *waldurtest.Server
	api                      *waldur.Client
	srcOff, dstOff, otherOff waldurtest.Offering
	standard, full, other    waldurtest.Plan
	ssd, hdd, fast, dstSSD   waldurtest.VolumeType
	shop, bare               waldurtest.Tenant
	shopObjects              waldurtest.Objects
	bareNetwork              waldurtest.Network
}

func newWaccFixture(t *testing.T, opts waldurtest.Options) *waccFixture {
	t.Helper()
	if opts.StepDuration == 0 {
		opts.StepDuration = 20 * time.Millisecond
	}
	f := &waccFixture{srv: waldurtest.New(opts)}
	t.Cleanup(f.srv.Close)
	var err error
	if f.api, err = waldur.New(f.srv.URL, f.srv.Token); err != nil {
		t.Fatal(err)
	}
	s := f.srv
	f.srcOff = s.AddOffering(waldurtest.Offering{Name: "Cloud A"})
	f.dstOff = s.AddOffering(waldurtest.Offering{Name: "Cloud B"})
	f.otherOff = s.AddOffering(waldurtest.Offering{Name: "Cloud C"})
	srcPlan := s.AddPlan(waldurtest.Plan{OfferingUUID: f.srcOff.UUID, Name: "standard"})
	f.standard = s.AddPlan(waldurtest.Plan{OfferingUUID: f.dstOff.UUID, Name: "standard"})
	f.full = s.AddPlan(waldurtest.Plan{OfferingUUID: f.dstOff.UUID, Name: "full", MaxAmount: 1})
	f.other = s.AddPlan(waldurtest.Plan{OfferingUUID: f.otherOff.UUID, Name: "other"})
	f.ssd = s.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.srcOff.ScopeUUID, Name: "ssd"})
	f.hdd = s.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.srcOff.ScopeUUID, Name: "hdd"})
	f.fast = s.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.dstOff.ScopeUUID, Name: "fast"})
	f.dstSSD = s.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.dstOff.ScopeUUID, Name: "ssd"})
	s.AddTenant(waldurtest.Tenant{OfferingUUID: f.dstOff.UUID, PlanUUID: f.full.UUID, Name: "filler", Limits: map[string]int{"cores": 1}})
	f.bare = s.AddTenant(waldurtest.Tenant{OfferingUUID: f.otherOff.UUID, Name: "bare"})
	f.bareNetwork = s.AddNetwork(f.bare.UUID, waldurtest.Network{Name: "lonely"})
	f.shop = s.AddTenant(waldurtest.Tenant{
		OfferingUUID: f.srcOff.UUID, PlanUUID: srcPlan.UUID, Name: "shop", Description: "the shop", ExternalNetworkID: "ext-net",
		Limits: map[string]int{"cores": 16, "ram": 32768, "storage": 500, "gigabytes_ssd": 100, "gigabytes_hdd": 50},
		Quotas: map[string]int{"instances": 10},
	})
	p := func(n int) *int { return &n }
	f.shopObjects = s.AddObjects(f.shop.UUID, waldurtest.Objects{
		Networks: []waldurtest.Network{{BackendID: "net-web", Name: "web"}, {BackendID: "net-db", Name: "db"}},
		Subnets: []waldurtest.Subnet{
			{BackendID: "sub-web", NetworkBackendID: "net-web", Name: "web-v4", CIDR: "10.0.1.0/24", GatewayIP: "10.0.1.1",
				AllocationPools: []waldurtest.AllocationPool{{Start: "10.0.1.10", End: "10.0.1.99"}}, EnableDHCP: true, DNSNameservers: []string{"1.1.1.1"}},
			{BackendID: "sub-db", NetworkBackendID: "net-db", Name: "db-v4", CIDR: "10.0.3.0/24", GatewayIP: "10.0.3.1",
				AllocationPools: []waldurtest.AllocationPool{{Start: "10.0.3.10", End: "10.0.3.200"}}},
		},
		Routers: []waldurtest.Router{{BackendID: "rtr-edge", Name: "edge",
			Interfaces: []waldurtest.FixedIP{{IPAddress: "10.0.1.1", SubnetBackendID: "sub-web"}, {IPAddress: "10.0.3.1", SubnetBackendID: "sub-db"}},
			Routes:     []waldurtest.Route{{Destination: "10.0.3.128/25", NextHop: "10.0.1.20"}, {Destination: "172.16.50.0/24", NextHop: "10.0.1.5"}},
		}},
		SecurityGroups: []waldurtest.SecurityGroup{
			{BackendID: "sg-default", Name: "default", Rules: []waldurtest.SecurityGroupRule{{Direction: "egress"}}},
			{BackendID: "sg-web", Name: "web", Rules: []waldurtest.SecurityGroupRule{
				{Protocol: "tcp", FromPort: p(443), ToPort: p(443), CIDR: "0.0.0.0/0"},
				{Protocol: "tcp", FromPort: p(22), ToPort: p(22), CIDR: "10.0.1.0/24"},
				{RemoteGroupBackendID: "sg-default"},
			}},
		},
		Ports: []waldurtest.Port{
			{BackendID: "port-web-1", NetworkBackendID: "net-web", Name: "web-1", MACAddress: "fa:16:3e:00:01:11", DeviceID: "vm-1", DeviceOwner: "compute:nova",
				FixedIPs: []waldurtest.FixedIP{{IPAddress: "10.0.1.11", SubnetBackendID: "sub-web"}}, SecurityGroupBackendIDs: []string{"sg-web"},
				AdminStateUp: true, Status: "ACTIVE"},
			{BackendID: "port-vip", NetworkBackendID: "net-db", Name: "db-vip", MACAddress: "fa:16:3e:00:03:64", DeviceOwner: "compute:nova",
				FixedIPs: []waldurtest.FixedIP{{IPAddress: "10.0.3.100", SubnetBackendID: "sub-db"}}, AdminStateUp: true, Status: "DOWN"},
		},
	})
	return f
}

// config is a configuration of the Waldur backend on f's server: the provider block
// (testdata/shared/provider_waldur.tf) followed by the named files of testdata, rendered with data.
func (f *waccFixture) config(t testing.TB, data any, names ...string) string {
	t.Helper()
	provider := map[string]any{"Endpoint": f.srv.APIURL(), "Token": f.srv.Token}
	return accConfig(t, provider, "shared/provider_waldur.tf") + accConfig(t, data, names...)
}

// byName returns the uuids of a tenant's objects by name, as the server lists them.
func (f *waccFixture) networks(tenant string) map[string]string {
	out := map[string]string{}
	for _, n := range f.srv.TenantObjects(tenant).Networks {
		out[n.Name] = n.UUID
	}
	return out
}

// migration returns the only migration the server has, and its destination tenant.
func (f *waccFixture) migration(ctx context.Context) (*waldur.Migration, *waldur.Tenant, error) {
	list, err := f.api.ListMigrations(ctx, waldur.MigrationFilter{})
	if err != nil {
		return nil, nil, err
	}
	if len(list) != 1 {
		return nil, nil, fmt.Errorf("the server has %d migrations, want 1", len(list))
	}
	res, err := f.api.GetResource(ctx, list[0].DstResourceUUID)
	if err != nil {
		return nil, nil, err
	}
	tenant, err := f.api.GetTenant(ctx, res.ResourceUUID)
	return &list[0], tenant, err
}

// waccAttributes returns the flatmap attributes of a resource in state.
func waccAttributes(s *terraform.State, addr string) (map[string]string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok || rs.Primary == nil {
		return nil, fmt.Errorf("%s is not in the state", addr)
	}
	return rs.Primary.Attributes, nil
}

// waccFlatMap returns the map attribute name of flatmap attributes.
func waccFlatMap(attrs map[string]string, name string) map[string]string {
	out := map[string]string{}
	for k, v := range attrs {
		if key, ok := strings.CutPrefix(k, name+"."); ok && key != "%" && !strings.Contains(key, ".") {
			out[key] = v
		}
	}
	return out
}

// waccMapsMatchPreview checks that each id map has as many entries as the preview said would be built.
func waccMapsMatchPreview(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := waccAttributes(s, addr)
		if err != nil {
			return err
		}
		for attr, count := range map[string]string{
			"network_ids": "networks", "subnet_ids": "subnets", "router_ids": "routers",
			"security_group_ids": "security_groups", "security_group_rule_ids": "security_group_rules", "port_ids": "ports",
			"address_group_ids": "address_groups", "floating_ip_ids": "floating_ips", "server_group_ids": "server_groups",
		} {
			if n, p := len(waccFlatMap(attrs, attr)), attrs["preview.counts."+count]; fmt.Sprint(n) != p {
				return fmt.Errorf("%s has %d entries, preview.counts.%s is %s", attr, n, count, p)
			}
		}
		return nil
	}
}

// waccOutputRegexp matches the CLI's output containing the phrases in order, wherever the CLI wrapped the
// lines of its diagnostics.
func waccOutputRegexp(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(strings.Join(quoted, `[\s\S]*`))
}

func wpath(attr string, steps ...any) tfjsonpath.Path {
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

// checkWaldurState checks the state against the server: the migration, its destination tenant and its
// objects, which the id maps must name exactly (source uuid → destination uuid of the same name).
func (f *waccFixture) checkWaldurState(addr string, networks, ports []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := waccAttributes(s, addr)
		if err != nil {
			return err
		}
		mig, tenant, err := f.migration(context.Background())
		if err != nil {
			return err
		}
		for attr, want := range map[string]string{
			"id": mig.UUID, "state": "OK", "error_message": "", "dst_resource_uuid": mig.DstResourceUUID, "dst_project_id": tenant.BackendID,
			"credentials.username": tenant.UserUsername, "credentials.password": tenant.UserPassword,
		} {
			if attrs[attr] != want || want == "" && attr != "error_message" {
				return fmt.Errorf("%s = %q, want %q", attr, attrs[attr], want)
			}
		}
		src, dst := f.srv.TenantObjects(f.shop.UUID), f.srv.TenantObjects(tenant.UUID)
		pairs := func(kind string, srcNames, dstNames map[string]string, names []string) error {
			got := waccFlatMap(attrs, kind)
			want := map[string]string{}
			for _, n := range names {
				want[srcNames[n]] = dstNames[n]
			}
			if !maps.Equal(got, want) || len(want) == 0 && len(names) > 0 {
				return fmt.Errorf("%s = %v, want %v", kind, got, want)
			}
			return nil
		}
		named := func(get func(i int) (string, string), n int) map[string]string {
			out := map[string]string{}
			for i := range n {
				name, id := get(i)
				out[name] = id
			}
			return out
		}
		if err := pairs("network_ids",
			named(func(i int) (string, string) { return src.Networks[i].Name, src.Networks[i].UUID }, len(src.Networks)),
			named(func(i int) (string, string) { return dst.Networks[i].Name, dst.Networks[i].UUID }, len(dst.Networks)), networks); err != nil {
			return err
		}
		subnetsOf := func(o waldurtest.Objects) map[string]string {
			return named(func(i int) (string, string) { return strings.TrimSuffix(o.Subnets[i].Name, "-v4"), o.Subnets[i].UUID }, len(o.Subnets))
		}
		if err := pairs("subnet_ids", subnetsOf(src), subnetsOf(dst), networks); err != nil {
			return err
		}
		if err := pairs("router_ids", map[string]string{"edge": src.Routers[0].UUID}, map[string]string{"edge": dst.Routers[0].UUID}, []string{"edge"}); err != nil {
			return err
		}
		if err := pairs("security_group_ids",
			named(func(i int) (string, string) { return src.SecurityGroups[i].Name, src.SecurityGroups[i].UUID }, len(src.SecurityGroups)),
			named(func(i int) (string, string) { return dst.SecurityGroups[i].Name, dst.SecurityGroups[i].UUID }, len(dst.SecurityGroups)),
			[]string{"default", "web"}); err != nil {
			return err
		}
		if got := waccFlatMap(attrs, "security_group_rule_ids"); len(got) != 4 {
			return fmt.Errorf("security_group_rule_ids = %v, want the 4 rules", got)
		}
		if err := pairs("port_ids",
			named(func(i int) (string, string) { return src.Ports[i].Name, src.Ports[i].UUID }, len(src.Ports)),
			named(func(i int) (string, string) { return dst.Ports[i].Name, dst.Ports[i].UUID }, len(dst.Ports)), ports); err != nil {
			return err
		}
		// Every skipped entry is the planner's: Waldur built everything that was planned.
		for k, v := range attrs {
			if strings.HasPrefix(k, "skipped.") && strings.HasSuffix(k, ".reason") && strings.Contains(v, "Waldur lists no matching") {
				return fmt.Errorf("%s = %q", k, v)
			}
		}
		return nil
	}
}

// TestAccWaldurMigration_mappings migrates shop with a subnet remap and a volume type map, all inputs
// looked up through the data sources; checks the preview in the plan and the state against the server;
// imports the migration by uuid; and destroys it without destroy_destination: the record goes, the
// tenant stays.
func TestAccWaldurMigration_mappings(t *testing.T) {
	waccPreCheck(t)
	f := newWaccFixture(t, waldurtest.Options{})
	config := f.config(t, nil, "waldur_migration_mappings/main.tf")
	str := knownvalue.StringExact
	num := knownvalue.Int64Exact
	waccTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		CheckDestroy: func(*terraform.State) error {
			ctx := context.Background()
			if list, err := f.api.ListMigrations(ctx, waldur.MigrationFilter{}); err != nil || len(list) != 0 {
				return fmt.Errorf("after destroy the server has migrations %v (%v), want none", list, err)
			}
			res, err := f.api.ListResources(ctx, waldur.ResourceFilter{OfferingUUID: f.dstOff.UUID, NameExact: "shop-copy"})
			if err != nil || len(res) != 1 || res[0].State != waldur.ResourceOK {
				return fmt.Errorf("destroy_destination = false, so the new tenant must stay: %v (%v)", res, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(waccMigration, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(waccMigration, wpath("dst_project_id")),
					plancheck.ExpectKnownValue(waccMigration, wpath("description"), str("the shop")),
					plancheck.ExpectKnownValue(waccMigration, wpath("preview", "counts"), knownvalue.MapExact(map[string]knownvalue.Check{
						"networks": num(2), "subnets": num(2), "routers": num(1), "router_interfaces": num(2), "routes": num(1),
						"security_groups": num(2), "security_group_rules": num(4), "address_groups": num(0), "ports": num(0),
						"floating_ips": num(0), "server_groups": num(0),
					})),
					plancheck.ExpectKnownValue(waccMigration, wpath("preview", "subnets"), knownvalue.SetPartial([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": str("web-v4"), "source_cidr": str("10.0.1.0/24"), "cidr": str("192.168.1.0/24"), "gateway_ip": str("192.168.1.1"),
						}),
					})),
					plancheck.ExpectKnownValue(waccMigration, wpath("preview", "routers", 0, "routes"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"destination": str("10.0.3.128/25"), "nexthop": str("192.168.1.20")}),
					})),
					// Waldur's limits: ssd renamed to fast; hdd unmapped keeps its name.
					plancheck.ExpectKnownValue(waccMigration, wpath("preview", "quotas", "volume"), knownvalue.MapExact(map[string]knownvalue.Check{
						"storage": num(500), "gigabytes_fast": num(100), "gigabytes_hdd": num(50),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(waccMigration, wpath("state"), str("OK")),
					statecheck.ExpectKnownValue(waccMigration, wpath("name"), str("shop-copy")),
					statecheck.ExpectSensitiveValue(waccMigration, wpath("credentials")),
					statecheck.ExpectKnownValue(waccMigration, wpath("credentials", "user_id"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					f.checkWaldurState(waccMigration, []string{"web", "db"}, nil),
					waccMapsMatchPreview(waccMigration),
					func(s *terraform.State) error {
						attrs, _ := waccAttributes(s, waccMigration)
						_, tenant, err := f.migration(context.Background())
						if err != nil {
							return err
						}
						for _, sn := range f.srv.TenantObjects(tenant.UUID).Subnets {
							if sn.Name == "web-v4" && sn.CIDR == "192.168.1.0/24" && attrs["subnet_ids."+f.shopObjects.Subnets[0].UUID] == sn.UUID {
								return nil
							}
						}
						return errors.New("subnet_ids does not map web-v4 onto its remapped copy 192.168.1.0/24")
					},
				),
			},
			{
				ResourceName:      waccMigration,
				ImportState:       true,
				ImportStateVerify: true,
				// Which dst_plan and mappings a migration was made with, Waldur does not say (it keeps no
				// network selection); they are taken from the configuration on the next apply.
				ImportStateVerifyIgnore: []string{"dst_plan", "mappings"},
			},
			{
				// A migration deleted in Waldur is gone from the state after a refresh: the plan makes a new one.
				PreConfig: func() {
					mig, _, err := f.migration(context.Background())
					if err == nil {
						err = f.api.DeleteMigration(context.Background(), mig.UUID)
					}
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccWaldurMigration_portsDestroyDestination selects one network and copies its ports, against a
// Waldur of the older generation (state labels "Creation Scheduled", "Erred"...; a create answer
// without the new migration's uuid), and destroys with destroy_destination: the new tenant is
// terminated through an order, then the migration record deleted. In between, turning follow_source on
// is an update of that attribute alone and a change of mappings plans a replacement: Waldur copies a
// tenant once.
func TestAccWaldurMigration_portsDestroyDestination(t *testing.T) {
	waccPreCheck(t)
	f := newWaccFixture(t, waldurtest.Options{OldStateLabels: true})
	web := f.networks(f.shop.UUID)["web"]
	args := func(follow, extnet bool) accMigrationArgs {
		return accMigrationArgs{
			SrcResource: f.shop.ResourceUUID, DstOffering: f.dstOff.UUID, DstPlan: f.standard.UUID, Name: "shop-web", DestroyDestination: true,
			FollowSource: follow, Mappings: &accMappings{Networks: []string{web}, SyncInstancePorts: true, SkipConnectionExtnet: !extnet},
		}
	}
	config := f.config(t, args(false, false), "migration/main.tf")
	var dstResource string
	waccTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		CheckDestroy: func(*terraform.State) error {
			ctx := context.Background()
			if list, err := f.api.ListMigrations(ctx, waldur.MigrationFilter{}); err != nil || len(list) != 0 {
				return fmt.Errorf("after destroy the server has migrations %v (%v), want none", list, err)
			}
			res, err := f.api.GetResource(ctx, dstResource)
			if err != nil || res.State != waldur.ResourceTerminated {
				return fmt.Errorf("destroy_destination = true: resource %s is %v (%v), want Terminated", dstResource, res, err)
			}
			orders, err := f.api.ListOrders(ctx, waldur.OrderFilter{ResourceUUID: dstResource, Type: []string{waldur.OrderTypeTerminate}})
			if err != nil || len(orders) != 1 || orders[0].State != waldur.OrderDone {
				return fmt.Errorf("termination orders %+v (%v), want one done", orders, err)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(waccMigration, wpath("preview", "ports"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("web-1"), "kind": knownvalue.StringExact("instance"), "mac": knownvalue.StringExact("fa:16:3e:00:01:11"),
						"ips": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("10.0.1.11")}),
					}),
				})),
				plancheck.ExpectKnownValue(waccMigration, wpath("preview", "routers", 0, "external_gateway"), knownvalue.Bool(false)),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				f.checkWaldurState(waccMigration, []string{"web"}, []string{"web-1"}),
				waccMapsMatchPreview(waccMigration),
				func(s *terraform.State) error {
					attrs, _ := waccAttributes(s, waccMigration)
					dstResource = attrs["dst_resource_uuid"]
					return nil
				},
			),
		}, {
			// Turning follow_source on is an in-place update of that attribute alone: Waldur copies a
			// tenant once, so nothing runs; refresh compares the replica from then on
			// (migration_resource_waldur_sync_acc_test.go).
			Config:             f.config(t, args(true, false), "migration/main.tf"),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(waccMigration, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(waccMigration, tfjsonpath.New("state"), knownvalue.StringExact("OK")),
			}},
		}, {
			// ... and a change of mappings is a new migration, not an update in place.
			Config:             f.config(t, args(false, true), "migration/main.tf"),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(waccMigration, plancheck.ResourceActionReplace),
			}},
		}},
	})
}

// TestAccWaldurMigration_erred: Waldur's migration fails; the apply fails with Waldur's error_message,
// and the migration is kept in state as ERRED (tainted): a refresh shows it, and destroy deletes it.
func TestAccWaldurMigration_erred(t *testing.T) {
	waccPreCheck(t)
	const msg = "Quota exceeded for resources: ['router']."
	f := newWaccFixture(t, waldurtest.Options{
		OldStateLabels: true,
		Runner: func(context.Context, waldurtest.MigrationRequest) (waldurtest.RunResult, error) {
			return waldurtest.RunResult{}, errors.New(msg)
		},
	})
	config := f.config(t, accMigrationArgs{SrcResource: f.shop.ResourceUUID, DstOffering: f.dstOff.UUID, DstPlan: f.standard.UUID}, "migration/main.tf")
	waccTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		CheckDestroy: func(*terraform.State) error {
			if list, err := f.api.ListMigrations(context.Background(), waldur.MigrationFilter{}); err != nil || len(list) != 0 {
				return fmt.Errorf("after destroy the server has migrations %v (%v): the ERRED one was not in state", list, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: waccOutputRegexp("ended ERRED:", msg),
			},
			{
				// Tainted: the plan after the refresh replaces it.
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(waccMigration, "state", "ERRED"),
					resource.TestCheckResourceAttr(waccMigration, "error_message", msg),
					resource.TestCheckResourceAttrSet(waccMigration, "dst_resource_uuid"),
					func(s *terraform.State) error {
						rs := s.RootModule().Resources[waccMigration]
						if rs == nil || !rs.Primary.Tainted {
							return errors.New("the ERRED migration is not tainted")
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccWaldurMigration_timeout: a migration that outlasts timeouts.create is saved as Waldur last
// showed it (CREATING), not tainted, with a warning: the next apply waits for it again (an in-place
// update) and records how it ended, and Waldur holds that one migration throughout (no replacement, no
// second POST).
func TestAccWaldurMigration_timeout(t *testing.T) { testAccWaldurTimeout(t, false) }

// A migration saved while running that finishes before the next refresh: Read records what it built,
// and the next apply has nothing to do.
func TestAccWaldurMigration_timeoutFinishedBeforeRefresh(t *testing.T) { testAccWaldurTimeout(t, true) }

// testAccWaldurTimeout applies with a create timeout shorter than the migration, then again with a
// longer one: the second apply resumes the one migration (waiting for it in place, or, with
// finishFirst, after it finished and a refresh recorded it), never posting another.
func testAccWaldurTimeout(t *testing.T, finishFirst bool) {
	waccPreCheck(t)
	f := newWaccFixture(t, waldurtest.Options{
		Runner: func(ctx context.Context, req waldurtest.MigrationRequest) (waldurtest.RunResult, error) {
			select {
			case <-ctx.Done():
			case <-time.After(4 * time.Second):
			}
			return waldurtest.FabricatingRunner(ctx, req)
		},
	})
	config := func(timeout string) string {
		return f.config(t, accMigrationArgs{
			SrcResource: f.shop.ResourceUUID, DstOffering: f.dstOff.UUID, DstPlan: f.standard.UUID, CreateTimeout: timeout,
		}, "migration/main.tf")
	}
	var id string
	oneMigration := func(*terraform.State) error {
		list, err := f.api.ListMigrations(context.Background(), waldur.MigrationFilter{})
		if err != nil || len(list) != 1 || list[0].UUID != id {
			return fmt.Errorf("the server has migrations %v (%v), want just %s", list, err, id)
		}
		return nil
	}
	waccTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		CheckDestroy: func(*terraform.State) error {
			if list, err := f.api.ListMigrations(context.Background(), waldur.MigrationFilter{}); err != nil || len(list) != 0 {
				return fmt.Errorf("after destroy the server has migrations %v (%v): the timed-out one was not in state", list, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:             config("1s"),
				ExpectNonEmptyPlan: true, // the next apply waits for it
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(waccMigration, "state", "CREATING"),
					resource.TestCheckResourceAttr(waccMigration, "error_message", ""),
					resource.TestCheckResourceAttrWith(waccMigration, "id", func(v string) error { id = v; return nil }),
				),
			},
			{
				PreConfig: func() {
					if !finishFirst {
						return
					}
					for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
						mig, err := f.api.GetMigration(context.Background(), id)
						if err == nil && mig.State == waldur.StateOK {
							return
						}
						if time.Now().After(deadline) {
							t.Fatalf("migration %s did not finish: %v %v", id, mig, err)
						}
					}
				},
				Config: config("1m"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(waccMigration, "state", "OK"),
					resource.TestCheckResourceAttrWith(waccMigration, "id", func(v string) error {
						if v != id {
							return fmt.Errorf("id %s, want %s resumed", v, id)
						}
						return nil
					}),
					resource.TestCheckResourceAttrSet(waccMigration, "dst_project_id"),
					oneMigration,
				),
			},
		},
	})
}

// TestAccWaldurExample applies examples/waldur-mode (its terraform block left out: the test's provider
// is served in-process) with its defaults, which name the fixture's offerings, tenant and plan.
func TestAccWaldurExample(t *testing.T) {
	waccPreCheck(t)
	f := newWaccFixture(t, waldurtest.Options{})
	src, err := os.ReadFile("../../examples/waldur-mode/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	start := strings.Index(text, "terraform {")
	end := strings.Index(text[start:], "\n}\n")
	if start < 0 || end < 0 {
		t.Fatal("examples/waldur-mode/main.tf has no terraform block")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(text[:start]+text[start+end+3:]), 0o600); err != nil {
		t.Fatal(err)
	}
	// A configuration directory with a provider block takes its providers at the step's level.
	resource.ParallelTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigVariables: config.Variables{
				"waldur_api_url": config.StringVariable(f.srv.APIURL()),
				"waldur_token":   config.StringVariable(f.srv.Token),
				"subnet_remaps":  config.MapVariable(map[string]config.Variable{"10.0.3.0/24": config.StringVariable("172.16.3.0/24")}),
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("state", knownvalue.StringExact("OK")),
				statecheck.ExpectKnownOutputValue("network_ids", knownvalue.MapSizeExact(2)),
				statecheck.ExpectKnownOutputValue("limits", knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"volume": knownvalue.MapExact(map[string]knownvalue.Check{"storage": knownvalue.Int64Exact(500)}),
				})),
			},
			Check: f.checkWaldurState("waldur_openstack_migration.this", []string{"web", "db"}, nil),
		}},
	})
}

// TestAccWaldurMigration_planValidation: every input Waldur would refuse is a plan-time error on its
// attribute, and nothing is created.
func TestAccWaldurMigration_planValidation(t *testing.T) {
	waccPreCheck(t)
	f := newWaccFixture(t, waldurtest.Options{})
	// config is a migration of src into the destination offering with the plan ("" for none) and the
	// mappings (nil for none).
	config := func(src, plan string, mappings *accMappings) string {
		return f.config(t, accMigrationArgs{SrcResource: src, DstOffering: f.dstOff.UUID, DstPlan: plan, Mappings: mappings}, "migration/main.tf")
	}
	shop, std := f.shop.ResourceUUID, f.standard.UUID
	subnets := func(pairs ...string) *accMappings {
		m := &accMappings{}
		for i := 0; i < len(pairs); i += 2 {
			m.Subnets = append(m.Subnets, accPair{pairs[i], pairs[i+1]})
		}
		return m
	}
	volumeTypes := func(src, dst string) *accMappings {
		return &accMappings{VolumeTypes: []accPair{{src, dst}}}
	}
	cases := []struct {
		name, config string
		want         []string // in this order in the CLI's output: the attribute (config line or message), then the message
	}{
		{"plan of another offering", config(shop, f.other.UUID, nil), []string{"dst_plan =", "This plan is not available for selected offering"}},
		{"plan at its max_amount", config(shop, f.full.UUID, nil), []string{"dst_plan =", "Plan is not available because limit has been reached"}},
		{"no plan", config(shop, "", nil), []string{"dst_plan: This field is required. The Waldur backend needs dst_plan"}},
		{"source without limits", config(f.bare.ResourceUUID, std, nil), []string{"src_resource =", "does not have limits set"}},
		{"unknown source", config("0123456789abcdef0123456789abcdef", std, nil), []string{"Source tenant not found", "src_resource", "no marketplace resource"}},
		{"ports with subnet remaps", config(shop, std, &accMappings{SyncInstancePorts: true, Subnets: []accPair{{"10.0.1.0/24", "10.1.1.0/24"}}}), []string{"sync_instance_ports", "subnets"}},
		{"source volume type not in the tenant", config(shop, std, volumeTypes(f.fast.UUID, f.fast.UUID)), []string{"mappings.volume_types[0].src_type_uuid", "is not a volume type available in the source tenant"}},
		{"destination volume type not in the offering", config(shop, std, volumeTypes(f.ssd.UUID, f.hdd.UUID)), []string{"mappings.volume_types[0].dst_type_uuid", "is not a volume type of the destination offering"}},
		{"dst_cidr not a /24", config(shop, std, subnets("10.0.1.0/24", "10.1.0.0/16")), []string{`mappings.subnets[0].dst_cidr = "10.1.0.0/16": Network mask length should be equal to 24.`}},
		{"src_cidr not a /24", config(shop, std, subnets("10.0.1.0/25", "10.1.1.0/24")), []string{`mappings.subnets[0].src_cidr = "10.0.1.0/25": Network mask length should be equal to 24.`}},
		{"dst_cidr not private", config(shop, std, subnets("10.0.1.0/24", "8.8.8.0/24")), []string{"Not a private network", `"8.8.8.0/24" is not a private network`}},
		{"src_cidr matching no subnet", config(shop, std, subnets("10.0.7.0/24", "10.1.7.0/24")), []string{`mappings.subnets[0].src_cidr = "10.0.7.0/24": matches no subnet of the copied source networks`}},
		{"overlapping remaps", config(shop, std, subnets("10.0.1.0/24", "10.1.1.0/24", "10.0.3.0/24", "10.1.1.0/24")), []string{"Conflicting subnet remaps", "overlaps 10.1.1.0/24"}},
		{"network of another tenant", config(shop, std, &accMappings{Networks: []string{f.bareNetwork.UUID}}), []string{"mappings.networks[0]", "is not a network of the source tenant"}},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: waccOutputRegexp(c.want...)})
	}
	waccTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		CheckDestroy: func(*terraform.State) error {
			if list, err := f.api.ListMigrations(context.Background(), waldur.MigrationFilter{}); err != nil || len(list) != 0 {
				return fmt.Errorf("plan-time errors must create nothing; the server has migrations %v (%v)", list, err)
			}
			return nil
		},
		Steps: steps,
	})
}

// TestAccWaldurDataSources_pagination: more than 300 offerings and volume types match the names looked
// up (page_size is at most 300), and the wanted ones are listed last; the migration's plan-time check
// of the destination volume type reads all of the offering's types too.
func TestAccWaldurDataSources_pagination(t *testing.T) {
	waccPreCheck(t)
	f := newWaccFixture(t, waldurtest.Options{})
	for i := range 320 {
		f.srv.AddOffering(waldurtest.Offering{Name: fmt.Sprintf("Bulk cloud %03d", i)})
		f.srv.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.dstOff.ScopeUUID, Name: fmt.Sprintf("tier%03d", i)})
	}
	bulk := f.srv.AddOffering(waldurtest.Offering{Name: "Bulk cloud"})
	f.srv.AddPlan(waldurtest.Plan{OfferingUUID: bulk.UUID, Name: "bulk plan"})
	tier := f.srv.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.dstOff.ScopeUUID, Name: "tier"})
	config := f.config(t, map[string]any{
		"SrcResource": f.shop.ResourceUUID, "DstOffering": f.dstOff.UUID, "DstPlan": f.standard.UUID, "SrcType": f.ssd.UUID,
	}, "waldur_data_sources_pagination/main.tf")
	waccTest(t, resource.TestCase{
		PreCheck: func() { waccPreCheck(t) },
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.waldur_marketplace_offering.bulk", wpath("uuid"), knownvalue.StringExact(bulk.UUID)),
				statecheck.ExpectKnownValue("data.waldur_marketplace_offering.bulk", wpath("plans", 0, "name"), knownvalue.StringExact("bulk plan")),
				statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_uuid", wpath("name"), knownvalue.StringExact("Bulk cloud")),
				statecheck.ExpectKnownValue("data.waldur_marketplace_offering.by_uuid", wpath("type"), knownvalue.StringExact("OpenStack.Tenant")),
				statecheck.ExpectKnownValue("data.waldur_openstack_volume_type.tier", wpath("uuid"), knownvalue.StringExact(tier.UUID)),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(waccMigration, wpath("preview", "quotas", "volume", "gigabytes_tier"), knownvalue.Int64Exact(100)),
			}},
			Check: resource.TestCheckResourceAttr(waccMigration, "state", "OK"),
		}},
	})
}
