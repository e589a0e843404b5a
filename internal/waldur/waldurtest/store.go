package waldurtest

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// coll is an ordered collection keyed by normalised uuid: lists come out in creation order, as Waldur's
// default orderings do.
type coll[T any] struct {
	order []string
	m     map[string]*T
}

func newColl[T any]() *coll[T] { return &coll[T]{m: map[string]*T{}} }

func (c *coll[T]) add(id string, v *T) {
	if _, ok := c.m[id]; !ok {
		c.order = append(c.order, id)
	}
	c.m[id] = v
}

// get looks up by a uuid in any accepted form.
func (c *coll[T]) get(id string) *T {
	n, ok := normUUID(id)
	if !ok {
		return nil
	}
	return c.m[n]
}

func (c *coll[T]) del(id string) {
	if _, ok := c.m[id]; !ok {
		return
	}
	delete(c.m, id)
	c.order = slices.DeleteFunc(c.order, func(s string) bool { return s == id })
}

func (c *coll[T]) all() []*T {
	out := make([]*T, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.m[id])
	}
	return out
}

type project struct{ uuid, name string }

type settingsRec struct{ uuid, name, backend string }

type offeringRec struct {
	Offering
	created time.Time
}

type tenantRec struct {
	Tenant
	settingsUUID      string
	state             string
	errorMessage      string
	internalNetworkID string
	created, modified time.Time
}

type resourceRec struct {
	uuid, name, description string
	state                   string
	tenantUUID              string
	offeringUUID, planUUID  string
	projectUUID             string
	limits                  map[string]int
	errorMessage            string
	created, modified       time.Time
}

type objMeta struct {
	created time.Time
}

type netRec struct {
	Network
	objMeta
}

type subnetRec struct {
	Subnet
	objMeta
}

type routerRec struct {
	Router
	objMeta
}

type sgRec struct {
	SecurityGroup
	objMeta
	ruleIDs []int
}

type portRec struct {
	Port
	objMeta
}

type migrationRec struct {
	uuid              string
	created, modified time.Time
	mappings          map[string]any // as stored and shown
	createdBy         *User
	srcResource       string
	dstResource       string
	state             string
	errorMessage      string
	errorTraceback    string
	name, description string
	selectNetworks    bool
	networkUUIDs      []string
	subnets           []SubnetMapping
	volumeTypes       [][2]string // src, dst uuids
	skipExtnet        bool
	syncPorts         bool
}

type orderRec struct {
	uuid, typ, state  string
	resourceUUID      string
	tenantUUID        string
	resourceName      string
	offeringUUID      string
	planUUID          string
	projectUUID       string
	createdBy         *User
	limits            map[string]int
	errorMessage      string
	created, modified time.Time
	completedAt       *time.Time
}

type store struct {
	users       map[string]*User // by token
	expired     map[string]bool  // tokens past their lifetime
	customer    project
	defaultProj *project
	projects    *coll[project]
	settings    *coll[settingsRec]
	offerings   *coll[offeringRec]
	plans       *coll[Plan]
	volumeTypes *coll[VolumeType]
	tenants     *coll[tenantRec]
	resources   *coll[resourceRec]
	networks    *coll[netRec]
	subnets     *coll[subnetRec]
	routers     *coll[routerRec]
	sgs         *coll[sgRec]
	ports       *coll[portRec]
	migrations  *coll[migrationRec]
	orders      *coll[orderRec]
	last        time.Time
	ruleID      int
}

func newStore() *store {
	st := &store{
		users:       map[string]*User{},
		expired:     map[string]bool{},
		customer:    project{uuid: newUUID(), name: "Test customer"},
		projects:    newColl[project](),
		settings:    newColl[settingsRec](),
		offerings:   newColl[offeringRec](),
		plans:       newColl[Plan](),
		volumeTypes: newColl[VolumeType](),
		tenants:     newColl[tenantRec](),
		resources:   newColl[resourceRec](),
		networks:    newColl[netRec](),
		subnets:     newColl[subnetRec](),
		routers:     newColl[routerRec](),
		sgs:         newColl[sgRec](),
		ports:       newColl[portRec](),
		migrations:  newColl[migrationRec](),
		orders:      newColl[orderRec](),
	}
	p := &project{uuid: newUUID(), name: "Test project"}
	st.projects.add(p.uuid, p)
	st.defaultProj = p
	return st
}

