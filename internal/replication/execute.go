package replication

import (
	"context"
	"slices"
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

	// What the destination project already holds (from an earlier run), paired with the plan.
	fresh bool
	pairs *pairing
	// groupRules are the rules of every destination group known (listed or created): group id -> rules.
	groupRules map[string][]openstack.SecurityGroupRule
	// objects is what the scan listed, removed the ids of the objects the run deleted.
	objects ProjectObjects
	removed map[string]bool
}

// execute builds plan on the destination cloud, as a dependency graph:
//
//	project → user and role; project → quotas (compute, network, volume)
//	network quotas → networks → subnets → interfaces of each router → that router's static routes
//	network quotas → routers ────────────────┘
//	ports → interfaces on the ports' subnets (see below)
//	network quotas → security groups → rules (of a few groups at a time)
//	address groups ────────────────────┘
//	subnets + security groups → ports → floating IPs (after every router's interfaces too)
//	user + compute quotas → server groups (created with the user's token: Nova's are per caller)
//
// Networks, routers and groups also wait for the scan of what the project holds, except networks and
// routers in a project the run created (nothing to adopt there).
//
// It adopts what an earlier run built (found by Options.Prior, by content, or by source markers where
// content is ambiguous: see pair.go and identity.go), updates the copies that differ from the plan,
// replaces subnets whose CIDR changed, removes (with Options.Prune) the prior copies whose source is no
// longer planned, and creates only what is missing. On error or cancellation it returns the partial
// Result with the error, which keeps the prior entries not yet dealt with: run again with it as Prior,
// it resumes and converges without duplicates.
func execute(ctx context.Context, dst *openstack.Cloud, plan *Plan, opts Options) (*Result, error) {
	e := &execution{dst: dst, plan: plan, opts: opts.withDefaults(dst), res: newResult(plan),
		groupRules: map[string][]openstack.SecurityGroupRule{}, removed: map[string]bool{}}
	if err := e.ensureProject(ctx); err != nil {
		return e.res, err
	}
	g := &graph{limit: e.opts.Concurrency}
	user := g.add("user", e.ensureUser)
	computeQuotas := g.add("compute quotas", e.setComputeQuotas)
	g.add("volume quotas", e.setVolumeQuotas)
	netQuotas := g.add("network quotas", e.setNetworkQuotas)
	scan := g.add("read destination", e.scanDestination)
	// Networks and routers wait for the scan to know what an earlier run built. A project this run
	// created holds nothing of theirs, so they start at once, unless a marker needs the scan's
	// tag-creation check. Elsewhere the copies that go (replaced subnets; with Prune, stale copies) are
	// cleared before subnets, routers and interfaces are built.
	netsAfter := []*task{netQuotas, scan}
	if e.fresh && !plan.hasMarkers() {
		e.pairs = emptyPairing()
		netsAfter = []*task{netQuotas}
	}
	routersAfter, subnetsAfter := netsAfter, []*task{}
	if !e.fresh {
		pruneFIPs := g.add("remove stale floating IPs", e.pruneFloatingIPs, scan)
		cleared := g.add("clear stale objects", e.clearStale, scan, pruneFIPs)
		routersAfter = append(slices.Clone(netsAfter), cleared)
		subnetsAfter = append(subnetsAfter, cleared)
	}
	networks := g.add("networks", e.createNetworks, netsAfter...)
	subnets := g.add("subnets", e.createSubnets, append(subnetsAfter, networks)...)
	groups := g.add("security groups", e.createSecurityGroups, netQuotas, scan)
	addressGroups := g.add("address groups", e.ensureAddressGroups, scan)
	rules := g.add("security group rules", e.syncAllRules, groups, addressGroups)
	// Interfaces on the ports' subnets wait for the ports. Neutron (Zed) holds a bulk of ports' subnets
	// (and, on the lab, the project's other writes) until the bulk commits, and an interface added
	// meanwhile waits for it: in the benchmark, with 20 ms of latency, three interfaces sent alongside
	// the two bulks of 100 ports took 28 s each, holding three of the writes in flight. Ports first, then: the bulks are the
	// longest writes of a run, each keeping a Neutron worker busy for ~20 s while the others serve the
	// rest; interfaces first put their routers' serial adds (and their waits behind rule writes) on the
	// critical path before the bulks (78 s against 66 s, 4 writes in flight).
	ports := g.add("ports", e.createPorts, subnets, groups)
	portSubnets := plan.portSubnets()
	var allIfaces []*task
	for _, r := range plan.Routers {
		dest := &openstack.Router{}
		router := g.add("router "+r.Name, func(ctx context.Context) error { return e.ensureRouter(ctx, r, dest) }, routersAfter...)
		ifacesAfter := []*task{router, subnets}
		if slices.ContainsFunc(r.Interfaces, func(i InterfacePlan) bool { return portSubnets[i.SubnetSourceID] }) {
			ifacesAfter = append(ifacesAfter, ports)
		}
		ifaces := g.add("interfaces of router "+r.Name, func(ctx context.Context) error { return e.ensureInterfaces(ctx, r, dest) }, ifacesAfter...)
		g.add("routes of router "+r.Name, func(ctx context.Context) error { return e.ensureRoutes(ctx, r, dest) }, ifaces)
		allIfaces = append(allIfaces, ifaces)
	}
	// Floating IPs reach their ports through the routers' gateways and interfaces.
	g.add("floating IPs", e.ensureFloatingIPs, append(allIfaces, ports, scan)...)
	g.add("server groups", e.ensureServerGroups, user, computeQuotas, scan)
	if !e.fresh && e.opts.Prune {
		g.add("remove stale groups", e.pruneGroups, ports, rules)
	}
	err := g.wait(ctx)
	e.keepStale(err != nil)
	e.keepStaleFloating(err != nil)
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
	e.report(Progress{Step: step, Kind: kind, Created: created, Adopted: adopted, Total: total})
}

