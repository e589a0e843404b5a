package replication

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// createPorts updates the copies of instance and VIP ports that differ from their plan and creates the
// missing ones with their fixed IPs, MAC addresses, security groups and address pairs, split into opts.PortBulkCalls bulk calls sent in parallel (no more than
// opts.Concurrency), each as far as possible on networks of its own (see bulkRanges).
func (e *execution) createPorts(ctx context.Context) error {
	b := newBatch(e, "port", e.res.Ports, func(p openstack.Port) string { return p.ID }, func(p openstack.Port) []string { return p.Tags })
	for _, p := range byNetwork(e.plan.Ports) {
		networkID := e.res.Networks[p.NetworkSourceID]
		have, found := e.pairs.ports[p.SourceID]
		var changes map[string]any
		if found {
			changes = portChanges(p, &e.res.IDMaps, have)
		}
		b.adoptOr(p.SourceID, p.Name, have, found, wantedTags(p.SourceID, p.Marker, p.Tags), changes,
			func() openstack.Port { return e.portBody(p, networkID) })
	}
	networks := make([]string, len(b.missing))
	for i, p := range b.missing {
		networks[i] = p.NetworkID
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, c := range bulkRanges(networks, min(e.opts.PortBulkCalls, e.opts.Concurrency)) {
		g.Go(func() error {
			sent := b.missing[c[0]:c[1]]
			created, err := createAll(gctx, e, openstack.Ports, sent)
			b.recordCreated(c[0], created)
			if err != nil {
				return e.leakedAddress(gctx, err)
			}
			return e.fixBulkPorts(gctx, sent, created)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return b.finish(ctx, openstack.Ports, "ports", len(e.plan.Ports))
}

// portBody is the create request of a planned port, its references mapped to destination ids.
func (e *execution) portBody(p PortPlan, networkID string) openstack.Port {
	port := openstack.Port{
		ProjectID: e.res.ProjectID, NetworkID: networkID, Name: p.Name,
		Description: p.Description, AdminStateUp: p.AdminStateUp, MACAddress: p.MACAddress,
		PortSecurityEnabled: p.PortSecurityEnabled, AllowedAddressPairs: p.AllowedAddressPairs,
		DNSName: p.DNSName, ExtraDHCPOpts: p.ExtraDHCPOpts,
		SecurityGroups: make([]string, 0, len(p.SecurityGroupSourceIDs)), Tags: e.createTags(p.SourceID, p.Marker, p.Tags),
	}
	// Never nil: a source port without addresses gets none, where an absent list lets Neutron allocate.
	port.FixedIPs = make([]openstack.FixedIP, 0, len(p.FixedIPs))
	for _, ip := range p.FixedIPs {
		fip := openstack.FixedIP{SubnetID: e.res.Subnets[ip.SubnetSourceID], IPAddress: ip.IPAddress}
		if ip.Derived {
			fip.IPAddress = ""
		}
		port.FixedIPs = append(port.FixedIPs, fip)
	}
	for _, g := range p.SecurityGroupSourceIDs {
		port.SecurityGroups = append(port.SecurityGroups, e.res.SecurityGroups[g])
	}
	return port
}

// fixBulkPorts sets the allowed address pairs and extra DHCP options that Neutron's bulk port create
// drops (seen on Zed: the ports come back without them), with one update per affected port.
func (e *execution) fixBulkPorts(ctx context.Context, sent, created []openstack.Port) error {
	for i, p := range created {
		body := map[string]any{}
		if len(sent[i].AllowedAddressPairs) > 0 && len(p.AllowedAddressPairs) == 0 {
			body["allowed_address_pairs"] = sent[i].AllowedAddressPairs
		}
		if len(sent[i].ExtraDHCPOpts) > 0 && len(p.ExtraDHCPOpts) == 0 {
			body["extra_dhcp_opts"] = sent[i].ExtraDHCPOpts
		}
		if len(body) == 0 {
			continue
		}
		if _, err := openstack.Update[openstack.Port](ctx, e.dst.Network, openstack.Ports, p.ID, body); err != nil {
			return fmt.Errorf("setting the allowed address pairs and extra DHCP options of port %q: %w", p.Name, err)
		}
	}
	return nil
}

// byNetwork returns the ports ordered by network, keeping their order within a network.
func byNetwork(ports []PortPlan) []PortPlan {
	out := slices.Clone(ports)
	slices.SortStableFunc(out, func(a, b PortPlan) int { return strings.Compare(a.NetworkSourceID, b.NetworkSourceID) })
	return out
}

// bulkRanges splits n = len(networks) items, those of one network adjacent (networks[i] is item i's),
// into at most k contiguous [start, end) ranges of nearly equal size, each cut moved to the nearest
// boundary between two networks within half a range of it, so that parallel bulks share as few networks
// as they can. Neutron (Zed) locks each subnet a port bulk allocates from until the whole bulk commits,
// and a parallel bulk that allocates from the same subnet waits for that: on the lab, seconds out of a
// bulk of a hundred ports. Ranges of other networks run side by side without waiting on each other.
func bulkRanges(networks []string, k int) [][2]int {
	n := len(networks)
	if n == 0 {
		return nil
	}
	k = max(1, min(k, n))
	tolerance := n / k / 2
	out := make([][2]int, 0, k)
	start := 0
	for i := 1; i < k; i++ {
		cut := (i*n + k/2) / k
		if best := nearestBoundary(networks, cut, tolerance); best >= 0 {
			cut = best
		}
		if cut <= start || cut >= n {
			continue
		}
		out = append(out, [2]int{start, cut})
		start = cut
	}
	return append(out, [2]int{start, n})
}

// nearestBoundary is the index b nearest to target, at most tolerance away, where networks[b-1] and
// networks[b] differ; -1 if there is none.
func nearestBoundary(networks []string, target, tolerance int) int {
	for d := 0; d <= tolerance; d++ {
		for _, b := range []int{target - d, target + d} {
			if b > 0 && b < len(networks) && networks[b-1] != networks[b] {
				return b
			}
		}
	}
	return -1
}