// now is a clock that never repeats, so that "newest by created" is always well defined (Waldur keeps
// microseconds).
func (st *store) now() time.Time {
	t := time.Now().UTC().Truncate(time.Microsecond)
	if !t.After(st.last) {
		t = st.last.Add(time.Microsecond)
	}
	st.last = t
	return t
}

func (st *store) addUser(u User) *User {
	if u.UUID == "" {
		u.UUID = newUUID()
	}
	if u.Username == "" {
		u.Username = "user-" + u.UUID[:8]
	}
	if u.FullName == "" {
		u.FullName = u.Username
	}
	p := &u
	st.users[u.Token] = p
	return p
}

// uuidFor returns the normalised given uuid, or a new one.
func uuidFor(given string) (string, error) {
	if given == "" {
		return newUUID(), nil
	}
	n, ok := normUUID(given)
	if !ok {
		return "", fmt.Errorf("%q is not a uuid", given)
	}
	return n, nil
}

// AddUser adds a user with an API token (required, unique).
func (s *Server) AddUser(u User) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.Token == "" || s.st.users[u.Token] != nil {
		panic("waldurtest: AddUser needs a new, non-empty token")
	}
	return *s.st.addUser(u)
}

// AddOffering adds a public offering, with new service settings unless ScopeUUID names existing ones.
func (s *Server) AddOffering(o Offering) Offering {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := uuidFor(o.UUID)
	must(err)
	o.UUID = id
	if o.Type == "" {
		o.Type = "OpenStack.Tenant"
	}
	if o.State == "" {
		o.State = "Active"
	}
	if o.StorageMode == "" {
		o.StorageMode = "dynamic"
	}
	if o.ScopeUUID != "" {
		set := s.st.settings.get(o.ScopeUUID)
		if set == nil {
			panic(fmt.Sprintf("waldurtest: AddOffering %q: no service settings %s", o.Name, o.ScopeUUID))
		}
		o.ScopeUUID, o.ScopeName, o.Backend = set.uuid, set.name, set.backend
	} else {
		if o.ScopeName == "" {
			o.ScopeName = o.Name
		}
		set := &settingsRec{uuid: newUUID(), name: o.ScopeName, backend: o.Backend}
		s.st.settings.add(set.uuid, set)
		o.ScopeUUID = set.uuid
	}
	s.st.offerings.add(o.UUID, &offeringRec{Offering: o, created: s.st.now()})
	return o
}

// AddPlan adds a plan to an offering.
func (s *Server) AddPlan(p Plan) Plan {
	s.mu.Lock()
	defer s.mu.Unlock()
	off := s.st.offerings.get(p.OfferingUUID)
	if off == nil {
		panic(fmt.Sprintf("waldurtest: AddPlan %q: no offering %s", p.Name, p.OfferingUUID))
	}
	id, err := uuidFor(p.UUID)
	must(err)
	p.UUID, p.OfferingUUID = id, off.UUID
	if p.Name == "" {
		p.Name = "Plan " + id[:6]
	}
	s.st.plans.add(p.UUID, &p)
	return p
}

// AddVolumeType adds a volume type to service settings (an offering's ScopeUUID).
func (s *Server) AddVolumeType(v VolumeType) VolumeType {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := s.st.settings.get(v.SettingsUUID)
	if set == nil {
		panic(fmt.Sprintf("waldurtest: AddVolumeType %q: no service settings %s", v.Name, v.SettingsUUID))
	}
	id, err := uuidFor(v.UUID)
	must(err)
	v.UUID, v.SettingsUUID = id, set.uuid
	if v.BackendID == "" {
		v.BackendID = backendUUID()
	}
	s.st.volumeTypes.add(v.UUID, &v)
	return v
}

