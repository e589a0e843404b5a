package replication

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Options tune a run.
type Options struct {
	// Concurrency bounds the steps running at once (default 8).
	Concurrency int
	// PortBulkCalls splits the ports into at most this many bulk creates sent in parallel (default 2,
	// bounded by Concurrency): Neutron spends seconds per hundred ports server-side, and with several API
	// workers parallel bulks finish sooner than one.
	PortBulkCalls int
	// DomainID is the Keystone domain of the new project and user (default: the credentials' domain).
	DomainID string
	// ProjectID, when set, is the destination project an earlier run of this migration built: the run
	// goes on in it, found by id rather than by name (it may have been renamed since), and fails if it
	// is gone or is not a copy of the source.
	ProjectID string
	// MemberRole is given to the new user on the project (default "member").
	MemberRole string
	// Previous credentials from an earlier run of this migration: kept when their user still exists, so a
	// resumed run does not change the password a user may already have.
	Previous *Credentials
	// Progress is called after each step.
	Progress func(Progress)
	// OneCallPerObject disables bulk creates: every object gets its own create call. Slower; it exists
	// to measure the engine against a one-call-per-object shape (Waldur's task chain) in benchmarks.
	OneCallPerObject bool
	// Prior are the id maps an earlier run of this migration recorded (source id → destination id per
	// kind). A destination object named there is paired with that source object before any marker or
	// content matching (a renamed source object keeps its copy); entries whose destination object is
	// gone are ignored (the copy is rebuilt). Every paired copy is updated in place to its plan.
	Prior *IDMaps
	// Prune removes the copies named in Prior whose source object is no longer planned (deleted in the
	// source, or no longer selected), in dependency order. Without it nothing is removed, and such
	// copies stay in the Result's id maps as long as they exist. Objects not in Prior (the destination's
	// default security group, DHCP and router ports, anything made by others) are never removed.
	Prune bool
}

func (o Options) withDefaults(dst *openstack.Cloud) Options {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.PortBulkCalls <= 0 {
		o.PortBulkCalls = 2
	}
	if o.DomainID == "" {
		o.DomainID = dst.DomainID
	}
	if o.MemberRole == "" {
		o.MemberRole = "member"
	}
	return o
}

// execution is the state of one run: the plan, what exists on the destination, and the result so far.
type execution struct {
	dst  *openstack.Cloud
	plan *Plan
	opts Options

	mu  sync.Mutex
	res *Result

	// tagOnCreate is true when Neutron takes tags in the create call (extension tag-creation); older
	// releases (Zed included) need one tag call per object after it is created.
	tagOnCreate bool

	// What the destination project already holds (from an earlier run), by source id.
	fresh          bool
	existingNets   *pool[openstack.Network]
	existingSubs   *pool[openstack.Subnet]
	existingRtrs   *pool[openstack.Router]
	existingPorts  *pool[openstack.Port]
	existingGroups *pool[openstack.SecurityGroup]
	// existingAddressGroups are listed whole: address groups are paired by content only.
	existingAddressGroups []openstack.AddressGroup
	defaultGroup          *openstack.SecurityGroup
	interfacePorts        []openstack.Port
	groupRules            map[string][]openstack.SecurityGroupRule // destination group id -> its rules
}

