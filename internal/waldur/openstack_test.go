package waldur

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestObjectHeaderDecodes checks that the fields every OpenStack object shares still decode into each
// type that embeds them, next to the type's own fields, and encode back under the same names.
func TestObjectHeaderDecodes(t *testing.T) {
	const header = `"uuid": "0a1b", "url": "https://w/api/x/0a1b/", "name": "web", "description": "front",
		"backend_id": "n-1", "state": "Creation Scheduled"`
	want := Object{UUID: "0a1b", URL: "https://w/api/x/0a1b/", Name: "web", Description: "front", BackendID: "n-1",
		State: StateCreationScheduled}
	for _, tc := range []struct {
		name  string
		own   string // the type's own fields in the JSON
		into  any
		check func(t *testing.T, v any) Object
	}{
		{"tenant", `"error_message": "boom", "project_uuid": "p1"`, &Tenant{}, func(t *testing.T, v any) Object {
			x := as[*Tenant](t, v)
			if x.ErrorMessage != "boom" || x.ProjectUUID != "p1" {
				t.Errorf("own fields: %+v", x)
			}
			return x.Object
		}},
		{"network", `"tenant_uuid": "t1", "mtu": 1450`, &Network{}, func(t *testing.T, v any) Object {
			x := as[*Network](t, v)
			if x.TenantUUID != "t1" || x.MTU == nil || *x.MTU != 1450 {
				t.Errorf("own fields: %+v", x)
			}
			return x.Object
		}},
		{"subnet", `"tenant": "https://w/api/openstack-tenants/t1/", "cidr": "10.0.0.0/24"`, &Subnet{}, func(t *testing.T, v any) Object {
			x := as[*Subnet](t, v)
			if x.TenantUUID() != "t1" || x.CIDR != "10.0.0.0/24" {
				t.Errorf("own fields: %+v", x)
			}
			return x.Object
		}},
		{"router", `"tenant_uuid": "t1", "routes": [{"destination": "10.1.0.0/16", "nexthop": "10.0.0.5"}]`, &Router{}, func(t *testing.T, v any) Object {
			x := as[*Router](t, v)
			if x.TenantUUID != "t1" || len(x.Routes) != 1 || x.Routes[0].NextHop != "10.0.0.5" {
				t.Errorf("own fields: %+v", x)
			}
			return x.Object
		}},
		{"security group", `"tenant_uuid": "t1", "rules": [{"id": 7, "direction": "ingress"}]`, &SecurityGroup{}, func(t *testing.T, v any) Object {
			x := as[*SecurityGroup](t, v)
			if x.TenantUUID != "t1" || len(x.Rules) != 1 || x.Rules[0].ID != 7 {
				t.Errorf("own fields: %+v", x)
			}
			return x.Object
		}},
		{"port", `"tenant_uuid": "t1", "network_uuid": "n1", "mac_address": "fa:16:3e:00:00:01"`, &Port{}, func(t *testing.T, v any) Object {
			x := as[*Port](t, v)
			if x.TenantUUID != "t1" || x.NetworkUUID != "n1" || x.MACAddress != "fa:16:3e:00:00:01" {
				t.Errorf("own fields: %+v", x)
			}
			return x.Object
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := json.Unmarshal([]byte("{"+header+", "+tc.own+"}"), tc.into); err != nil {
				t.Fatal(err)
			}
			if got := tc.check(t, tc.into); got != want {
				t.Errorf("header %+v, want %+v", got, want)
			}
			// Encoded, the header fields sit at the top level under their own names, as before.
			b, err := json.Marshal(tc.into)
			if err != nil {
				t.Fatal(err)
			}
			var flat map[string]any
			if err := json.Unmarshal(b, &flat); err != nil {
				t.Fatal(err)
			}
			got := map[string]any{}
			for _, k := range []string{"uuid", "url", "name", "description", "backend_id", "state"} {
				got[k] = flat[k]
			}
			wantFlat := map[string]any{"uuid": "0a1b", "url": "https://w/api/x/0a1b/", "name": "web", "description": "front",
				"backend_id": "n-1", "state": "CREATION_SCHEDULED"}
			if !reflect.DeepEqual(got, wantFlat) {
				t.Errorf("encoded header %v, want %v", got, wantFlat)
			}
			if _, nested := flat["Object"]; nested {
				t.Errorf("the header is nested: %s", b)
			}
		})
	}
}
