// Package waldurlab makes the in-repo Waldur test server (waldurtest) execute migrations for real: its
// Runner runs the project's replication engine against the local OpenStack lab (lab/up.sh), and its
// Terminator tears destination tenants down, so that the provider's Waldur backend is proven end to end
// on a real OpenStack. It also seeds a waldurtest server from the lab: offerings for lab clouds and
// tenants for lab projects, with their Neutron objects as Waldur would list them.
//
// An offering's service settings carry, as their opaque Backend string, the clouds.yaml entry of the
// region they stand for (testlab.RegionOne, testlab.RegionTwo, testlab.OtherCloudOne). Test support:
// the provider never imports it.
package waldurlab

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// Lab reaches the lab's clouds by clouds.yaml entry (found through OS_CLIENT_CONFIG_FILE, as
// testlab.Require sets it), one connection per entry, made on first use.
type Lab struct {
	// Concurrency of the engine's runs and teardowns (default 8).
	Concurrency int
	// Connect makes a connection; the default authenticates with openstack.Connect.
	Connect func(ctx context.Context, cloud string) (*openstack.Cloud, error)

	mu     sync.Mutex
	clouds map[string]*openstack.Cloud
}

// New returns a Lab with the default connection.
func New() *Lab {
	return &Lab{Connect: func(ctx context.Context, cloud string) (*openstack.Cloud, error) {
		return openstack.Connect(ctx, openstack.Config{Cloud: cloud}, nil)
	}}
}

// Cloud returns the connection to a clouds.yaml entry.
func (l *Lab) Cloud(ctx context.Context, cloud string) (*openstack.Cloud, error) {
	if cloud == "" {
		return nil, errors.New("the offering's service settings name no lab cloud (Offering.Backend is empty)")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.clouds[cloud]; c != nil {
		return c, nil
	}
	c, err := l.Connect(ctx, cloud)
	if err != nil {
		return nil, fmt.Errorf("connecting to lab cloud %q: %w", cloud, err)
	}
	if l.clouds == nil {
		l.clouds = map[string]*openstack.Cloud{}
	}
	l.clouds[cloud] = c
	return c, nil
}

func (l *Lab) concurrency() int {
	if l.Concurrency > 0 {
		return l.Concurrency
	}
	return 8
}

// Runner executes a migration with the replication engine, from the source tenant's project in its
// offering's cloud to a new project in the destination offering's cloud, and reports the destination's
// objects as Waldur would list them. Like Waldur it names the new tenant as the migration says. Unlike
// Waldur it leaves nothing half-built behind in the lab: a failed run's project is torn down, and the
// migration is ERRED with the engine's error.
func (l *Lab) Runner() waldurtest.Runner {
	return func(ctx context.Context, req waldurtest.MigrationRequest) (waldurtest.RunResult, error) {
		src, err := l.Cloud(ctx, req.Source.Offering.Backend)
		if err != nil {
			return waldurtest.RunResult{}, err
		}
		dst, err := l.Cloud(ctx, req.Destination.Offering.Backend)
		if err != nil {
			return waldurtest.RunResult{}, err
		}
		if req.Source.BackendID == "" {
			return waldurtest.RunResult{}, errors.New("the source tenant has no backend id (Keystone project id)")
		}
		mappings, err := MappingsOf(req.Mappings)
		if err != nil {
			return waldurtest.RunResult{}, err
		}
		m := replication.Migration{
			Source: src, SourceProjectID: req.Source.BackendID, Destination: dst, Mappings: mappings,
			Target: replication.Target{Name: req.Name, Description: req.Description},
		}
		_, res, err := m.Run(ctx, replication.Options{Concurrency: l.concurrency()})
		if err != nil {
			if res != nil && res.ProjectID != "" {
				if terr := replication.Teardown(context.WithoutCancel(ctx), dst, res.ProjectID, l.concurrency()); terr != nil {
					err = fmt.Errorf("%w (and tearing down the partial project %s failed: %v)", err, res.ProjectID, terr)
				}
			}
			return waldurtest.RunResult{}, err
		}
		snap, err := replication.ReadSnapshot(ctx, dst, res.ProjectID)
		if err != nil {
			return waldurtest.RunResult{}, fmt.Errorf("reading the new project back: %w", err)
		}
		return waldurtest.RunResult{
			TenantBackendID:   res.ProjectID,
			Username:          res.Credentials.Username,
			Password:          res.Credentials.Password,
			ExternalNetworkID: ExternalNetworkOf(snap),
			Quotas:            QuotasOf(snap.Quotas),
			Objects:           ObjectsOf(snap),
		}, nil
	}
}

// Terminator tears a destination tenant down with the engine's Teardown, as Waldur's termination
// deletes the tenant's project and everything in it.
func (l *Lab) Terminator() waldurtest.Terminator {
	return func(ctx context.Context, t waldurtest.TenantInfo) error {
		if t.BackendID == "" {
			return nil
		}
		c, err := l.Cloud(ctx, t.Offering.Backend)
		if err != nil {
			return err
		}
		if _, err := openstack.GetProject(ctx, c.Identity, t.BackendID); openstack.IsNotFound(err) {
			return nil
		}
		return replication.Teardown(ctx, c, t.BackendID, l.concurrency())
	}
}

// MappingsOf converts a migration's resolved mappings for the engine: Waldur's uuids become OpenStack
// ids (network backend ids, volume type backend ids). Waldur copies no network when a selection names
// none of the source's; the engine reads an empty selection as "all", so that case is refused.
func MappingsOf(m waldurtest.RunMappings) (replication.Mappings, error) {
	out := replication.Mappings{
		Networks: append([]string(nil), m.Networks...), SyncInstancePorts: m.SyncInstancePorts, SkipConnectionExtnet: m.SkipConnectionExtnet,
	}
	if m.SelectNetworks && len(m.Networks) == 0 {
		return out, errors.New("mappings.networks selects no network of the source tenant")
	}
	for _, s := range m.Subnets {
		out.Subnets = append(out.Subnets, replication.SubnetRemap{SrcCIDR: s.SrcCIDR, DstCIDR: s.DstCIDR})
	}
	for _, vt := range m.VolumeTypes {
		if vt.Src.BackendID == "" || vt.Dst.BackendID == "" {
			return out, fmt.Errorf("volume type %s -> %s: no backend id", vt.Src.Name, vt.Dst.Name)
		}
		out.VolumeTypes = append(out.VolumeTypes, replication.VolumeTypeMap{SrcTypeID: vt.Src.BackendID, DstTypeID: vt.Dst.BackendID})
	}
	return out, nil
}
