package bench

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// planner runs the planner's Go benchmark (BenchmarkBuildPlan, a synthetic tenant of about 10,000
// objects) and records ns/op, B/op and allocs/op.
func (s *session) planner(ctx context.Context) error {
	out, err := s.goBench(ctx, "BenchmarkBuildPlan")
	if err != nil {
		return err
	}
	pb, err := parseBenchLine(out, "BenchmarkBuildPlan")
	if err != nil {
		return err
	}
	s.res.Planner = pb
	logf("  %s", pb.Line)
	return s.plannerScale(ctx)
}

// plannerScale runs BenchmarkBuildPlanScale (scaled tenants of 10,000 and 100,000 objects) and records
// each size's result and the growth of the time per object from the smaller to the larger (1.0: the
// planner is linear).
func (s *session) plannerScale(ctx context.Context) error {
	out, err := s.goBench(ctx, "BenchmarkBuildPlanScale")
	if err != nil {
		return err
	}
	s.res.PlannerScale = nil
	for _, size := range []string{"10000", "100000"} {
		pb, err := parseBenchLine(out, "BenchmarkBuildPlanScale/objects="+size+"-")
		if err != nil {
			return err
		}
		logf("  %s", pb.Line)
		s.res.PlannerScale = append(s.res.PlannerScale, *pb)
	}
	return nil
}

// PlannerSlope is how much the planner's time per object grows from the smallest scaled tenant to the
// largest (1.0: linear); 0 when not measured.
func (r *Results) PlannerSlope() float64 {
	if len(r.PlannerScale) < 2 {
		return 0
	}
	first, last := r.PlannerScale[0], r.PlannerScale[len(r.PlannerScale)-1]
	if first.Objects == 0 || last.Objects == 0 || first.NsPerOp == 0 {
		return 0
	}
	return (last.NsPerOp / float64(last.Objects)) / (first.NsPerOp / float64(first.Objects))
}

// parseBenchLine finds the result line of a Go benchmark in `go test -bench` output.
func parseBenchLine(out, name string) (*PlannerBench, error) {
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, name) {
			continue
		}
		fields := strings.Fields(line)
		pb := &PlannerBench{Line: strings.Join(fields, " ")}
		for i := 1; i+1 < len(fields); i++ {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "ns/op":
				pb.NsPerOp = v
			case "B/op":
				pb.BytesPerOp = v
			case "allocs/op":
				pb.AllocsPerOp = v
			case "objects":
				pb.Objects = int(v)
			}
		}
		if pb.NsPerOp > 0 {
			return pb, nil
		}
	}
	return nil, fmt.Errorf("no %s result in:\n%s", name, out)
}

// goBench runs the engine's Go benchmark name once and returns go test's output.
func (s *session) goBench(ctx context.Context, name string) (string, error) {
	logf("running %s", name)
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^"+name+"$", "-benchmem", "-count", "1", "./internal/replication")
	cmd.Dir = s.c.repo
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s: %w\n%s", name, err, out)
	}
	return string(out), nil
}
