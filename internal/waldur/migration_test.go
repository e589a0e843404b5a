package waldur

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// TestMigrationToOK is the whole happy path: create (the answer has no uuid), wait with backoff, read the
// result, find the Create order, list the new tenant's objects.
func TestMigrationToOK(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	ctx := context.Background()
	req := f.request()
	net := f.srvNetwork(t, "front")
	req.Mappings.Networks = []string{net}

	m, err := f.c.CreateMigration(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if m.UUID == "" || m.State != StateCreationScheduled {
		t.Fatalf("created: %+v", m)
	}
	if !SameUUID(m.SrcResourceUUID, f.src.ResourceUUID) || !SameUUID(m.DstOfferingUUID, f.dstOffering.UUID) || m.DstResourceUUID == "" {
		t.Errorf("created: %+v", m)
	}
	if m.Mappings.Networks != nil {
		t.Errorf("stored mappings must not contain networks: %+v", m.Mappings)
	}
	if len(m.Mappings.Subnets) != 1 || len(m.Mappings.VolumeTypes) != 2 || m.Mappings.SyncInstancePorts {
		t.Errorf("stored mappings: %+v", m.Mappings)
	}
	var states []State
	opts := fastWait
	opts.OnPoll = func(v any) {
		m, ok := v.(*Migration)
		if !ok {
			t.Errorf("OnPoll got a %T, want a *Migration", v)
			return
		}
		states = append(states, m.State)
	}
	done, err := WaitForMigration(ctx, f.c, m.UUID, opts)
	if err != nil {
		t.Fatal(err)
	}
	if done.State != StateOK || done.ErrorMessage != "" || done.DstResourceState != ResourceOK {
		t.Errorf("done: %+v", done)
	}
	if !slices.Contains(states, StateCreating) {
		t.Errorf("never saw CREATING: %v", states)
	}

	res, err := f.c.GetResource(ctx, done.DstResourceUUID)
	if err != nil {
		t.Fatal(err)
	}
	if res.State != ResourceOK || res.Name != "prod-copy" || !SameUUID(res.PlanUUID, f.dstPlan.UUID) {
		t.Errorf("destination resource: %+v", res)
	}
	// Waldur's limits: cores/ram/storage copied, per-type renamed through the map and summed.
	if res.Limits["gigabytes_fast"] != 400 || res.Limits["cores"] != 20 || res.Limits["gigabytes_ssd"] != 0 {
		t.Errorf("limits: %v", res.Limits)
	}
	orders, err := f.c.ListOrders(ctx, OrderFilter{ResourceUUID: done.DstResourceUUID})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 || orders[0].Type != OrderTypeCreate || orders[0].State != OrderDone || orders[0].CompletedAt == nil {
		t.Errorf("orders: %+v", orders)
	}

	tenant, err := f.c.GetTenant(ctx, res.ResourceUUID)
	if err != nil {
		t.Fatal(err)
	}
	if tenant.State != StateOK || tenant.BackendID == "" || tenant.UserPassword == "" || !SameUUID(tenant.MarketplaceResourceUUID, res.UUID) {
		t.Errorf("tenant: %+v", tenant)
	}
	if r, err := f.c.ResourceForTenant(ctx, tenant.UUID); err != nil || r.UUID != res.UUID {
		t.Errorf("ResourceForTenant: %v, %v", r, err)
	}
	// Only the selected network was copied, with its subnet remapped.
	nets, err := f.c.ListNetworks(ctx, TenantObjectFilter{TenantUUID: tenant.UUID})
	if err != nil || len(nets) != 1 || nets[0].Name != "front" {
		t.Fatalf("networks: %+v, %v", nets, err)
	}
	subs, err := f.c.ListSubnets(ctx, TenantObjectFilter{TenantUUID: tenant.UUID})
	if err != nil || len(subs) != 1 || subs[0].CIDR != "10.20.1.0/24" || *subs[0].GatewayIP != "10.20.1.1" {
		t.Fatalf("subnets: %+v, %v", subs, err)
	}
	if subs[0].NetworkUUID() != nets[0].UUID || subs[0].TenantUUID() != tenant.UUID {
		t.Errorf("subnet relations: %s %s", subs[0].NetworkUUID(), subs[0].TenantUUID())
	}
	groups, err := f.c.ListSecurityGroups(ctx, TenantObjectFilter{TenantUUID: tenant.UUID})
	if err != nil || len(groups) != 2 {
		t.Fatalf("groups: %+v, %v", groups, err)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	if r := groups[0].Rules[0]; groups[0].Name != "db" || r.RemoteGroupUUID != groups[1].UUID || *r.FromPort != 5432 {
		t.Errorf("remote group not mapped: %+v", groups[0].Rules)
	}
	if ports, err := f.c.ListPorts(ctx, TenantObjectFilter{TenantUUID: tenant.UUID}); err != nil || len(ports) != 0 {
		t.Errorf("ports copied without sync_instance_ports: %+v, %v", ports, err)
	}
	routers, err := f.c.ListRouters(ctx, TenantObjectFilter{TenantUUID: tenant.UUID})
	if err != nil || len(routers) != 1 || len(routers[0].FixedIPs) != 1 || routers[0].FixedIPs[0].IPAddress != "10.20.1.1" {
		t.Errorf("routers: %+v, %v", routers, err)
	}

	// Listing by destination finds it; deleting forgets it.
	if ms, err := f.c.ListMigrations(ctx, MigrationFilter{DstResourceUUID: done.DstResourceUUID}); err != nil || len(ms) != 1 {
		t.Errorf("by dst: %v, %v", ms, err)
	}
	if err := f.c.DeleteMigration(ctx, m.UUID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.GetMigration(ctx, m.UUID); !IsNotFound(err) {
		t.Errorf("after delete: %v", err)
	}
	if err := f.c.DeleteMigration(ctx, m.UUID); !IsNotFound(err) {
		t.Errorf("second delete: %v", err)
	}
}

func (f *fixture) srvNetwork(t *testing.T, name string) string {
	t.Helper()
	for _, n := range f.srcObjects.Networks {
		if n.Name == name {
			return n.UUID
		}
	}
	t.Fatalf("no network %q", name)
	return ""
}

func TestMigrationErred(t *testing.T) {
	f := newFixture(t, waldurtest.Options{
		Runner: func(ctx context.Context, req waldurtest.MigrationRequest) (waldurtest.RunResult, error) {
			if req.Source.BackendID == "" || req.Destination.Offering.Backend != "lab-b/RegionOne" || len(req.Mappings.VolumeTypes) != 2 {
				return waldurtest.RunResult{}, errors.New("bad request to the runner")
			}
			return waldurtest.RunResult{}, errors.New("Quota exceeded for resources: ['network']")
		},
	})
	ctx := context.Background()
	m, err := f.c.CreateMigration(ctx, f.request())
	if err != nil {
		t.Fatal(err)
	}
	done, err := WaitForMigration(ctx, f.c, m.UUID, fastWait)
	var erred *MigrationErredError
	if !errors.As(err, &erred) {
		t.Fatalf("want MigrationErredError, got %v", err)
	}
	if erred.Message != "Quota exceeded for resources: ['network']" || !strings.Contains(erred.Traceback, "Traceback") {
		t.Errorf("%+v", erred)
	}
	if done == nil || done.State != StateErred || done.DstResourceState != ResourceErred {
		t.Errorf("%+v", done)
	}
	if !strings.Contains(err.Error(), "Quota exceeded") {
		t.Errorf("message: %v", err)
	}
	orders, err := f.c.ListOrders(ctx, OrderFilter{ResourceUUID: done.DstResourceUUID, State: []string{"erred"}})
	if err != nil || len(orders) != 1 || orders[0].ErrorMessage != erred.Message {
		t.Errorf("orders: %+v, %v", orders, err)
	}
}

// TestCreateFindsNewest: without a uuid in the answer, the client lists by source and takes the one that
// is new since the POST (created by the token's user, of the request's offering and name), not an older
// migration of the same source.
func TestCreateFindsNewest(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	ctx := context.Background()
	var made []string
	for range 3 {
		before := f.requests.Load()
		m, err := f.c.CreateMigration(ctx, f.request())
		if err != nil {
			t.Fatal(err)
		}
		if n := f.requests.Load() - before; n != 4 {
			t.Errorf("%d requests: want the user, a list, the POST and one list", n)
		}
		made = append(made, m.UUID)
	}
	if len(made) != 3 || made[0] == made[1] || made[1] == made[2] {
		t.Fatalf("not distinct: %v", made)
	}
	ms, err := f.c.ListMigrations(ctx, MigrationFilter{SrcResourceUUID: f.src.ResourceUUID})
	if err != nil || len(ms) != 3 {
		t.Fatal(ms, err)
	}
	if n := NewestOf(ms); n.UUID != made[2] {
		t.Errorf("newest %s, want %s", n.UUID, made[2])
	}
	// Shuffled lists pick the same.
	slices.Reverse(ms)
	if n := NewestOf(ms); n.UUID != made[2] {
		t.Errorf("newest of reversed list %s", n.UUID)
	}
	if NewestOf(nil) != nil {
		t.Error("NewestOf(nil)")
	}
}

func TestCreateWithUUIDInAnswer(t *testing.T) {
	f := newFixture(t, waldurtest.Options{CreateResponseWithUUID: true})
	before := f.requests.Load()
	m, err := f.c.CreateMigration(context.Background(), f.request())
	if err != nil {
		t.Fatal(err)
	}
	if m.UUID == "" || m.State != StateCreationScheduled || f.requests.Load()-before != 3 {
		t.Errorf("%+v in %d requests", m, f.requests.Load()-before)
	}
}

// TestOldStateLabels runs against a server speaking the labels of Waldur before 2025.
func TestOldStateLabels(t *testing.T) {
	for _, old := range []bool{false, true} {
		f := newFixture(t, waldurtest.Options{OldStateLabels: old})
		ctx := context.Background()
		m, err := f.c.CreateMigration(ctx, f.request())
		if err != nil {
			t.Fatal(err)
		}
		raw := f.rawState(t, m.UUID)
		wantRaw := map[bool]string{false: "CREATION_SCHEDULED", true: "Creation Scheduled"}[old]
		if raw != wantRaw || m.State != StateCreationScheduled {
			t.Errorf("old=%v: raw %q, parsed %q", old, raw, m.State)
		}
		done, err := WaitForMigration(ctx, f.c, m.UUID, fastWait)
		if err != nil || done.State != StateOK {
			t.Fatalf("old=%v: %v %v", old, done, err)
		}
	}
	f := newFixture(t, waldurtest.Options{OldStateLabels: true, Runner: func(context.Context, waldurtest.MigrationRequest) (waldurtest.RunResult, error) {
		return waldurtest.RunResult{}, errors.New("no external network")
	}})
	m, err := f.c.CreateMigration(context.Background(), f.request())
	if err != nil {
		t.Fatal(err)
	}
	_, err = WaitForMigration(context.Background(), f.c, m.UUID, fastWait)
	if raw := f.rawState(t, m.UUID); raw != "Erred" {
		t.Errorf("raw %q", raw)
	}
	var erred *MigrationErredError
	if !errors.As(err, &erred) || erred.Message != "no external network" {
		t.Errorf("%v", err)
	}
}

// rawState reads a migration's state label as the server sends it.
func (f *fixture) rawState(t *testing.T, id string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.srv.APIURL()+"openstack-migrations/"+id+"/", nil)
	req.Header.Set("Authorization", "Token "+f.srv.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		State string `json:"state"`
	}
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err, string(b))
	}
	return body.State
}

