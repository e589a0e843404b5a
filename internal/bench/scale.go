package bench

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// ScaleResult is -mode scale at one size of the large tenant: the -run modes measured on a tenant of
// Scale times its objects.
type ScaleResult struct {
	Scale   int                    `json:"scale"`
	Objects int                    `json:"objects"`
	Modes   map[string]*ModeResult `json:"modes"`
}

// ScaleSlope is, for one mode, how its cost per object grows from the smallest measured size to the
// largest: 1.0 is flat (linear in the tenant), above it the larger tenant costs more per object.
type ScaleSlope struct {
	Wall  float64 `json:"wall_per_object"`
	Calls float64 `json:"calls_per_object"`
}

// scaledSource is the source tenant of factor k: the large tenant given with -source for 1 (the same
// shape), otherwise one seeded now and deleted at the end.
func (s *session) scaledSource(ctx context.Context, k int) (string, error) {
	if k == 1 && s.c.source != "" {
		return s.c.source, nil
	}
	start := time.Now()
	t, err := testlab.SeedLargeScaled(ctx, s.src, "bench-src-"+testlab.Suffix(), testlab.LargeScaled(k))
	if t != nil && t.ProjectID != "" {
		s.seeded = append(s.seeded, t.ProjectID)
	}
	if err != nil {
		return "", err
	}
	logf("seeded the large tenant ×%d %s (%s) in %.1f s", k, t.Name, t.ProjectID, time.Since(start).Seconds())
	return t.ProjectID, nil
}

// scale measures the -run modes on the large tenant at each -scales factor (a tenant seeded for each,
// and deleted at the end), -n rounds each, interleaved as in compare.
func (s *session) scale(ctx context.Context) error {
	var errs []error
	for _, k := range s.c.scales {
		source, err := s.scaledSource(ctx, k)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		plan, err := s.plan(ctx, source)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		objects := 0
		for _, n := range Objects(plan) {
			objects += n
		}
		modes, err := s.compareAt(ctx, source, plan, 0)
		errs = append(errs, err)
		if s.res.Scale == nil {
			s.res.Scale = map[string]*ScaleResult{}
		}
		s.res.Scale[strconv.Itoa(k)] = &ScaleResult{Scale: k, Objects: objects, Modes: modes}
		logf("×%d (%d objects) measured", k, objects)
	}
	return errors.Join(errs...)
}

// scaleSlopes compares the smallest and the largest size measured, per mode present in both.
func (r *Results) scaleSlopes() map[string]ScaleSlope {
	var lo, hi *ScaleResult
	for _, sr := range r.Scale {
		if sr.Objects == 0 {
			continue
		}
		if lo == nil || sr.Scale < lo.Scale {
			lo = sr
		}
		if hi == nil || sr.Scale > hi.Scale {
			hi = sr
		}
	}
	if lo == nil || hi == nil || lo == hi {
		return nil
	}
	slopes := map[string]ScaleSlope{}
	for mode, a := range lo.Modes {
		b := hi.Modes[mode]
		if b == nil || a.Failed == len(a.Runs) || b.Failed == len(b.Runs) || a.WallMedian == 0 || a.CallsMedian == 0 {
			continue
		}
		perA, perB := 1/float64(lo.Objects), 1/float64(hi.Objects)
		slopes[mode] = ScaleSlope{
			Wall:  b.WallMedian * perB / (a.WallMedian * perA),
			Calls: float64(b.CallsMedian) * perB / (float64(a.CallsMedian) * perA),
		}
	}
	return slopes
}

// scaleTable renders -mode scale's results.
func (r *Results) scaleTable() string {
	if len(r.Scale) == 0 {
		return ""
	}
	out := "\nScale (-mode scale): wall and calls per object at each size of the large tenant\n\n" +
		"| size | objects | mode | wall s | calls | ms/object | calls/object | provider peak RSS MB |\n|---|---|---|---|---|---|---|---|\n"
	for _, k := range sortedKeysByInt(r.Scale) {
		sr := r.Scale[k]
		for _, mode := range slices.Sorted(maps.Keys(sr.Modes)) {
			m := sr.Modes[mode]
			if m.Failed == len(m.Runs) {
				out += fmt.Sprintf("| ×%d | %d | %s | failed | | | | |\n", sr.Scale, sr.Objects, mode)
				continue
			}
			peak := ""
			if m.ProviderPeak > 0 {
				peak = fmt.Sprintf("%.0f", m.ProviderPeak)
			}
			out += fmt.Sprintf("| ×%d | %d | %s | %.1f | %d | %.1f | %.3f | %s |\n", sr.Scale, sr.Objects, mode, m.WallMedian, m.CallsMedian,
				1000*m.WallMedian/float64(sr.Objects), float64(m.CallsMedian)/float64(sr.Objects), peak)
		}
	}
	for _, mode := range slices.Sorted(maps.Keys(r.ScaleSlopes)) {
		sl := r.ScaleSlopes[mode]
		out += fmt.Sprintf("\n%s, largest vs smallest size: wall per object %.2f×, calls per object %.2f× (1.00: flat)", mode, sl.Wall, sl.Calls)
	}
	return out + "\n"
}

func sortedKeysByInt[V any](m map[string]V) []string {
	return slices.SortedFunc(maps.Keys(m), func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
}
