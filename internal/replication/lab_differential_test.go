package replication_test

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestLabDifferential builds a dozen generated source tenants (testlab.Generate: testlab.DifferentialSeeds,
// which between them draw every shape the generator has, five more fixed seeds of ordinary tenants
// (differentialMoreSeeds), and one random seed, printed) in RegionOne, migrates
// each with random valid mappings into RegionTwo and into the second cloud (whose Neutron pages at 7),
// and compares every destination object with its source through the API, attribute by attribute,
// modulo the mappings. WOM_GEN_SEED=<seed>[,<seed>...] replays those seeds alone.
// differentialMoreSeeds are tenants drawn as the generator draws most (the differential test's first
// seeds): with DifferentialSeeds and the random seed, a dozen tenants per run.
var differentialMoreSeeds = []uint64{1, 2, 3, 4, 5}

func TestLabDifferential(t *testing.T) {
	testlab.Require(t)
	seeds := append(slices.Clone(testlab.DifferentialSeeds), differentialMoreSeeds...)
	if s := os.Getenv("WOM_GEN_SEED"); s != "" {
		seeds = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
			if err != nil {
				t.Fatalf("WOM_GEN_SEED=%q: %v", s, err)
			}
			seeds = append(seeds, n)
		}
	} else {
		random := rand.Uint64() % 1_000_000
		t.Logf("random seed %d (replay with WOM_GEN_SEED=%d)", random, random)
		seeds = append(seeds, random)
	}
	src := testlab.Connect(t, testlab.RegionOne)
	dsts := map[string]*openstack.Cloud{}
	dstTypes := map[string]map[string]string{}
	for _, name := range []string{testlab.RegionTwo, testlab.OtherCloudOne} {
		dsts[name] = testlab.Connect(t, name)
		types, err := testlab.EnsureVolumeTypes(context.Background(), dsts[name], testlab.VolumeTypeNames...)
		if err != nil {
			t.Fatal(err)
		}
		dstTypes[name] = types
	}
	// A few tenants seeded, migrated and torn down at a time (the lab has two cores and is shared), by
	// goroutines rather than parallel subtests, which go test would hold to GOMAXPROCS at once. Each
	// goroutine tears down what it made as soon as it is compared: t.Cleanup would do it one project
	// after another once all are done, which took longer than the migrations.
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, seed := range seeds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			differential(t, sem, seed, src, dsts, dstTypes)
		}()
	}
	wg.Wait()
}

// differential seeds one generated tenant and migrates it into each destination, side by side, then
// tears everything down. It runs on its own goroutine: failures are reported with t.Errorf, never t.Fatal.
func differential(t *testing.T, sem chan struct{}, seed uint64, src *openstack.Cloud, dsts map[string]*openstack.Cloud, dstTypes map[string]map[string]string) {
	ctx := context.Background()
	sem <- struct{}{}
	start := time.Now()
	tenant, err := testlab.SeedGenerated(ctx, src, fmt.Sprintf("gen%d-%s", seed, testlab.Suffix()), testlab.Generate(seed))
	<-sem
	t.Logf("seed %d: seeded in %v", seed, time.Since(start).Round(time.Millisecond))
	// The source goes once both copies are compared, while the copies are torn down.
	teardownSource := func() {
		if tenant == nil {
			return
		}
		sem <- struct{}{}
		defer func() { <-sem }()
		cleanupProject(t, src, tenant.ProjectID)
		cleanupProject(t, src, tenant.ForeignProject)
		if err := tenant.Cleanup(context.Background(), src); err != nil {
			t.Errorf("seed %d: %v", seed, err)
		}
	}
	if err != nil {
		t.Errorf("seed %d: %v", seed, err)
		teardownSource()
		return
	}
	r := rand.New(rand.NewPCG(seed, 7))
	var compared, done sync.WaitGroup
	for _, name := range []string{testlab.RegionTwo, testlab.OtherCloudOne} {
		m := randomMappings(r, tenant, dstTypes[name])
		compared.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			sem <- struct{}{}
			diffs, copyID := migrateAndCompare(t, ctx, src, tenant, name, dsts[name], m)
			compared.Done()
			for _, d := range diffs {
				t.Errorf("seed %d, %s (mappings %+v): %s", seed, name, m, d)
			}
			cleanupProject(t, dsts[name], copyID)
			<-sem
		}()
	}
	compared.Wait()
	teardownSource()
	done.Wait()
}

