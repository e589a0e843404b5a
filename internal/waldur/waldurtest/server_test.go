package waldurtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// call sends a raw request and returns the status, headers and decoded JSON body (nil if not JSON).
func call(t *testing.T, s *Server, method, path, token, body string) (int, http.Header, any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	var v any
	if json.Unmarshal(b, &v) != nil {
		v = nil
	}
	return resp.StatusCode, resp.Header, v
}

// jsonLen is the length of the JSON list v, or -1 when v is not a list.
func jsonLen(v any) int {
	if l, ok := v.([]any); ok {
		return len(l)
	}
	return -1
}

// jsonList returns the JSON list v, and fails the test when v is not one.
func jsonList(t *testing.T, v any) []any {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("got %T %v, want a JSON list", v, v)
	}
	return l
}

// jsonFirst returns the first element of the JSON list v, and fails the test when v is not a list or is empty.
func jsonFirst(t *testing.T, v any) any {
	t.Helper()
	l := jsonList(t, v)
	if len(l) == 0 {
		t.Fatal("got an empty JSON list, want an element")
	}
	return l[0]
}

// jsonObject returns the JSON object v, and fails the test when v is not one.
func jsonObject(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("got %T %v, want a JSON object", v, v)
	}
	return m
}

// jsonString returns the JSON string v, and fails the test when v is not one.
func jsonString(t *testing.T, v any) string {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("got %T %v, want a JSON string", v, v)
	}
	return s
}

func jsonEqual(t *testing.T, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, w) {
		g, _ := json.Marshal(got)
		t.Errorf("got  %s\nwant %s", g, want)
	}
}

func TestAuth(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	code, h, body := call(t, s, "GET", "/api/openstack-migrations/", "", "")
	if code != 401 || h.Get("WWW-Authenticate") != "Token" {
		t.Errorf("%d %v", code, h)
	}
	jsonEqual(t, body, `{"detail": "Authentication credentials were not provided."}`)
	code, _, body = call(t, s, "GET", "/api/openstack-migrations/", "wrong", "")
	if code != 401 {
		t.Errorf("%d", code)
	}
	jsonEqual(t, body, `{"detail": "Invalid token."}`)
	if code, _, _ := call(t, s, "GET", "/api/openstack-migrations/", s.Token, ""); code != 200 {
		t.Errorf("%d", code)
	}
	// No trailing slash: Django's 404 page.
	if code, _, body := call(t, s, "GET", "/api/openstack-migrations", s.Token, ""); code != 404 || body != nil {
		t.Errorf("%d %v", code, body)
	}
}

func TestPaginationHeaders(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	for i := range 25 {
		s.AddOffering(Offering{Name: fmt.Sprintf("o%02d", i)})
	}
	s.AddOffering(Offering{Name: "draft", State: "Draft"})

	code, h, body := call(t, s, "GET", "/api/marketplace-public-offerings/?type=OpenStack.Tenant", s.Token, "")
	if code != 200 || h.Get("X-Result-Count") != "25" || jsonLen(body) != 10 {
		t.Fatalf("%d %v %d", code, h, jsonLen(body))
	}
	link := h.Get("Link")
	base := s.URL + "/api/marketplace-public-offerings/"
	want := fmt.Sprintf(`<%s?type=OpenStack.Tenant>; rel="first", <%s?page=2&type=OpenStack.Tenant>; rel="next", <%s?page=3&type=OpenStack.Tenant>; rel="last"`, base, base, base)
	if link != want {
		t.Errorf("Link\n%s\nwant\n%s", link, want)
	}
	code, h, body = call(t, s, "GET", "/api/marketplace-public-offerings/?page=3&page_size=10", s.Token, "")
	if code != 200 || jsonLen(body) != 5 || strings.Contains(h.Get("Link"), `rel="next"`) || !strings.Contains(h.Get("Link"), `rel="prev"`) {
		t.Errorf("last page: %d %v", code, h)
	}
	code, _, body = call(t, s, "GET", "/api/marketplace-public-offerings/?page=4", s.Token, "")
	if code != 404 {
		t.Errorf("%d", code)
	}
	jsonEqual(t, body, `{"detail": "Invalid page."}`)
	if _, _, body := call(t, s, "GET", "/api/marketplace-public-offerings/?page_size=1000", s.Token, ""); jsonLen(body) != 25 {
		t.Errorf("page_size over the maximum")
	}
	code, h, body = call(t, s, "HEAD", "/api/marketplace-public-offerings/", s.Token, "")
	if code != 200 || h.Get("X-Result-Count") != "25" || body != nil {
		t.Errorf("HEAD: %d %v", code, h)
	}
	for i := range 301 {
		s.AddOffering(Offering{Name: fmt.Sprintf("p%03d", i)})
	}
	if _, h, body := call(t, s, "GET", "/api/marketplace-public-offerings/?page_size=300", s.Token, ""); jsonLen(body) != 300 || h.Get("X-Result-Count") != "326" {
		t.Errorf("max page")
	}
	// Draft offerings are not public.
	if _, _, body := call(t, s, "GET", "/api/marketplace-public-offerings/?name_exact=draft", s.Token, ""); jsonLen(body) != 0 {
		t.Error("a draft offering is listed")
	}
	code, _, body = call(t, s, "GET", "/api/openstack-tenants/?service_settings_uuid=zzz", s.Token, "")
	if code != 400 {
		t.Errorf("%d", code)
	}
	jsonEqual(t, body, `{"service_settings_uuid": ["Enter a valid UUID."]}`)
}

