package waldurmode

import (
	"cmp"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

func TestWaldurAttributePath(t *testing.T) {
	tests := []struct {
		key  string
		want string // "" for no attribute
	}{
		{"src_resource", "src_resource"},
		{"dst_offering", "dst_offering"},
		{"dst_plan", "dst_plan"},
		{"plan", "dst_plan"},
		{"name", "name"},
		{"description", "description"},
		{"mappings", "mappings"},
		{"mappings.subnets.1.dst_cidr", "mappings.subnets[1].dst_cidr"},
		{"mappings.subnets.0.src_cidr", "mappings.subnets[0].src_cidr"},
		{"mappings.subnets.0", "mappings.subnets[0]"},
		{"mappings.subnets", "mappings.subnets"},
		{"mappings.volume_types.2.dst_type_uuid", "mappings.volume_types[2].dst_type_uuid"},
		{"mappings.volume_types.0.non_field", "mappings.volume_types[0]"},
		{"mappings.networks.3", "mappings.networks[3]"},
		{"mappings.sync_instance_ports", "mappings.sync_instance_ports"},
		{"mappings.skip_connection_extnet", "mappings.skip_connection_extnet"},
		{"mappings.unknown", "mappings"},
		{"non_field_errors", ""},
		{"detail", ""},
		{"src_resource_uuid", ""},
	}
	for _, tt := range tests {
		p, ok := waldurAttributePath(tt.key)
		got := ""
		if ok {
			got = p.String()
		}
		if got != tt.want {
			t.Errorf("waldurAttributePath(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestWaldurMessagePath(t *testing.T) {
	src, dst := "5a1c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	req := &waldur.MigrationCreateRequest{Mappings: &waldur.Mappings{VolumeTypes: []waldur.VolumeTypeMapping{
		{SrcTypeUUID: "11111111111111111111111111111111", DstTypeUUID: "22222222222222222222222222222222"},
		{SrcTypeUUID: src, DstTypeUUID: dst},
	}}}
	tests := []struct {
		msg, want string
	}{
		{"{'Source resource does not have limits set.'}", "src_resource"},
		{"sync_instance_ports cannot be used together with subnets mappings.", "mappings.sync_instance_ports"},
		// Waldur leaves the uuid out of this one: the whole list is the best there is.
		{"Invalid src_type_uuid %s as it is not available in tenant.", "mappings.volume_types"},
		{"Invalid dst_type_uuid 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 as it is not available in service settings.", "mappings.volume_types[1].dst_type_uuid"},
		{"Plan is not available because limit has been reached.", "dst_plan"},
		{"User does not have enough permissions to migrate resource.", "dst_offering"},
		{"Something Waldur says about nothing in particular.", ""},
	}
	for _, tt := range tests {
		p, ok := waldurMessagePath(tt.msg, req)
		got := ""
		if ok {
			got = p.String()
		}
		if got != tt.want {
			t.Errorf("waldurMessagePath(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

// problem is one diagnostic the provider makes of an error: its attribute ("" for none), summary and
// detail.
type problem struct{ path, summary, detail string }

// problems flattens an error of this backend the way the provider turns it into diagnostics, with
// summary for what names none.
func problems(err error, summary string) []problem {
	var out []problem
	var walk func(error)
	walk = func(err error) {
		var invalid replication.ValidationErrors
		var e *backend.Error
		switch {
		case err == nil:
		case len(joined(err)) > 0:
			for _, inner := range joined(err) {
				walk(inner)
			}
		case errors.As(err, &invalid):
			for _, v := range invalid {
				out = append(out, problem{v.Attribute.String(), invalidInput, v.Error()})
			}
		case errors.As(err, &e):
			out = append(out, problem{e.Attribute.String(), cmp.Or(e.Summary, summary), e.Error()})
		default:
			out = append(out, problem{"", summary, err.Error()})
		}
	}
	walk(err)
	return out
}

// joined is what err joins (errors.Join), or nothing.
func joined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return nil
}

func requireProblem(t *testing.T, ps []problem, path, summary string) {
	t.Helper()
	for _, p := range ps {
		if p.path == path && p.summary == summary {
			return
		}
	}
	t.Fatalf("no %q error on %s in %+v", summary, path, ps)
}

func detailAt(ps []problem, path string) string {
	for _, p := range ps {
		if p.path == path {
			return p.detail
		}
	}
	return ""
}

// Waldur's 400 bodies become errors on the attributes, with the values sent; what names no attribute
// stays a plain error; other failures are one error.
func TestAPIError(t *testing.T) {
	req := &waldur.MigrationCreateRequest{SrcResource: "s", DstPlan: "p", Mappings: &waldur.Mappings{
		Subnets: []waldur.SubnetMapping{{SrcCIDR: "10.0.0.0/24", DstCIDR: "10.1.0.0/24"}, {SrcCIDR: "10.0.1.0/24", DstCIDR: "8.8.8.0/24"}},
	}}
	badRequest := &waldur.APIError{Status: http.StatusBadRequest, Fields: map[string][]string{
		"mappings.subnets.1.dst_cidr": {"A private network CIDR is expected."},
		"plan":                        {"Plan is not available because limit has been reached."},
	}, NonField: []string{"{'Source resource does not have limits set.'}", "User does not have enough permissions to migrate resource.", "Something else went wrong."}}
	ps := problems(apiError("Error creating migration", badRequest, req), "Error creating migration")
	requireProblem(t, ps, "mappings.subnets[1].dst_cidr", "Invalid migration input")
	requireProblem(t, ps, "dst_plan", "Invalid migration input")
	requireProblem(t, ps, "src_resource", "Waldur rejected the migration")
	if !strings.Contains(detailAt(ps, "mappings.subnets[1].dst_cidr"), `"8.8.8.0/24"`) {
		t.Errorf("the detail does not name the value: %+v", ps)
	}
	plain := 0
	for _, p := range ps {
		if p.path == "" && strings.Contains(p.detail, "Something else went wrong") {
			plain++
		}
	}
	requireProblem(t, ps, "dst_offering", "Waldur rejected the migration")
	if plain != 1 || len(ps) != 5 {
		t.Errorf("want 5 errors, one of them without attribute, got %+v", ps)
	}

	ps = problems(apiError("Error creating migration", &waldur.APIError{Status: 500, Method: "POST", URL: "u"}, &waldur.MigrationCreateRequest{Description: "d"}), "")
	if len(ps) != 1 || !strings.Contains(ps[0].detail, "without `description`") {
		t.Errorf("HTTP 500 with a description: %+v", ps)
	}

	ps = problems(apiError("Error creating migration", waldur.FieldErrors{"mappings.subnets.0.dst_cidr": {"Network mask length should be equal to 24."}}, req), "")
	requireProblem(t, ps, "mappings.subnets[0].dst_cidr", "Invalid migration input")

	ps = problems(apiError("Error reading", errors.New("connection refused"), nil), "")
	if len(ps) != 1 || ps[0].summary != "Error reading" {
		t.Errorf("transport error: %+v", ps)
	}
}

func TestCheckWaldurPlan(t *testing.T) {
	two := 2
	off := waldur.Offering{UUID: "o", Name: "Cloud B", Plans: []waldur.Plan{
		{UUID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Name: "small", IsActive: true},
		{UUID: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", Name: "full", IsActive: false, MaxAmount: &two, ResourcesCount: 2},
		{UUID: "cccccccccccccccccccccccccccccccc", Name: "old", Archived: true},
	}}
	for plan, want := range map[string]string{
		"aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa": "",
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb":     "limit has been reached",
		"cccccccccccccccccccccccccccccccc":     "archived",
		"dddddddddddddddddddddddddddddddd":     "not available for selected offering",
	} {
		got := checkWaldurPlan(off, plan)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("checkWaldurPlan(%s) = %q, want %q", plan, got, want)
		}
	}
}