// migrateAndCompare migrates the tenant, compares the copy with the source and migrates again; it returns
// every difference and failure, and the copy's project ("": none) for the caller to tear down.
func migrateAndCompare(t *testing.T, ctx context.Context, src *openstack.Cloud, tenant *testlab.GenTenant, name string, dst *openstack.Cloud, m replication.Mappings) (out []string, copyID string) {
	mig := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst, Mappings: m,
		Target: replication.Target{Name: fmt.Sprintf("gen%d-copy-%s", tenant.Spec.Seed, testlab.Suffix())}}
	start := time.Now()
	plan, res, err := mig.Run(ctx, replication.Options{})
	migrated := time.Since(start)
	if res != nil {
		copyID = res.ProjectID
	}
	var verrs replication.ValidationErrors
	if plan == nil && asValidation(err, &verrs) {
		t.Logf("seed %d, %s: plan refused: %v", tenant.Spec.Seed, name, err)
		return nil, copyID
	}
	if err != nil {
		return []string{fmt.Sprintf("the plan succeeded, the apply failed: %v", err)}, copyID
	}
	out = differences(ctx, src, tenant, dst, m, res)
	// A fresh copy is in sync with its plan (issue #15: Compare finds nothing to do).
	objects, err := replication.ListDestination(ctx, dst, res.ProjectID)
	if err != nil {
		return append(out, err.Error()), copyID
	}
	quotas, err := replication.ReadQuotas(ctx, dst, res.ProjectID)
	if err != nil {
		return append(out, err.Error()), copyID
	}
	if d := replication.Compare(plan, res.IDMaps, objects, &quotas); !d.Empty() {
		out = append(out, fmt.Sprintf("a fresh copy differs from its plan: %v", d.Summary()))
	}
	// Applying again converges: everything is found, nothing created.
	_, again, err := mig.Run(ctx, replication.Options{Previous: &res.Credentials})
	if err != nil {
		return append(out, fmt.Sprintf("re-run: %v", err)), copyID
	}
	if n := sum(again.Created); n != 0 || again.ProjectID != res.ProjectID {
		out = append(out, fmt.Sprintf("re-run created %v in project %s (first run: %s)", again.Created, again.ProjectID, res.ProjectID))
	}
	associated := 0
	for _, f := range objects.FloatingIPs {
		if f.PortID != "" {
			associated++
		}
	}
	t.Logf("seed %d, %s: migrated in %v, compared and run again in %v (%d of %d networks, ports %v, %d remaps, %d floating IPs, %d on a port, %d server groups)",
		tenant.Spec.Seed, name, migrated.Round(time.Millisecond), (time.Since(start) - migrated).Round(time.Millisecond),
		len(res.Networks), len(tenant.Networks), m.SyncInstancePorts, len(m.Subnets), len(objects.FloatingIPs), associated, len(objects.ServerGroups))
	return out, copyID
}

func asValidation(err error, into *replication.ValidationErrors) bool {
	v, ok := err.(replication.ValidationErrors)
	if ok {
		*into = v
	}
	return ok
}

// randomMappings picks valid mappings: a subset of the networks, ports or same-size IPv4 remaps (never
// both: copied ports keep their addresses), a volume type map, sometimes no external gateway.
func randomMappings(r *rand.Rand, tenant *testlab.GenTenant, dstTypes map[string]string) replication.Mappings {
	var m replication.Mappings
	if r.IntN(3) == 0 && len(tenant.Networks) > 1 {
		for _, id := range tenant.Networks {
			if r.IntN(2) == 0 {
				m.Networks = append(m.Networks, id)
			}
		}
		if len(m.Networks) == 0 {
			m.Networks = tenant.Networks[:1]
		}
	}
	if r.IntN(3) > 0 {
		m.SyncInstancePorts = true
	} else {
		k := 0
		for n, nw := range tenant.Spec.Networks {
			if len(m.Networks) > 0 && !slices.Contains(m.Networks, tenant.Networks[n]) {
				continue
			}
			for _, s := range nw.Subnets {
				if s.IPVersion == 4 && r.IntN(2) == 0 {
					m.Subnets = append(m.Subnets, replication.SubnetRemap{SrcCIDR: s.CIDR, DstCIDR: fmt.Sprintf("192.168.%d.0/24", 100+k)})
					k++
				}
			}
		}
	}
	if r.IntN(2) == 0 {
		m.VolumeTypes = []replication.VolumeTypeMap{{SrcTypeID: tenant.VolumeTypes["ssd"], DstTypeID: dstTypes["fast"]}}
		if r.IntN(2) == 0 {
			m.VolumeTypes = append(m.VolumeTypes, replication.VolumeTypeMap{SrcTypeID: tenant.VolumeTypes["hdd"], DstTypeID: dstTypes["fast"]})
		}
	}
	m.SkipConnectionExtnet = r.IntN(5) == 0
	m.FloatingIPs = []string{"", replication.FloatingIPsAll, replication.FloatingIPsAssociated, replication.FloatingIPsNone}[r.IntN(4)]
	return m
}

