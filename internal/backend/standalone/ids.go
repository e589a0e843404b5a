package standalone

import (
	"fmt"
	"strings"
)

// In the standalone backend Terraform-facing identifiers are built from the offering names the provider
// configuration chooses, so that one configuration shape fits both backends (Waldur hands out UUIDs):
//
//	offering             "<offering>"                       the key in openstack.offerings
//	tenant (src_resource) "<offering>/<keystone project id>"  what waldur_openstack_tenant returns
//	migration id          "<dst offering>/<dst project id>"  equal to dst_resource_uuid
//	import id             "<src offering>/<src project id>:<dst offering>/<dst project id>"
//
// Offering names may not contain "/" or ":" (the provider schema rejects them), so the forms parse
// unambiguously.

// tenantRef names a Keystone project in a configured offering.
type tenantRef struct {
	Offering  string
	ProjectID string
}

func (t tenantRef) String() string { return t.Offering + "/" + t.ProjectID }

// parseTenantRef parses "<offering>/<project id>".
func parseTenantRef(s string) (tenantRef, error) {
	offering, project, ok := strings.Cut(s, "/")
	if !ok || offering == "" || project == "" || strings.ContainsAny(project, "/: \t") {
		return tenantRef{}, fmt.Errorf("%q is not a tenant id of the standalone backend: expected \"<offering>/<project id>\", as the waldur_openstack_tenant data source returns it", s)
	}
	return tenantRef{Offering: offering, ProjectID: project}, nil
}

// importID is a parsed import id: the source tenant (when given) and the destination tenant.
type importID struct {
	Source      *tenantRef
	Destination tenantRef
}

// parseImportID parses "<src offering>/<src project id>:<dst offering>/<dst project id>" or the short
// form "<dst offering>/<dst project id>" (then the source offering is searched among the configured ones).
func parseImportID(s string) (importID, error) {
	var id importID
	src, dst, long := strings.Cut(s, ":")
	if !long {
		dst = src
	}
	d, err := parseTenantRef(dst)
	if err != nil {
		return id, fmt.Errorf("import id %q: expected \"<src offering>/<src project id>:<dst offering>/<dst project id>\" (or \"<dst offering>/<dst project id>\")", s)
	}
	id.Destination = d
	if long {
		sr, err := parseTenantRef(src)
		if err != nil {
			return id, fmt.Errorf("import id %q: expected \"<src offering>/<src project id>:<dst offering>/<dst project id>\"", s)
		}
		id.Source = &sr
	}
	return id, nil
}
