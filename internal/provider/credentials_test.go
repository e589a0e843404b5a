package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// The credentials a forgotten migration hands to the run that resumes it, from its state. (Not from
// private state: Terraform gives Delete of a replaced object the private state planned for its
// replacement.)
func TestCredentialsOf(t *testing.T) {
	ctx := context.Background()
	var m migrationModel
	requireNoErrors(t, applyResult(ctx, &m, "new", &replication.Result{ProjectID: "p",
		Credentials: replication.Credentials{UserID: "u1", Username: "shop-abc234", Password: "pw-pw-pw-pw-pw-pw-pw"}}))
	got := credentialsOf(ctx, m)
	if got == nil || *got != (replication.Credentials{UserID: "u1", Username: "shop-abc234", Password: "pw-pw-pw-pw-pw-pw-pw"}) {
		t.Errorf("credentialsOf = %+v", got)
	}
	requireNoErrors(t, applyResult(ctx, &m, "new", &replication.Result{ProjectID: "p",
		Credentials: replication.Credentials{UserID: "u1", Username: "shop-abc234"}}))
	if credentialsOf(ctx, m) != nil {
		t.Error("credentials without a password")
	}
	m.Credentials = types.ObjectNull(credentialsTypes)
	if credentialsOf(ctx, m) != nil {
		t.Error("credentials out of null")
	}
}
