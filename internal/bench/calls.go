package bench

import "github.com/waldur/terraform-provider-waldur-openstack-migration/internal/apiproxy"

// Calls are API calls counted by the counting proxy, by key (apiproxy.CallKey).
type Calls = apiproxy.Calls
