package testlab

import (
	"reflect"
	"slices"
	"testing"
)

func TestGenerateIsDeterministic(t *testing.T) {
	for seed := range uint64(50) {
		if a, b := Generate(seed), Generate(seed); !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d gives two different specs", seed)
		}
	}
	if reflect.DeepEqual(Generate(1), Generate(2)) {
		t.Fatal("seeds 1 and 2 give the same spec")
	}
}

// everyShape is what the generator must reach: the shapes of issue 13's list and those added since.
var everyShape = []string{
	"project tags", "subnet pool", "subnet from a subnet pool", "ports on another project's network shared by RBAC",
	"networks with equal names", "network down", "network port security off", "network port security on", "network mtu",
	"network dns_domain", "shared network", "network shared by RBAC", "network tags",
	`IPv6 subnet ""/""`, `IPv6 subnet "slaac"/"slaac"`, `IPv6 subnet "dhcpv6-stateful"/"dhcpv6-stateful"`,
	`IPv6 subnet "dhcpv6-stateless"/"dhcpv6-stateless"`, `IPv6 subnet "slaac"/""`, `IPv6 subnet "dhcpv6-stateful"/""`,
	`IPv6 subnet "dhcpv6-stateless"/""`, `IPv6 subnet ""/"slaac"`, `IPv6 subnet ""/"dhcpv6-stateful"`, `IPv6 subnet ""/"dhcpv6-stateless"`,
	"subnet without gateway", "subnet gateway not the first host", "subnet DHCP off", "subnet with several pools",
	"subnet host routes", "subnet dns servers", "subnet tags", "auto-addressed subnet added after the router interfaces and ports",
	"router interface by subnet on a network that got an auto-addressed subnet later",
	"router interface by port on a network that got an auto-addressed subnet later",
	"router with gateway", "router without gateway", "router down", "router tags", "router interface by subnet",
	"router interface by port", "router IPv6 interface", "several routers on one network", "router route kept",
	"router route dropped (outside every subnet)",
	"address group with several addresses", "stateless security group", "security group tags", "rule any protocol",
	"rule protocol by number", "rule protocol by name", "rule ICMP type", "rule ICMP type and code", "rule port range",
	"rule IPv6", "rule description", "rule remote group of the tenant", "rule remote group of another project",
	"rule remote address group of the tenant", "rule remote address group of another project", "rule remote prefix",
	"unowned port", "free VIP port", "instance port", "port down", "port without fixed IP", "port with several fixed IPs",
	"port with an auto-addressed IPv6 address", "port security off", "address pair without MAC", "address pair with MAC",
	"port dns_name", "port extra_dhcp_opts", "port tags",
	"floating IP on a port", "free floating IP", "floating IP tags", "free floating IPs alike",
	"server group affinity", "server group anti-affinity", "server group soft-affinity", "server group soft-anti-affinity",
	"server group rules", "server group twins", "volume type quota", "volume type quota unlimited",
}

// Over a few thousand seeds the generator reaches every shape, and the differential test's fixed seeds
// reach them all between them.
func TestGenerateCovers(t *testing.T) {
	reached, fixed := map[string]bool{}, map[string]bool{}
	for seed := range uint64(2000) {
		for s := range Shapes(Generate(seed)) {
			reached[s] = true
		}
	}
	for _, seed := range DifferentialSeeds {
		for s := range Shapes(Generate(seed)) {
			fixed[s] = true
		}
	}
	for _, s := range everyShape {
		if !reached[s] {
			t.Errorf("no seed draws %q", s)
		}
	}
	for s := range reached {
		if !slices.Contains(everyShape, s) {
			t.Errorf("shape %q is not in everyShape", s)
		}
		if !fixed[s] {
			t.Errorf("no seed of DifferentialSeeds draws %q", s)
		}
	}
}