// AddTenant adds a tenant of an offering, with its marketplace resource (state OK).
func (s *Server) AddTenant(t Tenant) Tenant {
	s.mu.Lock()
	defer s.mu.Unlock()
	off := s.st.offerings.get(t.OfferingUUID)
	if off == nil {
		panic(fmt.Sprintf("waldurtest: AddTenant %q: no offering %s", t.Name, t.OfferingUUID))
	}
	t.OfferingUUID = off.UUID
	if t.PlanUUID != "" {
		p := s.st.plans.get(t.PlanUUID)
		if p == nil || p.OfferingUUID != off.UUID {
			panic(fmt.Sprintf("waldurtest: AddTenant %q: no plan %s in offering %s", t.Name, t.PlanUUID, off.UUID))
		}
		t.PlanUUID = p.UUID
	}
	for i, id := range t.VolumeTypeUUIDs {
		vt := s.st.volumeTypes.get(id)
		if vt == nil {
			panic(fmt.Sprintf("waldurtest: AddTenant %q: no volume type %s", t.Name, id))
		}
		t.VolumeTypeUUIDs[i] = vt.UUID
	}
	proj := s.st.project(t.ProjectUUID, t.ProjectName)
	t.ProjectUUID, t.ProjectName = proj.uuid, proj.name
	id, err := uuidFor(t.UUID)
	must(err)
	t.UUID = id
	rid, err := uuidFor(t.ResourceUUID)
	must(err)
	t.ResourceUUID = rid
	if t.BackendID == "" {
		t.BackendID = strings.ReplaceAll(backendUUID(), "-", "")
	}
	if t.UserUsername == "" {
		t.UserUsername = usernameFor(t.Name)
	}
	if t.UserPassword == "" {
		t.UserPassword = password()
	}
	t.Limits = maps.Clone(t.Limits)
	t.Quotas = maps.Clone(t.Quotas)
	now := s.st.now()
	s.st.tenants.add(t.UUID, &tenantRec{Tenant: t, settingsUUID: off.ScopeUUID, state: "OK", created: now, modified: now})
	s.st.resources.add(rid, &resourceRec{
		uuid: rid, name: t.Name, description: t.Description, state: "OK", tenantUUID: t.UUID,
		offeringUUID: off.UUID, planUUID: t.PlanUUID, projectUUID: proj.uuid, limits: maps.Clone(t.Limits),
		created: now, modified: now,
	})
	return t
}

// project returns the project with the given uuid (made if new), or the default project.
func (st *store) project(id, name string) *project {
	if id == "" {
		return st.defaultProj
	}
	n, err := uuidFor(id)
	must(err)
	if p := st.projects.m[n]; p != nil {
		return p
	}
	if name == "" {
		name = "Project " + n[:6]
	}
	p := &project{uuid: n, name: name}
	st.projects.add(n, p)
	return p
}

// AddObjects registers Neutron objects of a tenant and returns them with their uuids (and generated
// backend ids) set. References (a subnet's network, a port's subnets and groups, a rule's remote group)
// may name objects of the tenant registered earlier or in the same call.
func (s *Server) AddObjects(tenantUUID string, o Objects) Objects {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := s.st.register(tenantUUID, o, nil)
	must(err)
	return out
}

// AddNetwork registers a network of a tenant.
func (s *Server) AddNetwork(tenantUUID string, n Network) Network {
	return s.AddObjects(tenantUUID, Objects{Networks: []Network{n}}).Networks[0]
}

// AddSubnet registers a subnet of a tenant's network.
func (s *Server) AddSubnet(tenantUUID string, n Subnet) Subnet {
	return s.AddObjects(tenantUUID, Objects{Subnets: []Subnet{n}}).Subnets[0]
}

// AddRouter registers a router of a tenant.
func (s *Server) AddRouter(tenantUUID string, r Router) Router {
	return s.AddObjects(tenantUUID, Objects{Routers: []Router{r}}).Routers[0]
}

// AddSecurityGroup registers a security group of a tenant.
func (s *Server) AddSecurityGroup(tenantUUID string, g SecurityGroup) SecurityGroup {
	return s.AddObjects(tenantUUID, Objects{SecurityGroups: []SecurityGroup{g}}).SecurityGroups[0]
}

// AddPort registers a port of a tenant.
func (s *Server) AddPort(tenantUUID string, p Port) Port {
	return s.AddObjects(tenantUUID, Objects{Ports: []Port{p}}).Ports[0]
}

// TenantObjects returns the objects registered for a tenant.
func (s *Server) TenantObjects(tenantUUID string) Objects {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, _ := normUUID(tenantUUID)
	return s.st.objectsOf(id)
}

// Tenant returns a tenant as the server holds it (a migration's destination included).
func (s *Server) Tenant(uuid string) (Tenant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.st.tenants.get(uuid)
	if t == nil {
		return Tenant{}, false
	}
	return t.Tenant, true
}

