package replication

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// ensureFloatingIPs allocates the missing floating IPs on the destination's external network (one
// call each: Neutron has no bulk create for them), associated with the copies of their ports, and
// updates the adopted ones that differ (description, association: a replica's floating IPs follow
// the source's). Where an address may be kept (the destination is the source's external network), it
// is asked for when no floating IP holds it: one list of the network's floating IPs tells.
func (e *execution) ensureFloatingIPs(ctx context.Context) error {
	if len(e.plan.FloatingIPs) == 0 {
		return nil
	}
	taken, err := e.takenAddresses(ctx)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	created, updated := 0, 0
	var tags []toTag
	var overQuota []func(context.Context) error
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.opts.Concurrency)
	for _, f := range e.plan.FloatingIPs {
		portID := ""
		if f.PortSourceID != "" {
			e.mu.Lock()
			portID = e.res.Ports[f.PortSourceID]
			e.mu.Unlock()
			if portID == "" {
				return fmt.Errorf("floating IP %s: the copy of port %s is missing", f.SourceAddress, f.PortSourceID)
			}
		}
		want := wantedTags(f.SourceID, f.Marker, f.Tags)
		if have, found := e.pairs.floatingIPs[f.SourceID]; found {
			e.recordFloatingIP(f, have, false)
			body := floatingIPChanges(f, portID, have)
			retag := tagsDiffer(have.Tags, want)
			if body == nil && !retag {
				continue
			}
			g.Go(func() error {
				if body != nil {
					if _, err := openstack.Update[openstack.FloatingIP](gctx, e.dst.Network, openstack.FloatingIPs, have.ID, body); err != nil {
						return fmt.Errorf("updating floating IP %s (%s): %w", have.FloatingIPAddress, have.ID, err)
					}
				}
				if retag {
					if err := openstack.SetTags(gctx, e.dst.Network, openstack.FloatingIPs, have.ID, want); err != nil {
						return err
					}
				}
				mu.Lock()
				updated++
				mu.Unlock()
				return nil
			})
			continue
		}
		body := openstack.FloatingIP{
			FloatingNetworkID: e.plan.ExternalNetworkID, ProjectID: e.res.ProjectID, PortID: portID,
			Description: f.Description, Tags: e.createTags(f.SourceID, f.Marker, f.Tags),
		}
		if portID != "" {
			body.FixedIPAddress = f.FixedIPAddress
		}
		if f.KeepAddress && !taken[normalizeAddr(f.SourceAddress)] {
			body.FloatingIPAddress = f.SourceAddress
		}
		allocate := func(ctx context.Context) error {
			made, err := openstack.Create[openstack.FloatingIP](ctx, e.dst.Network, openstack.FloatingIPs, body)
			if err != nil {
				return fmt.Errorf("allocating the copy of floating IP %s (source %s): %w", f.SourceAddress, f.SourceID, err)
			}
			e.recordFloatingIP(f, made, true)
			mu.Lock()
			created++
			if len(want) > 0 && !e.tagOnCreate {
				tags = append(tags, toTag{made.ID, want})
			}
			mu.Unlock()
			return nil
		}
		g.Go(func() error {
			err := allocate(gctx)
			if body.FloatingIPAddress != "" && openstack.StatusIs(err, http.StatusConflict) && strings.Contains(err.Error(), "IpAddressAlreadyAllocated") {
				// Taken since the list: the plan did not promise the address, any other will do.
				body.FloatingIPAddress = ""
				err = allocate(gctx)
			}
			if openstack.StatusIs(err, http.StatusConflict) && strings.Contains(err.Error(), "OverQuota") {
				// Neutron counts the reservations of concurrent creates against the quota for a moment: at
				// the limit, one may be refused although it fits. Retried alone once the others are done.
				mu.Lock()
				overQuota = append(overQuota, allocate)
				mu.Unlock()
				return nil
			}
			return err
		})
	}
	err = g.Wait()
	for _, retry := range overQuota {
		if err != nil {
			break
		}
		err = retry(ctx)
	}
	if tagErr := e.tag(ctx, openstack.FloatingIPs, tags); err == nil {
		err = tagErr
	}
	e.countUpdated("floating_ip", updated)
	if err != nil {
		return err
	}
	total := len(e.plan.FloatingIPs)
	e.report(Progress{Step: "floating IPs", Kind: "floating_ip", Created: created, Adopted: total - created, Total: total, Updated: updated})
	return nil
}

