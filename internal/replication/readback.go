package replication

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Existing is a destination project built by Execute, as read back for Terraform's import: the project,
// the source project it was copied from (its marker), the migration's user and the id maps. The password
// cannot be read back; Credentials holds only the user's id and name.
type Existing struct {
	Project         openstack.Project
	SourceProjectID string
	Result          *Result
	// Mappings are those that explain what the destination holds (see InferMappings).
	Mappings Mappings
}

// ProjectObjects are the Neutron objects of one project, as listed: a source project's, or the copies in
// a destination project.
type ProjectObjects struct {
	Networks       []openstack.Network
	Subnets        []openstack.Subnet
	Routers        []openstack.Router
	Ports          []openstack.Port
	SecurityGroups []openstack.SecurityGroup // with their rules
	AddressGroups  []openstack.AddressGroup
	FloatingIPs    []openstack.FloatingIP
	// ServerGroups are Nova's (listed with all_projects, kept for the project).
	ServerGroups []openstack.ServerGroup
}

// ReadBack reads a destination project and rebuilds the maps of the migration that built it, pairing
// its objects with the source's by marker or content. With src nil (the source cloud unknown) only
// objects carrying a marker are mapped.
func ReadBack(ctx context.Context, src, dst *openstack.Cloud, projectID string) (*Existing, error) {
	project, err := openstack.GetProject(ctx, dst.Identity, projectID)
	if err != nil {
		return nil, fmt.Errorf("reading destination project %s: %w", projectID, err)
	}
	sourceID := SourceOf(project.Tags)
	if sourceID == "" {
		return nil, fmt.Errorf("destination project %s (%q) was not made by a migration: it has no %s<source project id> tag", projectID, project.Name, sourceTagPrefix)
	}
	var d, s ProjectObjects
	var users []openstack.User
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		d, err = listProject(gctx, dst, projectID, false)
		return err
	})
	g.Go(func() (err error) {
		users, err = projectUsers(gctx, dst, projectID)
		return err
	})
	if src != nil {
		g.Go(func() (err error) {
			s, err = listProject(gctx, src, sourceID, false)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("reading back destination project %s: %w", projectID, err)
	}
	res := RebuildResult(projectID, d, s)
	if u := MigrationUser(project, users); u != nil {
		res.Credentials = Credentials{UserID: u.ID, Username: u.Name}
	}
	return &Existing{Project: project, SourceProjectID: sourceID, Result: res, Mappings: InferMappings(res, d, s)}, nil
}

// InferMappings reconstructs, as far as the destination shows them, the mappings a migration was made
// with: the copied networks, the subnet remaps (a copied subnet whose CIDR differs from its source's),
// whether ports were copied and whether routers were left without a gateway. The volume type map leaves
// no trace that can be told apart from unmapped types, so it stays empty. d holds the destination
// project's objects, s the source project's.
func InferMappings(res *Result, d, s ProjectObjects) Mappings {
	var m Mappings
	m.Networks = slices.Sorted(maps.Keys(res.Networks))
	dstCIDR := map[string]string{}
	for _, sn := range d.Subnets {
		dstCIDR[sn.ID] = sn.CIDR
	}
	for _, sn := range s.Subnets {
		if cidr, ok := dstCIDR[res.Subnets[sn.ID]]; ok && cidr != sn.CIDR {
			m.Subnets = append(m.Subnets, SubnetRemap{SrcCIDR: sn.CIDR, DstCIDR: cidr})
		}
	}
	slices.SortFunc(m.Subnets, func(a, b SubnetRemap) int { return strings.Compare(a.SrcCIDR, b.SrcCIDR) })
	m.SyncInstancePorts = len(res.Ports) > 0 && len(m.Subnets) == 0
	m.SkipConnectionExtnet = len(d.Routers) > 0
	for _, r := range d.Routers {
		if r.ExternalGateway != nil && r.ExternalGateway.NetworkID != "" {
			m.SkipConnectionExtnet = false
		}
	}
	return m
}

func projectUsers(ctx context.Context, dst *openstack.Cloud, projectID string) ([]openstack.User, error) {
	ids, err := openstack.ProjectUserIDs(ctx, dst.Identity, projectID)
	if err != nil {
		return nil, err
	}
	var users []openstack.User
	for _, id := range ids {
		u, err := openstack.GetUser(ctx, dst.Identity, id)
		if openstack.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}

// MigrationUser picks the user Execute made for project among users with a role on it: its default
// project is the project and its name is the project-derived prefix plus the random suffix.
func MigrationUser(project openstack.Project, users []openstack.User) *openstack.User {
	prefix := usernamePrefix(project.Name)
	for _, u := range users {
		if u.DefaultProjectID == project.ID && strings.HasPrefix(u.Name, prefix) && len(u.Name) == len(prefix)+6 {
			return &u
		}
	}
	return nil
}

// RebuildResult is the pure part of ReadBack: the id maps, pairing the destination's objects with the
// source's by marker or content key (identity.go), plus the default security group (by name), address
// groups and server groups (by content, see pairInIDOrder), floating IPs (rebuildFloating) and rules (by content, remote groups, address groups and remote
// prefixes translated as Execute translated them). d holds the destination project's objects, s the source
// project's; copies carrying no marker are paired by content, the source's default security group with
// Neutron's own default group in the destination.
func RebuildResult(projectID string, d, s ProjectObjects) *Result {
	res := newResult(&Plan{})
	res.ProjectID = projectID
	byName := func(id, name, description string, tags []string) keyed {
		return keyed{id: id, marker: SourceOf(tags), key: nameKey(name, description)}
	}
	pairAll(res.Networks, s.Networks, d.Networks,
		func(n openstack.Network) keyed { return byName(n.ID, n.Name, n.Description, nil) },
		func(n openstack.Network) keyed { return byName(n.ID, n.Name, n.Description, n.Tags) })
	pairAll(res.Routers, s.Routers, d.Routers,
		func(r openstack.Router) keyed { return byName(r.ID, r.Name, r.Description, nil) },
		func(r openstack.Router) keyed { return byName(r.ID, r.Name, r.Description, r.Tags) })
	// Subnets by network and CIDR, then the remapped ones by network and name.
	subnets := newMatcher(res.Subnets)
	subnetsBy := func(key func(network, cidr, name string) string) {
		var src, dst []keyed
		for _, sn := range s.Subnets {
			if net := res.Networks[sn.NetworkID]; net != "" {
				src = append(src, keyed{id: sn.ID, key: key(net, sn.CIDR, sn.Name)})
			}
		}
		for _, sn := range d.Subnets {
			dst = append(dst, keyed{id: sn.ID, marker: SourceOf(sn.Tags), key: key(sn.NetworkID, sn.CIDR, sn.Name)})
		}
		subnets.pair(src, dst)
	}
	subnetsBy(func(network, cidr, _ string) string { return subnetKey(network, cidr) })
	subnetsBy(func(network, _, name string) string { return nameKey(network, name) })
	// Copied ports by network and MAC; router interface ports are not ports the migration copies as such.
	var srcPorts, dstPorts []keyed
	for _, p := range s.Ports {
		if net := res.Networks[p.NetworkID]; net != "" && portKind(p) != "infrastructure" {
			srcPorts = append(srcPorts, keyed{id: p.ID, key: macKey(net, p.MACAddress)})
		}
	}
	for _, p := range d.Ports {
		if !routerInterfaceOwners[p.DeviceOwner] {
			dstPorts = append(dstPorts, keyed{id: p.ID, marker: SourceOf(p.Tags), key: macKey(p.NetworkID, p.MACAddress)})
		}
	}
	newMatcher(res.Ports).pair(srcPorts, dstPorts)
	var srcGroups, dstGroups []openstack.SecurityGroup
	for _, sg := range s.SecurityGroups {
		if sg.Name != "default" {
			srcGroups = append(srcGroups, sg)
		}
	}
	for _, sg := range d.SecurityGroups {
		if sg.Name != "default" || SourceOf(sg.Tags) != "" {
			dstGroups = append(dstGroups, sg)
		}
	}
	pairAll(res.SecurityGroups, srcGroups, dstGroups,
		func(g openstack.SecurityGroup) keyed { return byName(g.ID, g.Name, g.Description, nil) },
		func(g openstack.SecurityGroup) keyed { return byName(g.ID, g.Name, g.Description, g.Tags) })
	dstSubnets := map[string]openstack.Subnet{}
	for _, sn := range d.Subnets {
		dstSubnets[sn.ID] = sn
	}
	var dstDefault *openstack.SecurityGroup
	for i, sg := range d.SecurityGroups {
		if sg.Name == "default" && SourceOf(sg.Tags) == "" {
			dstDefault = &d.SecurityGroups[i]
		}
	}
	if dstDefault != nil {
		for _, sg := range s.SecurityGroups {
			if sg.Name == "default" {
				res.SecurityGroups[sg.ID] = dstDefault.ID
				break
			}
		}
	}

	var remaps remapTable
	for _, sn := range s.Subnets {
		dst, ok := dstSubnets[res.Subnets[sn.ID]]
		if !ok || dst.CIDR == sn.CIDR {
			continue
		}
		from, err1 := netip.ParsePrefix(sn.CIDR)
		to, err2 := netip.ParsePrefix(dst.CIDR)
		if err1 == nil && err2 == nil {
			remaps = append(remaps, remap{src: from.Masked(), dst: to.Masked()})
		}
	}
	// Address groups by content, their addresses moved as the plan moved them; twins in id order.
	var srcAG, dstAG []keyed
	for _, ag := range s.AddressGroups {
		moved, _ := moveAddresses(ag.Addresses, remaps)
		srcAG = append(srcAG, keyed{id: ag.ID, key: addressGroupKey(ag.Name, ag.Description, moved)})
	}
	for _, ag := range d.AddressGroups {
		dstAG = append(dstAG, keyed{id: ag.ID, key: addressGroupKey(ag.Name, ag.Description, ag.Addresses)})
	}
	pairInIDOrder(res.AddressGroups, srcAG, dstAG)

	rulesByGroup := map[string]map[string]string{} // destination group id -> rule key -> rule id
	for _, sg := range d.SecurityGroups {
		keys := map[string]string{}
		for _, r := range sg.Rules {
			keys[RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, r.RemoteIPPrefix, r.RemoteGroupID, r.RemoteAddressGroupID)] = r.ID
		}
		rulesByGroup[sg.ID] = keys
	}
	for _, sg := range s.SecurityGroups {
		keys, ok := rulesByGroup[res.SecurityGroups[sg.ID]]
		if !ok {
			continue
		}
		for _, r := range sg.Rules {
			remote := ""
			if r.RemoteGroupID != "" {
				if remote = res.SecurityGroups[r.RemoteGroupID]; remote == "" {
					continue
				}
			}
			remoteAddresses := ""
			if r.RemoteAddressGroupID != "" {
				if remoteAddresses = res.AddressGroups[r.RemoteAddressGroupID]; remoteAddresses == "" {
					continue
				}
			}
			prefix := r.RemoteIPPrefix
			if p, err := netip.ParsePrefix(prefix); err == nil {
				if moved, wasMoved, fits := remaps.translatePrefix(p); wasMoved && fits {
					prefix = moved.String()
				}
			}
			if id, ok := keys[RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, prefix, remote, remoteAddresses)]; ok {
				res.SecurityGroupRules[r.ID] = id
			}
		}
	}
	rebuildFloating(res, d, s)
	return res
}

// pairAll pairs source and destination objects of one kind into ids (see matcher).
func pairAll[S, D any](ids map[string]string, src []S, dst []D, srcKey func(S) keyed, dstKey func(D) keyed) {
	var ks, kd []keyed
	for _, o := range src {
		ks = append(ks, srcKey(o))
	}
	for _, o := range dst {
		kd = append(kd, dstKey(o))
	}
	newMatcher(ids).pair(ks, kd)
}
