package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// workdir is a Terraform working directory holding one of examples/, run with the provider built from
// this repository (a dev_overrides CLI configuration) against the lab.
type workdir struct {
	t         *testing.T
	terraform string
	dir       string
	rc        string
	vars      []string
	env       []string
	printed   bytes.Buffer
}

// newWorkdir builds the provider and prepares examples/<example> with vars (-var name=value).
func newWorkdir(t *testing.T, example string, vars map[string]string, env ...string) *workdir {
	t.Helper()
	main, err := os.ReadFile(filepath.Join(testlab.RepoRoot(t), "examples", example, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	return newWorkdirWith(t, string(main), vars, env...)
}

// newWorkdirWith builds the provider and prepares a working directory whose main.tf is mainTF.
func newWorkdirWith(t *testing.T, mainTF string, vars map[string]string, env ...string) *workdir {
	t.Helper()
	dir := t.TempDir()
	w := &workdir{t: t, terraform: terraformCLI(t), dir: filepath.Join(dir, "work"), rc: filepath.Join(dir, "terraformrc"), env: env}
	providerDir := buildProvider(t, dir)
	writeFile(t, filepath.Join(w.dir, "main.tf"), mainTF)
	writeFile(t, w.rc, `disable_checkpoint = true
provider_installation {
  dev_overrides {
    "waldur/waldur" = "`+providerDir+`"
  }
  direct {}
}
`)
	for k, v := range vars {
		w.vars = append(w.vars, "-var", k+"="+v)
	}
	return w
}

func (w *workdir) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.terraform, args...)
	cmd.Dir = w.dir
	cmd.Env = append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+w.rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
		"OS_CLIENT_CONFIG_FILE="+testlab.CloudsFile()), w.env...)
	return cmd
}

// run runs terraform with args (and the vars, for plan, apply and destroy), fails the test on an error
// and returns what it printed.
func (w *workdir) run(ctx context.Context, args ...string) string {
	w.t.Helper()
	out, err := w.try(ctx, args...)
	if err != nil {
		w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// try is run returning the error.
func (w *workdir) try(ctx context.Context, args ...string) (string, error) {
	if len(args) > 0 && (args[0] == "plan" || args[0] == "apply" || args[0] == "destroy") {
		args = append(args, w.vars...)
	}
	out, err := w.command(ctx, args...).CombinedOutput()
	w.printed.Write(out)
	return string(out), err
}

// started is a terraform command running in a process group of its own.
type started struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
}

// start starts terraform with args (and the vars) in a process group of its own, which kill ends with
// SIGKILL (Terraform and the provider it started alike).
func (w *workdir) start(ctx context.Context, args ...string) *started {
	w.t.Helper()
	cmd := w.command(ctx, append(args, w.vars...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = &w.printed, &w.printed
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	s := &started{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()
	return s
}

// exited reports whether the command has ended by itself.
func (s *started) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *started) kill() {
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
}

// destroyAtEnd runs terraform destroy when the test ends, unless done says it was destroyed already.
func (w *workdir) destroyAtEnd(done *bool) {
	w.t.Cleanup(func() {
		if *done {
			return
		}
		if out, err := w.try(context.Background(), "destroy", "-auto-approve", "-no-color"); err != nil {
			w.t.Logf("terraform destroy: %v\n%s", err, out)
		}
	})
}

// seededSource connects to RegionOne and RegionTwo and seeds a three-tier source tenant named
// <prefix>-<suffix> in RegionOne, deleted when the test ends.
//
// First it makes sure every lab cloud offers every volume type the lab's tests use (the examples'
// standard and performance, and testlab.VolumeTypeNames). Other packages' tests, running at the same
// time, create those they miss; Cinder lists a quota for every type of its region, so a type created
// between this test's plan and its apply would change the planned preview's quotas, and Terraform
// refuses a plan that changes while it is applied.
func seededSource(t *testing.T, ctx context.Context, prefix string) (src, dst *openstack.Cloud, name string, tenant *testlab.Tenant) {
	t.Helper()
	src, dst = testlab.Connect(t, testlab.RegionOne), testlab.Connect(t, testlab.RegionTwo)
	types := append([]string{"standard", "performance"}, testlab.VolumeTypeNames...)
	for _, c := range []*openstack.Cloud{src, dst, testlab.Connect(t, testlab.OtherCloudOne)} {
		if _, err := testlab.EnsureVolumeTypes(ctx, c, types...); err != nil {
			t.Fatal(err)
		}
	}
	name = prefix + "-" + testlab.Suffix()
	tenant, err := testlab.SeedThreeTier(ctx, src, name)
	t.Cleanup(func() { teardownSource(t, src, tenant) })
	if err != nil {
		t.Fatal(err)
	}
	return src, dst, name, tenant
}

// teardownSource deletes a seeded source tenant and its foreign project.
func teardownSource(t *testing.T, src *openstack.Cloud, tenant *testlab.Tenant) {
	if tenant == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, id := range []string{tenant.ProjectID, tenant.ForeignProject} {
		if id != "" {
			if err := replication.Teardown(ctx, src, id, 4); err != nil {
				t.Logf("deleting source project %s: %v", id, err)
			}
		}
	}
}
