package replication

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// ensureAddressGroups creates the address groups the destination project lacks, one call each (Neutron
// has no bulk create for them), in parallel up to opts.Concurrency. Copies from an earlier run are found
// by content: per content key, the destination needs as many groups as the source has, and the twins
// are paired in id order (pairInIDOrder), as ReadBack pairs them.
func (e *execution) ensureAddressGroups(ctx context.Context) error {
	if len(e.plan.AddressGroups) == 0 {
		return nil
	}
	have := map[string]int{}
	var dst []keyed
	for _, ag := range e.existingAddressGroups {
		k := addressGroupKey(ag.Name, ag.Description, ag.Addresses)
		have[k]++
		dst = append(dst, keyed{id: ag.ID, key: k})
	}
	var src []keyed
	var missing []AddressGroupPlan
	for _, ag := range e.plan.AddressGroups {
		k := addressGroupKey(ag.Name, ag.Description, ag.Addresses)
		src = append(src, keyed{id: ag.SourceID, key: k})
		if have[k] > 0 {
			have[k]--
		} else {
			missing = append(missing, ag)
		}
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.opts.Concurrency)
	for _, ag := range missing {
		g.Go(func() error {
			created, err := openstack.Create[openstack.AddressGroup](gctx, e.dst.Network, openstack.AddressGroups, openstack.AddressGroup{
				ProjectID: e.res.ProjectID, Name: ag.Name, Description: ag.Description, Addresses: ag.Addresses,
			})
			if err != nil {
				return fmt.Errorf("creating address group %q (source %s): %w", ag.Name, ag.SourceID, err)
			}
			mu.Lock()
			dst = append(dst, keyed{id: created.ID, key: addressGroupKey(created.Name, created.Description, created.Addresses)})
			mu.Unlock()
			return nil
		})
	}
	err := g.Wait()
	// Pair what exists, also after a failure: the partial result names every group made so far.
	ids := map[string]string{}
	pairInIDOrder(ids, src, dst)
	createdCount := len(dst) - len(e.existingAddressGroups)
	e.mu.Lock()
	for s, d := range ids {
		e.res.AddressGroups[s] = d
	}
	e.mu.Unlock()
	e.countN("address_group", createdCount, len(ids)-createdCount)
	if err != nil {
		return err
	}
	e.progress("address groups", "address_group", createdCount, len(ids)-createdCount, len(e.plan.AddressGroups))
	return nil
}