func TestWaitCancelled(t *testing.T) {
	f := newFixture(t, waldurtest.Options{StepDuration: time.Hour})
	m, err := f.c.CreateMigration(context.Background(), f.request())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Millisecond)
	defer cancel()
	last, err := WaitForMigration(ctx, f.c, m.UUID, fastWait)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
	if last == nil || last.State != StateCreationScheduled {
		t.Errorf("last read: %+v", last)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := f.c.GetMigration(ctx, m.UUID); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestTerminate(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	ctx := context.Background()
	m, err := f.c.CreateMigration(ctx, f.request())
	if err != nil {
		t.Fatal(err)
	}
	// Terminating while the migration still runs is refused: the resource is not OK or Erred yet.
	if _, err := f.c.TerminateResource(ctx, m.DstResourceUUID, nil); !IsConflict(err) {
		t.Errorf("terminate while creating: %v", err)
	}
	done, err := WaitForMigration(ctx, f.c, m.UUID, fastWait)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := f.c.GetResource(ctx, done.DstResourceUUID)
	orderUUID, err := f.c.TerminateResource(ctx, done.DstResourceUUID, map[string]any{"action": "force_destroy"})
	if err != nil {
		t.Fatal(err)
	}
	mid, err := f.c.GetResource(ctx, done.DstResourceUUID)
	if err != nil || mid.State != ResourceTerminating {
		t.Errorf("while terminating: %+v %v", mid, err)
	}
	o, err := WaitForOrder(ctx, f.c, orderUUID, fastWait)
	if err != nil {
		t.Fatal(err)
	}
	if o.State != OrderDone || o.Type != OrderTypeTerminate || !SameUUID(o.MarketplaceResourceUUID, done.DstResourceUUID) {
		t.Errorf("order: %+v", o)
	}
	after, err := f.c.GetResource(ctx, done.DstResourceUUID)
	if err != nil || after.State != ResourceTerminated {
		t.Errorf("after: %+v %v", after, err)
	}
	if _, err := f.c.GetTenant(ctx, res.ResourceUUID); !IsNotFound(err) {
		t.Errorf("tenant after termination: %v", err)
	}
	if _, err := f.c.TerminateResource(ctx, done.DstResourceUUID, nil); !IsConflict(err) {
		t.Errorf("second terminate: %v", err)
	}
	if _, err := f.c.TerminateResource(ctx, "0123456789abcdef0123456789abcdef", nil); !IsNotFound(err) {
		t.Errorf("unknown resource: %v", err)
	}
}

func TestTerminateFails(t *testing.T) {
	f := newFixture(t, waldurtest.Options{Terminator: func(ctx context.Context, ten waldurtest.TenantInfo) error {
		return errors.New("project " + ten.BackendID + " is locked")
	}})
	ctx := context.Background()
	id, err := f.c.TerminateResource(ctx, f.src.ResourceUUID, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = WaitForOrder(ctx, f.c, id, fastWait)
	var failed *OrderFailedError
	if !errors.As(err, &failed) || failed.State != OrderErred || !strings.Contains(failed.Message, f.src.BackendID) {
		t.Fatalf("%v", err)
	}
	if r, _ := f.c.GetResource(ctx, f.src.ResourceUUID); r.State != ResourceErred {
		t.Errorf("resource %+v", r)
	}
}

func TestVisibility(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	other := f.srv.AddUser(waldurtest.User{Token: "other-token", MayOrderWithoutReview: true})
	staff := f.srv.AddUser(waldurtest.User{Token: "staff-token", Staff: true})
	ctx := context.Background()
	m, err := f.c.CreateMigration(ctx, f.request())
	if err != nil {
		t.Fatal(err)
	}
	oc := f.client(t, other.Token)
	if _, err := oc.GetMigration(ctx, m.UUID); !IsNotFound(err) {
		t.Errorf("other user: %v", err)
	}
	if ms, err := oc.ListMigrations(ctx, MigrationFilter{}); err != nil || len(ms) != 0 {
		t.Errorf("other user lists %v, %v", ms, err)
	}
	if ms, err := f.client(t, staff.Token).ListMigrations(ctx, MigrationFilter{}); err != nil || len(ms) != 1 {
		t.Errorf("staff lists %v, %v", ms, err)
	}
}

func TestReads(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	ctx := context.Background()
	c := f.c

	offs, err := c.ListOfferings(ctx, OfferingFilter{Type: OfferingTypeTenant, Name: "destination"})
	if err != nil || len(offs) != 1 || offs[0].UUID != f.dstOffering.UUID || offs[0].ScopeUUID != f.dstOffering.ScopeUUID {
		t.Fatalf("%+v %v", offs, err)
	}
	if len(offs[0].Plans) != 2 || offs[0].PluginOptions.StorageMode != "dynamic" {
		t.Errorf("offering %+v", offs[0])
	}
	if offs, err := c.ListOfferings(ctx, OfferingFilter{ScopeUUID: f.srcOffering.ScopeUUID}); err != nil || len(offs) != 1 {
		t.Errorf("by scope: %v %v", offs, err)
	}
	if _, err := c.ListOfferings(ctx, OfferingFilter{ScopeUUID: "nope"}); !IsBadRequest(err) {
		t.Errorf("malformed uuid filter: %v", err)
	}
	plans, err := c.ListOfferingPlans(ctx, f.dstOffering.UUID)
	if err != nil || len(plans) != 2 {
		t.Fatalf("%+v %v", plans, err)
	}
	for _, p := range plans {
		if p.UUID == f.fullPlan.UUID && (p.IsActive || p.MaxAmount == nil || *p.MaxAmount != 1 || p.ResourcesCount != 1) {
			t.Errorf("full plan %+v", p)
		}
		if p.UUID == f.dstPlan.UUID && (!p.IsActive || p.MaxAmount != nil) {
			t.Errorf("plan %+v", p)
		}
	}
	if p, err := c.GetOfferingPlan(ctx, f.dstOffering.UUID, f.dstPlan.UUID); err != nil || p.Name != "dst" {
		t.Errorf("%+v %v", p, err)
	}
	if _, err := c.GetOfferingPlan(ctx, f.srcOffering.UUID, f.dstPlan.UUID); !IsNotFound(err) {
		t.Errorf("plan of another offering: %v", err)
	}
	if o, err := c.GetOffering(ctx, f.srcOffering.UUID); err != nil || o.Name != "Source cloud" {
		t.Errorf("%+v %v", o, err)
	}
	if _, err := c.GetOffering(ctx, "0123456789abcdef0123456789abcdef"); !IsNotFound(err) {
		t.Errorf("unknown offering: %v", err)
	}

	inTenant, err := c.ListVolumeTypes(ctx, VolumeTypeFilter{TenantUUID: f.src.UUID})
	if err != nil || len(inTenant) != 2 {
		t.Errorf("tenant types %+v %v", inTenant, err)
	}
	bySettings, err := c.ListVolumeTypes(ctx, VolumeTypeFilter{SettingsUUID: f.srcOffering.ScopeUUID, NameExact: "archive"})
	if err != nil || len(bySettings) != 1 || bySettings[0].SettingsUUID() != f.srcOffering.ScopeUUID {
		t.Errorf("settings types %+v %v", bySettings, err)
	}
	if vt, err := c.GetVolumeType(ctx, f.fast.UUID); err != nil || vt.Name != "fast" {
		t.Errorf("%+v %v", vt, err)
	}

	tenants, err := c.ListTenants(ctx, TenantFilter{NameExact: "prod", ServiceSettingsUUID: f.srcOffering.ScopeUUID})
	if err != nil || len(tenants) != 1 || tenants[0].BackendID != f.src.BackendID || tenants[0].State != StateOK {
		t.Fatalf("%+v %v", tenants, err)
	}
	quotas := map[string]int{}
	for _, q := range tenants[0].Quotas {
		quotas[q.Name] = q.Limit
	}
	if quotas["instances"] != 10 {
		t.Errorf("quotas %v", quotas)
	}
	res, err := c.ListResources(ctx, ResourceFilter{OfferingUUID: f.srcOffering.UUID, ResourceUUID: f.src.UUID})
	if err != nil || len(res) != 1 || res[0].UUID != f.src.ResourceUUID || res[0].Limits["cores"] != 20 {
		t.Errorf("resources %+v %v", res, err)
	}
	ports, err := c.ListPorts(ctx, TenantObjectFilter{TenantUUID: f.src.UUID})
	if err != nil || len(ports) != 1 {
		t.Fatalf("%+v %v", ports, err)
	}
	p := ports[0]
	if p.BackendID != "port-vm" || p.MACAddress != "fa:16:3e:00:00:01" || len(p.FixedIPs) != 1 || p.FixedIPs[0].SubnetID != "sub-a" ||
		len(p.SecurityGroups) != 1 || p.SecurityGroups[0].Name != "web" || *p.DeviceOwner != "compute:nova" || p.NetworkUUID != f.srvNetwork(t, "front") {
		t.Errorf("port %+v", p)
	}
	subs, err := c.ListSubnets(ctx, TenantObjectFilter{NetworkUUID: f.srvNetwork(t, "back")})
	if err != nil || len(subs) != 1 || subs[0].CIDR != "10.0.5.0/24" {
		t.Errorf("%+v %v", subs, err)
	}
	routers, err := c.ListRouters(ctx, TenantObjectFilter{TenantUUID: f.src.UUID})
	if err != nil || len(routers) != 1 || len(routers[0].Routes) != 2 || len(routers[0].Ports) != 2 || routers[0].Ports[0].SubnetCIDR != "192.168.1.0/24" {
		t.Errorf("%+v %v", routers, err)
	}
	nets, err := c.ListNetworks(ctx, TenantObjectFilter{TenantUUID: f.src.UUID, BackendID: "net-b"})
	if err != nil || len(nets) != 1 || len(nets[0].Subnets) != 1 || nets[0].Subnets[0].CIDR != "10.0.5.0/24" {
		t.Errorf("%+v %v", nets, err)
	}
	if n, err := c.GetNetwork(ctx, nets[0].UUID); err != nil || n.Name != "back" {
		t.Errorf("%+v %v", n, err)
	}
	if _, err := c.GetSubnet(ctx, nets[0].UUID); !IsNotFound(err) {
		t.Errorf("a network's uuid as a subnet: %v", err)
	}
	if _, err := c.GetTenant(ctx, ""); err == nil || StatusCode(err) != 0 {
		t.Errorf("empty uuid must fail before any request: %v", err)
	}
}
