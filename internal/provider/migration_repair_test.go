package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
)

func TestMarkForRepair(t *testing.T) {
	m := migrationModel{
		State: types.StringValue(backend.StateIncomplete), ErrorMessage: types.StringValue("1 port ..."),
		PortIDs: idMap(map[string]string{"a": "b"}), Skipped: types.ListNull(types.StringType),
	}
	markForRepair(context.Background(), &m)
	for name, unknown := range map[string]bool{
		"state": m.State.IsUnknown(), "error_message": m.ErrorMessage.IsUnknown(), "port_ids": m.PortIDs.IsUnknown(),
		"network_ids": m.NetworkIDs.IsUnknown(), "skipped": m.Skipped.IsUnknown(), "credentials": m.Credentials.IsUnknown(),
	} {
		if !unknown {
			t.Errorf("%s is known in the repair's plan", name)
		}
	}
}
