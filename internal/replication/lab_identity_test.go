package replication_test

import (
	"context"
	"net/url"
	"reflect"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestLabAmbiguousNames migrates a tenant whose networks, routers and security groups come in twins
// (same name and description): only the twins carry a source marker in the destination, import's
// ReadBack pairs every object as the run did, and a re-run after a twin lost its marker (a run stopped
// between creating it and tagging it) adopts everything and marks it again. Twin address groups, which
// cannot carry a marker, are paired in id order, alike in the run, in ReadBack and in the re-run.
func TestLabAmbiguousNames(t *testing.T) {
	testlab.Require(t)
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	dst := testlab.Connect(t, testlab.RegionTwo)
	project, err := openstack.CreateProject(ctx, src.Identity, openstack.Project{Name: "twins-" + testlab.Suffix(), DomainID: "default", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cleanupProject(t, src, project.ID) })
	if err := openstack.SetNetworkQuotas(ctx, src.Network, project.ID, map[string]int{"network": 10, "router": 5, "security_group": 10}); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{} // source id -> name
	var solo string              // the source security group "solo"
	for i, name := range []string{"twin", "twin", "solo"} {
		n, err := openstack.Create[openstack.Network](ctx, src.Network, openstack.Networks, map[string]any{"name": name, "description": "same", "project_id": project.ID})
		if err != nil {
			t.Fatal(err)
		}
		names[n.ID] = name
		if _, err := openstack.Create[openstack.Subnet](ctx, src.Network, openstack.Subnets, map[string]any{"project_id": project.ID, "network_id": n.ID,
			"name": "sub", "ip_version": 4, "cidr": []string{"10.61.1.0/24", "10.61.2.0/24", "10.61.3.0/24"}[i]}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"twin", "twin", "solo"} {
		r, err := openstack.Create[openstack.Router](ctx, src.Network, openstack.Routers, map[string]any{"name": name, "project_id": project.ID})
		if err != nil {
			t.Fatal(err)
		}
		names[r.ID] = name
		g, err := openstack.Create[openstack.SecurityGroup](ctx, src.Network, openstack.SecurityGroups, map[string]any{"name": name, "description": "same", "project_id": project.ID})
		if err != nil {
			t.Fatal(err)
		}
		names[g.ID] = name
		if name == "solo" {
			solo = g.ID
		}
	}

	// Address groups: twins (same name, description and addresses), which Zed cannot mark, and rules of
	// "solo" matching each twin: the copies are paired in id order, so the rules match the right copy and
	// ReadBack agrees with the run.
	var agRules []string
	for i, name := range []string{"office", "office", "lab"} {
		ag, err := openstack.Create[openstack.AddressGroup](ctx, src.Network, openstack.AddressGroups, openstack.AddressGroup{
			ProjectID: project.ID, Name: name, Description: "same", Addresses: []string{"10.9.0.0/24", "192.0.2.0/24"}})
		if err != nil {
			t.Fatal(err)
		}
		names[ag.ID] = name
		r, err := openstack.Create[openstack.SecurityGroupRule](ctx, src.Network, openstack.SecurityGroupRules, map[string]any{
			"security_group_id": solo, "direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "port_range_min": 440 + i, "port_range_max": 440 + i,
			"remote_address_group_id": ag.ID})
		if err != nil {
			t.Fatal(err)
		}
		agRules = append(agRules, r.ID)
	}

	m := replication.Migration{Source: src, SourceProjectID: project.ID, Destination: dst,
		Mappings: replication.Mappings{SkipConnectionExtnet: true}, Target: replication.Target{Name: "twins-copy-" + testlab.Suffix()}}
	plan, res, err := m.Run(ctx, replication.Options{})
	if res != nil && res.ProjectID != "" {
		t.Cleanup(func() { cleanupProject(t, dst, res.ProjectID) })
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(res.AddressGroups) != 3 || len(plan.Skipped) != 0 {
		t.Errorf("address groups copied: %v; skipped %+v", res.AddressGroups, plan.Skipped)
	}
	for _, id := range agRules {
		if _, copied := res.SecurityGroupRules[id]; !copied {
			t.Errorf("the rule %s matching an address group was not copied", id)
		}
	}
	d, err := replication.ReadSnapshot(ctx, dst, res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	checkMarkers := func(what string, ids map[string]string, tags map[string][]string) {
		t.Helper()
		if len(ids) != 3 {
			t.Errorf("%s: %d copied, want 3: %v", what, len(ids), ids)
		}
		for srcID, dstID := range ids {
			want := ""
			if names[srcID] == "twin" {
				want = srcID
			}
			if got := replication.SourceOf(tags[dstID]); got != want {
				t.Errorf("%s %s (%s): marker %q, want %q", what, dstID, names[srcID], got, want)
			}
		}
	}
	tagsOf := func(n int, idTags func(i int) (string, []string)) map[string][]string {
		out := map[string][]string{}
		for i := range n {
			id, tags := idTags(i)
			out[id] = tags
		}
		return out
	}
	checkMarkers("network", res.Networks, tagsOf(len(d.Networks), func(i int) (string, []string) { return d.Networks[i].ID, d.Networks[i].Tags }))
	checkMarkers("router", res.Routers, tagsOf(len(d.Routers), func(i int) (string, []string) { return d.Routers[i].ID, d.Routers[i].Tags }))
	groups := map[string]string{}
	for s, g := range res.SecurityGroups {
		if names[s] != "" {
			groups[s] = g
		}
	}
	checkMarkers("security group", groups, tagsOf(len(d.SecurityGroups), func(i int) (string, []string) { return d.SecurityGroups[i].ID, d.SecurityGroups[i].Tags }))
	for _, s := range d.Subnets {
		if len(s.Tags) != 0 {
			t.Errorf("subnet %s (%s) carries tags %v; its network and CIDR identify it", s.ID, s.CIDR, s.Tags)
		}
	}

	back, err := replication.ReadBack(ctx, src, dst, res.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	for kind, pair := range map[string][2]map[string]string{"networks": {res.Networks, back.Result.Networks}, "subnets": {res.Subnets, back.Result.Subnets},
		"routers": {res.Routers, back.Result.Routers}, "security groups": {res.SecurityGroups, back.Result.SecurityGroups},
		"address groups": {res.AddressGroups, back.Result.AddressGroups}, "rules": {res.SecurityGroupRules, back.Result.SecurityGroupRules}} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s read back %v, the run made %v", kind, pair[1], pair[0])
		}
	}

	// A twin network that lost its marker is adopted by content and marked again; nothing is created.
	var twin string
	for s, dstID := range res.Networks {
		if names[s] == "twin" {
			twin = dstID
		}
	}
	if err := openstack.SetTags(ctx, dst.Network, openstack.Networks, twin, []string{}); err != nil {
		t.Fatal(err)
	}
	_, again, err := m.Run(ctx, replication.Options{Previous: &res.Credentials})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Created) != 0 || !reflect.DeepEqual(again.Networks, res.Networks) || !reflect.DeepEqual(again.SecurityGroups, res.SecurityGroups) ||
		!reflect.DeepEqual(again.AddressGroups, res.AddressGroups) || !reflect.DeepEqual(again.SecurityGroupRules, res.SecurityGroupRules) {
		t.Fatalf("re-run created %v; networks %v, want %v", again.Created, again.Networks, res.Networks)
	}
	nets, err := openstack.List[openstack.Network](ctx, dst.Network, openstack.Networks, url.Values{"project_id": {res.ProjectID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nets {
		if n.ID == twin && replication.SourceOf(n.Tags) == "" {
			t.Errorf("the re-run did not mark twin network %s again", twin)
		}
	}
}
