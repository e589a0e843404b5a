package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// providerData is what Configure hands to every resource and data source: exactly one backend is set.
type providerData struct {
	waldur     *waldurBackend
	standalone *standaloneBackend
}

// waldurBackend holds the Waldur API settings and, once used, the client (waldur_backend.go). Resources
// and data sources dispatch to their waldur_*.go code before they ask for the standalone backend.
type waldurBackend struct {
	Endpoint string
	Token    string
	conn     waldurConn
}

// waldurNotDispatchedSummary reports a resource or data source operation that reached the standalone
// code while the provider is configured for Waldur: every operation dispatches to its waldur_*.go code
// first, so this is a bug.
const waldurNotDispatchedSummary = "Operation without a Waldur backend implementation"

// backendFor returns the standalone backend, or adds the diagnostic that explains why there is none.
func backendFor(data *providerData, diags *diag.Diagnostics) *standaloneBackend {
	switch {
	case data == nil:
		diags.AddError("Provider not configured",
			"The waldur provider was not configured before use. This is a bug in the provider or in Terraform; please report it.")
	case data.waldur != nil:
		diags.AddError(waldurNotDispatchedSummary, "The provider is configured for the Waldur backend, but this operation "+
			"reached the standalone backend's code. This is a bug in the provider; please report it.")
	case data.standalone == nil:
		diags.AddError("No backend configured", "The waldur provider has neither a Waldur nor a standalone backend.")
	default:
		return data.standalone
	}
	return nil
}

// offeringSettings is one configured offering: how to reach its cloud and region, and the choices the
// engine needs there.
type offeringSettings struct {
	Config openstack.Config
	// ExternalNetwork names the network routers get their gateway on; "" picks the only one there is.
	ExternalNetwork string
	// DomainID is the Keystone domain new projects and users are made in; "" means the credentials' own.
	DomainID string
}

// standaloneBackend reaches configured OpenStack offerings. Connections are made on first use and shared
// by every resource and data source of this provider instance: one authentication per offering, however
// many objects use it.
type standaloneBackend struct {
	offerings map[string]offeringSettings
	connect   func(context.Context, openstack.Config) (*openstack.Cloud, error)

	mu    sync.Mutex
	conns map[string]*offeringConn
	// previous holds the credentials of migrations forgotten by Delete during this run, by
	// dst_offering and src_resource; see rememberCredentials.
	previous map[string]replication.Credentials
}

type offeringConn struct {
	mu    sync.Mutex
	cloud *openstack.Cloud
}

func newStandaloneBackend(offerings map[string]offeringSettings) *standaloneBackend {
	return &standaloneBackend{
		offerings: offerings,
		connect: func(ctx context.Context, cfg openstack.Config) (*openstack.Cloud, error) {
			return openstack.Connect(ctx, cfg, nil)
		},
		conns:    map[string]*offeringConn{},
		previous: map[string]replication.Credentials{},
	}
}

// offering returns the settings of a configured offering.
func (b *standaloneBackend) offering(name string) (offeringSettings, error) {
	o, ok := b.offerings[name]
	if !ok {
		return o, fmt.Errorf("offering %q is not configured: the provider's openstack.offerings has %s", name, b.offeringNames())
	}
	return o, nil
}

func (b *standaloneBackend) offeringNames() string {
	names := slices.Sorted(maps.Keys(b.offerings))
	if len(names) == 0 {
		return "none"
	}
	return `"` + strings.Join(names, `", "`) + `"`
}

// cloud returns the connection to an offering, connecting on first use. Only one connection attempt per
// offering runs at a time; a failed attempt is not cached, so a later call tries again.
func (b *standaloneBackend) cloud(ctx context.Context, name string) (*openstack.Cloud, error) {
	o, err := b.offering(name)
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
func (b *standaloneBackend) tenant(ctx context.Context, id string) (tenantRef, *openstack.Cloud, error) {
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
func (b *standaloneBackend) rememberCredentials(dstOffering, srcResource string, creds replication.Credentials) {
	if creds.UserID == "" || creds.Password == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.previous[dstOffering+"\x00"+srcResource] = creds
}

// previousCredentials returns what rememberCredentials kept for the same source and destination, if any.
// The engine uses them only when they name the user it finds in the project it adopts.
func (b *standaloneBackend) previousCredentials(dstOffering, srcResource string) *replication.Credentials {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.previous[dstOffering+"\x00"+srcResource]; ok {
		return &c
	}
	return nil
}
