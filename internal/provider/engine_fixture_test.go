package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"errors"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication/replicationtest"
)

// sampleSnapshot is replicationtest.SampleSnapshot: networks web and db, a router attached to both, groups
// default and web, an instance port on web, quotas with per-type keys.
func sampleSnapshot() *replication.Snapshot { return replicationtest.SampleSnapshot() }

func sampleFacts() replication.Facts {
	return replication.Facts{
		ExternalNetworkID: "dst-ext",
		VolumeTypes:       []openstack.VolumeType{{ID: "dvt-fast", Name: "fast"}, {ID: "dvt-ssd", Name: "ssd"}, {ID: "dvt-hdd", Name: "hdd"}},
		CanCreateProjects: true,
		User:              "admin",
	}
}

func asValidationErrors(err error, out *replication.ValidationErrors) bool {
	return errors.As(err, out)
}

type attrValue = attr.Value

var basetypesObjectAsOptions = basetypes.ObjectAsOptions{}
