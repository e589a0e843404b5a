package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// Terraform runs with a CLI configuration of its own: the measured provider is a development override
// (no `terraform init`, nothing downloaded), every other provider would have to come from an empty
// local mirror (so a configuration mistake fails instead of downloading), and the version check is off.
func (s *session) cliConfig(dir, source, providerDir string) (string, error) {
	mirror := filepath.Join(s.work, "empty-mirror")
	if err := os.MkdirAll(mirror, 0o755); err != nil {
		return "", err
	}
	cfg := fmt.Sprintf(`disable_checkpoint = true
provider_installation {
  dev_overrides {
    %q = %q
  }
  filesystem_mirror {
    path = %q
  }
}
`, source, providerDir, mirror)
	path := filepath.Join(dir, "terraformrc")
	return path, os.WriteFile(path, []byte(cfg), 0o600)
}

// tfRun is one terraform command's measurements.
type tfRun struct {
	wall      time.Duration
	procs     []ProcPeak
	sumPeakMB float64
	output    string
}

// terraform runs the Terraform CLI in dir with the proxied clouds.yaml, sampling the RSS of its process
// tree every 50 ms.
func (s *session) terraform(ctx context.Context, dir, cliConfig string, args ...string) (tfRun, error) {
	cmd := exec.CommandContext(ctx, s.c.terraform, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "TF_CLI_CONFIG_FILE="+cliConfig, "OS_CLIENT_CONFIG_FILE="+s.proxy.CloudsFile,
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return tfRun{}, err
	}
	sampler := SampleTree(cmd.Process.Pid, 50*time.Millisecond)
	err := cmd.Wait()
	r := tfRun{wall: time.Since(start), output: out.String()}
	r.procs, r.sumPeakMB = sampler.Stop()
	_ = os.WriteFile(filepath.Join(dir, "terraform-"+args[0]+".log"), out.Bytes(), 0o644)
	if err != nil {
		return r, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, tail(r.output, 40))
	}
	return r, nil
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// runTPO applies the TPO configuration equivalent to plan, into a project named target.
func (s *session) runTPO(ctx context.Context, target string, plan *replication.Plan) RunResult {
	var r RunResult
	if _, err := os.Stat(filepath.Join(s.c.tpoDir, "terraform-provider-openstack")); err != nil {
		r.Error = fmt.Sprintf("terraform-provider-openstack is not built in %s (GOBIN=%s go install github.com/terraform-provider-openstack/terraform-provider-openstack/v3@latest)", s.c.tpoDir, s.c.tpoDir)
		return r
	}
	dir := filepath.Join(s.work, "tpo-"+target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		r.Error = err.Error()
		return r
	}
	p := *plan
	p.Project.Name = target
	config, counts := TPOConfig(&p, s.c.dstCloud, randomHex(12))
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		r.Error = err.Error()
		return r
	}
	cli, err := s.cliConfig(dir, "terraform-provider-openstack/openstack", s.c.tpoDir)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	run, err := s.terraform(ctx, dir, cli, "apply", "-auto-approve", "-input=false", "-no-color")
	r.WallSeconds = run.wall.Seconds()
	r.Processes = run.procs
	r.PeakRSSMB = run.sumPeakMB
	r.ProjectID = s.projectByName(ctx, target)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Created = counts
	return r
}

