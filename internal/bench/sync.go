package bench

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// The sync benchmark (issue 15; issue 17 item 5): what keeping a replica costs.
//
//   - in-sync plan: `terraform plan` of our resource with follow_source = true on the large tenant,
//     replicated and unchanged since, against `terraform plan` (its refresh) of the equivalent
//     terraform-provider-openstack configuration, applied likewise; -n runs each, medians. Both plans
//     must report no change (-detailed-exitcode 0).
//   - small sync: one network with a subnet and smallSyncPorts ports added to the source, then
//     `terraform apply` of our resource: its wall time and calls, which must follow the size of the
//     change, not the tenant's (the reads are one list per kind). The next plan must be empty. The added
//     objects are removed from the source afterwards.

// smallSyncPorts is the number of ports of the network the small sync adds.
const smallSyncPorts = 10

// SyncBench is the sync part of bench/results.json.
type SyncBench struct {
	Objects int `json:"objects"`
	// Ours is `terraform plan` of our resource on the replica in sync; TPO is terraform-provider-
	// openstack's plan of the equivalent configuration.
	Ours TimedCalls `json:"in_sync_plan"`
	TPO  TimedCalls `json:"tpo_refresh_plan"`
	// Ratio is Ours over TPO, of the median walls.
	Ratio *float64 `json:"in_sync_plan_vs_tpo"`
	// SmallSync is `terraform apply` of the replica after SmallSyncObjects were added to the source.
	SmallSync        TimedCalls `json:"small_sync_apply"`
	SmallSyncObjects int        `json:"small_sync_objects"`
	Errors           []string   `json:"errors,omitempty"`
}

// TimedCalls is one measured terraform command: its runs' walls and calls, their medians, and the
// calls by kind of the last run.
type TimedCalls struct {
	Walls      []float64 `json:"wall_s_runs"`
	WallMedian float64   `json:"wall_s_median"`
	CallRuns   []int     `json:"calls_runs"`
	Calls      int       `json:"calls_median"`
	Reads      int       `json:"reads"`
	Writes     int       `json:"writes"`
	ByKind     Calls     `json:"calls_by_kind"`
}

func (t *TimedCalls) add(wall time.Duration, c Calls) {
	t.Walls = append(t.Walls, wall.Seconds())
	t.WallMedian = median(t.Walls)
	t.CallRuns = append(t.CallRuns, c.Total())
	t.Calls = medianInt(t.CallRuns)
	t.Reads, t.Writes, t.ByKind = c.Reads(), c.Writes(), c.Kinds()
}

// syncBench measures the in-sync plan against terraform-provider-openstack's and a small sync.
func (s *session) syncBench(ctx context.Context) error {
	source, err := s.largeSource(ctx)
	if err != nil {
		return err
	}
	plan, err := s.plan(ctx, source)
	if err != nil {
		return err
	}
	pdir, _, err := s.ourProvider(ctx)
	if err != nil {
		return err
	}
	sb := &SyncBench{}
	for _, n := range Objects(plan) {
		sb.Objects += n
	}
	s.res.Sync = sb
	var errs []error
	fail := func(err error) {
		if err != nil {
			errs = append(errs, err)
			sb.Errors = append(sb.Errors, firstLine(err))
			logf("  failed: %s", firstLine(err))
		}
	}

	// Our replica.
	ours := "bench-replica-" + testlab.Suffix()
	dir := filepath.Join(s.work, "replica-"+ours)
	cli, err := s.tfDir(dir, "waldur/waldur", pdir, s.replicaConfig(source, ours))
	if err != nil {
		return err
	}
	logf("sync: terraform apply of the replica %s", ours)
	if _, err := s.terraform(ctx, dir, cli, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		fail(err)
	} else {
		for round := 1; round <= s.c.repeats; round++ {
			wall, calls, err := s.measuredTF(ctx, dir, cli, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false")
			fail(err)
			if err == nil {
				sb.Ours.add(wall, calls)
				logf("sync: in-sync plan %d/%d: %.1f s, %d calls", round, s.c.repeats, wall.Seconds(), calls.Total())
			}
		}
		fail(s.smallSync(ctx, source, dir, cli, sb))
	}
	if _, err := s.terraform(ctx, dir, cli, "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
		fail(err)
		fail(s.teardown(ctx, "", ours))
	}

	// terraform-provider-openstack's equivalent configuration, applied, then planned.
	tpo := "bench-tpo-sync-" + testlab.Suffix()
	logf("sync: terraform apply of the terraform-provider-openstack configuration into %s", tpo)
	r := s.runTPO(ctx, tpo, plan)
	if r.Error != "" {
		fail(errors.New(r.Error))
	} else {
		tdir := filepath.Join(s.work, "tpo-"+tpo)
		tcli := filepath.Join(tdir, "terraformrc")
		for round := 1; round <= s.c.repeats; round++ {
			// Not -detailed-exitcode: terraform-provider-openstack plans changes of its own on a configuration it
			// has just applied (normalised attributes); its refresh is what is measured.
			wall, calls, err := s.measuredTF(ctx, tdir, tcli, "plan", "-input=false", "-no-color", "-lock=false")
			fail(err)
			if err == nil {
				sb.TPO.add(wall, calls)
				logf("sync: terraform-provider-openstack plan %d/%d: %.1f s, %d calls", round, s.c.repeats, wall.Seconds(), calls.Total())
			}
		}
	}
	fail(s.teardown(ctx, r.ProjectID, tpo))
	if sb.Ours.WallMedian > 0 && sb.TPO.WallMedian > 0 {
		v := sb.Ours.WallMedian / sb.TPO.WallMedian
		sb.Ratio = &v
	}
	return errors.Join(errs...)
}

// smallSync adds a network with a subnet and smallSyncPorts ports to the source, applies the replica
// (measured), checks that the next plan is empty, and removes what it added from the source.
func (s *session) smallSync(ctx context.Context, source, dir, cli string, sb *SyncBench) (err error) {
	added, err := s.addNetworkWithPorts(ctx, source, smallSyncPorts)
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		err = errors.Join(err, added.remove(cctx, s.src))
	}()
	if err != nil {
		return err
	}
	sb.SmallSyncObjects = 2 + smallSyncPorts
	wall, calls, err := s.measuredTF(ctx, dir, cli, "apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		return err
	}
	sb.SmallSync.add(wall, calls)
	logf("sync: apply of %d new source objects: %.1f s, %d calls (%d writes)", sb.SmallSyncObjects, wall.Seconds(), calls.Total(), calls.Writes())
	if _, err := s.terraform(ctx, dir, cli, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"); err != nil {
		return fmt.Errorf("the plan after the small sync is not empty: %w", err)
	}
	return nil
}

