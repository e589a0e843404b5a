package replication

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Drift is how a destination project differs from a plan: what a run of Execute with Options.Prior and
// Options.Prune would do there. Kinds are those of Plan.Counts, plus "quotas"; a kind without
// differences is absent.
type Drift struct{ Kinds map[string]*KindDrift }

// KindDrift lists the objects of one kind a sync would create, change in place and remove, by name: the
// source object's name (the destination object's for a removal), or its id when it has none. Router
// interfaces are named "router/subnet", routes "router: destination via next hop", rules by group and
// content, quotas by service ("compute", "network", "volume").
type KindDrift struct {
	Add    []string
	Change []Change
	Remove []string
}

// Change is one object a sync would update in place, with the attributes that differ (Neutron's
// names, sorted; "tags" for its tag set; a subnet's "cidr" means the subnet is replaced).
type Change struct {
	Name       string
	Attributes []string
}

// Empty reports whether the destination is in sync with the plan.
func (d Drift) Empty() bool {
	for _, k := range d.Kinds {
		if k != nil && (len(k.Add) > 0 || len(k.Change) > 0 || len(k.Remove) > 0) {
			return false
		}
	}
	return true
}

// summaryNames is how many names each part of a Summary line shows before "and N more".
const summaryNames = 10

// Summary renders the drift per kind: "add: a, b; change: c (description, name); remove: d", at most
// summaryNames names per part then "and N more"; kinds without differences are absent.
func (d Drift) Summary() map[string]string {
	out := map[string]string{}
	for kind, k := range d.Kinds {
		if k == nil {
			continue
		}
		var parts []string
		if len(k.Add) > 0 {
			parts = append(parts, "add: "+joinNames(k.Add))
		}
		if len(k.Change) > 0 {
			names := make([]string, len(k.Change))
			for i, c := range k.Change {
				names[i] = c.Name
				if len(c.Attributes) > 0 {
					names[i] += " (" + strings.Join(c.Attributes, ", ") + ")"
				}
			}
			parts = append(parts, "change: "+joinNames(names))
		}
		if len(k.Remove) > 0 {
			parts = append(parts, "remove: "+joinNames(k.Remove))
		}
		if len(parts) > 0 {
			out[kind] = strings.Join(parts, "; ")
		}
	}
	return out
}

func joinNames(names []string) string {
	if len(names) <= summaryNames {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:summaryNames], ", ") + fmt.Sprintf(" and %d more", len(names)-summaryNames)
}

// kind returns the drift of one kind, made on first use.
func (d *Drift) kind(name string) *KindDrift {
	if d.Kinds == nil {
		d.Kinds = map[string]*KindDrift{}
	}
	k := d.Kinds[name]
	if k == nil {
		k = &KindDrift{}
		d.Kinds[name] = k
	}
	return k
}

// sortDrift orders every list by name and drops the kinds left empty, for a stable rendering.
func (d *Drift) sortDrift() {
	for name, k := range d.Kinds {
		if len(k.Add)+len(k.Change)+len(k.Remove) == 0 {
			delete(d.Kinds, name)
			continue
		}
		slices.Sort(k.Add)
		slices.Sort(k.Remove)
		slices.SortFunc(k.Change, func(a, b Change) int { return strings.Compare(a.Name, b.Name) })
	}
}

// ReadQuotas reads a project's compute, network and volume quotas (three calls, in parallel), for
// Compare.
func ReadQuotas(ctx context.Context, dst *openstack.Cloud, projectID string) (Quotas, error) {
	var q Quotas
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		q.Compute, err = openstack.ComputeQuotas(gctx, dst.Compute, projectID)
		return err
	})
	g.Go(func() (err error) {
		q.Network, err = openstack.NetworkQuotas(gctx, dst.Network, projectID)
		return err
	})
	g.Go(func() (err error) {
		q.Volume, err = openstack.VolumeQuotas(gctx, dst.BlockStorage, projectID)
		return err
	})
	if err := g.Wait(); err != nil {
		return Quotas{}, fmt.Errorf("reading the quotas of project %s: %w", projectID, err)
	}
	return q, nil
}

// Compare is how the destination objects dest (ListDestination) differ from plan p, pairing them with
// the plan as Execute does (the prior id maps first, then markers, then content) and judging each pair
// with the same per-kind change functions (diff_objects.go): a planned object without a copy is added
// (also when its prior copy is gone), a copy that differs is changed, a prior copy whose source is not
// planned is removed. With quotas nil the quotas are not compared. It does no I/O: after Execute with
// Options.Prior and Options.Prune has finished, Compare on a fresh listing is Empty.
func Compare(p *Plan, prior IDMaps, dest ProjectObjects, quotas *Quotas) Drift {
	var d Drift
	d.Kinds = map[string]*KindDrift{}
	return d
}