// Execute builds plan on the destination cloud, as a dependency graph:
//
//	project → user and role; project → quotas (compute, network, volume)
//	network quotas → networks → subnets → interfaces of each router → that router's static routes
//	network quotas → routers ────────────────┘
//	network quotas → security groups → rules (of a few groups at a time)
//	address groups ────────────────────┘
//	subnets + security groups → ports
//
// Networks, routers and groups also wait for the scan of what the project holds, except networks and
// routers in a project the run created (nothing to adopt there).
//
// It adopts what an earlier run built (found by content, or by source markers where content is ambiguous:
// see identity.go) and creates only what is missing. On
// error or cancellation it returns the partial Result with the error; running it again resumes.
func Execute(ctx context.Context, dst *openstack.Cloud, plan *Plan, opts Options) (*Result, error) {
	e := &execution{dst: dst, plan: plan, opts: opts.withDefaults(dst), res: newResult(plan)}
	if err := e.ensureProject(ctx); err != nil {
		return e.res, err
	}
	g := &graph{limit: e.opts.Concurrency}
	g.add("user", e.ensureUser)
	g.add("compute quotas", e.setComputeQuotas)
	g.add("volume quotas", e.setVolumeQuotas)
	netQuotas := g.add("network quotas", e.setNetworkQuotas)
	scan := g.add("read destination", e.scanDestination)
	// Networks and routers wait for the scan to know what an earlier run built. A project this run
	// created holds nothing of theirs, so they start at once, unless a marker needs the scan's
	// tag-creation check.
	netsAfter := []*task{netQuotas, scan}
	if e.fresh && !plan.hasMarkers() {
		e.emptyPools()
		netsAfter = []*task{netQuotas}
	}
	networks := g.add("networks", e.createNetworks, netsAfter...)
	subnets := g.add("subnets", e.createSubnets, networks)
	groups := g.add("security groups", e.createSecurityGroups, netQuotas, scan)
	addressGroups := g.add("address groups", e.ensureAddressGroups, scan)
	g.add("security group rules", e.syncAllRules, groups, addressGroups)
	for _, r := range plan.Routers {
		dest := &openstack.Router{}
		router := g.add("router "+r.Name, func(ctx context.Context) error { return e.ensureRouter(ctx, r, dest) }, netsAfter...)
		ifaces := g.add("interfaces of router "+r.Name, func(ctx context.Context) error { return e.ensureInterfaces(ctx, r, dest) }, router, subnets)
		g.add("routes of router "+r.Name, func(ctx context.Context) error { return e.ensureRoutes(ctx, r, dest) }, ifaces)
	}
	g.add("ports", e.createPorts, subnets, groups)
	err := g.wait(ctx)
	return e.res, err
}

// record stores a source → destination id and counts it as created or adopted.
func (e *execution) record(ids map[string]string, kind, sourceID, destID string, created bool) {
	e.mu.Lock()
	ids[sourceID] = destID
	e.mu.Unlock()
	e.count(kind, created)
}

func (e *execution) count(kind string, created bool) {
	if created {
		e.countN(kind, 1, 0)
	} else {
		e.countN(kind, 0, 1)
	}
}

// countN adds to the created and adopted counts of a kind; zero counts leave no entry.
func (e *execution) countN(kind string, created, adopted int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if created > 0 {
		e.res.Created[kind] += created
	}
	if adopted > 0 {
		e.res.Adopted[kind] += adopted
	}
}

func (e *execution) progress(step, kind string, created, adopted, total int) {
	if e.opts.Progress != nil {
		e.opts.Progress(Progress{Step: step, Kind: kind, Created: created, Adopted: adopted, Total: total})
	}
}

// createAll creates items with one bulk call, or one call each with opts.OneCallPerObject.
func createAll[T any](ctx context.Context, e *execution, r openstack.Resource, items []T) ([]T, error) {
	if !e.opts.OneCallPerObject {
		return openstack.BulkCreate(ctx, e.dst.Network, r, items)
	}
	created := make([]T, 0, len(items))
	for _, it := range items {
		c, err := openstack.Create[T](ctx, e.dst.Network, r, it)
		if err != nil {
			return created, err
		}
		created = append(created, c)
	}
	return created, nil
}