// translator moves addresses and prefixes inside a remapped subnet to the same offset in its new CIDR
// (the test's remaps are all of the same size).
type translator map[netip.Prefix]netip.Prefix

func (tr translator) addr(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return s
	}
	for from, to := range tr {
		if from.Contains(a) {
			f, d := from.Addr().As16(), to.Addr().As16()
			b := a.As16()
			for i := range b {
				b[i] = d[i] | (b[i] &^ f[i])
			}
			out := netip.AddrFrom16(b)
			if a.Is4() {
				out = out.Unmap()
			}
			return out.String()
		}
	}
	return s
}

func (tr translator) prefix(s string) string {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return s
	}
	for from := range tr {
		if from.Overlaps(p) && p.Bits() >= from.Bits() {
			return netip.PrefixFrom(netip.MustParseAddr(tr.addr(p.Addr().String())), p.Bits()).String()
		}
	}
	return s
}

type projectView struct {
	networks map[string]openstack.Network
	subnets  map[string]openstack.Subnet
	routers  map[string]openstack.Router
	ports    []openstack.Port
	groups   map[string]openstack.SecurityGroup
	agroups  map[string]openstack.AddressGroup
	fips     []openstack.FloatingIP
	sgroups  []openstack.ServerGroup
}

func readProject(ctx context.Context, c *openstack.Cloud, projectID string) (projectView, error) {
	d, err := replication.ListDestination(ctx, c, projectID)
	return projectView{
		networks: index(d.Networks, func(n openstack.Network) string { return n.ID }),
		subnets:  index(d.Subnets, func(s openstack.Subnet) string { return s.ID }),
		routers:  index(d.Routers, func(r openstack.Router) string { return r.ID }),
		ports:    d.Ports,
		groups:   index(d.SecurityGroups, func(g openstack.SecurityGroup) string { return g.ID }),
		agroups:  index(d.AddressGroups, func(a openstack.AddressGroup) string { return a.ID }),
		fips:     d.FloatingIPs,
		sgroups:  d.ServerGroups,
	}, err
}