func (e *execution) report(p Progress) {
	if e.opts.Progress != nil {
		e.opts.Progress(p)
	}
}

// countUpdated and countRemoved add to the updated and removed counts of a kind.
func (e *execution) countUpdated(kind string, n int) {
	if n > 0 {
		e.mu.Lock()
		e.res.Updated[kind] += n
		e.mu.Unlock()
	}
}

func (e *execution) countRemoved(kind string, n int, ids ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if n > 0 {
		e.res.Removed[kind] += n
	}
	for _, id := range ids {
		e.removed[id] = true
	}
}

// createAll creates items with one bulk call, or one call each with opts.OneCallPerObject.
func createAll[T any](ctx context.Context, e *execution, r openstack.Resource, items []T) ([]T, error) {
	if !e.opts.OneCallPerObject {
		return createWaitingOutReservations(ctx, e, r, len(items), func() ([]T, error) { return openstack.BulkCreate(ctx, e.dst.Network, r, items) })
	}
	created := make([]T, 0, len(items))
	for _, it := range items {
		c, err := createWaitingOutReservations(ctx, e, r, 1, func() ([]T, error) {
			c, err := openstack.Create[T](ctx, e.dst.Network, r, it)
			if err != nil {
				return nil, err
			}
			return []T{c}, nil
		})
		created = append(created, c...)
		if err != nil {
			return created, err
		}
	}
	return created, nil
}

// scanDestination lists what the project already holds, one call per type, and pairs it with the plan
// (pairDestination). A project created by this run holds nothing yet but its default security group, so
// only security groups are read then.
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
	pr := pairDestination(e.plan, e.opts.Prior, objects)
	e.objects = objects
	for _, sg := range objects.SecurityGroups {
		e.groupRules[sg.ID] = sg.Rules
	}
	if e.pairs == nil {
		e.pairs = pr
		return nil
	}
	// A project this run created: networks, routers and ports may be in use already; only the groups
	// (all the project holds) are taken from the scan.
	e.pairs.groups, e.pairs.defaultGroup = pr.groups, pr.defaultGroup
	return nil
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
