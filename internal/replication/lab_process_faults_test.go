package replication_test

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

// TestLabNeutronKilled kills the destination Neutron API (the second cloud's, SIGKILL to its process
// group) while it processes a bulk create of a migration, and starts it again as an operator would
// (lab/up.sh restarts what is dead). The runs that follow, as a user applies again, must converge to a
// destination equal to the source with no duplicates and no orphans. Killed during the ports bulk,
// Neutron may keep addresses allocated without their ports (rebuild_subnets.go); killed during the
// networks bulk of a tenant whose network quota is exactly its count, it keeps the quota reserved for
// about two minutes (stale_reservations.go).
func TestLabNeutronKilled(t *testing.T) {
	testlab.Require(t)
	for _, tc := range []struct {
		name, at string
		tight    bool
	}{
		{"during the ports bulk", "/v2.0/ports", false},
		{"during the networks bulk, network quota exactly used", "/v2.0/networks", true},
	} {
		t.Run(tc.name, func(t *testing.T) { neutronKilled(t, tc.at, tc.tight) })
	}
}

func neutronKilled(t *testing.T, killAt string, tight bool) {
	ctx := context.Background()
	src := testlab.Connect(t, testlab.RegionOne)
	dst := testlab.Connect(t, testlab.OtherCloudOne)
	if _, err := testlab.EnsureVolumeTypes(ctx, dst, testlab.VolumeTypeNames...); err != nil {
		t.Fatal(err)
	}
	tenant := seed(t, ctx, src)
	if tight {
		if err := openstack.SetNetworkQuotas(ctx, src.Network, tenant.ProjectID, map[string]int{"network": len(tenant.Networks)}); err != nil {
			t.Fatal(err)
		}
	}
	labDir := filepath.Dir(testlab.CloudsFile())
	pidFile := filepath.Join(labDir, "pids", "neutron-lab2-RegionOne.pid")
	if _, err := os.Stat(pidFile); err != nil {
		t.Fatalf("the second cloud's Neutron pid file: %v", err)
	}
	var once sync.Once
	var restarted sync.WaitGroup
	var mu sync.Mutex // guards restartErr and killed, set from the timer's goroutine
	var restartErr error
	killed := false
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		restartErr = err
	}
	kill := func() {
		raw, err := os.ReadFile(pidFile)
		if err != nil {
			restarted.Done()
			fail(err)
			return
		}
		pgid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil {
			restarted.Done()
			fail(err)
			return
		}
		if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil {
			restarted.Done()
			fail(err)
			return
		}
		mu.Lock()
		killed = true
		mu.Unlock()
		go func() {
			defer restarted.Done()
			time.Sleep(2 * time.Second) // the operator notices
			cmd := exec.Command("bash", filepath.Join(testlab.RepoRoot(t), "lab", "up.sh"))
			cmd.Env = append(os.Environ(), "LAB_DIR="+labDir)
			if out, err := cmd.CombinedOutput(); err != nil {
				fail(fmt.Errorf("lab/up.sh: %w\n%s", err, out))
			}
		}()
	}
	t.Cleanup(restarted.Wait)
	dst.Counter.OnRequest = func(_, method, path string) {
		if method == "POST" && path == killAt {
			// Neutron has the bulk when it dies: some of its ports may be made, and its quota reserved.
			once.Do(func() {
				restarted.Add(1) // before the run can return and the test wait for the restart
				time.AfterFunc(300*time.Millisecond, kill)
			})
		}
	}
	m := replication.Migration{Source: src, SourceProjectID: tenant.ProjectID, Destination: dst,
		Mappings: replication.Mappings{SyncInstancePorts: true}, Target: replication.Target{Name: "killed-" + testlab.Suffix()}}
	var plan *replication.Plan
	var res *replication.Result
	var err error
	var errs []string
	projectID := ""
	t.Cleanup(func() { cleanupProject(t, dst, projectID) })
	runs := 0
	var recovered []string
	progress := func(p replication.Progress) {
		if strings.HasPrefix(p.Step, "pass ") || strings.HasPrefix(p.Step, "waiting for Neutron to release") {
			recovered = append(recovered, p.Step)
		}
	}
	for runs < 8 {
		runs++
		plan, res, err = m.Run(ctx, replication.Options{ProjectID: projectID, Progress: progress})
		dst.Counter.OnRequest = nil
		if res != nil && res.ProjectID != "" {
			projectID = res.ProjectID
		}
		if err == nil {
			break
		}
		errs = append(errs, err.Error())
		restarted.Wait() // a user applies again once the cloud is back
	}
	restarted.Wait()
	mu.Lock()
	defer mu.Unlock()
	if !killed || restartErr != nil {
		t.Fatalf("Neutron was not killed and restarted: killed %v, %v", killed, restartErr)
	}
	if err != nil {
		// Who holds what the last run could not have?
		ports, lerr := openstack.List[openstack.Port](ctx, dst.Network, openstack.Ports, url.Values{"network_id": slices.Collect(maps.Values(res.Networks))})
		for _, p := range ports {
			t.Logf("port %s project %s owner %q device %q mac %s ips %v status %v", p.ID, p.ProjectID, p.DeviceOwner, p.DeviceID, p.MACAddress, p.FixedIPs, p.Status)
		}
		t.Fatalf("no convergence after %d runs: %v (ports listed: %v)", runs, errs, lerr)
	}
	t.Logf("converged after %d run(s); errors on the way: %v; recoveries: %v", runs, errs, recovered)
	compareTenants(t, ctx, src, tenant, dst, plan, res, expectation{ports: true,
		volumeMap: map[string]string{"gigabytes_ssd": "300", "gigabytes_hdd": "500"}})
	checkNoOrphans(t, ctx, dst, res)
}