func (s *session) projectByName(ctx context.Context, name string) string {
	found, err := openstack.FindProjects(ctx, s.dst.Identity, url.Values{"name": {name}})
	if err != nil || len(found) == 0 {
		return ""
	}
	return found[0].ID
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ourProvider returns the directory holding our provider's binary, building it when not given.
func (s *session) ourProvider(ctx context.Context) (dir, bin string, err error) {
	if s.c.providerBin != "" {
		bin, err = filepath.Abs(s.c.providerBin)
		return filepath.Dir(bin), bin, err
	}
	dir = filepath.Join(s.work, "provider")
	bin = filepath.Join(dir, "terraform-provider-waldur")
	if _, err := os.Stat(bin); err == nil {
		return dir, bin, nil
	}
	logf("building our provider from %s", s.c.repo)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = s.c.repo
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return dir, bin, nil
}

// providerBlock is the terraform and provider blocks of our provider's configurations: the source and
// destination clouds as offerings "source" and "destination".
func (s *session) providerBlock() string {
	return fmt.Sprintf(`terraform {
  required_providers {
    waldur = { source = "waldur/waldur" }
  }
}

provider "waldur" {
  openstack = {
    offerings = {
      "source"      = { cloud = %s }
      "destination" = { cloud = %s }
    }
  }
}
`, hclString(s.c.srcCloud), hclString(s.c.dstCloud))
}

// providerConfig is a configuration of our resource copying source into a new project named target.
func (s *session) providerConfig(source, target string) string {
	return s.providerBlock() + fmt.Sprintf(`
resource "waldur_openstack_migration" "bench" {
  src_resource        = %s
  dst_offering        = "destination"
  name                = %s
  mappings            = { sync_instance_ports = true }
  destroy_destination = true
}

output "dst_project_id" {
  value = waldur_openstack_migration.bench.dst_project_id
}
`, hclString("source/"+source), hclString(target))
}

// providerRSS applies our resource on the large tenant with Terraform, -n times, and records the peak
// RSS of the provider process (and of Terraform), the wall time and the calls.
func (s *session) providerRSS(ctx context.Context) error {
	source, err := s.largeSource(ctx)
	if err != nil {
		return err
	}
	pdir, bin, err := s.ourProvider(ctx)
	if err != nil {
		s.res.notef("provider-rss not measured: %v", firstLine(err))
		return err
	}
	mr := &ModeResult{}
	var errs []error
	for round := 1; round <= s.c.repeats; round++ {
		target := "bench-provider-" + testlab.Suffix()
		logf("round %d/%d: terraform apply of waldur_openstack_migration into %s", round, s.c.repeats, target)
		r := s.applyOurs(ctx, pdir, bin, source, target)
		if r.Error != "" {
			errs = append(errs, errors.New(r.Error))
			logf("  failed: %s", firstLine(errors.New(r.Error)))
		} else {
			logf("  %.1f s, %d calls, provider peak RSS %.1f MB", r.WallSeconds, r.Total, r.ProviderPeakMB)
		}
		if err := s.teardown(ctx, r.ProjectID, target); err != nil {
			errs = append(errs, err)
		}
		mr.Runs = append(mr.Runs, r)
	}
	mr.summarize()
	s.res.Modes[ModeProvider] = mr
	return errors.Join(errs...)
}

func (s *session) applyOurs(ctx context.Context, pdir, bin, source, target string) RunResult {
	r := s.applyConfig(ctx, pdir, bin, target, s.providerConfig(source, target))
	r.ProjectID = s.projectByName(ctx, target)
	return r
}

// planCalls counts the calls of `terraform plan` of our resource (the preview) for a small tenant (the
// three-tier one) and for the large one: they must not grow with the number of objects.
func (s *session) planCalls(ctx context.Context) error {
	source, err := s.largeSource(ctx)
	if err != nil {
		return err
	}
	pdir, _, err := s.ourProvider(ctx)
	if err != nil {
		s.res.notef("plan-calls not measured: %v", firstLine(err))
		return err
	}
	small, err := testlab.SeedThreeTier(ctx, s.src, "bench-small-"+testlab.Suffix())
	if small != nil {
		for _, id := range []string{small.ProjectID, small.ForeignProject} {
			if id != "" {
				s.seeded = append(s.seeded, id)
			}
		}
	}
	if err != nil {
		return err
	}
	pc := &PlanCalls{}
	for _, t := range []struct {
		name, source string
		into         *Calls
		objects      *int
	}{{"small", small.ProjectID, &pc.Small, &pc.SmallObjects}, {"large", source, &pc.Large, &pc.LargeObjects}} {
		plan, err := s.plan(ctx, t.source)
		if err != nil {
			return err
		}
		for _, n := range Objects(plan) {
			*t.objects += n
		}
		dir := filepath.Join(s.work, "plan-"+t.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(s.providerConfig(t.source, "bench-plan-"+testlab.Suffix())), 0o644); err != nil {
			return err
		}
		cli, err := s.cliConfig(dir, "waldur/waldur", pdir)
		if err != nil {
			return err
		}
		s.proxy.Take()
		_, err = s.terraform(ctx, dir, cli, "plan", "-input=false", "-no-color", "-lock=false")
		*t.into = s.proxy.Take()
		if err != nil {
			return err
		}
		logf("terraform plan of the %s tenant (%d objects): %d calls", t.name, *t.objects, t.into.Total())
	}
	pc.check()
	s.res.PlanCalls = pc
	if !pc.Constant {
		return fmt.Errorf("terraform plan makes more calls for the large tenant (%d) than for the small one (%d)", pc.Large.Total(), pc.Small.Total())
	}
	return nil
}

func firstLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}
