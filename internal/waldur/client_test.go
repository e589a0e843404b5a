package waldur

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

func TestNormalizeEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"https://waldur.example.com":          "https://waldur.example.com/api/",
		"https://waldur.example.com/":         "https://waldur.example.com/api/",
		"https://waldur.example.com/api":      "https://waldur.example.com/api/",
		"https://waldur.example.com/api/":     "https://waldur.example.com/api/",
		" https://waldur.example.com/api// ":  "https://waldur.example.com/api/",
		"http://10.0.0.1:8000/waldur/api/":    "http://10.0.0.1:8000/waldur/api/",
		"http://10.0.0.1:8000/waldur":         "http://10.0.0.1:8000/waldur/api/",
		"https://waldur.example.com/api/v1/x": "https://waldur.example.com/api/v1/x/api/",
	} {
		u, err := NormalizeEndpoint(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if u.String() != want {
			t.Errorf("%q: got %q, want %q", in, u, want)
		}
	}
	for _, bad := range []string{"", "waldur.example.com", "ftp://w/api/", "https:///api/", "https://w/api/?x=1"} {
		if _, err := NormalizeEndpoint(bad); err == nil {
			t.Errorf("%q: expected an error", bad)
		}
	}
	if _, err := New("https://w", " "); err == nil {
		t.Error("an empty token must be refused")
	}
}

func TestAuthFailure(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	c := f.client(t, "not-the-token")
	_, err := c.ListOfferings(context.Background(), OfferingFilter{})
	if !IsUnauthorized(err) {
		t.Fatalf("want 401, got %v", err)
	}
	ae, _ := AsAPIError(err)
	if ae.Detail != "Invalid token." {
		t.Errorf("detail %q", ae.Detail)
	}
	if !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "token") {
		t.Errorf("the message should say what is wrong: %v", err)
	}
	// 401 is not retried.
	if n := f.requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if _, err := c.GetMigration(context.Background(), "0123456789abcdef0123456789abcdef"); !IsUnauthorized(err) || IsNotFound(err) {
		t.Errorf("want 401, got %v", err)
	}
}

