package waldur

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestAPIErrorParsing(t *testing.T) {
	cases := []struct {
		name     string
		status   int
		body     string
		fields   map[string][]string
		nonField []string
		detail   string
	}{
		{"flat fields", 400, `{"dst_plan": ["This plan is not available for selected offering."]}`,
			map[string][]string{"dst_plan": {"This plan is not available for selected offering."}}, nil, ""},
		{"non-field", 400, `{"non_field_errors": ["User does not have enough permissions to migrate resource."]}`,
			nil, []string{"User does not have enough permissions to migrate resource."}, ""},
		{"nested many", 400, `{"mappings": {"subnets": [{}, {"dst_cidr": ["A private network CIDR is expected."], "src_cidr": ["Enter a valid IPv4 address."]}], "networks": ["Object with uuid=x does not exist."]}}`,
			map[string][]string{
				"mappings.subnets.1.dst_cidr": {"A private network CIDR is expected."},
				"mappings.subnets.1.src_cidr": {"Enter a valid IPv4 address."},
				"mappings.networks":           {"Object with uuid=x does not exist."},
			}, nil, ""},
		{"nested non-field", 400, `{"mappings": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}}`,
			map[string][]string{"mappings": {"Invalid data. Expected a dictionary, but got str."}}, nil, ""},
		{"a string where a list is expected", 400, `{"plan": "Plan is not available because limit has been reached."}`,
			map[string][]string{"plan": {"Plan is not available because limit has been reached."}}, nil, ""},
		{"bare list", 400, `["Something went wrong."]`, nil, []string{"Something went wrong."}, ""},
		{"detail", 404, `{"detail": "Not found."}`, nil, nil, "Not found."},
		{"html", 500, `<h1>Server Error (500)</h1>`, nil, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newAPIError("POST", "https://w/api/openstack-migrations/", tc.status, []byte(tc.body))
			if !reflect.DeepEqual(e.Fields, tc.fields) || !reflect.DeepEqual(e.NonField, tc.nonField) || e.Detail != tc.detail {
				t.Errorf("fields %v, non-field %q, detail %q", e.Fields, e.NonField, e.Detail)
			}
			if e.Body != tc.body || e.Status != tc.status {
				t.Errorf("body %q status %d", e.Body, e.Status)
			}
			msg := e.Error()
			if !strings.Contains(msg, "POST https://w/api/openstack-migrations/") {
				t.Errorf("message %q", msg)
			}
			for _, m := range e.Messages() {
				if !strings.Contains(msg, m) {
					t.Errorf("message %q lacks %q", msg, m)
				}
			}
		})
	}
	wrapped := errors.Join(errors.New("context"), newAPIError("GET", "u", 404, nil))
	if !IsNotFound(wrapped) || IsUnauthorized(wrapped) || StatusCode(errors.New("x")) != 0 {
		t.Error("status helpers must see through wrapping")
	}
}