type seeded struct {
	s                *Server
	src              Tenant
	dstOff           Offering
	dstPlan          Plan
	srcType, dstType VolumeType
}

func seed(t *testing.T, opts Options) seeded {
	if opts.StepDuration == 0 {
		opts.StepDuration = 5 * time.Millisecond
	}
	s := New(opts)
	t.Cleanup(s.Close)
	srcOff := s.AddOffering(Offering{Name: "a"})
	dstOff := s.AddOffering(Offering{Name: "b"})
	srcPlan := s.AddPlan(Plan{OfferingUUID: srcOff.UUID})
	dstPlan := s.AddPlan(Plan{OfferingUUID: dstOff.UUID})
	srcType := s.AddVolumeType(VolumeType{SettingsUUID: srcOff.ScopeUUID, Name: "ssd"})
	dstType := s.AddVolumeType(VolumeType{SettingsUUID: dstOff.ScopeUUID, Name: "fast"})
	src := s.AddTenant(Tenant{OfferingUUID: srcOff.UUID, PlanUUID: srcPlan.UUID, Name: "src", Limits: map[string]int{"cores": 4, "gigabytes_ssd": 10, "gigabytes_old": 5}})
	return seeded{s: s, src: src, dstOff: dstOff, dstPlan: dstPlan, srcType: srcType, dstType: dstType}
}

func (d seeded) body(mappings string) string {
	b := fmt.Sprintf(`{"src_resource": %q, "dst_offering": %q, "dst_plan": %q`, d.src.ResourceUUID, d.dstOff.UUID, d.dstPlan.UUID)
	if mappings != "" {
		b += `, "mappings": ` + mappings
	}
	return b + "}"
}

