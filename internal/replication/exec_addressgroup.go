package replication

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// ensureAddressGroups updates the copies of address groups that differ from their plan (name and
// description in one update, addresses through add_addresses and remove_addresses) and creates the
// missing ones, one call each (Neutron has no bulk create for them), in parallel up to opts.Concurrency.
// Copies are paired by the prior id maps, then by content with twins in id order (pairDestination).
func (e *execution) ensureAddressGroups(ctx context.Context) error {
	if len(e.plan.AddressGroups) == 0 {
		return nil
	}
	var mu sync.Mutex
	created, updated := 0, 0
	// Copies paired by content, and those made now, are paired again in id order among twins below.
	var src, dst []keyed
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.opts.Concurrency)
	for _, ag := range e.plan.AddressGroups {
		have, found := e.pairs.addressGroups[ag.SourceID]
		key := addressGroupKey(ag.Name, ag.Description, ag.Addresses)
		if found && !e.pairs.addressGroupsByPrior[ag.SourceID] {
			src = append(src, keyed{id: ag.SourceID, key: key})
			dst = append(dst, keyed{id: have.ID, key: key})
			continue
		}
		if found {
			e.record(e.res.AddressGroups, "address_group", ag.SourceID, have.ID, false)
			body, add, remove := addressGroupChanges(ag, have)
			if body == nil && add == nil && remove == nil {
				continue
			}
			g.Go(func() error {
				if err := e.updateAddressGroup(gctx, have.ID, body, add, remove); err != nil {
					return fmt.Errorf("updating address group %q (%s): %w", ag.Name, have.ID, err)
				}
				mu.Lock()
				updated++
				mu.Unlock()
				return nil
			})
			continue
		}
		g.Go(func() error {
			made, err := openstack.Create[openstack.AddressGroup](gctx, e.dst.Network, openstack.AddressGroups, openstack.AddressGroup{
				ProjectID: e.res.ProjectID, Name: ag.Name, Description: ag.Description, Addresses: ag.Addresses,
			})
			if err != nil {
				return fmt.Errorf("creating address group %q (source %s): %w", ag.Name, ag.SourceID, err)
			}
			mu.Lock()
			src = append(src, keyed{id: ag.SourceID, key: key})
			dst = append(dst, keyed{id: made.ID, key: addressGroupKey(made.Name, made.Description, made.Addresses)})
			created++
			mu.Unlock()
			return nil
		})
	}
	err := g.Wait()
	// Pair what exists, also after a failure: the partial result names every group made so far.
	ids := map[string]string{}
	pairInIDOrder(ids, src, dst)
	e.mu.Lock()
	maps.Copy(e.res.AddressGroups, ids)
	e.mu.Unlock()
	e.countN("address_group", created, len(ids)-created)
	e.countUpdated("address_group", updated)
	if err != nil {
		return err
	}
	total := len(e.plan.AddressGroups)
	e.report(Progress{Step: "address groups", Kind: "address_group", Created: created, Adopted: total - created, Total: total, Updated: updated})
	return nil
}

// updateAddressGroup changes a group's name and description and then its addresses: added before
// removed, so that a rule matching the group never matches nothing in between.
func (e *execution) updateAddressGroup(ctx context.Context, id string, body map[string]any, add, remove []string) error {
	if body != nil {
		if _, err := openstack.Update[openstack.AddressGroup](ctx, e.dst.Network, openstack.AddressGroups, id, body); err != nil {
			return err
		}
	}
	if len(add) > 0 {
		if err := openstack.ChangeAddresses(ctx, e.dst.Network, id, true, add); err != nil {
			return err
		}
	}
	if len(remove) > 0 {
		return openstack.ChangeAddresses(ctx, e.dst.Network, id, false, remove)
	}
	return nil
}
