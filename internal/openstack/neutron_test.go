package openstack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

// fakeNeutron answers GET /v2.0/extensions/<alias> with 200 for the aliases it has, 404 for others, and
// 500 for "broken".
func fakeNeutron(t *testing.T, aliases ...string) *gophercloud.ServiceClient {
	t.Helper()
	has := map[string]bool{}
	for _, a := range aliases {
		has[a] = true
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		alias, ok := strings.CutPrefix(r.URL.Path, "/v2.0/extensions/")
		switch {
		case !ok:
			http.NotFound(w, r)
		case alias == "broken":
			http.Error(w, `{"NeutronError": {"message": "boom"}}`, http.StatusInternalServerError)
		case has[alias]:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"extension": {"alias": "` + alias + `"}}`))
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"NeutronError": {"type": "ExtensionNotFound", "message": "Extension with alias ` + alias + ` does not exist"}}`))
		}
	}))
	t.Cleanup(srv.Close)
	return &gophercloud.ServiceClient{ProviderClient: &gophercloud.ProviderClient{HTTPClient: *srv.Client()}, Endpoint: srv.URL + "/v2.0/"}
}

func TestHasExtension(t *testing.T) {
	c := fakeNeutron(t, "address-group", "tag-creation")
	for alias, want := range map[string]bool{"address-group": true, "tag-creation": true, "stateful-security-group": false} {
		got, err := HasExtension(context.Background(), c, alias)
		if err != nil || got != want {
			t.Errorf("HasExtension(%q) = %v, %v; want %v, nil", alias, got, err, want)
		}
	}
	if got, err := HasExtension(context.Background(), c, "broken"); err == nil || got {
		t.Errorf("HasExtension on a failing Neutron = %v, %v; want an error", got, err)
	}
}

func TestPortFixedIPsJSON(t *testing.T) {
	for _, tt := range []struct {
		ips  []FixedIP
		want string
	}{{nil, ""}, {[]FixedIP{}, `"fixed_ips":[]`}, {[]FixedIP{{SubnetID: "s"}}, `"fixed_ips":[{"subnet_id":"s"}]`}} {
		b, err := json.Marshal(Port{NetworkID: "n", FixedIPs: tt.ips})
		if err != nil {
			t.Fatal(err)
		}
		if got := string(b); (tt.want == "") == strings.Contains(got, "fixed_ips") || !strings.Contains(got, tt.want) {
			t.Errorf("Port{FixedIPs: %#v} marshals to %s, want %q in it", tt.ips, got, tt.want)
		}
	}
}
