package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

// waldurConn is the Waldur backend's API client, made on first use and shared by every resource and data
// source of one provider instance. A bad endpoint is reported by whatever uses it first.
type waldurConn struct {
	once   sync.Once
	client *waldur.Client
	err    error
}

// api returns the backend's client.
func (b *waldurBackend) api() (*waldur.Client, error) {
	b.conn.once.Do(func() {
		b.conn.client, b.conn.err = waldur.New(b.Endpoint, b.Token)
	})
	return b.conn.client, b.conn.err
}

// waldurPoll tunes how the Waldur backend waits for migrations and orders (waldur.WaitOptions defaults:
// from 2s, growing to 30s). Acceptance tests against the in-process server poll faster.
var waldurPoll = waldur.WaitOptions{}

// waldurAPI returns the Waldur client of the provider data, or adds the diagnostic saying why there is none.
func waldurAPI(data *providerData, diags *diag.Diagnostics) *waldur.Client {
	if data == nil || data.waldur == nil {
		diags.AddError("Provider not configured", "The Waldur backend was not configured before use. This is a bug in the provider; please report it.")
		return nil
	}
	c, err := data.waldur.api()
	if err != nil {
		diags.AddError("Invalid Waldur backend configuration",
			"The provider's endpoint (or "+envWaldurURL+") and token (or "+envWaldurToken+") do not make a usable Waldur API client: "+err.Error())
		return nil
	}
	return c
}

// addWaldurError reports a failed Waldur call. Waldur's validation errors (400) become diagnostics on the
// attributes they concern (see waldurAttributePath and waldurMessagePath); anything else is one error
// whose detail says what to check.
func addWaldurError(diags *diag.Diagnostics, summary string, err error, req *waldur.MigrationCreateRequest) {
	var fe waldur.FieldErrors
	if errors.As(err, &fe) {
		addWaldurFieldErrors(diags, fe, req, nil)
		return
	}
	ae, ok := waldur.AsAPIError(err)
	if !ok || ae.Status != http.StatusBadRequest {
		detail := err.Error()
		switch {
		case ok && ae.Status == http.StatusInternalServerError && req != nil && strings.TrimSpace(req.Description) != "":
			detail += "\n\nSome Waldur versions fail with HTTP 500 when a migration carries a description: try again without `description`."
		case ok && ae.Status == http.StatusInternalServerError:
			detail += "\n\nWaldur failed internally. Some versions do so on inputs they do not validate (an unknown volume type); check the inputs and Waldur's logs."
		}
		diags.AddError(summary, detail)
		return
	}
	addWaldurFieldErrors(diags, ae.Fields, req, nil)
	for _, msg := range append(ae.NonField, nonEmpty(ae.Detail)...) {
		if p, ok := waldurMessagePath(msg, req); ok {
			diags.AddAttributeError(p, "Waldur rejected the migration", msg)
		} else {
			diags.AddError("Waldur rejected the migration", msg)
		}
	}
	if len(ae.Fields) == 0 && len(ae.NonField) == 0 && ae.Detail == "" {
		diags.AddError(summary, err.Error())
	}
}

// addWaldurFieldErrors adds field errors keyed like Waldur's ("mappings.subnets.1.dst_cidr") as
// attribute errors; keys already in done are skipped (their attribute has an error already) and added
// to it.
func addWaldurFieldErrors(diags *diag.Diagnostics, fields map[string][]string, req *waldur.MigrationCreateRequest, done map[string]bool) {
	for _, key := range sortedKeys(fields) {
		p, ok := waldurAttributePath(key)
		if done != nil {
			if done[p.String()] {
				continue
			}
			done[p.String()] = true
		}
		name := key
		if ok {
			name = p.String()
		}
		for _, msg := range fields[key] {
			detail := name + ": " + msg
			if v, known := waldurRequestValue(req, key); known {
				detail = fmt.Sprintf("%s = %q: %s", name, v, msg)
			}
			if key == "dst_plan" && msg == "This field is required." {
				detail += " The Waldur backend needs dst_plan: the uuid of one of the destination offering's plans (`plans[*].uuid` of waldur_marketplace_offering)."
			}
			if ok {
				diags.AddAttributeError(p, "Invalid migration input", detail)
			} else {
				diags.AddError("Invalid migration input", detail)
			}
		}
	}
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
