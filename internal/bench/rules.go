package bench

import (
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// Neutron gives every new security group two egress rules (IPv4 and IPv6, any protocol, anywhere), and
// a project's default group also two ingress rules from the group itself. A plain client (the floor, or
// a Terraform configuration) must not create those again: it creates the others and deletes the automatic
// ones the source group does not have.

type autoRule struct {
	direction, ethertype string
	self                 bool // remote group: the group itself
}

func autoRules(isDefault bool) []autoRule {
	out := []autoRule{{"egress", "IPv4", false}, {"egress", "IPv6", false}}
	if isDefault {
		out = append(out, autoRule{"ingress", "IPv4", true}, autoRule{"ingress", "IPv6", true})
	}
	return out
}

func (a autoRule) key(groupSourceID string) string {
	remote := ""
	if a.self {
		remote = groupSourceID
	}
	return replication.RuleKey(a.direction, a.ethertype, "", nil, nil, "", remote, "")
}

func ruleKey(r replication.RulePlan) string {
	return replication.RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, r.RemoteIPPrefix, r.RemoteGroupSourceID, r.RemoteAddressGroupSourceID)
}

// groupRules splits the planned rules of one group into those to create and the automatic rules Neutron
// makes that the source group does not have (to delete).
func groupRules(g replication.SecurityGroupPlan, rules []replication.RulePlan) (create []replication.RulePlan, unwanted []autoRule) {
	auto := map[string]bool{}
	for _, a := range autoRules(g.IsDefault) {
		auto[a.key(g.SourceID)] = true
	}
	have := map[string]bool{}
	for _, r := range rules {
		k := ruleKey(r)
		have[k] = true
		if !auto[k] {
			create = append(create, r)
		}
	}
	for _, a := range autoRules(g.IsDefault) {
		if !have[a.key(g.SourceID)] {
			unwanted = append(unwanted, a)
		}
	}
	return create, unwanted
}

// rulesByGroup indexes the plan's rules by their group's source id.
func rulesByGroup(p *replication.Plan) map[string][]replication.RulePlan {
	out := map[string][]replication.RulePlan{}
	for _, r := range p.Rules {
		out[r.GroupSourceID] = append(out[r.GroupSourceID], r)
	}
	return out
}

// Objects counts what a plan builds, by the kinds the engine's Result counts (created or adopted).
func Objects(p *replication.Plan) map[string]int {
	c := p.Counts()
	return map[string]int{
		"network": c["networks"], "subnet": c["subnets"], "router": c["routers"], "router_interface": c["router_interfaces"],
		"route": c["routes"], "security_group": c["security_groups"], "security_group_rule": c["security_group_rules"], "port": c["ports"],
		"floating_ip": c["floating_ips"], "address_group": c["address_groups"], "server_group": c["server_groups"],
	}
}