// differences lists every way the destination differs from the source, modulo the mappings.
func differences(ctx context.Context, src *openstack.Cloud, tenant *testlab.GenTenant, dst *openstack.Cloud, m replication.Mappings, res *replication.Result) []string {
	var out []string
	diff := func(what string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			out = append(out, fmt.Sprintf("%s = %v, want %v", what, got, want))
		}
	}
	s, err := readProject(ctx, src, tenant.ProjectID)
	if err != nil {
		return []string{err.Error()}
	}
	d, err := readProject(ctx, dst, res.ProjectID)
	if err != nil {
		return []string{err.Error()}
	}
	tr := translator{}
	for _, r := range m.Subnets {
		tr[netip.MustParsePrefix(r.SrcCIDR)] = netip.MustParsePrefix(r.DstCIDR)
	}
	selected := map[string]bool{}
	for id := range s.networks {
		selected[id] = len(m.Networks) == 0 || slices.Contains(m.Networks, id)
	}
	skipped := map[string]bool{}
	for _, sk := range res.Skipped {
		skipped[sk.Kind+" "+sk.SourceID] = true
	}

	// Networks: copied when selected, reported otherwise.
	for id, sn := range s.networks {
		dn, ok := d.networks[res.Networks[id]]
		if !selected[id] {
			diff("network "+sn.Name+" copied", ok, false)
			diff("network "+sn.Name+" reported as skipped", skipped["network "+id], true)
			continue
		}
		if !ok {
			out = append(out, "network "+sn.Name+" missing")
			continue
		}
		w := "network " + sn.Name + " "
		diff(w+"name", dn.Name, sn.Name)
		diff(w+"description", dn.Description, sn.Description)
		diff(w+"admin_state_up", dn.AdminStateUp, sn.AdminStateUp)
		diff(w+"mtu", dn.MTU, sn.MTU)
		diff(w+"port_security_enabled", deref(dn.PortSecurityEnabled), deref(sn.PortSecurityEnabled))
		diff(w+"dns_domain", dn.DNSDomain, sn.DNSDomain)
		diff(w+"tags", userTagsOf(dn.Tags), userTagsOf(sn.Tags))
		diff(w+"shared", dn.Shared, false) // the cloud's flag, not the tenant's
	}
	diff("destination networks", len(d.networks), len(res.Networks))

	copiedSubnets := map[string]openstack.Subnet{}
	for id, ss := range s.subnets {
		if !selected[ss.NetworkID] {
			continue
		}
		copiedSubnets[id] = ss
		ds, ok := d.subnets[res.Subnets[id]]
		if !ok {
			out = append(out, "subnet "+ss.CIDR+" missing")
			continue
		}
		w := "subnet " + ss.CIDR + " "
		diff(w+"network", ds.NetworkID, res.Networks[ss.NetworkID])
		diff(w+"name", ds.Name, ss.Name)
		diff(w+"description", ds.Description, ss.Description)
		diff(w+"ip_version", ds.IPVersion, ss.IPVersion)
		diff(w+"cidr", ds.CIDR, tr.prefix(ss.CIDR))
		wantGW := "none"
		if ss.GatewayIP != nil {
			wantGW = tr.addr(*ss.GatewayIP)
		}
		gotGW := "none"
		if ds.GatewayIP != nil {
			gotGW = *ds.GatewayIP
		}
		diff(w+"gateway_ip", gotGW, wantGW)
		var wantPools, gotPools []string
		for _, p := range ss.AllocationPools {
			wantPools = append(wantPools, tr.addr(p.Start)+"-"+tr.addr(p.End))
		}
		for _, p := range ds.AllocationPools {
			gotPools = append(gotPools, p.Start+"-"+p.End)
		}
		diff(w+"allocation_pools", sorted(gotPools), sorted(wantPools))
		var wantDNS []string
		for _, a := range ss.DNSNameservers {
			wantDNS = append(wantDNS, tr.addr(a))
		}
		diff(w+"dns_nameservers", ds.DNSNameservers, wantDNS)
		var wantRoutes, gotRoutes []string
		for _, r := range ss.HostRoutes {
			wantRoutes = append(wantRoutes, tr.prefix(r.Destination)+" via "+tr.addr(r.NextHop))
		}
		for _, r := range ds.HostRoutes {
			gotRoutes = append(gotRoutes, r.Destination+" via "+r.NextHop)
		}
		diff(w+"host_routes", sorted(gotRoutes), sorted(wantRoutes))
		diff(w+"enable_dhcp", ds.EnableDHCP, ss.EnableDHCP)
		diff(w+"ipv6_address_mode", ds.IPv6AddressMode, ss.IPv6AddressMode)
		diff(w+"ipv6_ra_mode", ds.IPv6RAMode, ss.IPv6RAMode)
		diff(w+"tags", userTagsOf(ds.Tags), userTagsOf(ss.Tags))
	}
	diff("destination subnets", len(d.subnets), len(copiedSubnets))

	// Routers, their interfaces (by address) and their routes.
	interfaces := func(v projectView, routerID string) map[string]string { // address -> subnet
		out := map[string]string{}
		for _, p := range v.ports {
			if p.DeviceID == routerID && strings.HasPrefix(p.DeviceOwner, "network:router_interface") {
				for _, ip := range p.FixedIPs {
					out[ip.IPAddress] = ip.SubnetID
				}
			}
		}
		return out
	}
	for id, sr := range s.routers {
		dr, ok := d.routers[res.Routers[id]]
		if !ok {
			out = append(out, "router "+sr.Name+" missing")
			continue
		}
		w := "router " + sr.Name + " "
		diff(w+"name", dr.Name, sr.Name)
		diff(w+"description", dr.Description, sr.Description)
		diff(w+"admin_state_up", dr.AdminStateUp, sr.AdminStateUp)
		diff(w+"tags", userTagsOf(dr.Tags), userTagsOf(sr.Tags))
		diff(w+"external gateway", dr.ExternalGateway != nil, sr.ExternalGateway != nil && !m.SkipConnectionExtnet)
		want := map[string]string{}
		var attached []netip.Prefix
		for ip, subnet := range interfaces(s, id) {
			if ss, ok := copiedSubnets[subnet]; ok {
				want[tr.addr(ip)] = res.Subnets[subnet]
				attached = append(attached, netip.MustParsePrefix(ss.CIDR))
			}
		}
		diff(w+"interfaces", interfaces(d, dr.ID), want)
		var wantRoutes, gotRoutes []string
		for _, r := range sr.Routes {
			dest, hop := netip.MustParsePrefix(r.Destination), netip.MustParseAddr(r.NextHop)
			inCopied := slices.ContainsFunc(slices.Collect(maps.Values(copiedSubnets)), func(s openstack.Subnet) bool {
				c := netip.MustParsePrefix(s.CIDR)
				return c.Overlaps(dest) && dest.Bits() >= c.Bits()
			})
			onAttached := slices.ContainsFunc(attached, func(p netip.Prefix) bool { return p.Contains(hop) })
			if inCopied && onAttached {
				wantRoutes = append(wantRoutes, tr.prefix(r.Destination)+" via "+tr.addr(r.NextHop))
			}
		}
		for _, r := range dr.Routes {
			gotRoutes = append(gotRoutes, r.Destination+" via "+r.NextHop)
		}
		diff(w+"routes", sorted(gotRoutes), sorted(wantRoutes))
	}
	diff("destination routers", len(d.routers), len(s.routers))

	// Address groups and security groups with their rules.
	for id, sa := range s.agroups {
		da, ok := d.agroups[res.AddressGroups[id]]
		if !ok {
			out = append(out, "address group "+sa.Name+" missing")
			continue
		}
		var want []string
		for _, a := range sa.Addresses {
			want = append(want, tr.prefix(a))
		}
		diff("address group "+sa.Name+" name", da.Name, sa.Name)
		diff("address group "+sa.Name+" description", da.Description, sa.Description)
		diff("address group "+sa.Name+" addresses", sorted(da.Addresses), sorted(want))
	}
	ruleKey := func(r openstack.SecurityGroupRule, group, addressGroup, prefix func(string) string) string {
		return fmt.Sprintf("%s %s proto=%s ports=%v-%v prefix=%s group=%s ag=%s desc=%q", r.Direction, r.EtherType, r.Protocol,
			deref2(r.PortRangeMin), deref2(r.PortRangeMax), prefix(r.RemoteIPPrefix), group(r.RemoteGroupID), addressGroup(r.RemoteAddressGroupID), r.Description)
	}
	same := func(s string) string { return s }
	for id, sg := range s.groups {
		dg, ok := d.groups[res.SecurityGroups[id]]
		if !ok {
			out = append(out, "security group "+sg.Name+" missing")
			continue
		}
		w := "security group " + sg.Name + " "
		diff(w+"name", dg.Name, sg.Name)
		diff(w+"description", dg.Description, sg.Description)
		diff(w+"stateful", deref(dg.Stateful), deref(sg.Stateful))
		diff(w+"tags", userTagsOf(dg.Tags), userTagsOf(sg.Tags))
		var want, got []string
		for _, r := range sg.Rules {
			foreign := (r.RemoteGroupID != "" && s.groups[r.RemoteGroupID].ID == "") ||
				(r.RemoteAddressGroupID != "" && s.agroups[r.RemoteAddressGroupID].ID == "")
			if foreign {
				diff(w+"rule "+r.ID+" on a foreign group reported as skipped", skipped["security_group_rule "+r.ID], true)
				continue
			}
			want = append(want, ruleKey(r, func(g string) string { return res.SecurityGroups[g] }, func(a string) string { return res.AddressGroups[a] }, tr.prefix))
		}
		for _, r := range dg.Rules {
			got = append(got, ruleKey(r, same, same, same))
		}
		diff(w+"rules", strings.Join(sorted(got), "\n\t"), strings.Join(sorted(want), "\n\t"))
	}
	diff("destination security groups", len(d.groups), len(s.groups))

	// Ports: instance and free VIP ports of the copied networks, with sync_instance_ports; nothing else
	// but the routers' interfaces.
	dports := index(d.ports, func(p openstack.Port) string { return p.ID })
	copiedPorts := 0
	for _, sp := range s.ports {
		if strings.HasPrefix(sp.DeviceOwner, "network:") {
			continue
		}
		copyable := strings.HasPrefix(sp.DeviceOwner, "compute:") && (sp.DeviceID != "" || sp.AdminStateUp && sp.Status == "DOWN")
		dp, ok := dports[res.Ports[sp.ID]]
		if !m.SyncInstancePorts || !selected[sp.NetworkID] || !copyable {
			diff("port "+sp.Name+" copied", ok, false)
			if m.SyncInstancePorts {
				diff("port "+sp.Name+" reported as skipped", skipped["port "+sp.ID], true)
			}
			continue
		}
		if !ok {
			out = append(out, "port "+sp.Name+" missing")
			continue
		}
		copiedPorts++
		w := "port " + sp.Name + " "
		diff(w+"network", dp.NetworkID, res.Networks[sp.NetworkID])
		diff(w+"name", dp.Name, sp.Name)
		diff(w+"description", dp.Description, sp.Description)
		diff(w+"admin_state_up", dp.AdminStateUp, sp.AdminStateUp)
		diff(w+"mac_address", dp.MACAddress, sp.MACAddress)
		var want, got []string
		for _, ip := range sp.FixedIPs {
			want = append(want, res.Subnets[ip.SubnetID]+"="+tr.addr(ip.IPAddress))
		}
		for _, ip := range dp.FixedIPs {
			got = append(got, ip.SubnetID+"="+ip.IPAddress)
		}
		diff(w+"fixed_ips", sorted(got), sorted(want))
		var wantGroups []string
		for _, g := range sp.SecurityGroups {
			wantGroups = append(wantGroups, res.SecurityGroups[g])
		}
		diff(w+"security_groups", sorted(dp.SecurityGroups), sorted(wantGroups))
		diff(w+"port_security_enabled", deref(dp.PortSecurityEnabled), deref(sp.PortSecurityEnabled))
		var wantPairs, gotPairs []string
		for _, p := range sp.AllowedAddressPairs {
			wantPairs = append(wantPairs, tr.prefix(tr.addr(p.IPAddress))+"/"+p.MACAddress)
		}
		for _, p := range dp.AllowedAddressPairs {
			gotPairs = append(gotPairs, p.IPAddress+"/"+p.MACAddress)
		}
		diff(w+"allowed_address_pairs", sorted(gotPairs), sorted(wantPairs))
		diff(w+"device_owner", dp.DeviceOwner, "")
		diff(w+"dns_name", dp.DNSName, sp.DNSName)
		diff(w+"tags", userTagsOf(dp.Tags), userTagsOf(sp.Tags))
		var wantOpts, gotOpts []string
		for _, o := range sp.ExtraDHCPOpts {
			wantOpts = append(wantOpts, fmt.Sprint(o))
		}
		for _, o := range dp.ExtraDHCPOpts {
			gotOpts = append(gotOpts, fmt.Sprint(o))
		}
		diff(w+"extra_dhcp_opts", sorted(gotOpts), sorted(wantOpts))
	}
	others := 0
	for _, p := range d.ports {
		if !strings.HasPrefix(p.DeviceOwner, "network:") {
			others++
		}
	}
	diff("destination ports other than the network's own", others, copiedPorts)

	facts, err := replication.ReadFacts(ctx, dst, "")
	if err != nil {
		return append(out, err.Error())
	}
	out = append(out, floatingDifferences(s, d, m, facts.ExternalNetworkID, res, tr, copiedSubnets, skipped)...)
	extra, err := sharingDifferences(ctx, src, tenant, dst, res)
	if err != nil {
		return append(out, err.Error())
	}
	out = append(out, extra...)

	// Quotas: compute and network as in the source, volume through the type map.
	for _, q := range []struct {
		what     string
		get      func(context.Context, *openstack.Cloud, string) (map[string]int, error)
		expected map[string]int
	}{
		{"compute", func(ctx context.Context, c *openstack.Cloud, id string) (map[string]int, error) {
			return openstack.ComputeQuotas(ctx, c.Compute, id)
		}, tenant.Spec.Compute},
		{"network", func(ctx context.Context, c *openstack.Cloud, id string) (map[string]int, error) {
			return openstack.NetworkQuotas(ctx, c.Network, id)
		}, tenant.Spec.Network},
	} {
		got, err := q.get(ctx, dst, res.ProjectID)
		if err != nil {
			return append(out, err.Error())
		}
		for k, v := range q.expected {
			diff(q.what+" quota "+k, got[k], v)
		}
	}
	// Volume quotas: a mapped type's limits summed onto its target, unlimited absorbing the rest.
	wantVolume := map[string]int{}
	mapped := map[string]bool{}
	for _, vm := range m.VolumeTypes {
		for name, id := range tenant.VolumeTypes {
			if id == vm.SrcTypeID {
				mapped[name] = true
			}
		}
	}
	// The source's limits as Cinder shows them: a per-type key the spec leaves out is unlimited there
	// (Cinder's default), which absorbs what is summed with it.
	srcVolume, err := openstack.VolumeQuotas(ctx, src.BlockStorage, tenant.ProjectID)
	if err != nil {
		return append(out, err.Error())
	}
	keys := map[string]bool{}
	for k := range tenant.Spec.Volume {
		keys[k] = true
	}
	for name := range mapped {
		for _, base := range []string{"gigabytes", "volumes", "snapshots"} {
			keys[base+"_"+name] = true
		}
	}
	for k := range keys {
		key, v := k, srcVolume[k]
		for name := range mapped {
			if base, ok := strings.CutSuffix(k, "_"+name); ok {
				key = base + "_fast"
			}
		}
		if have, seen := wantVolume[key]; seen {
			if have == -1 || v == -1 {
				v = -1
			} else {
				v += have
			}
		}
		wantVolume[key] = v
	}
	gotVolume, err := openstack.VolumeQuotas(ctx, dst.BlockStorage, res.ProjectID)
	if err != nil {
		return append(out, err.Error())
	}
	for k, v := range wantVolume {
		diff("volume quota "+k, gotVolume[k], v)
	}
	return out
}