// takenAddresses lists the addresses held on the destination's external network (every project's: the
// credentials are an administrator's), when a planned floating IP may keep its address. Ports are listed,
// not floating IPs: a floating IP has a port there, and so have router gateways and any port an
// administrator made, each of which makes Neutron refuse the address (IpAddressAlreadyAllocated).
func (e *execution) takenAddresses(ctx context.Context) (map[string]bool, error) {
	if !slices.ContainsFunc(e.plan.FloatingIPs, func(f FloatingIPPlan) bool {
		_, found := e.pairs.floatingIPs[f.SourceID]
		return f.KeepAddress && !found
	}) {
		return nil, nil
	}
	all, err := openstack.List[openstack.Port](ctx, e.dst.Network, openstack.Ports,
		url.Values{"network_id": {e.plan.ExternalNetworkID}, "fields": {"fixed_ips"}})
	if err != nil {
		return nil, fmt.Errorf("listing the ports of the external network: %w", err)
	}
	taken := map[string]bool{}
	for _, p := range all {
		for _, ip := range p.FixedIPs {
			taken[normalizeAddr(ip.IPAddress)] = true
		}
	}
	return taken, nil
}

func (e *execution) recordFloatingIP(f FloatingIPPlan, dest openstack.FloatingIP, created bool) {
	e.record(e.res.FloatingIPs, "floating_ip", f.SourceID, dest.ID, created)
	e.mu.Lock()
	e.res.FloatingIPAddresses[f.SourceAddress] = dest.FloatingIPAddress
	e.mu.Unlock()
}

// floatingIPChanges is the update that makes an adopted floating IP match its plan: its description
// and its association (the copy of its port at its fixed IP, or none). Nil when it matches.
func floatingIPChanges(p FloatingIPPlan, portID string, have openstack.FloatingIP) map[string]any {
	body := map[string]any{}
	if p.Description != have.Description {
		body["description"] = p.Description
	}
	switch {
	case portID == "" && have.PortID != "":
		body["port_id"] = nil
	case portID != "" && (portID != have.PortID || normalizeAddr(p.FixedIPAddress) != normalizeAddr(have.FixedIPAddress)):
		body["port_id"] = portID
		body["fixed_ip_address"] = p.FixedIPAddress
	}
	return nilIfEmpty(body)
}