func TestParseStates(t *testing.T) {
	for in, want := range map[string]State{
		"CREATION_SCHEDULED": StateCreationScheduled, "Creation Scheduled": StateCreationScheduled,
		"CREATING": StateCreating, "Creating": StateCreating, "OK": StateOK, "ok": StateOK,
		"ERRED": StateErred, "Erred": StateErred, "Deletion Scheduled": StateDeletionScheduled,
		"UPDATE_SCHEDULED": StateUpdateScheduled, " Updating ": StateUpdating,
	} {
		if got := ParseState(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	var m struct {
		S State         `json:"s"`
		R ResourceState `json:"r"`
		O OrderState    `json:"o"`
		N State         `json:"n"`
	}
	if err := json.Unmarshal([]byte(`{"s": "Erred", "r": "TERMINATED", "o": "Pending Consumer", "n": null}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.S != StateErred || m.R != ResourceTerminated || m.O != OrderPendingConsumer || m.N != "" {
		t.Errorf("%+v", m)
	}
	if !StateOK.Terminal() || !StateErred.Terminal() || StateCreating.Terminal() {
		t.Error("State.Terminal")
	}
	for _, s := range []OrderState{OrderErred, OrderRejected, OrderCanceled, ParseOrderState("cancelled")} {
		if !s.Failed() || !s.Terminal() {
			t.Errorf("%q must be a terminal failure", s)
		}
	}
	if OrderDone.Failed() || !OrderDone.Terminal() || OrderExecuting.Terminal() {
		t.Error("OrderState")
	}
}

func TestMigrationRequestBody(t *testing.T) {
	r := MigrationCreateRequest{
		SrcResource: " aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ", DstOffering: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", DstPlan: "cccccccccccccccccccccccccccccccc",
		Name: "copy",
		Mappings: &Mappings{
			Subnets:  []SubnetMapping{{SrcCIDR: "192.168.1.0/24", DstCIDR: "10.0.1.0/24"}},
			Networks: []string{"dddddddddddddddddddddddddddddddd"},
		},
	}
	got, _ := json.Marshal(r.Body())
	want := `{"dst_offering":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","dst_plan":"cccccccccccccccccccccccccccccccc",` +
		`"mappings":{"networks":["dddddddddddddddddddddddddddddddd"],"skip_connection_extnet":false,` +
		`"subnets":[{"dst_cidr":"10.0.1.0/24","src_cidr":"192.168.1.0/24"}],"sync_instance_ports":false},` +
		`"name":"copy","src_resource":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}`
	if string(got) != want {
		t.Errorf("body\n%s\nwant\n%s", got, want)
	}
	// No description, no mappings: left out, so that Waldur applies its defaults.
	got, _ = json.Marshal(MigrationCreateRequest{SrcResource: "a", DstOffering: "b", DstPlan: "c"}.Body())
	if string(got) != `{"dst_offering":"b","dst_plan":"c","src_resource":"a"}` {
		t.Errorf("minimal body %s", got)
	}
	if err := r.Validate(); err != nil {
		t.Errorf("valid request: %v", err)
	}
}

func TestMigrationRequestValidate(t *testing.T) {
	r := MigrationCreateRequest{
		SrcResource: "", DstOffering: "nope", DstPlan: "cccccccc-cccc-cccc-cccc-cccccccccccc",
		Mappings: &Mappings{
			SyncInstancePorts: true,
			Subnets:           []SubnetMapping{{SrcCIDR: "192.168.1.0/24", DstCIDR: "10.0.0.0/16"}},
			VolumeTypes:       []VolumeTypeMapping{{SrcTypeUUID: "x", DstTypeUUID: "dddddddddddddddddddddddddddddddd"}},
		},
	}
	err := r.Validate()
	var fe FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("%v", err)
	}
	want := FieldErrors{
		"src_resource":                          {"This field is required."},
		"dst_offering":                          {`"nope" is not a valid UUID.`},
		"mappings.subnets.0.dst_cidr":           {MsgPrefixNot24},
		"mappings.volume_types.0.src_type_uuid": {"Must be a valid UUID."},
		"mappings.sync_instance_ports":          {MsgSyncPortsWithSubnets},
	}
	if !reflect.DeepEqual(fe, want) {
		t.Errorf("got %v\nwant %v", fe, want)
	}
	if !strings.Contains(err.Error(), "mappings.subnets.0.dst_cidr: "+MsgPrefixNot24) {
		t.Errorf("message %v", err)
	}
}

func TestValidatePrivateSubnetCIDR(t *testing.T) {
	for in, want := range map[string]string{
		"10.1.2.0/24":               "",
		"172.16.5.0/24":             "",
		" 192.168.0.0/24 ":          "",
		"192.168.0.0/255.255.255.0": "",
		"10.1.2.3/24":               MsgInvalidIPv4,
		"10.1.2.0/33":               MsgInvalidIPv4,
		"10.1.2.0/":                 MsgInvalidIPv4,
		"fd00::/64":                 MsgInvalidIPv4,
		"banana":                    MsgInvalidIPv4,
		"10.1.0.0/16":               MsgPrefixNot24,
		"10.1.2.4":                  MsgPrefixNot24,
		"172.32.0.0/24":             MsgNotPrivate,
		"8.8.8.0/24":                MsgNotPrivate,
	} {
		err := ValidatePrivateSubnetCIDR(in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestUUIDHelpers(t *testing.T) {
	if !IsUUID("0123456789abcdef0123456789ABCDEF") || !IsUUID("01234567-89ab-cdef-0123-456789abcdef") || IsUUID("0123456789abcdef") || IsUUID("0123456789abcdef0123456789abcdeg") {
		t.Error("IsUUID")
	}
	if !SameUUID("01234567-89ab-cdef-0123-456789ABCDEF", "0123456789abcdef0123456789abcdef") || SameUUID("", "") {
		t.Error("SameUUID")
	}
	if got := UUIDFromURL("https://w/api/openstack-networks/abc/"); got != "abc" {
		t.Errorf("UUIDFromURL %q", got)
	}
	if UUIDFromURL("") != "" {
		t.Error("UUIDFromURL empty")
	}
}
