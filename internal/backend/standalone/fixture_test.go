package standalone

import (
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication/replicationtest"
)

// The source tenant the import tests pair copies with (the same as the provider's preview tests use).

func ptr[T any](v T) *T { return &v }

// sampleSnapshot is replicationtest.SampleSnapshot: networks web and db, a router attached to both, groups
// default and web, an instance port on web, quotas with per-type keys.
func sampleSnapshot() *replication.Snapshot { return replicationtest.SampleSnapshot() }
