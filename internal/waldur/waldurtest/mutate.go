package waldurtest

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"
)

// A tenant changes after it is registered, as a real one does between two of Waldur's pulls: SetObjects
// replaces what Waldur lists of its Neutron objects, SetLimits its marketplace limits. Tests of what
// reads a tenant again (a replica's drift) change the source through them.

// SetObjects makes o the tenant's objects, as Waldur lists them after pulling a tenant that changed:
// objects are known by kind and BackendID, and one that stays keeps its uuid and creation time (a rule
// that stays in its group, by content, keeps its id); a new one is registered, one left out is gone.
// References name objects of o by BackendID. It panics on objects that do not hold together, and then
// changes nothing. TenantObjects, changed, is the usual o.
func (s *Server) SetObjects(tenantUUID string, o Objects) Objects {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, _ := normUUID(tenantUUID)
	if s.st.tenants.get(id) == nil {
		panic(fmt.Sprintf("waldurtest: SetObjects: no tenant %s", tenantUUID))
	}
	keep, restore := s.st.takeObjects(id)
	out, err := s.st.register(id, o, keep)
	if err != nil {
		restore()
		must(err)
	}
	return out
}

// SetLimits sets the limits of a tenant's marketplace resource (nil: none).
func (s *Server) SetLimits(tenantUUID string, limits map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, _ := normUUID(tenantUUID)
	r := s.resourceOf(id)
	if r == nil {
		panic(fmt.Sprintf("waldurtest: SetLimits: tenant %s has no marketplace resource", tenantUUID))
	}
	r.limits, r.modified = maps.Clone(limits), s.st.now()
	if t := s.st.tenants.get(id); t != nil {
		t.Limits = maps.Clone(limits)
	}
}

// kept is what objects replaced by SetObjects keep: uuids by kind and backend id, creation times by
// uuid, and rule ids by group backend id and rule content (several for twins, taken in order).
type kept struct {
	uuids   map[string]string
	times   map[string]time.Time
	ruleIDs map[string][]int
}

// uuid is the uuid of the object of this kind and backend id that is kept, or a new one.
func (k *kept) uuid(kind, backendID string) string {
	if k != nil {
		if id, ok := k.uuids[kind+"/"+backendID]; ok {
			delete(k.uuids, kind+"/"+backendID)
			return id
		}
	}
	return newUUID()
}

// created is when the kept object uuid was made, or now for a new one.
func (k *kept) created(uuid string, now time.Time) time.Time {
	if k != nil {
		if t, ok := k.times[uuid]; ok {
			return t
		}
	}
	return now
}

// ruleID is the id of a rule of group that stays, or 0 for a new rule.
func (k *kept) ruleID(group string, r SecurityGroupRule) int {
	if k == nil {
		return 0
	}
	key := group + "/" + ruleKey(r)
	ids := k.ruleIDs[key]
	if len(ids) == 0 {
		return 0
	}
	k.ruleIDs[key] = ids[1:]
	return ids[0]
}

func ruleKey(r SecurityGroupRule) string {
	port := func(p *int) string {
		if p == nil {
			return "-"
		}
		return strconv.Itoa(*p)
	}
	return strings.Join([]string{r.Direction, r.Ethertype, r.Protocol, port(r.FromPort), port(r.ToPort), r.CIDR, r.RemoteGroupBackendID, r.Description}, "|")
}

// takeObjects removes a tenant's objects from the store and returns what they keep when registered
// again, and how to put them back as they were.
func (st *store) takeObjects(tenant string) (*kept, func()) {
	k := &kept{uuids: map[string]string{}, times: map[string]time.Time{}, ruleIDs: map[string][]int{}}
	var undo []func()
	take := func(kind, backendID, uuid string, created time.Time, del func(), add func()) {
		k.uuids[kind+"/"+backendID] = uuid
		k.times[uuid] = created
		del()
		undo = append(undo, add)
	}
	for _, n := range st.networks.all() {
		if n.TenantUUID == tenant {
			take("network", n.BackendID, n.UUID, n.created, func() { st.networks.del(n.UUID) }, func() { st.networks.add(n.UUID, n) })
		}
	}
	for _, n := range st.subnets.all() {
		if n.TenantUUID == tenant {
			take("subnet", n.BackendID, n.UUID, n.created, func() { st.subnets.del(n.UUID) }, func() { st.subnets.add(n.UUID, n) })
		}
	}
	for _, n := range st.routers.all() {
		if n.TenantUUID == tenant {
			take("router", n.BackendID, n.UUID, n.created, func() { st.routers.del(n.UUID) }, func() { st.routers.add(n.UUID, n) })
		}
	}
	for _, g := range st.sgs.all() {
		if g.TenantUUID == tenant {
			for i, r := range g.Rules {
				key := g.BackendID + "/" + ruleKey(r)
				k.ruleIDs[key] = append(k.ruleIDs[key], g.ruleIDs[i])
			}
			take("security_group", g.BackendID, g.UUID, g.created, func() { st.sgs.del(g.UUID) }, func() { st.sgs.add(g.UUID, g) })
		}
	}
	for _, n := range st.ports.all() {
		if n.TenantUUID == tenant {
			take("port", n.BackendID, n.UUID, n.created, func() { st.ports.del(n.UUID) }, func() { st.ports.add(n.UUID, n) })
		}
	}
	return k, func() {
		for _, f := range undo {
			f()
		}
	}
}