func TestCreateBodies(t *testing.T) {
	d := seed(t, Options{})
	s := d.s
	cases := []struct {
		name, body string
		status     int
		want       string
	}{
		{"not JSON", `{"src_resource":`, 400, ``},
		{"not an object", `[1]`, 400, `{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}`},
		{"everything missing", `{}`, 400, `{"src_resource": ["This field is required."], "dst_offering": ["This field is required."], "dst_plan": ["This field is required."]}`},
		{"mappings not an object", d.body(`"x"`), 400, `{"mappings": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}}`},
		{"subnets not a list", d.body(`{"subnets": {}}`), 400, `{"mappings": {"subnets": {"non_field_errors": ["Expected a list of items but got type \"dict\"."]}}}`},
		{"subnet item errors", d.body(`{"subnets": [{"src_cidr": "10.0.0.0/24", "dst_cidr": "10.1.0.0/24"}, {"src_cidr": ""}]}`), 400,
			`{"mappings": {"subnets": [{}, {"src_cidr": ["This field may not be blank."], "dst_cidr": ["This field is required."]}]}}`},
		{"bad boolean", d.body(`{"sync_instance_ports": "maybe"}`), 400, `{"mappings": {"sync_instance_ports": ["Must be a valid boolean."]}}`},
		{"networks not a list", d.body(`{"networks": "abc"}`), 400, `{"mappings": {"networks": ["Expected a list of items but got type \"str\"."]}}`},
		{"bad network uuid", d.body(`{"networks": ["abc"]}`), 400, `{"mappings": {"networks": ["“abc” is not a valid UUID."]}}`},
		{"ok, with string booleans and an empty subnets list", d.body(fmt.Sprintf(`{"volume_types": [{"src_type_uuid": %q, "dst_type_uuid": %q}], "sync_instance_ports": "true", "subnets": []}`, d.srcType.UUID, d.dstType.UUID)), 201,
			fmt.Sprintf(`{"src_resource": %q, "mappings": {"volume_types": [{"src_type_uuid": %q, "dst_type_uuid": %q}], "subnets": [], "skip_connection_extnet": false, "sync_instance_ports": true}}`,
				d.src.ResourceUUID, dashed(d.srcType.UUID), dashed(d.dstType.UUID))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := call(t, s, "POST", "/api/openstack-migrations/", s.Token, tc.body)
			if code != tc.status {
				t.Fatalf("%d %v", code, body)
			}
			if tc.want != "" {
				jsonEqual(t, body, tc.want)
			}
		})
	}
	req, _ := http.NewRequest("POST", s.APIURL()+"openstack-migrations/", strings.NewReader(d.body("")))
	req.Header.Set("Authorization", "Token "+s.Token)
	req.Header.Set("Content-Type", "text/plain")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 415 {
		t.Errorf("text/plain: %v %v", resp, err)
	}
}