func (st *store) objectsOf(tenant string) Objects {
	var o Objects
	for _, n := range st.networks.all() {
		if n.TenantUUID == tenant {
			o.Networks = append(o.Networks, n.Network)
		}
	}
	for _, n := range st.subnets.all() {
		if n.TenantUUID == tenant {
			o.Subnets = append(o.Subnets, n.Subnet)
		}
	}
	for _, n := range st.routers.all() {
		if n.TenantUUID == tenant {
			o.Routers = append(o.Routers, n.Router)
		}
	}
	for _, n := range st.sgs.all() {
		if n.TenantUUID == tenant {
			o.SecurityGroups = append(o.SecurityGroups, n.SecurityGroup)
		}
	}
	for _, n := range st.ports.all() {
		if n.TenantUUID == tenant {
			o.Ports = append(o.Ports, n.Port)
		}
	}
	return o
}

// register validates and stores objects of a tenant; nothing is stored when something is wrong. An
// object that keep knows (SetObjects: the same kind and backend id) keeps its uuid, its creation time
// and, for a rule that stays, its id; keep may be nil.
func (st *store) register(tenantUUID string, o Objects, keep *kept) (Objects, error) {
	t := st.tenants.get(tenantUUID)
	if t == nil {
		return o, fmt.Errorf("no tenant %s", tenantUUID)
	}
	tid := t.UUID
	existing := st.objectsOf(tid)
	nets, subs, groups := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, n := range existing.Networks {
		nets[n.BackendID] = true
	}
	for _, n := range existing.Subnets {
		subs[n.BackendID] = true
	}
	for _, g := range existing.SecurityGroups {
		groups[g.BackendID] = true
	}
	out := Objects{}
	for _, n := range o.Networks {
		if n.BackendID == "" {
			n.BackendID = backendUUID()
		}
		n.UUID, n.TenantUUID = keep.uuid("network", n.BackendID), tid
		if n.Type == "" {
			n.Type = "vxlan"
		}
		if n.MTU == 0 {
			n.MTU = 1450
		}
		nets[n.BackendID] = true
		out.Networks = append(out.Networks, n)
	}
	for _, n := range o.Subnets {
		if n.BackendID == "" {
			n.BackendID = backendUUID()
		}
		n.UUID, n.TenantUUID = keep.uuid("subnet", n.BackendID), tid
		if !nets[n.NetworkBackendID] {
			return o, fmt.Errorf("subnet %q: no network %q in tenant %s", n.Name, n.NetworkBackendID, tid)
		}
		p, err := netip.ParsePrefix(n.CIDR)
		if err != nil {
			return o, fmt.Errorf("subnet %q: %v", n.Name, err)
		}
		if n.IPVersion == 0 {
			n.IPVersion = 4
			if p.Addr().Is6() {
				n.IPVersion = 6
			}
		}
		n.AllocationPools = slices.Clone(n.AllocationPools)
		n.DNSNameservers = slices.Clone(n.DNSNameservers)
		n.HostRoutes = slices.Clone(n.HostRoutes)
		subs[n.BackendID] = true
		out.Subnets = append(out.Subnets, n)
	}
	groupsIn := slices.Clone(o.SecurityGroups)
	for i := range groupsIn {
		if groupsIn[i].BackendID == "" {
			groupsIn[i].BackendID = backendUUID()
		}
		groups[groupsIn[i].BackendID] = true
	}
	for _, r := range o.Routers {
		if r.BackendID == "" {
			r.BackendID = backendUUID()
		}
		r.UUID, r.TenantUUID = keep.uuid("router", r.BackendID), tid
		for _, f := range r.Interfaces {
			if !subs[f.SubnetBackendID] {
				return o, fmt.Errorf("router %q: no subnet %q in tenant %s", r.Name, f.SubnetBackendID, tid)
			}
		}
		r.Routes = slices.Clone(r.Routes)
		r.Interfaces = slices.Clone(r.Interfaces)
		out.Routers = append(out.Routers, r)
	}
	for _, g := range groupsIn {
		g.UUID, g.TenantUUID = keep.uuid("security_group", g.BackendID), tid
		g.Rules = slices.Clone(g.Rules)
		for j := range g.Rules {
			r := &g.Rules[j]
			if r.Direction == "" {
				r.Direction = "ingress"
			}
			if r.Ethertype == "" {
				r.Ethertype = "IPv4"
			}
			if r.RemoteGroupBackendID != "" && !groups[r.RemoteGroupBackendID] {
				return o, fmt.Errorf("security group %q: rule refers to unknown group %q", g.Name, r.RemoteGroupBackendID)
			}
		}
		out.SecurityGroups = append(out.SecurityGroups, g)
	}
	for _, p := range o.Ports {
		if p.BackendID == "" {
			p.BackendID = backendUUID()
		}
		p.UUID, p.TenantUUID = keep.uuid("port", p.BackendID), tid
		if !nets[p.NetworkBackendID] {
			return o, fmt.Errorf("port %q: no network %q in tenant %s", p.Name, p.NetworkBackendID, tid)
		}
		for _, f := range p.FixedIPs {
			if !subs[f.SubnetBackendID] {
				return o, fmt.Errorf("port %q: no subnet %q in tenant %s", p.Name, f.SubnetBackendID, tid)
			}
		}
		for _, g := range p.SecurityGroupBackendIDs {
			if !groups[g] {
				return o, fmt.Errorf("port %q: no security group %q in tenant %s", p.Name, g, tid)
			}
		}
		if p.Status == "" {
			p.Status = "DOWN"
		}
		p.FixedIPs = slices.Clone(p.FixedIPs)
		p.AllowedAddressPairs = slices.Clone(p.AllowedAddressPairs)
		p.SecurityGroupBackendIDs = slices.Clone(p.SecurityGroupBackendIDs)
		out.Ports = append(out.Ports, p)
	}
	now := st.now()
	for _, n := range out.Networks {
		st.networks.add(n.UUID, &netRec{Network: n, objMeta: objMeta{created: keep.created(n.UUID, now)}})
	}
	for _, n := range out.Subnets {
		st.subnets.add(n.UUID, &subnetRec{Subnet: n, objMeta: objMeta{created: keep.created(n.UUID, now)}})
	}
	for _, n := range out.Routers {
		st.routers.add(n.UUID, &routerRec{Router: n, objMeta: objMeta{created: keep.created(n.UUID, now)}})
	}
	for _, n := range out.SecurityGroups {
		rec := &sgRec{SecurityGroup: n, objMeta: objMeta{created: keep.created(n.UUID, now)}}
		for _, r := range n.Rules {
			id := keep.ruleID(n.BackendID, r)
			if id == 0 {
				st.ruleID++
				id = st.ruleID
			}
			rec.ruleIDs = append(rec.ruleIDs, id)
		}
		st.sgs.add(n.UUID, rec)
	}
	for _, n := range out.Ports {
		st.ports.add(n.UUID, &portRec{Port: n, objMeta: objMeta{created: keep.created(n.UUID, now)}})
	}
	return out, nil
}