// ensureServerGroups creates the missing server groups, and replaces the adopted ones that no longer
// match their plan (Nova cannot change a server group) unless instances are in them (then reported).
// Nova creates a server group in the caller's project only: the creates go with a token of the
// migration's user, scoped to the destination project (one Keystone call, made only when a group is
// missing). With Options.Prune the stale copies go too (those without instances).
func (e *execution) ensureServerGroups(ctx context.Context) error {
	var missing []ServerGroupPlan
	var replaced []string
	// Copies paired by content, and those made now, are paired again in id order among twins below.
	var src, dst []keyed
	for _, sg := range e.plan.ServerGroups {
		have, found := e.pairs.serverGroups[sg.SourceID]
		switch {
		case !found:
			missing = append(missing, sg)
		case !e.pairs.serverGroupsByPrior[sg.SourceID]:
			src = append(src, keyed{id: sg.SourceID, key: serverGroupKey(sg.Name, sg.Policy, sg.Rules)})
			dst = append(dst, keyed{id: have.ID, key: serverGroupKey(have.Name, have.PolicyName(), have.Rules)})
		case !serverGroupChanged(sg, have):
			e.record(e.res.ServerGroups, "server_group", sg.SourceID, have.ID, false)
		case len(have.Members) > 0:
			e.record(e.res.ServerGroups, "server_group", sg.SourceID, have.ID, false)
			e.skip("server_group", sg.SourceID, fmt.Sprintf("the copy %s (%q, %s) differs from the source (%q, %s) but holds %d instance(s): not replaced",
				have.ID, have.Name, have.PolicyName(), sg.Name, sg.Policy, len(have.Members)))
		default:
			replaced = append(replaced, have.ID)
			missing = append(missing, sg)
		}
	}
	var stale []string
	if e.opts.Prune {
		for _, o := range e.pairs.stale.serverGroups {
			if len(o.Members) == 0 {
				stale = append(stale, o.ID)
			}
		}
	}
	if err := e.removeServerGroups(ctx, slices.Concat(replaced, stale)); err != nil {
		return err
	}
	created := 0
	var mu sync.Mutex
	defer func() {
		// Pair what exists, also after a failure: the result names every group made so far.
		ids := map[string]string{}
		pairInIDOrder(ids, src, dst)
		e.mu.Lock()
		maps.Copy(e.res.ServerGroups, ids)
		e.mu.Unlock()
		e.countN("server_group", 0, len(ids)-created)
	}()
	if len(missing) > 0 {
		e.mu.Lock()
		creds := e.res.Credentials
		e.mu.Unlock()
		token, err := openstack.ProjectToken(ctx, e.dst.Identity, creds.UserID, creds.Password, e.res.ProjectID)
		if err != nil {
			return err
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(e.opts.Concurrency)
		for _, sg := range missing {
			g.Go(func() error {
				made, err := openstack.CreateServerGroup(gctx, e.dst.Compute, token, openstack.ServerGroup{Name: sg.Name, Policy: sg.Policy, Rules: sg.Rules})
				if errors.Is(err, openstack.ErrNoServerGroupRules) {
					e.skip("server_group_rules", sg.SourceID, fmt.Sprintf("rules %v of %q: %v", sg.Rules, sg.Name, err))
					err = nil
				}
				if err != nil {
					return fmt.Errorf("creating server group %q (source %s): %w", sg.Name, sg.SourceID, err)
				}
				e.count("server_group", true)
				mu.Lock()
				created++
				src = append(src, keyed{id: sg.SourceID, key: serverGroupKey(sg.Name, sg.Policy, sg.Rules)})
				dst = append(dst, keyed{id: made.ID, key: serverGroupKey(sg.Name, sg.Policy, sg.Rules)}) // as asked for (an old Nova drops rules)
				mu.Unlock()
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
	}
	total := len(e.plan.ServerGroups)
	e.report(Progress{Step: "server groups", Kind: "server_group", Created: created, Adopted: total - created, Total: total})
	return nil
}

func (e *execution) removeServerGroups(ctx context.Context, ids []string) error {
	for _, id := range ids {
		if err := openstack.DeleteServerGroup(ctx, e.dst.Compute, id); err != nil {
			return fmt.Errorf("removing server group %s: %w", id, err)
		}
		e.countRemoved("server_group", 1, id)
	}
	return nil
}

// pruneFloatingIPs releases, with Options.Prune, the stale floating IP copies, before clearStale
// detaches router interfaces (Neutron refuses to remove an interface a floating IP reaches a port
// through).
func (e *execution) pruneFloatingIPs(ctx context.Context) error {
	if !e.opts.Prune {
		return nil
	}
	return e.removeAll(ctx, openstack.FloatingIPs, "floating_ip", idsOf(e.pairs.stale.floatingIPs, func(f openstack.FloatingIP) string { return f.ID }))
}

// keepStaleFloating is keepStale for floating IPs and server groups, after a run that did not fail:
// without Prune the prior copies left in place stay in the id maps.
func (e *execution) keepStaleFloating(failed bool) {
	if failed || e.pairs == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	keep := func(into map[string]string, src, id string) {
		if _, ok := into[src]; !ok && !e.removed[id] {
			into[src] = id
		}
	}
	for s, o := range e.pairs.stale.floatingIPs {
		keep(e.res.FloatingIPs, s, o.ID)
	}
	for s, o := range e.pairs.stale.serverGroups {
		keep(e.res.ServerGroups, s, o.ID)
	}
}

// skip adds to the result's Skipped what the run found it could not copy.
func (e *execution) skip(kind, sourceID, reason string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.res.Skipped = append(e.res.Skipped, Skipped{Kind: kind, SourceID: sourceID, Reason: reason})
}