// TestCreateValidation sends one request per rule of Waldur's and checks it comes back as a typed error
// on the right field.
func TestCreateValidation(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	noReview := f.srv.AddUser(waldurtest.User{Token: "reviewed-token", FullName: "Needs Review", Projects: []string{f.src.ProjectUUID}})
	unknown := "0123456789abcdef0123456789abcdef"

	type check func(t *testing.T, ae *APIError)
	field := func(key, msg string) check {
		return func(t *testing.T, ae *APIError) {
			t.Helper()
			if got := ae.Fields[key]; len(got) != 1 || got[0] != msg {
				t.Errorf("Fields[%q] = %q, want [%q]; all: %v", key, got, msg, ae.Fields)
			}
		}
	}
	nonField := func(msg string) check {
		return func(t *testing.T, ae *APIError) {
			t.Helper()
			if len(ae.NonField) != 1 || ae.NonField[0] != msg {
				t.Errorf("NonField = %q, want [%q]; fields %v", ae.NonField, msg, ae.Fields)
			}
		}
	}
	cases := []struct {
		name   string
		token  string
		edit   func(*MigrationCreateRequest)
		status int
		check  check
	}{
		{"unknown source", "", func(r *MigrationCreateRequest) { r.SrcResource = unknown }, 400,
			field("src_resource", "Object with uuid="+unknown+" does not exist.")},
		{"malformed source", "", func(r *MigrationCreateRequest) { r.SrcResource = "not-a-uuid" }, 400,
			field("src_resource", "“not-a-uuid” is not a valid UUID.")},
		{"missing plan", "", func(r *MigrationCreateRequest) { r.DstPlan = "" }, 400,
			field("dst_plan", "This field is required.")},
		{"source tenant (not its resource) given", "", func(r *MigrationCreateRequest) { r.SrcResource = f.src.UUID }, 400,
			field("src_resource", "Object with uuid="+f.src.UUID+" does not exist.")},
		{"dst CIDR not valid", "", func(r *MigrationCreateRequest) { r.Mappings.Subnets[0].DstCIDR = "10.20.1.1/24" }, 400,
			field("mappings.subnets.0.dst_cidr", MsgInvalidIPv4)},
		{"dst CIDR not /24", "", func(r *MigrationCreateRequest) { r.Mappings.Subnets[0].DstCIDR = "10.20.0.0/16" }, 400,
			field("mappings.subnets.0.dst_cidr", MsgPrefixNot24)},
		{"src CIDR not private", "", func(r *MigrationCreateRequest) {
			r.Mappings.Subnets = append(r.Mappings.Subnets, SubnetMapping{SrcCIDR: "8.8.8.0/24", DstCIDR: "10.20.2.0/24"})
		}, 400, field("mappings.subnets.1.src_cidr", MsgNotPrivate)},
		{"volume type uuid malformed", "", func(r *MigrationCreateRequest) { r.Mappings.VolumeTypes[1].DstTypeUUID = "fast" }, 400,
			field("mappings.volume_types.1.dst_type_uuid", "Must be a valid UUID.")},
		{"unknown network", "", func(r *MigrationCreateRequest) { r.Mappings.Networks = []string{unknown} }, 400,
			field("mappings.networks", "Object with uuid="+unknown+" does not exist.")},
		{"source without limits", "", func(r *MigrationCreateRequest) { r.SrcResource = f.bare.ResourceUUID }, 400,
			nonField(waldurtest.MsgNoLimits)},
		{"plan of another offering", "", func(r *MigrationCreateRequest) { r.DstPlan = f.otherPlan.UUID }, 400,
			field("dst_plan", "This plan is not available for selected offering.")},
		{"plan at max amount", "", func(r *MigrationCreateRequest) { r.DstPlan = f.fullPlan.UUID }, 400,
			field("plan", "Plan is not available because limit has been reached.")},
		{"user needs review", noReview.Token, nil, 400,
			nonField("User does not have enough permissions to migrate resource.")},
		{"sync ports with subnets", "", func(r *MigrationCreateRequest) { r.Mappings.SyncInstancePorts = true }, 400,
			nonField(MsgSyncPortsWithSubnets)},
		{"source type not in tenant", "", func(r *MigrationCreateRequest) { r.Mappings.VolumeTypes[0].SrcTypeUUID = f.unusedSrcType.UUID }, 400,
			nonField(waldurtest.MsgSrcTypeNotInTenant)},
		{"destination type not in offering", "", func(r *MigrationCreateRequest) { r.Mappings.VolumeTypes[0].DstTypeUUID = f.slow.UUID }, 400,
			nonField(fmt.Sprintf("Invalid dst_type_uuid %s as it is not available in service settings.", dashedUUID(f.slow.UUID)))},
		{"unknown volume type: Waldur's 500", "", func(r *MigrationCreateRequest) { r.Mappings.VolumeTypes[0].DstTypeUUID = unknown }, 500,
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := f.c
			if tc.token != "" {
				c = f.client(t, tc.token)
			}
			req := f.request()
			if tc.edit != nil {
				tc.edit(&req)
			}
			before := f.requests.Load()
			_, err := c.CreateMigration(context.Background(), req)
			ae, ok := AsAPIError(err)
			if !ok || ae.Status != tc.status {
				t.Fatalf("want HTTP %d, got %v", tc.status, err)
			}
			// The token's user and the source's migrations are read first; a POST Waldur rejected is
			// not retried, and after a 500, whose outcome is unknown, the migrations are listed again.
			want := int64(3)
			if !IsUUID(req.SrcResource) {
				want = 2 // no source to list
			}
			if IsAmbiguous(err) {
				want = 4
			}
			if n := f.requests.Load() - before; n != want {
				t.Errorf("%d requests, want %d: a rejected POST must not be retried", n, want)
			}
			if tc.check != nil {
				tc.check(t, ae)
			}
		})
	}
	// Nothing was created by any of them.
	if ms, err := f.c.ListMigrations(context.Background(), MigrationFilter{}); err != nil || len(ms) != 0 {
		t.Errorf("migrations after rejected creates: %v, %v", ms, err)
	}
}