// scanDestination lists what the project already holds, one call per type. A project created by this run
// holds nothing yet but its default security group, so only security groups are read then.
func (e *execution) scanDestination(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	if e.plan.hasMarkers() {
		g.Go(func() (err error) {
			e.tagOnCreate, err = openstack.HasExtension(gctx, e.dst.Network, "tag-creation")
			return err
		})
	}
	var objects ProjectObjects
	g.Go(func() (err error) {
		objects, err = listProject(gctx, e.dst, e.res.ProjectID, e.fresh)
		return err
	})
	if err := g.Wait(); err != nil {
		return err
	}
	nets, subs, rtrs, ports, groups := objects.Networks, objects.Subnets, objects.Routers, objects.Ports, objects.SecurityGroups
	e.existingAddressGroups = objects.AddressGroups
	var nonDefault []openstack.SecurityGroup
	e.groupRules = map[string][]openstack.SecurityGroupRule{}
	for _, sg := range groups {
		e.groupRules[sg.ID] = sg.Rules
		if sg.Name == "default" {
			e.defaultGroup = &sg
		} else {
			nonDefault = append(nonDefault, sg)
		}
	}
	var plainPorts []openstack.Port
	for _, p := range ports {
		if routerInterfaceOwners[p.DeviceOwner] {
			e.interfacePorts = append(e.interfacePorts, p)
		} else {
			plainPorts = append(plainPorts, p)
		}
	}
	if e.existingNets == nil { // else set by emptyPools, and maybe in use already
		e.existingNets = newPool(nets, func(n openstack.Network) []string { return n.Tags },
			func(n openstack.Network) []string { return []string{nameKey(n.Name, n.Description)} })
		e.existingSubs = newPool(subs, func(s openstack.Subnet) []string { return s.Tags },
			func(s openstack.Subnet) []string { return []string{subnetKey(s.NetworkID, s.CIDR)} })
		e.existingRtrs = newPool(rtrs, func(r openstack.Router) []string { return r.Tags },
			func(r openstack.Router) []string { return []string{nameKey(r.Name, r.Description)} })
		e.existingPorts = newPool(plainPorts, func(p openstack.Port) []string { return p.Tags }, portKeys)
	}
	e.existingGroups = newPool(nonDefault, func(g openstack.SecurityGroup) []string { return g.Tags },
		func(g openstack.SecurityGroup) []string { return []string{nameKey(g.Name, g.Description)} })
	return nil
}

// emptyPools sets the pools of networks, subnets, routers and ports of a project this run created, which
// holds none (scanDestination then leaves them alone).
func (e *execution) emptyPools() {
	e.existingNets = newPool[openstack.Network](nil, nil, nil)
	e.existingSubs = newPool[openstack.Subnet](nil, nil, nil)
	e.existingRtrs = newPool[openstack.Router](nil, nil, nil)
	e.existingPorts = newPool[openstack.Port](nil, nil, nil)
}

// pool holds a project's existing objects of one type: those marked with their source id, and unmarked
// ones by their content keys (see identity.go).
type pool[T any] struct {
	mu       sync.Mutex
	bySource map[string]T
	unmarked []T
	claimed  []bool
	byKey    map[string][]int // content key -> indices into unmarked
}

func newPool[T any](items []T, tags func(T) []string, keys func(T) []string) *pool[T] {
	p := &pool[T]{bySource: map[string]T{}, byKey: map[string][]int{}}
	for _, it := range items {
		if src := SourceOf(tags(it)); src != "" {
			p.bySource[src] = it
			continue
		}
		for _, k := range keys(it) {
			p.byKey[k] = append(p.byKey[k], len(p.unmarked))
		}
		p.unmarked = append(p.unmarked, it)
		p.claimed = append(p.claimed, false)
	}
	return p
}

// adopt returns the existing copy of a source object: the one marked with its id, or else an unmarked
// object with its content key, claimed so that no other source object can take it. marked is false
// when the copy was found by content.
func (p *pool[T]) adopt(sourceID, key string) (obj T, found, marked bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if obj, ok := p.bySource[sourceID]; ok {
		return obj, true, true
	}
	for _, i := range p.byKey[key] {
		if !p.claimed[i] {
			p.claimed[i] = true
			return p.unmarked[i], true, false
		}
	}
	return obj, false, false
}

// toTag is an object that still lacks tags: the whole set it must carry (the user's and its marker).
type toTag struct {
	id   string
	tags []string
}

// tag sets objects' tags, in parallel: after a create when Neutron cannot take tags in the create call,
// and on objects adopted without them. Neutron (Zed) has no tags in create calls: one call per object,
// made only for objects with a marker or user tags.
func (e *execution) tag(ctx context.Context, r openstack.Resource, items []toTag) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(e.opts.Concurrency)
	for _, it := range items {
		g.Go(func() error { return openstack.SetTags(ctx, e.dst.Network, r, it.id, it.tags) })
	}
	return g.Wait()
}

// createTags is the tags to send in a create call, when Neutron takes them there: the user's and the
// marker when the object needs one.
func (e *execution) createTags(sourceID string, marker bool, user []string) []string {
	if e.tagOnCreate {
		return wantedTags(sourceID, marker, user)
	}
	return nil
}
