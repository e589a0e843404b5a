package replication

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"net/url"
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

// DestinationObjects are the Neutron objects of a destination project, as listed.
type DestinationObjects struct {
	Networks       []openstack.Network
	Subnets        []openstack.Subnet
	Routers        []openstack.Router
	Ports          []openstack.Port
	SecurityGroups []openstack.SecurityGroup // with their rules
}

// SourceObjects are what rebuilding the maps needs from the source, for the objects that carry no marker:
// the default security group (Neutron's own in the destination) and rules (matched by content), whose
// remote prefixes moved with the subnets' CIDR remaps.
type SourceObjects struct {
	Subnets        []openstack.Subnet
	SecurityGroups []openstack.SecurityGroup // with their rules
}

// ReadBack reads a destination project and rebuilds the maps of the migration that built it from the
// source markers on its objects. With src nil (the source cloud unreachable or unknown) the maps of the
// default security group and of rules stay empty.
func ReadBack(ctx context.Context, src, dst *openstack.Cloud, projectID string) (*Existing, error) {
	project, err := openstack.GetProject(ctx, dst.Identity, projectID)
	if err != nil {
		return nil, fmt.Errorf("reading destination project %s: %w", projectID, err)
	}
	sourceID := SourceOf(project.Tags)
	if sourceID == "" {
		return nil, fmt.Errorf("destination project %s (%q) was not made by a migration: it has no %s<source project id> tag", projectID, project.Name, sourceTagPrefix)
	}
	var d DestinationObjects
	var s SourceObjects
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
		bySource := url.Values{"project_id": {sourceID}}
		g.Go(func() (err error) {
			s.Subnets, err = openstack.List[openstack.Subnet](gctx, src.Network, openstack.Subnets, bySource)
			return err
		})
		g.Go(func() (err error) {
			s.SecurityGroups, err = openstack.List[openstack.SecurityGroup](gctx, src.Network, openstack.SecurityGroups, bySource)
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
// no trace that can be told apart from unmapped types, so it stays empty.
func InferMappings(res *Result, d DestinationObjects, s SourceObjects) Mappings {
	var m Mappings
	m.Networks = slices.Sorted(maps.Keys(res.Networks))
	dstCIDR := map[string]string{}
	for _, sn := range d.Subnets {
		if id := SourceOf(sn.Tags); id != "" {
			dstCIDR[id] = sn.CIDR
		}
	}
	for _, sn := range s.Subnets {
		if cidr, ok := dstCIDR[sn.ID]; ok && cidr != sn.CIDR {
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

// RebuildResult is the pure part of ReadBack: the id maps from the markers of the destination objects,
// plus the default security group (by name) and rules (by content, remote groups and remote prefixes
// translated as Execute translated them) matched against the source.
func RebuildResult(projectID string, d DestinationObjects, s SourceObjects) *Result {
	res := newResult(&Plan{})
	res.ProjectID = projectID
	for _, n := range d.Networks {
		if id := SourceOf(n.Tags); id != "" {
			res.Networks[id] = n.ID
		}
	}
	dstSubnets := map[string]openstack.Subnet{}
	for _, sn := range d.Subnets {
		if id := SourceOf(sn.Tags); id != "" {
			res.Subnets[id] = sn.ID
			dstSubnets[id] = sn
		}
	}
	for _, r := range d.Routers {
		if id := SourceOf(r.Tags); id != "" {
			res.Routers[id] = r.ID
		}
	}
	for _, p := range d.Ports {
		// Router interface ports carry markers too (of the source interface port) but are not ports the
		// migration copies as such.
		if id := SourceOf(p.Tags); id != "" && !routerInterfaceOwners[p.DeviceOwner] {
			res.Ports[id] = p.ID
		}
	}
	var dstDefault *openstack.SecurityGroup
	for i, sg := range d.SecurityGroups {
		if id := SourceOf(sg.Tags); id != "" {
			res.SecurityGroups[id] = sg.ID
		} else if sg.Name == "default" {
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
		dst, ok := dstSubnets[sn.ID]
		if !ok || dst.CIDR == sn.CIDR {
			continue
		}
		from, err1 := netip.ParsePrefix(sn.CIDR)
		to, err2 := netip.ParsePrefix(dst.CIDR)
		if err1 == nil && err2 == nil {
			remaps = append(remaps, remap{src: from.Masked(), dst: to.Masked()})
		}
	}
	rulesByGroup := map[string]map[string]string{} // destination group id -> rule key -> rule id
	for _, sg := range d.SecurityGroups {
		keys := map[string]string{}
		for _, r := range sg.Rules {
			keys[RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, r.RemoteIPPrefix, r.RemoteGroupID)] = r.ID
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
			prefix := r.RemoteIPPrefix
			if p, err := netip.ParsePrefix(prefix); err == nil {
				if moved, wasMoved, fits := remaps.translatePrefix(p); wasMoved && fits {
					prefix = moved.String()
				}
			}
			if id, ok := keys[RuleKey(r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax, prefix, remote)]; ok {
				res.SecurityGroupRules[r.ID] = id
			}
		}
	}
	return res
}
