package replication

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// createPorts creates the missing instance and VIP ports with their fixed IPs, MAC addresses, security
// groups and address pairs, split into opts.PortBulkCalls bulk calls sent in parallel (no more than
// opts.Concurrency).
func (e *execution) createPorts(ctx context.Context) error {
	b := newBatch(e, "port", e.res.Ports, func(p openstack.Port) string { return p.ID })
	for _, p := range e.plan.Ports {
		networkID := e.res.Networks[p.NetworkSourceID]
		b.adoptOr(p.SourceID, e.existingPorts, macKey(networkID, p.MACAddress), p.Marker,
			func() openstack.Port { return e.portBody(p, networkID) })
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, c := range chunks(len(b.missing), min(e.opts.PortBulkCalls, e.opts.Concurrency)) {
		g.Go(func() error {
			sent := b.missing[c[0]:c[1]]
			created, err := createAll(gctx, e, openstack.Ports, sent)
			b.recordCreated(c[0], created)
			if err != nil {
				return err
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
		SecurityGroups: make([]string, 0, len(p.SecurityGroupSourceIDs)), Tags: e.createTags(p.SourceID, p.Marker),
	}
	for _, ip := range p.FixedIPs {
		port.FixedIPs = append(port.FixedIPs, openstack.FixedIP{SubnetID: e.res.Subnets[ip.SubnetSourceID], IPAddress: ip.IPAddress})
	}
	for _, g := range p.SecurityGroupSourceIDs {
		port.SecurityGroups = append(port.SecurityGroups, e.res.SecurityGroups[g])
	}
	return port
}

// fixBulkPorts sets the allowed address pairs that Neutron's bulk port create drops (seen on Zed: the
// ports come back without them), with one update per affected port.
func (e *execution) fixBulkPorts(ctx context.Context, sent, created []openstack.Port) error {
	for i, p := range created {
		if len(sent[i].AllowedAddressPairs) > 0 && len(p.AllowedAddressPairs) == 0 {
			body := map[string]any{"allowed_address_pairs": sent[i].AllowedAddressPairs}
			if _, err := openstack.Update[openstack.Port](ctx, e.dst.Network, openstack.Ports, p.ID, body); err != nil {
				return fmt.Errorf("setting the allowed address pairs of port %q: %w", p.Name, err)
			}
		}
	}
	return nil
}

// chunks splits n items into at most k contiguous ranges of nearly equal size, as [start, end) pairs.
func chunks(n, k int) [][2]int {
	if n == 0 {
		return nil
	}
	k = max(1, min(k, n))
	out := make([][2]int, 0, k)
	start := 0
	for i := range k {
		size := n / k
		if i < n%k {
			size++
		}
		out = append(out, [2]int{start, start + size})
		start += size
	}
	return out
}
