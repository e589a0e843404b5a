package replication

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// ServerGroupPlan is one Nova server group: its name, policy (affinity, anti-affinity, soft-affinity,
// soft-anti-affinity) and rules (max_server_per_host; Nova 2.64 and later). Its members are instances,
// which are not copied.
type ServerGroupPlan struct {
	SourceID string         `json:"source_id"`
	Name     string         `json:"name"`
	Policy   string         `json:"policy"`
	Rules    map[string]int `json:"rules,omitempty"`
}

// planServerGroups copies every server group of the source project, in name order.
func planServerGroups(snap *Snapshot, p *Plan) {
	for _, g := range sortedCopy(snap.ServerGroups, func(a, b openstack.ServerGroup) int { return byNameThenID(a.Name, a.ID, b.Name, b.ID) }) {
		p.ServerGroups = append(p.ServerGroups, ServerGroupPlan{SourceID: g.ID, Name: g.Name, Policy: g.PolicyName(), Rules: maps.Clone(g.Rules)})
	}
}

// serverGroupKey identifies a server group by content: name, policy and rules. Nova can neither tag nor
// change a server group, so a copy is found by prior id or by this key, twins paired in id order; a
// copy whose source changed is replaced.
func serverGroupKey(name, policy string, rules map[string]int) string {
	var b strings.Builder
	b.WriteString(name + "\x00" + policy)
	for _, k := range slices.Sorted(maps.Keys(rules)) {
		fmt.Fprintf(&b, "\x00%s=%d", k, rules[k])
	}
	return b.String()
}

// serverGroupChanged says whether an existing group is not what the plan wants (it is then replaced).
func serverGroupChanged(p ServerGroupPlan, have openstack.ServerGroup) bool {
	return serverGroupKey(p.Name, p.Policy, p.Rules) != serverGroupKey(have.Name, have.PolicyName(), have.Rules)
}
