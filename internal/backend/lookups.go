package backend

import (
	"strings"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// PickVolumeType returns the one type named name among all (where says where they are, for the
// message), or an error on the data source's name saying why there is not exactly one.
func PickVolumeType(all []VolumeType, name, where string) (*VolumeType, error) {
	var found []VolumeType
	var names []string
	for _, vt := range all {
		names = append(names, vt.Name)
		if vt.Name == name {
			found = append(found, vt)
		}
	}
	at := replication.Root("name")
	switch len(found) {
	case 1:
		return &found[0], nil
	case 0:
		return nil, NotFoundf(at, "Volume type not found", "%s has no volume type named %q; it has: %s", where, name, strings.Join(names, ", "))
	default:
		ids := make([]string, len(found))
		for i, vt := range found {
			ids[i] = vt.ID
		}
		return nil, Errorf(at, "Volume type not found", "%s has %d volume types named %q (%s): rename one, or use its id directly", where, len(found), name, strings.Join(ids, ", "))
	}
}

// OfferingType and OfferingStateActive are how Waldur describes an OpenStack tenant offering that takes
// orders; the standalone backend describes its offerings the same way.
const (
	OfferingType        = "OpenStack.Tenant"
	OfferingStateActive = "Active"
)

// Where says where q searches, for messages ("tenant x", "offering y"), and which attribute of the data
// source names it.
func (q VolumeTypeQuery) Where() (string, replication.Path) {
	if q.Tenant != "" {
		return "tenant " + q.Tenant, replication.Root("tenant")
	}
	return "offering " + q.Offering, replication.Root("offering")
}
