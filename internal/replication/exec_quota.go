package replication

import (
	"context"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Quotas are set before any object is built: the destination's defaults are small (Neutron allows 100
// security group rules) and a large tenant would hit them midway.

func (e *execution) setComputeQuotas(ctx context.Context) error {
	return e.setQuotas(ctx, "compute", e.plan.Quotas.Compute, openstack.ComputeQuotas, openstack.SetComputeQuotas, e.dst.Compute)
}

func (e *execution) setNetworkQuotas(ctx context.Context) error {
	return e.setQuotas(ctx, "network", e.plan.Quotas.Network, openstack.NetworkQuotas, openstack.SetNetworkQuotas, e.dst.Network)
}

func (e *execution) setVolumeQuotas(ctx context.Context) error {
	return e.setQuotas(ctx, "volume", e.plan.Quotas.Volume, openstack.VolumeQuotas, openstack.SetVolumeQuotas, e.dst.BlockStorage)
}

type quotaGetter func(context.Context, *gophercloud.ServiceClient, string) (map[string]int, error)
type quotaSetter func(context.Context, *gophercloud.ServiceClient, string, map[string]int) error

// setQuotas sets a service's quotas. In a project an earlier run made, the current values are read first
// and nothing is written when they already match, so that a re-run writes nothing at all.
func (e *execution) setQuotas(ctx context.Context, service string, want map[string]int, get quotaGetter, set quotaSetter, c *gophercloud.ServiceClient) error {
	if !e.fresh {
		have, err := get(ctx, c, e.res.ProjectID)
		if err != nil {
			return err
		}
		if quotasInclude(have, want) {
			e.progress(service+" quotas", "quota", 0, len(want), len(want))
			return nil
		}
	}
	if err := set(ctx, c, e.res.ProjectID, want); err != nil {
		return err
	}
	p := Progress{Step: service + " quotas", Kind: "quota", Created: len(want), Total: len(want)}
	if !e.fresh { // changed to the plan: counted once per service
		e.countUpdated("quota", 1)
		p = Progress{Step: p.Step, Kind: p.Kind, Adopted: len(want), Total: len(want), Updated: len(want)}
	}
	e.report(p)
	return nil
}

func quotasInclude(have, want map[string]int) bool {
	for k, v := range want {
		if h, ok := have[k]; !ok || h != v {
			return false
		}
	}
	return true
}