func dashedUUID(u string) string {
	return u[0:8] + "-" + u[8:12] + "-" + u[12:16] + "-" + u[16:20] + "-" + u[20:]
}

func TestFieldErrorsAllAtOnce(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	req := f.request()
	req.SrcResource = ""
	req.Mappings.Subnets = []SubnetMapping{{SrcCIDR: "192.168.1.0/24", DstCIDR: "10.20.1.0/24"}, {SrcCIDR: "bogus", DstCIDR: "10.0.0.0/8"}}
	_, err := f.c.CreateMigration(context.Background(), req)
	ae, ok := AsAPIError(err)
	if !ok || ae.Status != 400 {
		t.Fatal(err)
	}
	want := map[string]string{
		"src_resource":                "This field is required.",
		"mappings.subnets.1.src_cidr": MsgInvalidIPv4,
		"mappings.subnets.1.dst_cidr": MsgPrefixNot24,
	}
	if len(ae.Fields) != len(want) {
		t.Errorf("fields %v", ae.Fields)
	}
	for k, m := range want {
		if got := ae.Fields[k]; len(got) != 1 || got[0] != m {
			t.Errorf("%s: %q, want %q", k, got, m)
		}
	}
	if got := ae.FieldMessages("mappings"); len(got) != 2 {
		t.Errorf("FieldMessages(mappings) = %q", got)
	}
}

func TestDescriptionQuirk(t *testing.T) {
	f := newFixture(t, waldurtest.Options{DescriptionCauses500: true})
	req := f.request()
	req.Description = "copy of prod"
	_, err := f.c.CreateMigration(context.Background(), req)
	if StatusCode(err) != 500 {
		t.Fatalf("want 500, got %v", err)
	}
	if !strings.Contains(err.Error(), "Server Error (500)") {
		t.Errorf("the HTML answer should show in the error: %v", err)
	}
	req.Description = ""
	if _, err := f.c.CreateMigration(context.Background(), req); err != nil {
		t.Fatal(err)
	}
}

// faulty answers the first failures[path] requests to a path with the given status.
type faulty struct {
	next       http.Handler
	mu         sync.Mutex
	failures   map[string]int
	status     int
	retryAfter string
	hits       map[string]int
}

// set arms the next failures requests to key (method and path) to fail with status, and resets the hits.
func (f *faulty) set(key string, status, failures int, retryAfter string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.failures[key], f.hits[key], f.retryAfter = status, failures, 0, retryAfter
}

func (f *faulty) hitsOf(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

func (f *faulty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	key := r.Method + " " + r.URL.Path
	f.hits[key]++
	fail := f.failures[key] > 0
	if fail {
		f.failures[key]--
	}
	status, retryAfter := f.status, f.retryAfter
	f.mu.Unlock()
	if fail {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte("<html>upstream unavailable</html>"))
		return
	}
	f.next.ServeHTTP(w, r)
}

