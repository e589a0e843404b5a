package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// manyShape is one of -mode many's tenants: about 120 objects (5 networks and subnets, a router with
// their 5 interfaces and 5 routes, 6 groups of 10 rules, 25 ports, 5 floating IPs), so that eight of
// them are about the large tenant's size.
var manyShape = testlab.LargeShape{Scale: 1, Networks: 5, Routers: 1, SecurityGroups: 6, Ports: 25, FloatingIPs: 5, AssociatedFIPs: 4}

// ManyResult is -mode many: -tenants small tenants migrated into one destination by one terraform
// apply (for_each over them: one provider process, its write gate shared by every migration), against
// one apply of the large tenant, of about their total size. Refused counts the destination Neutron's
// 409, 429 and 5xx answers in each run.
type ManyResult struct {
	Tenants      int         `json:"tenants"`
	ObjectsEach  int         `json:"objects_each"`
	LargeObjects int         `json:"large_objects"`
	Many         *ModeResult `json:"many"`
	One          *ModeResult `json:"one_large"`
	// ManyVsOne is the many apply's median wall over the large tenant's (target ≤ 1: no slower).
	ManyVsOne *float64 `json:"many_vs_one,omitempty"`
}

// many measures -n rounds of: one apply migrating the small tenants at once, then one apply of the large
// tenant, each torn down after.
func (s *session) many(ctx context.Context) error {
	large, err := s.largeSource(ctx)
	if err != nil {
		return err
	}
	largePlan, err := s.plan(ctx, large)
	if err != nil {
		return err
	}
	var sources []string
	for i := range s.c.tenants {
		t, err := testlab.SeedLargeScaled(ctx, s.src, fmt.Sprintf("bench-many-%d-%s", i, testlab.Suffix()), manyShape)
		if t != nil && t.ProjectID != "" {
			s.seeded = append(s.seeded, t.ProjectID)
		}
		if err != nil {
			return err
		}
		sources = append(sources, t.ProjectID)
	}
	smallPlan, err := s.plan(ctx, sources[0])
	if err != nil {
		return err
	}
	res := &ManyResult{Tenants: len(sources), ObjectsEach: countObjects(Objects(smallPlan)), LargeObjects: countObjects(Objects(largePlan)),
		Many: &ModeResult{}, One: &ModeResult{}}
	logf("%d tenants of %d objects each, against one of %d", res.Tenants, res.ObjectsEach, res.LargeObjects)
	pdir, bin, err := s.ourProvider(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for round := 1; round <= s.c.repeats; round++ {
		prefix := "bench-many-dst-" + testlab.Suffix()
		logf("round %d/%d: one terraform apply of %d migrations (for_each) into %s-*", round, s.c.repeats, len(sources), prefix)
		r := s.applyConfig(ctx, pdir, bin, prefix, s.manyConfig(sources, prefix))
		var names []string
		for i := range sources {
			names = append(names, fmt.Sprintf("%s-t%d", prefix, i))
		}
		errs = append(errs, s.logRun("many", r), s.teardownNamed(ctx, names))
		res.Many.Runs = append(res.Many.Runs, r)

		target := "bench-many-one-" + testlab.Suffix()
		logf("round %d/%d: terraform apply of the large tenant into %s", round, s.c.repeats, target)
		r = s.applyConfig(ctx, pdir, bin, target, s.providerConfig(large, target))
		errs = append(errs, s.logRun("one", r), s.teardownNamed(ctx, []string{target}))
		res.One.Runs = append(res.One.Runs, r)
		if ctx.Err() != nil {
			break
		}
	}
	res.Many.summarize()
	res.One.summarize()
	s.res.Many = res
	return errors.Join(errs...)
}

func countObjects(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func (s *session) logRun(name string, r RunResult) error {
	if r.Error != "" {
		logf("  %s failed: %s", name, r.Error)
		return fmt.Errorf("%s: %s", name, r.Error)
	}
	logf("  %s: %.1f s, %d calls (%d writes), %d refused by Neutron, provider peak RSS %.0f MB", name, r.WallSeconds, r.Total, r.Writes,
		refused(r.Server), r.ProviderPeakMB)
	return nil
}

func refused(server map[string]ServerTime) int {
	n := 0
	for _, st := range server {
		n += st.Refused
	}
	return n
}

func (s *session) teardownNamed(ctx context.Context, names []string) error {
	var errs []error
	for _, name := range names {
		errs = append(errs, s.teardown(ctx, s.projectByName(ctx, name), name))
	}
	return errors.Join(errs...)
}

// manyConfig migrates each source (a project id in the source offering) into a project named
// <prefix>-t<i>, all in one configuration.
func (s *session) manyConfig(sources []string, prefix string) string {
	var b strings.Builder
	for i, src := range sources {
		fmt.Fprintf(&b, "    %s = %s\n", hclString(fmt.Sprintf("t%d", i)), hclString("source/"+src))
	}
	return s.providerBlock() + fmt.Sprintf(`
locals {
  sources = {
%s  }
}

resource "waldur_openstack_migration" "bench" {
  for_each            = local.sources
  src_resource        = each.value
  dst_offering        = "destination"
  name                = "%s-${each.key}"
  mappings            = { sync_instance_ports = true }
  destroy_destination = true
}
`, b.String(), prefix)
}

// applyConfig runs terraform apply of config in a new directory named after name, measuring it as
// applyOurs does.
func (s *session) applyConfig(ctx context.Context, pdir, bin, name, config string) RunResult {
	var r RunResult
	dir := filepath.Join(s.work, "ours-"+name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		r.Error = err.Error()
		return r
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		r.Error = err.Error()
		return r
	}
	cli, err := s.cliConfig(dir, "waldur/waldur", pdir)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	s.proxy.Take()
	start := time.Now()
	cpu := s.labCPU()
	run, err := s.terraform(ctx, dir, cli, "apply", "-auto-approve", "-input=false", "-no-color")
	r.setCalls(s.proxy.Take())
	s.serverTime(&r, start)
	r.LabCPU = s.labCPU().minus(cpu)
	r.WallSeconds = run.wall.Seconds()
	r.Processes = run.procs
	r.PeakRSSMB = run.sumPeakMB
	r.ProviderPeakMB = peakOf(run.procs, filepath.Base(bin))
	if err != nil {
		r.Error = err.Error()
	}
	return r
}

// manyTable renders -mode many's result.
func (r *Results) manyTable() string {
	m := r.Many
	if m == nil || m.Many == nil || m.One == nil {
		return ""
	}
	row := func(name string, objects int, mr *ModeResult) string {
		if mr.Failed == len(mr.Runs) {
			return fmt.Sprintf("| %s | %d | failed | | | |\n", name, objects)
		}
		ref := 0
		for _, run := range mr.Runs {
			ref = max(ref, refused(run.Server))
		}
		return fmt.Sprintf("| %s | %d | %.1f | %d | %d | %.0f |\n", name, objects, mr.WallMedian, mr.CallsMedian, ref, mr.ProviderPeak)
	}
	out := "\nMany tenants in one apply (-mode many)\n\n| run | objects | wall s | calls | most 409/429/5xx in a run | provider peak RSS MB |\n|---|---|---|---|---|---|\n" +
		row(fmt.Sprintf("%d tenants, for_each", m.Tenants), m.Tenants*m.ObjectsEach, m.Many) + row("one large tenant", m.LargeObjects, m.One)
	if m.ManyVsOne != nil {
		out += fmt.Sprintf("\nmany_vs_one = %.3f (target ≤ 1: no slower than one tenant of their total size)\n", *m.ManyVsOne)
	}
	return out
}