// measuredTF runs one terraform command and returns its wall time and the calls it made.
func (s *session) measuredTF(ctx context.Context, dir, cli string, args ...string) (time.Duration, Calls, error) {
	s.proxy.Take()
	run, err := s.terraform(ctx, dir, cli, args...)
	return run.wall, s.proxy.Take(), err
}

// tfDir writes a Terraform working directory with config as main.tf and its CLI configuration, and
// returns the latter's path.
func (s *session) tfDir(dir, source, providerDir, config string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		return "", err
	}
	return s.cliConfig(dir, source, providerDir)
}

// replicaConfig is providerConfig with follow_source = true.
func (s *session) replicaConfig(source, target string) string {
	return strings.Replace(s.providerConfig(source, target), "  destroy_destination = true\n",
		"  destroy_destination = true\n  follow_source       = true\n", 1)
}

// addedObjects are objects added to the source for the small sync.
type addedObjects struct {
	network string
	ports   []string
}

// addNetworkWithPorts adds to the source project a network with a /24 subnet and n ports on it.
func (s *session) addNetworkWithPorts(ctx context.Context, projectID string, n int) (*addedObjects, error) {
	a := &addedObjects{}
	net, err := openstack.Create[openstack.Network](ctx, s.src.Network, openstack.Networks, openstack.Network{
		ProjectID: projectID, Name: "bench-sync-" + testlab.Suffix(), AdminStateUp: true})
	if err != nil {
		return a, err
	}
	a.network = net.ID
	prefix := netip.MustParsePrefix("10.250.7.0/24")
	sub, err := openstack.Create[openstack.Subnet](ctx, s.src.Network, openstack.Subnets, map[string]any{
		"project_id": projectID, "network_id": net.ID, "name": net.Name, "ip_version": 4, "cidr": prefix.String(), "enable_dhcp": false})
	if err != nil {
		return a, err
	}
	ports := make([]openstack.Port, n)
	for i := range ports {
		ports[i] = openstack.Port{ProjectID: projectID, NetworkID: net.ID, Name: fmt.Sprintf("%s-%d", net.Name, i), AdminStateUp: true,
			DeviceOwner: "compute:nova", FixedIPs: []openstack.FixedIP{{SubnetID: sub.ID}}}
	}
	created, err := openstack.BulkCreate(ctx, s.src.Network, openstack.Ports, ports)
	for _, p := range created {
		a.ports = append(a.ports, p.ID)
	}
	return a, err
}

// remove deletes what addNetworkWithPorts added (the subnet goes with its network).
func (a *addedObjects) remove(ctx context.Context, c *openstack.Cloud) error {
	if a == nil {
		return nil
	}
	var errs []error
	for _, id := range a.ports {
		errs = append(errs, ignoreNotFound(openstack.Delete(ctx, c.Network, openstack.Ports, id)))
	}
	if a.network != "" {
		errs = append(errs, ignoreNotFound(openstack.Delete(ctx, c.Network, openstack.Networks, a.network)))
	}
	return errors.Join(errs...)
}

func ignoreNotFound(err error) error {
	if openstack.IsNotFound(err) {
		return nil
	}
	return err
}

// syncTable renders the sync measurements.
func (r *Results) syncTable() string {
	sb := r.Sync
	if sb == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nReplica sync (follow_source = true), tenant of %d objects:\n\n", sb.Objects)
	fmt.Fprintf(&b, "| measurement | wall s (median) | runs | API calls | reads | writes |\n|---|---:|---|---:|---:|---:|\n")
	for _, row := range []struct {
		name string
		t    TimedCalls
	}{
		{"terraform plan, replica in sync (ours)", sb.Ours},
		{"terraform plan, terraform-provider-openstack", sb.TPO},
		{fmt.Sprintf("terraform apply, %d objects added to the source", sb.SmallSyncObjects), sb.SmallSync},
	} {
		runs := make([]string, len(row.t.Walls))
		for i, w := range row.t.Walls {
			runs[i] = fmt.Sprintf("%.1f", w)
		}
		fmt.Fprintf(&b, "| %s | %.1f | %s | %d | %d | %d |\n", row.name, row.t.WallMedian, strings.Join(runs, ", "), row.t.Calls, row.t.Reads, row.t.Writes)
	}
	fmt.Fprintf(&b, "\nin_sync_plan_vs_tpo (wall): %s (target ≤ %.1f: %s)\n", fmtRatio(sb.Ratio), Targets["in_sync_plan_vs_tpo"], verdict(r.Met["in_sync_plan_vs_tpo"]))
	for _, e := range sb.Errors {
		fmt.Fprintf(&b, "\nsync error: %s", e)
	}
	return b.String()
}