func deref2(p *int) any {
	if p == nil {
		return "none"
	}
	return *p
}

// userTagsOf leaves out the migration's own markers.
func userTagsOf(tags []string) []string {
	var out []string
	for _, t := range tags {
		if !strings.HasPrefix(t, "wom:src:") {
			out = append(out, t)
		}
	}
	return sorted(out)
}

// floatingDifferences compares floating IPs and server groups. Floating IPs, as mappings.floating_ips
// says: on the destination's external network with description and tags, on the copy of their port at
// the same (translated) fixed IP where the port is copied and a copied router with an external gateway
// is attached to its subnet, free and reported otherwise. Server groups: name, policy, rules, one copy each.
func floatingDifferences(s, d projectView, m replication.Mappings, external string, res *replication.Result, tr translator,
	copiedSubnets map[string]openstack.Subnet, skipped map[string]bool) []string {
	var out []string
	diff := func(what string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			out = append(out, fmt.Sprintf("%s = %v, want %v", what, got, want))
		}
	}
	sports := index(s.ports, func(p openstack.Port) string { return p.ID })
	dports := index(d.ports, func(p openstack.Port) string { return p.ID })
	// reachable: source subnets, copied, that a source router with a gateway, kept, is attached to.
	reachable := map[string]bool{}
	for _, p := range s.ports {
		r, isRouter := s.routers[p.DeviceID]
		if !isRouter || !strings.HasPrefix(p.DeviceOwner, "network:router_interface") || r.ExternalGateway == nil || m.SkipConnectionExtnet {
			continue
		}
		for _, ip := range p.FixedIPs {
			if _, ok := copiedSubnets[ip.SubnetID]; ok {
				reachable[ip.SubnetID] = true
			}
		}
	}
	mode := cmp.Or(m.FloatingIPs, replication.FloatingIPsAll)
	dfips := index(d.fips, func(f openstack.FloatingIP) string { return f.ID })
	copied := 0
	for _, sf := range s.fips {
		w := "floating IP " + sf.FloatingIPAddress + " "
		df, ok := dfips[res.FloatingIPs[sf.ID]]
		if mode == replication.FloatingIPsNone || mode == replication.FloatingIPsAssociated && sf.PortID == "" {
			diff(w+"copied", ok, false)
			diff(w+"reported as skipped", skipped["floating_ip "+sf.ID], true)
			continue
		}
		if !ok {
			out = append(out, w+"missing")
			continue
		}
		copied++
		diff(w+"floating_network_id", df.FloatingNetworkID, external)
		diff(w+"description", df.Description, sf.Description)
		diff(w+"tags", userTagsOf(df.Tags), userTagsOf(sf.Tags))
		diff(w+"in floating_ip_addresses", res.FloatingIPAddresses[sf.FloatingIPAddress], df.FloatingIPAddress)
		wantPort, wantFixed := "", ""
		if sf.PortID != "" {
			subnet := ""
			for _, ip := range sports[sf.PortID].FixedIPs {
				if ip.IPAddress == sf.FixedIPAddress {
					subnet = ip.SubnetID
				}
			}
			if _, portCopied := dports[res.Ports[sf.PortID]]; portCopied && reachable[subnet] {
				wantPort, wantFixed = res.Ports[sf.PortID], tr.addr(sf.FixedIPAddress)
			} else {
				diff(w+"lost association reported", skipped["floating_ip_association "+sf.ID], true)
			}
		}
		diff(w+"port_id", df.PortID, wantPort)
		diff(w+"fixed_ip_address", df.FixedIPAddress, wantFixed)
	}
	diff("destination floating IPs", len(d.fips), copied)

	dgroups := index(d.sgroups, func(g openstack.ServerGroup) string { return g.ID })
	copies := map[string]bool{}
	for _, sg := range s.sgroups {
		dg, ok := dgroups[res.ServerGroups[sg.ID]]
		w := fmt.Sprintf("server group %s (%s) ", sg.Name, sg.ID)
		if !ok {
			out = append(out, w+"missing")
			continue
		}
		copies[dg.ID] = true
		diff(w+"name", dg.Name, sg.Name)
		diff(w+"policy", dg.PolicyName(), sg.PolicyName())
		diff(w+"rules", dg.Rules, sg.Rules)
	}
	diff("server group copies (one each)", len(copies), len(s.sgroups))
	diff("destination server groups", len(d.sgroups), len(s.sgroups))
	return out
}

