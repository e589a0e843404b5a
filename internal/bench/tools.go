package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ensureTool builds a Go command with `go install pkg` into dir when dir/bin is missing (through a
// temporary directory, so an interrupted build leaves nothing half-written), and returns the binary's
// module version.
func ensureTool(ctx context.Context, dir, bin, pkg string) (string, error) {
	path := filepath.Join(dir, bin)
	if _, err := os.Stat(path); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		tmp, err := os.MkdirTemp(dir, ".build-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		logf("building %s into %s (a few minutes, once)", pkg, dir)
		cmd := exec.CommandContext(ctx, "go", "install", pkg)
		cmd.Env = append(os.Environ(), "GOBIN="+tmp)
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go install %s: %w\n%s", pkg, err, out)
		}
		if err := os.Rename(filepath.Join(tmp, bin), path); err != nil {
			return "", err
		}
	}
	return moduleVersion(ctx, path), nil
}

// moduleVersion reads the main module's version recorded in a Go binary.
func moduleVersion(ctx context.Context, path string) string {
	out, err := exec.CommandContext(ctx, "go", "version", "-m", path).Output()
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 3 && fields[0] == "mod" {
			return fields[1] + "@" + fields[2]
		}
	}
	return ""
}
