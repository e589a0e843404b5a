package replication

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// createSecurityGroups maps the source default group onto the destination project's own default group,
// updates the copies that differ and creates the other missing groups in one bulk call. Neutron gives each new group two egress rules;
// the groups' rules as created are kept for syncRules to compare against.
func (e *execution) createSecurityGroups(ctx context.Context) error {
	b := newBatch(e, "security_group", e.res.SecurityGroups, func(g openstack.SecurityGroup) string { return g.ID },
		func(g openstack.SecurityGroup) []string { return g.Tags })
	for _, sg := range e.plan.SecurityGroups {
		have, found := e.pairs.groups[sg.SourceID]
		if sg.IsDefault && !found {
			return fmt.Errorf("the destination project has no default security group")
		}
		b.adoptOr(sg.SourceID, sg.Name, have, found, wantedTags(sg.SourceID, sg.Marker, sg.Tags), securityGroupChanges(sg, have), func() openstack.SecurityGroup {
			body := openstack.SecurityGroup{ProjectID: e.res.ProjectID, Name: sg.Name, Description: sg.Description, Tags: e.createTags(sg.SourceID, sg.Marker, sg.Tags)}
			if sg.Stateless {
				body.Stateful = new(bool)
			}
			return body
		})
	}
	created, err := createAll(ctx, e, openstack.SecurityGroups, b.missing)
	b.recordCreated(0, created)
	for _, sg := range created {
		e.groupRules[sg.ID] = sg.Rules
	}
	if err != nil {
		return err
	}
	return b.finish(ctx, openstack.SecurityGroups, "security groups", len(e.plan.SecurityGroups))
}

// rulesInFlight is how many groups' rules are synced at once. The rules are off the critical path
// (nothing waits for them) but many: as graph steps of their own, the groups' rule bulks would take every
// free step (and queue ahead in the Neutron write gate) as soon as the groups exist, and hold up the
// subnets, ports and interfaces that the end of the run waits for (seen on the lab: subnets 5 s late).
// A few at a time keep them flowing without crowding those out; too few leave them for the end.
const rulesInFlight = 4

// syncAllRules syncs the rules of every group, rulesInFlight groups at a time (no more than
// opts.Concurrency). A group whose rules fail does not stop the others; the errors are joined.
func (e *execution) syncAllRules(ctx context.Context) error {
	rulesByGroup := map[string][]RulePlan{}
	for _, r := range e.plan.Rules {
		rulesByGroup[r.GroupSourceID] = append(rulesByGroup[r.GroupSourceID], r)
	}
	sem := make(chan struct{}, min(rulesInFlight, e.opts.Concurrency))
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, sg := range e.plan.SecurityGroups {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return errors.Join(append(errs, ctx.Err())...)
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := e.syncRules(ctx, sg, rulesByGroup[sg.SourceID]); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("rules of security group %q: %w", sg.Name, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// syncRules makes the rule set of one destination group equal to its source's: rules already there (by
// content) are adopted, missing ones created in one bulk call (Neutron accepts a bulk within one group
// only), after rules the source does not have, such as Neutron's automatic ones, are deleted.
func (e *execution) syncRules(ctx context.Context, sg SecurityGroupPlan, rules []RulePlan) error {
	groupID := e.res.SecurityGroups[sg.SourceID]
	existing := map[string]openstack.SecurityGroupRule{}
	for _, r := range e.groupRules[groupID] {
		existing[RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, r.RemoteIPPrefix, r.RemoteGroupID, r.RemoteAddressGroupID)] = r
	}
	wanted := map[string]bool{}
	var missing []openstack.SecurityGroupRule
	var sources []string
	for _, r := range rules {
		remote, remoteAddresses := "", ""
		if r.RemoteGroupSourceID != "" {
			remote = e.res.SecurityGroups[r.RemoteGroupSourceID]
		}
		if r.RemoteAddressGroupSourceID != "" {
			if remoteAddresses = e.res.AddressGroups[r.RemoteAddressGroupSourceID]; remoteAddresses == "" {
				return fmt.Errorf("rule %s: its address group %s was not copied", r.SourceID, r.RemoteAddressGroupSourceID)
			}
		}
		key := RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, r.RemoteIPPrefix, remote, remoteAddresses)
		wanted[key] = true
		if have, ok := existing[key]; ok {
			e.record(e.res.SecurityGroupRules, "security_group_rule", r.SourceID, have.ID, false)
			continue
		}
		missing = append(missing, openstack.SecurityGroupRule{
			ProjectID: e.res.ProjectID, SecurityGroupID: groupID, Direction: r.Direction, EtherType: r.EtherType, Protocol: r.Protocol,
			PortRangeMin: r.PortRangeMin, PortRangeMax: r.PortRangeMax, RemoteIPPrefix: r.RemoteIPPrefix,
			RemoteGroupID: remote, RemoteAddressGroupID: remoteAddresses, Description: r.Description,
		})
		sources = append(sources, r.SourceID)
	}
	// Extras go first: the destination's rule quota was set to the source's, and Neutron's automatic
	// rules would otherwise count against it while the source's rules are created.
	var deleted []string
	for key, r := range existing {
		if wanted[key] {
			continue
		}
		if err := openstack.Delete(ctx, e.dst.Network, openstack.SecurityGroupRules, r.ID); err != nil {
			return fmt.Errorf("removing rule %s that the source group does not have: %w", r.ID, err)
		}
		deleted = append(deleted, r.ID)
	}
	created, err := createAll(ctx, e, openstack.SecurityGroupRules, missing)
	if err != nil {
		return fmt.Errorf("creating %d rules: %w", len(missing), err)
	}
	for i, r := range created {
		e.record(e.res.SecurityGroupRules, "security_group_rule", sources[i], r.ID, true)
	}
	e.countRemoved("security_group_rule", len(deleted), deleted...)
	e.report(Progress{Step: "rules of security group " + sg.Name, Kind: "security_group_rule", Created: len(created),
		Adopted: len(rules) - len(created), Total: len(rules), Removed: len(deleted)})
	return nil
}