func TestRetries(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	flaky := &faulty{next: f.srv.Handler(), failures: map[string]int{}, hits: map[string]int{}}
	hs := httptest.NewServer(flaky)
	t.Cleanup(hs.Close)
	c, err := New(hs.URL+"/api", f.srv.Token, WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	list := "GET /api/marketplace-public-offerings/"
	create := "POST /api/openstack-migrations/"

	t.Run("GET retried on 503, then succeeds", func(t *testing.T) {
		flaky.set(list, 503, 2, "")
		offs, err := c.ListOfferings(ctx, OfferingFilter{})
		if err != nil || len(offs) != 3 {
			t.Fatalf("%d offerings, %v", len(offs), err)
		}
		if flaky.hitsOf(list) != 3 {
			t.Errorf("%d attempts, want 3", flaky.hitsOf(list))
		}
	})
	t.Run("GET gives up after MaxAttempts", func(t *testing.T) {
		flaky.set(list, 502, 10, "")
		_, err := c.ListOfferings(ctx, OfferingFilter{})
		if StatusCode(err) != 502 || flaky.hitsOf(list) != fastRetry.MaxAttempts {
			t.Fatalf("%d attempts, %v", flaky.hitsOf(list), err)
		}
		flaky.set(list, 0, 0, "")
	})
	t.Run("GET retried on 500", func(t *testing.T) {
		flaky.set(list, 500, 1, "")
		if _, err := c.ListOfferings(ctx, OfferingFilter{}); err != nil || flaky.hitsOf(list) != 2 {
			t.Fatalf("%d attempts, %v", flaky.hitsOf(list), err)
		}
	})
	t.Run("POST not retried on 500", func(t *testing.T) {
		flaky.set(create, 500, 1, "")
		_, err := c.CreateMigration(ctx, f.request())
		if StatusCode(err) != 500 || flaky.hitsOf(create) != 1 {
			t.Fatalf("%d attempts, %v", flaky.hitsOf(create), err)
		}
	})
	t.Run("POST not retried on 504", func(t *testing.T) {
		flaky.set(create, 504, 1, "")
		_, err := c.CreateMigration(ctx, f.request())
		if StatusCode(err) != 504 || flaky.hitsOf(create) != 1 {
			t.Fatalf("%d attempts, %v", flaky.hitsOf(create), err)
		}
	})
	t.Run("POST retried on 503", func(t *testing.T) {
		flaky.set(create, 503, 1, "")
		m, err := c.CreateMigration(ctx, f.request())
		if err != nil || m.UUID == "" || flaky.hitsOf(create) != 2 {
			t.Fatalf("%d attempts, %v", flaky.hitsOf(create), err)
		}
	})
	t.Run("Retry-After honoured", func(t *testing.T) {
		flaky.set(list, 429, 1, "1")
		start := time.Now()
		if _, err := c.ListOfferings(ctx, OfferingFilter{}); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 900*time.Millisecond {
			t.Errorf("retried after %v, want about 1s", d)
		}
	})
	t.Run("context cancelled during backoff", func(t *testing.T) {
		slow, err := New(hs.URL, f.srv.Token, WithRetry(RetryPolicy{MaxAttempts: 5, MinBackoff: time.Second}))
		if err != nil {
			t.Fatal(err)
		}
		flaky.set(list, 503, 10, "")
		defer flaky.set(list, 0, 0, "")
		ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = slow.ListOfferings(ctx, OfferingFilter{})
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 500*time.Millisecond {
			t.Fatalf("after %v: %v", time.Since(start), err)
		}
		if !strings.Contains(err.Error(), "503") {
			t.Errorf("the last HTTP error should be kept in the message: %v", err)
		}
	})
}

func TestPagination(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	for i := range 650 {
		f.srv.AddOffering(waldurtest.Offering{Name: fmt.Sprintf("bulk-%03d", i)})
	}
	for i := range 320 {
		f.srv.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.dstOffering.ScopeUUID, Name: fmt.Sprintf("type-%03d", i)})
	}
	ctx := context.Background()

	before := f.requests.Load()
	offs, err := f.c.ListOfferings(ctx, OfferingFilter{Type: OfferingTypeTenant})
	if err != nil {
		t.Fatal(err)
	}
	if len(offs) != 653 || f.requests.Load()-before != 3 {
		t.Errorf("%d offerings in %d requests, want 653 in 3", len(offs), f.requests.Load()-before)
	}
	seen := map[string]bool{}
	for _, o := range offs {
		if seen[o.UUID] {
			t.Fatalf("offering %s listed twice", o.Name)
		}
		seen[o.UUID] = true
	}

	before = f.requests.Load()
	vts, err := f.c.ListVolumeTypes(ctx, VolumeTypeFilter{OfferingUUID: f.dstOffering.UUID})
	if err != nil {
		t.Fatal(err)
	}
	if len(vts) != 321 || f.requests.Load()-before != 2 {
		t.Errorf("%d volume types in %d requests, want 321 in 2", len(vts), f.requests.Load()-before)
	}
	if offs, err := f.c.ListOfferings(ctx, OfferingFilter{NameExact: "bulk-649"}); err != nil || len(offs) != 1 {
		t.Errorf("name_exact: %d, %v", len(offs), err)
	}
}

