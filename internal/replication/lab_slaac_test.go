package replication_test

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestLabPortsOnSLAACSubnet is the tenant a new user built without this project's seeders: a network with
// an IPv4 subnet and an IPv6 SLAAC subnet, instance ports on it that Neutron addressed itself, migrated
// with sync_instance_ports. The apply used to send the ports' IPv6 addresses, which Neutron refuses on an
// auto-addressed subnet (AllocationOnAutoAddressSubnet), on every re-run too. The copies must get the
// same addresses (derived from the MAC the copy keeps), and the plan must show them.
func TestLabPortsOnSLAACSubnet(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	dst := testlab.Connect(t, testlab.RegionTwo)
	name := "slaac-" + testlab.Suffix()
	project, err := openstack.CreateProject(ctx, src.Identity, openstack.Project{Name: name, DomainID: "default", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cleanupProject(t, src, project.ID) })
	if err := openstack.SetNetworkQuotas(ctx, src.Network, project.ID, map[string]int{"network": 5, "subnet": 10, "port": 50}); err != nil {
		t.Fatal(err)
	}
	network, err := openstack.Create[openstack.Network](ctx, src.Network, openstack.Networks, map[string]any{"name": "dual", "project_id": project.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openstack.Create[openstack.Subnet](ctx, src.Network, openstack.Subnets, map[string]any{
		"project_id": project.ID, "network_id": network.ID, "name": "v4", "ip_version": 4, "cidr": "10.20.1.0/24"}); err != nil {
		t.Fatal(err)
	}
	v6, err := openstack.Create[openstack.Subnet](ctx, src.Network, openstack.Subnets, map[string]any{
		"project_id": project.ID, "network_id": network.ID, "name": "v6", "ip_version": 6, "cidr": "fd00:20:1::/64",
		"ipv6_address_mode": "slaac", "ipv6_ra_mode": "slaac"})
	if err != nil {
		t.Fatal(err)
	}
	// Instance ports as Nova makes them: only the network given, Neutron picks the addresses.
	for i, mac := range []string{"fa:16:3e:00:20:01", "fa:16:3e:00:20:02"} {
		if _, err := openstack.Create[openstack.Port](ctx, src.Network, openstack.Ports, map[string]any{
			"project_id": project.ID, "network_id": network.ID, "name": "vm-" + string(rune('a'+i)), "mac_address": mac,
			"device_owner": "compute:nova", "device_id": "5c1f1a8e-0b7e-4d53-9c55-00000000020" + string(rune('1'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	srcPorts, err := openstack.List[openstack.Port](ctx, src.Network, openstack.Ports, url.Values{"project_id": {project.ID}})
	if err != nil {
		t.Fatal(err)
	}

	m := replication.Migration{Source: src, SourceProjectID: project.ID, Destination: dst,
		Mappings: replication.Mappings{SyncInstancePorts: true}, Target: replication.Target{Name: "copy-" + name}}
	plan, res, err := m.Run(ctx, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
	}
	if err != nil {
		t.Fatal(err)
	}
	planned := map[string][]string{}
	for _, p := range plan.Ports {
		for _, ip := range p.FixedIPs {
			planned[p.SourceID] = append(planned[p.SourceID], ip.IPAddress)
			if ip.SubnetSourceID == v6.ID && !ip.Derived {
				t.Errorf("port %s: its address on the SLAAC subnet is not planned as derived", p.Name)
			}
		}
	}
	dstPorts, err := openstack.List[openstack.Port](ctx, dst.Network, openstack.Ports, url.Values{"project_id": {res.ProjectID}})
	if err != nil {
		t.Fatal(err)
	}
	byID := index(dstPorts, func(p openstack.Port) string { return p.ID })
	copied := 0
	for _, sp := range srcPorts {
		if sp.DeviceOwner != "compute:nova" {
			continue
		}
		copied++
		dp, ok := byID[res.Ports[sp.ID]]
		if !ok {
			t.Errorf("port %s was not copied", sp.Name)
			continue
		}
		want, got := addresses(sp), addresses(dp)
		if len(want) != 2 || !slices.Equal(got, want) || dp.MACAddress != sp.MACAddress {
			t.Errorf("port %s: copy has %v (MAC %s), source %v (MAC %s)", sp.Name, got, dp.MACAddress, want, sp.MACAddress)
		}
		if p := sorted(planned[sp.ID]); !slices.Equal(p, want) {
			t.Errorf("port %s: plan shows %v, the copy has %v", sp.Name, p, got)
		}
	}
	if copied != 2 {
		t.Fatalf("%d instance ports in the source, want 2", copied)
	}
	// Applying again converges: nothing to write.
	dst.Counter.Reset()
	if _, _, err := m.Run(ctx, replication.Options{Previous: &res.Credentials}); err != nil {
		t.Fatal(err)
	}
	if n := writes(dst.Counter); n != 0 {
		t.Fatalf("re-run wrote %d times: %v", n, dst.Counter.Snapshot())
	}
}

func addresses(p openstack.Port) []string {
	out := make([]string, 0, len(p.FixedIPs))
	for _, ip := range p.FixedIPs {
		out = append(out, ip.IPAddress)
	}
	return sorted(out)
}