// sharingDifferences checks what is not the tenant's to copy: project tags (the copy has only the
// migration's marker), sharing (no RBAC policy of the copy's project: shared networks are copied
// unshared), subnet pools (the subnets are plain CIDRs in the copy, and it has no pool). It also checks
// that the source has the shapes the spec asked for, so that a seeding change cannot empty the test.
func sharingDifferences(ctx context.Context, src *openstack.Cloud, tenant *testlab.GenTenant, dst *openstack.Cloud, res *replication.Result) ([]string, error) {
	var out []string
	diff := func(what string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			out = append(out, fmt.Sprintf("%s = %v, want %v", what, got, want))
		}
	}
	sp, err := openstack.GetProject(ctx, src.Identity, tenant.ProjectID)
	if err != nil {
		return nil, err
	}
	dp, err := openstack.GetProject(ctx, dst.Identity, res.ProjectID)
	if err != nil {
		return nil, err
	}
	diff("source project tags", userTagsOf(sp.Tags), sorted(tenant.Spec.ProjectTags))
	diff("project tags", userTagsOf(dp.Tags), []string(nil))
	// How many subnet pools, subnets from a pool and RBAC policies a project has.
	type pooled struct {
		SubnetPoolID string `json:"subnetpool_id"`
	}
	count := func(c *openstack.Cloud, project string) ([3]int, error) {
		byProject := url.Values{"project_id": {project}}
		subnets, err := openstack.List[pooled](ctx, c.Network, openstack.Subnets, byProject)
		if err != nil {
			return [3]int{}, err
		}
		pools, err := openstack.List[pooled](ctx, c.Network, subnetPoolsResource, byProject)
		if err != nil {
			return [3]int{}, err
		}
		policies, err := openstack.List[pooled](ctx, c.Network, rbacResource, byProject)
		n := [3]int{len(pools), 0, len(policies)}
		for _, s := range subnets {
			if s.SubnetPoolID != "" {
				n[1]++
			}
		}
		return n, err
	}
	want := [3]int{}
	if tenant.Spec.SubnetPool != nil {
		want[0] = 1
	}
	for _, n := range tenant.Spec.Networks {
		for _, s := range n.Subnets {
			if s.FromPool {
				want[1]++
			}
		}
		if n.Shared { // Neutron's wildcard policy
			want[2]++
		}
		if n.RBACShared {
			want[2]++
		}
	}
	have, err := count(src, tenant.ProjectID)
	if err != nil {
		return nil, err
	}
	diff("source subnet pools, subnets from a pool, RBAC policies", have, want)
	if have, err = count(dst, res.ProjectID); err != nil {
		return nil, err
	}
	diff("destination subnet pools, subnets from a pool, RBAC policies", have, [3]int{})
	return out, nil
}

var (
	subnetPoolsResource = openstack.Resource{Path: "subnetpools", Plural: "subnetpools", Singular: "subnetpool"}
	rbacResource        = openstack.Resource{Path: "rbac-policies", Plural: "rbac_policies", Singular: "rbac_policy"}
)
