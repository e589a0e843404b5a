package standalone

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

var _ backend.Backend = (*Backend)(nil)

// OfferingSettings are one configured offering: how to reach its cloud and region, and the choices the
// engine needs there.
type OfferingSettings struct {
	Config openstack.Config
	// ExternalNetwork names the network routers get their gateway on; "" picks the only one there is.
	ExternalNetwork string
	// DomainID is the Keystone domain new projects and users are made in; "" means the credentials' own.
	DomainID string
}

// Backend reaches the configured OpenStack offerings. Connections are made on first use and shared by
// every resource and data source of one provider instance: one authentication per offering, however
// many objects use it.
type Backend struct {
	offerings map[string]OfferingSettings
	connect   func(context.Context, openstack.Config) (*openstack.Cloud, error)
	log       backend.Logger

	mu    sync.Mutex
	conns map[string]*offeringConn
	// previous holds the credentials of migrations forgotten by Delete during this run, by
	// dst_offering and src_resource; see rememberCredentials.
	previous map[string]replication.Credentials
	// plans are the latest plans made, for the run that follows them (planCache).
	plans planCache
}

type offeringConn struct {
	mu    sync.Mutex
	cloud *openstack.Cloud
}

// New returns the backend of the offerings, by name; log may be nil.
func New(offerings map[string]OfferingSettings, log backend.Logger) *Backend {
	if log == nil {
		log = backend.Discard
	}
	return &Backend{
		offerings: offerings,
		connect: func(ctx context.Context, cfg openstack.Config) (*openstack.Cloud, error) {
			return openstack.Connect(ctx, cfg, nil)
		},
		log:      log,
		conns:    map[string]*offeringConn{},
		previous: map[string]replication.Credentials{},
	}
}

// OfferingSettings returns the settings of a configured offering.
func (b *Backend) OfferingSettings(name string) (OfferingSettings, error) {
	o, ok := b.offerings[name]
	if !ok {
		return o, fmt.Errorf("offering %q is not configured: the provider's openstack.offerings has %s", name, b.offeringNames())
	}
	return o, nil
}

func (b *Backend) offeringNames() string {
	names := slices.Sorted(maps.Keys(b.offerings))
	if len(names) == 0 {
		return "none"
	}
	return `"` + strings.Join(names, `", "`) + `"`
}

// cloud returns the connection to an offering, connecting on first use. Only one connection attempt per
// offering runs at a time; a failed attempt is not cached, so a later call tries again.
func (b *Backend) cloud(ctx context.Context, name string) (*openstack.Cloud, error) {
	o, err := b.OfferingSettings(name)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	c := b.conns[name]
	if c == nil {
		c = &offeringConn{}
		b.conns[name] = c
	}
	b.mu.Unlock()

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cloud != nil {
		return c.cloud, nil
	}
	cloud, err := b.connect(ctx, o.Config)
	if err != nil {
		return nil, fmt.Errorf("connecting to offering %q: %w", name, err)
	}
	c.cloud = cloud
	return cloud, nil
}

// tenant resolves a tenant id ("<offering>/<project id>") to its offering's connection.
func (b *Backend) tenant(ctx context.Context, id string) (tenantRef, *openstack.Cloud, error) {
	ref, err := parseTenantRef(id)
	if err != nil {
		return ref, nil, err
	}
	cloud, err := b.cloud(ctx, ref.Offering)
	return ref, cloud, err
}

// rememberCredentials keeps the credentials of a migration that Delete forgot, for a Create later in the
// same run. That is how a failed apply resumes: Terraform taints the partial migration, and the next
// apply replaces it, deleting the tainted instance, then creating anew, in one provider process. The new
// instance has no prior state to read, so without this hand-over the engine, which adopts the user the
// failed run made, would have to give it a new password.
func (b *Backend) rememberCredentials(dstOffering, srcResource string, creds replication.Credentials) {
	if creds.UserID == "" || creds.Password == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.previous[dstOffering+"\x00"+srcResource] = creds
}

// previousCredentials returns what rememberCredentials kept for the same source and destination, if any.
// The engine uses them only when they name the user it finds in the project it adopts.
func (b *Backend) previousCredentials(dstOffering, srcResource string) *replication.Credentials {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.previous[dstOffering+"\x00"+srcResource]; ok {
		return &c
	}
	return nil
}

// usableCredentials returns the credentials of a recorded migration when they can be handed to a later
// run: with the user's id and password (after an import the password is unknown).
func usableCredentials(c *replication.Credentials) *replication.Credentials {
	if c == nil || c.UserID == "" || c.Password == "" {
		return nil
	}
	return c
}