// TestStateMachine watches a migration go through its states, takes its time, and records the order.
func TestStateMachine(t *testing.T) {
	var calls atomic.Int32
	var got MigrationRequest
	d := seed(t, Options{StepDuration: 60 * time.Millisecond, CreateResponseWithUUID: true,
		Runner: func(ctx context.Context, req MigrationRequest) (RunResult, error) {
			calls.Add(1)
			got = req
			return FabricatingRunner(ctx, req)
		}})
	s := d.s
	start := time.Now()
	_, _, body := call(t, s, "POST", "/api/openstack-migrations/", s.Token,
		d.body(fmt.Sprintf(`{"volume_types": [{"src_type_uuid": %q, "dst_type_uuid": %q}]}`, d.srcType.UUID, d.dstType.UUID)))
	m := jsonObject(t, body)
	if m["state"] != "CREATION_SCHEDULED" || m["dst_resource_state"] != "Creating" {
		t.Fatalf("%v", m)
	}
	id := jsonString(t, m["uuid"])
	seen := map[string]bool{}
	for time.Since(start) < 5*time.Second {
		_, _, body := call(t, s, "GET", "/api/openstack-migrations/"+id+"/", s.Token, "")
		m = jsonObject(t, body)
		seen[jsonString(t, m["state"])] = true
		if m["state"] == "OK" {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !seen["CREATION_SCHEDULED"] || !seen["CREATING"] || !seen["OK"] {
		t.Errorf("states seen: %v", seen)
	}
	if d := time.Since(start); d < 120*time.Millisecond {
		t.Errorf("done after %v: the steps should take time", d)
	}
	if calls.Load() != 1 || got.Source.UUID != d.src.UUID || got.Destination.Offering.UUID != d.dstOff.UUID || got.Destination.BackendID != "" {
		t.Errorf("runner request %+v", got)
	}
	// Waldur's limits: ram/cores/storage copied, per-type renamed (ssd→fast), unmapped ones passed through.
	_, _, body = call(t, s, "GET", "/api/marketplace-resources/"+jsonString(t, m["dst_resource_uuid"])+"/", s.Token, "")
	jsonEqual(t, jsonObject(t, body)["limits"], `{"cores": 4, "gigabytes_fast": 10, "gigabytes_old": 5}`)
	_, _, body = call(t, s, "GET", "/api/marketplace-orders/?resource_uuid="+jsonString(t, m["dst_resource_uuid"]), s.Token, "")
	orders := jsonList(t, body)
	if len(orders) != 1 || jsonObject(t, orders[0])["state"] != "done" || jsonObject(t, orders[0])["type"] != "Create" {
		t.Errorf("orders %v", orders)
	}
}

func TestFabricatingRunnerPorts(t *testing.T) {
	d := seed(t, Options{})
	s := d.s
	objs := s.AddObjects(d.src.UUID, Objects{
		Networks: []Network{{BackendID: "n1", Name: "n1"}, {BackendID: "n2", Name: "n2"}},
		Subnets:  []Subnet{{BackendID: "s1", NetworkBackendID: "n1", CIDR: "10.0.0.0/24"}, {BackendID: "s2", NetworkBackendID: "n2", CIDR: "10.0.1.0/24"}},
		Ports: []Port{
			{NetworkBackendID: "n1", Name: "vm", DeviceOwner: "compute:nova", FixedIPs: []FixedIP{{IPAddress: "10.0.0.5", SubnetBackendID: "s1"}}},
			{NetworkBackendID: "n1", Name: "dhcp", DeviceOwner: "network:dhcp"},
			{NetworkBackendID: "n2", Name: "other-net"},
		},
	})
	code, _, body := call(t, s, "POST", "/api/openstack-migrations/", s.Token,
		d.body(fmt.Sprintf(`{"sync_instance_ports": true, "networks": [%q]}`, objs.Networks[0].UUID)))
	if code != 201 {
		t.Fatal(body)
	}
	if _, ok := jsonObject(t, jsonObject(t, body)["mappings"])["networks"]; ok {
		t.Error("stored mappings contain networks")
	}
	var dst string
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(5 * time.Millisecond) {
		_, _, list := call(t, s, "GET", "/api/openstack-migrations/", s.Token, "")
		m := jsonObject(t, jsonFirst(t, list))
		if m["state"] == "OK" {
			_, _, r := call(t, s, "GET", "/api/marketplace-resources/"+jsonString(t, m["dst_resource_uuid"])+"/", s.Token, "")
			dst = jsonString(t, jsonObject(t, r)["resource_uuid"])
			break
		}
	}
	o := s.TenantObjects(dst)
	if len(o.Networks) != 1 || len(o.Subnets) != 1 || len(o.Ports) != 1 || o.Ports[0].Name != "vm" || o.Ports[0].FixedIPs[0].IPAddress != "10.0.0.5" {
		t.Errorf("%+v", o)
	}
	if ten, ok := s.Tenant(dst); !ok || ten.BackendID == "" {
		t.Errorf("destination tenant %+v", ten)
	}
}

func TestCloseStopsRunner(t *testing.T) {
	started := make(chan struct{})
	d := seed(t, Options{Runner: func(ctx context.Context, _ MigrationRequest) (RunResult, error) {
		close(started)
		<-ctx.Done()
		return RunResult{}, ctx.Err()
	}})
	if code, _, body := call(t, d.s, "POST", "/api/openstack-migrations/", d.s.Token, d.body("")); code != 201 {
		t.Fatal(body)
	}
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("runner never started")
	}
	done := make(chan struct{})
	go func() { d.s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
}

func TestPrivateSubnetCIDR(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.0/24": "", "10.0.0.1/24": MsgInvalidIPv4, "10.0.0.0/16": MsgPrefixNot24, "100.64.0.0/24": MsgNotPrivate,
		"192.168.1.0/255.255.255.0": "", "x": MsgInvalidIPv4,
		// Python's ipaddress also takes a hostmask and a prefix length with leading zeros; it refuses a
		// sign, a mask with a hole, a length over 32 and an empty one.
		"192.168.1.0/0.0.0.255": "", "192.168.1.0/024": "", "192.168.1.0/+24": MsgInvalidIPv4,
		"192.168.1.0/255.0.255.0": MsgInvalidIPv4, "192.168.1.0/33": MsgInvalidIPv4, "192.168.1.0/": MsgInvalidIPv4,
		"192.168.1.0": MsgPrefixNot24, "192.168.0.0/255.255.0.0": MsgPrefixNot24,
	} {
		if got := privateSubnetCIDR(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestSeedingErrors(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	mustPanic("plan of unknown offering", func() { s.AddPlan(Plan{OfferingUUID: "0123456789abcdef0123456789abcdef"}) })
	off := s.AddOffering(Offering{Name: "x"})
	ten := s.AddTenant(Tenant{OfferingUUID: off.UUID, Name: "t"})
	mustPanic("subnet of unknown network", func() { s.AddSubnet(ten.UUID, Subnet{NetworkBackendID: "nope", CIDR: "10.0.0.0/24"}) })
	mustPanic("duplicate token", func() { s.AddUser(User{Token: s.Token}) })
}