// removeTenant forgets a tenant and its objects, as Waldur does once the tenant is deleted.
func (st *store) removeTenant(id string) {
	for _, n := range st.networks.all() {
		if n.TenantUUID == id {
			st.networks.del(n.UUID)
		}
	}
	for _, n := range st.subnets.all() {
		if n.TenantUUID == id {
			st.subnets.del(n.UUID)
		}
	}
	for _, n := range st.routers.all() {
		if n.TenantUUID == id {
			st.routers.del(n.UUID)
		}
	}
	for _, n := range st.sgs.all() {
		if n.TenantUUID == id {
			st.sgs.del(n.UUID)
		}
	}
	for _, n := range st.ports.all() {
		if n.TenantUUID == id {
			st.ports.del(n.UUID)
		}
	}
	st.tenants.del(id)
}

// tenantVolumeTypes are the volume types available in a tenant.
func (st *store) tenantVolumeTypes(t *tenantRec) []*VolumeType {
	var out []*VolumeType
	if t.VolumeTypeUUIDs == nil {
		for _, vt := range st.volumeTypes.all() {
			if vt.SettingsUUID == t.settingsUUID {
				out = append(out, vt)
			}
		}
		return out
	}
	for _, id := range t.VolumeTypeUUIDs {
		if vt := st.volumeTypes.get(id); vt != nil {
			out = append(out, vt)
		}
	}
	return out
}

// planActive is Waldur's Plan.is_active: not archived, and below max_amount non-terminated resources.
func (st *store) planActive(p *Plan) bool {
	return !p.Archived && (p.MaxAmount <= 0 || st.planResources(p.UUID) < p.MaxAmount)
}

func (st *store) planResources(planUUID string) int {
	n := 0
	for _, r := range st.resources.all() {
		if r.planUUID == planUUID && r.state != "Terminated" {
			n++
		}
	}
	return n
}

func must(err error) {
	if err != nil {
		panic("waldurtest: " + err.Error())
	}
}
