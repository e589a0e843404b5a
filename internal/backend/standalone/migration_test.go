package standalone

import (
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// What a run built, as the migration records it: the ids are made of the offering's name.
func TestMigrationOf(t *testing.T) {
	res := &replication.Result{
		ProjectID:   "p-dst",
		Credentials: replication.Credentials{UserID: "u1", Username: "shop-copy-abc234", Password: "s3cret-s3cret-s3cret"},
		IDMaps: replication.IDMaps{
			Networks:           map[string]string{"net-web": "d-net-web"},
			SecurityGroups:     map[string]string{"sg-default": "d-sg-default", "sg-web": "d-sg-web"},
			SecurityGroupRules: map[string]string{"r-web-https": "d-r1"},
		},
		Skipped: []replication.Skipped{{Kind: "router_gateway", SourceID: "rtr", Reason: "mappings.skip_connection_extnet is set"}},
	}
	m := migrationOf("new", res)
	if m.ID != "new/p-dst" || m.DstResourceUUID != "new/p-dst" || m.DstProjectID != "p-dst" {
		t.Errorf("ids = %s, %s, %s", m.ID, m.DstResourceUUID, m.DstProjectID)
	}
	if m.Credentials == nil || *m.Credentials != res.Credentials {
		t.Errorf("credentials = %+v", m.Credentials)
	}
	if m.IDs.SecurityGroups["sg-web"] != "d-sg-web" || m.IDs.SecurityGroupRules["r-web-https"] != "d-r1" || len(m.Skipped) != 1 {
		t.Errorf("migration = %+v", m)
	}
	// A run that failed before the user was made.
	if m := migrationOf("new", &replication.Result{ProjectID: "p"}); m.Credentials != nil {
		t.Errorf("credentials = %+v, want none", m.Credentials)
	}
}