// TestPaginationWithoutLink follows page numbers when a proxy drops the Link header.
func TestPaginationWithoutLink(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	for i := range 305 {
		f.srv.AddOffering(waldurtest.Offering{Name: fmt.Sprintf("bulk-%03d", i)})
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			if k != "Link" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(hs.Close)
	c, _ := New(hs.URL, f.srv.Token)
	offs, err := c.ListOfferings(context.Background(), OfferingFilter{})
	if err != nil || len(offs) != 308 {
		t.Fatalf("%d, %v", len(offs), err)
	}
}

func TestNextLink(t *testing.T) {
	h := http.Header{}
	if _, ok := nextLink(h); ok {
		t.Error("no header: ok must be false")
	}
	h.Set("Link", `<https://w/api/x/?page=1>; rel="first", <https://w/api/x/?a=1,2&page=3>; rel="next", <https://w/api/x/?page=9>; rel="last"`)
	if l, ok := nextLink(h); !ok || l != "https://w/api/x/?a=1,2&page=3" {
		t.Errorf("%q %v", l, ok)
	}
	h.Set("Link", `<https://w/api/x/?page=1>; rel="first", <https://w/api/x/?page=1>; rel="last"`)
	if l, ok := nextLink(h); !ok || l != "" {
		t.Errorf("%q %v", l, ok)
	}
}

func TestTLS(t *testing.T) {
	f := newFixture(t, waldurtest.Options{TLS: true})
	ctx := context.Background()
	strict, _ := New(f.srv.URL, f.srv.Token, WithRetry(RetryPolicy{MaxAttempts: 1}))
	if _, err := strict.ListOfferings(ctx, OfferingFilter{}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("verification must be on by default: %v", err)
	}
	withCA, err := New(f.srv.URL, f.srv.Token, WithCACertificates(f.srv.CertificatePEM()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := withCA.ListOfferings(ctx, OfferingFilter{}); err != nil {
		t.Errorf("with the CA: %v", err)
	}
	insecure, _ := New(f.srv.URL, f.srv.Token, WithInsecureSkipVerify())
	if _, err := insecure.ListOfferings(ctx, OfferingFilter{}); err != nil {
		t.Errorf("insecure: %v", err)
	}
	if _, err := New(f.srv.URL, f.srv.Token, WithCACertificates([]byte("junk"))); err == nil {
		t.Error("junk PEM must be refused")
	}
	if _, err := New(f.srv.URL, f.srv.Token, WithHTTPClient(http.DefaultClient), WithInsecureSkipVerify()); err == nil {
		t.Error("WithHTTPClient with TLS options must be refused")
	}
}

func TestRequestHook(t *testing.T) {
	f := newFixture(t, waldurtest.Options{})
	var mu sync.Mutex
	var infos []RequestInfo
	c, _ := New(f.srv.URL, f.srv.Token, WithRequestHook(func(i RequestInfo) { mu.Lock(); infos = append(infos, i); mu.Unlock() }))
	if _, err := c.GetTenant(context.Background(), f.src.UUID); err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Status != 200 || infos[0].Method != "GET" || strings.Contains(infos[0].URL, f.srv.Token) {
		t.Errorf("%+v", infos)
	}
}
