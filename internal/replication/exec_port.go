package replication

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// createPorts creates the missing instance and VIP ports with their fixed IPs, MAC addresses, security
// groups and address pairs, split into opts.PortBulkCalls bulk calls sent in parallel.
func (e *execution) createPorts(ctx context.Context) error {
	var missing []openstack.Port
	var sources []string
	var untagged []toTag
	for _, p := range e.plan.Ports {
		networkID := e.res.Networks[p.NetworkSourceID]
		have, found, marked := e.existingPorts.adopt(p.SourceID, func(x openstack.Port) bool {
			return x.NetworkID == networkID && x.MACAddress == p.MACAddress && x.Name == p.Name
		})
		if found {
			e.record(e.res.Ports, "port", p.SourceID, have.ID, false)
			if !marked {
				untagged = append(untagged, toTag{have.ID, p.SourceID})
			}
			continue
		}
		port := openstack.Port{
			ProjectID: e.res.ProjectID, NetworkID: e.res.Networks[p.NetworkSourceID], Name: p.Name,
			Description: p.Description, AdminStateUp: p.AdminStateUp, MACAddress: p.MACAddress,
			PortSecurityEnabled: p.PortSecurityEnabled, AllowedAddressPairs: p.AllowedAddressPairs,
			SecurityGroups: make([]string, 0, len(p.SecurityGroupSourceIDs)), Tags: e.createTags(p.SourceID),
		}
		for _, ip := range p.FixedIPs {
			port.FixedIPs = append(port.FixedIPs, openstack.FixedIP{SubnetID: e.res.Subnets[ip.SubnetSourceID], IPAddress: ip.IPAddress})
		}
		for _, g := range p.SecurityGroupSourceIDs {
			port.SecurityGroups = append(port.SecurityGroups, e.res.SecurityGroups[g])
		}
		missing = append(missing, port)
		sources = append(sources, p.SourceID)
	}
	g, gctx := errgroup.WithContext(ctx)
	var mu sync.Mutex
	for _, c := range chunks(len(missing), e.opts.PortBulkCalls) {
		g.Go(func() error {
			created, err := createAll(gctx, e, openstack.Ports, missing[c[0]:c[1]])
			if err == nil {
				err = e.fixBulkPorts(gctx, missing[c[0]:c[1]], created)
			}
			for i, p := range created {
				e.record(e.res.Ports, "port", sources[c[0]+i], p.ID, true)
				if !e.tagOnCreate {
					mu.Lock()
					untagged = append(untagged, toTag{p.ID, sources[c[0]+i]})
					mu.Unlock()
				}
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := e.tag(ctx, openstack.Ports, untagged); err != nil {
		return err
	}
	e.progress("ports", "port", len(missing), len(e.plan.Ports)-len(missing), len(e.plan.Ports))
	return nil
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
