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
	logf("running BenchmarkBuildPlan")
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkBuildPlan$", "-benchmem", "-count", "1", "./internal/replication")
	cmd.Dir = s.c.repo
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("BenchmarkBuildPlan: %w\n%s", err, out)
	}
	pb, err := parseBenchLine(string(out), "BenchmarkBuildPlan")
	if err != nil {
		return err
	}
	s.res.Planner = pb
	logf("  %s", pb.Line)
	return nil
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
