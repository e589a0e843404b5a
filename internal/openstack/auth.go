package openstack

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gopenstack "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

// Config says how to reach one region of one cloud. Either Cloud names a clouds.yaml entry (found through
// OS_CLIENT_CONFIG_FILE or the usual locations), or AuthURL and the credentials are given explicitly, or,
// when both are empty, the OS_* environment variables are used, as the openstack CLI does.
type Config struct {
	Cloud  string
	Region string
	// CloudsFile, when set, is the clouds.yaml Cloud is read from, instead of OS_CLIENT_CONFIG_FILE and
	// the usual locations.
	CloudsFile string

	AuthURL           string
	Username          string
	Password          string
	ProjectName       string
	ProjectID         string
	UserDomainName    string
	ProjectDomainName string
	Insecure          bool
	CACertFile        string

	// NetworkWriteSlots and NetworkWriteSpacing tune how writes to Neutron are spread over its API
	// workers: each write goes on a fresh connection, at most NetworkWriteSlots at a time per Neutron
	// endpoint, each started at least NetworkWriteSpacing after the previous one. neutron-server's worker
	// processes accept connections greedily and keep them, so writes over pooled connections pile onto
	// one worker while the others idle; a fresh connection opened once the previous write keeps its
	// worker busy lands on an idle one. Zero means the default (2 slots, 100ms); a negative spacing means
	// none.
	NetworkWriteSlots   int
	NetworkWriteSpacing time.Duration
	// NetworkWriteAdaptive makes NetworkWriteSlots the upper bound of a limit the gate finds by itself
	// for each endpoint, from 2 writes in flight upwards while the server keeps up, backing off when
	// it is congested (see adaptiveLimit). Not the provider's default: on the 2-core lab it could not
	// be shown within 5 % of the best fixed setting in every cell (bench -run engine_adaptive;
	// bench/README.md).
	NetworkWriteAdaptive bool
	// NetworkWriteTrace, when set, is told of every gated Neutron write (a diagnostic; see WriteTracer).
	NetworkWriteTrace *WriteTracer
}

// Cloud is an authenticated connection to one region: a client per service, all sharing one token.
type Cloud struct {
	Region       string
	Identity     *gophercloud.ServiceClient
	Network      *gophercloud.ServiceClient
	Compute      *gophercloud.ServiceClient
	BlockStorage *gophercloud.ServiceClient
	Counter      *RequestCounter

	// The authenticated user, its project and its role names in that project.
	UserID    string
	ProjectID string
	DomainID  string
	Roles     []string
}

// Connect builds the service clients of cfg's region. Every request goes through a transport that retries
// transient failures and counts each attempt in counter, and that spreads Neutron writes over the API
// workers (see Config.NetworkWriteSlots).
//
// Connects in one process that authenticate the same way (same Keystone, user, secret, scope, TLS settings
// and network write settings) and pass the same counter share one authentication: one token request
// serves every region of that Keystone, and a concurrent Connect waits for the first one's instead of
// authenticating again. A nil counter is a value of its own: Connects with nil share the shared
// authentication's counter, which Cloud.Counter returns. A failed authentication is not kept.
func Connect(ctx context.Context, cfg Config, counter *RequestCounter) (*Cloud, error) {
	ao, region, tlsConfig, err := authOptions(cfg)
	if err != nil {
		return nil, err
	}
	ao.AllowReauth = true
	s, err := sharedSession(ctx, newAuthKey(ao, counter, networkWriteGate(cfg)), tlsConfig, func(ctx context.Context, s *authSession) error {
		return s.authenticate(ctx, ao, tlsConfig)
	})
	if err != nil {
		return nil, err
	}
	provider := s.provider
	eo := gophercloud.EndpointOpts{Region: region}
	c := &Cloud{Region: region, Counter: s.counter}
	if c.Identity, err = gopenstack.NewIdentityV3(provider, eo); err != nil {
		return nil, fmt.Errorf("identity endpoint: %w", err)
	}
	if c.Network, err = gopenstack.NewNetworkV2(provider, eo); err != nil {
		return nil, fmt.Errorf("network endpoint in region %q: %w", region, err)
	}
	if c.Compute, err = gopenstack.NewComputeV2(provider, eo); err != nil {
		return nil, fmt.Errorf("compute endpoint in region %q: %w", region, err)
	}
	if c.BlockStorage, err = gopenstack.NewBlockStorageV3(provider, eo); err != nil {
		return nil, fmt.Errorf("block-storage endpoint in region %q: %w", region, err)
	}
	c.Counter.registerService("identity", c.Identity.Endpoint)
	c.Counter.registerService("network", c.Network.Endpoint)
	c.Counter.registerService("compute", c.Compute.Endpoint)
	c.Counter.registerService("volume", c.BlockStorage.Endpoint)
	s.gate.addEndpoint(c.Network.Endpoint)
	if err := c.readToken(provider); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cloud) readToken(provider *gophercloud.ProviderClient) error {
	result, ok := provider.GetAuthResult().(tokens.CreateResult)
	if !ok {
		return fmt.Errorf("unexpected authentication result %T", provider.GetAuthResult())
	}
	user, err := result.ExtractUser()
	if err != nil {
		return err
	}
	c.UserID, c.DomainID = user.ID, user.Domain.ID
	if project, err := result.ExtractProject(); err == nil && project != nil {
		c.ProjectID = project.ID
		c.DomainID = project.Domain.ID
	}
	roles, err := result.ExtractRoles()
	if err != nil {
		return err
	}
	for _, r := range roles {
		c.Roles = append(c.Roles, r.Name)
	}
	return nil
}

// IsAdmin reports whether the token carries the admin role, which creating projects and users, setting
// quotas and choosing MAC addresses need.
func (c *Cloud) IsAdmin() bool {
	for _, r := range c.Roles {
		if r == "admin" {
			return true
		}
	}
	return false
}

func authOptions(cfg Config) (gophercloud.AuthOptions, string, *tls.Config, error) {
	if given := cfg.explicitWithoutAuthURL(); len(given) > 0 {
		from := "the OS_* environment"
		if cfg.Cloud != "" {
			from = "clouds.yaml entry " + strconv.Quote(cfg.Cloud)
		}
		return gophercloud.AuthOptions{}, "", nil, fmt.Errorf("%s given without auth_url: they are only used with auth_url, "+
			"and without it the credentials would come from %s instead. Set auth_url, or remove them", strings.Join(given, ", "), from)
	}
	switch {
	case cfg.Cloud != "":
		opts := []clouds.ParseOption{clouds.WithCloudName(cfg.Cloud)}
		if cfg.CloudsFile != "" {
			opts = append(opts, clouds.WithLocations(cfg.CloudsFile))
		}
		if cfg.Region != "" {
			opts = append(opts, clouds.WithRegion(cfg.Region))
		}
		ao, eo, tlsConfig, err := clouds.Parse(opts...)
		if err != nil {
			return ao, "", nil, fmt.Errorf("cloud %q: %w", cfg.Cloud, err)
		}
		return ao, eo.Region, tlsConfig, nil
	case cfg.AuthURL != "":
		ao := gophercloud.AuthOptions{
			IdentityEndpoint: cfg.AuthURL,
			Username:         cfg.Username,
			Password:         cfg.Password,
			DomainName:       cfg.UserDomainName,
			Scope: &gophercloud.AuthScope{
				ProjectName: cfg.ProjectName,
				ProjectID:   cfg.ProjectID,
				DomainName:  cfg.ProjectDomainName,
			},
		}
		if ao.DomainName == "" {
			ao.DomainName = "Default"
		}
		if ao.Scope.DomainName == "" && ao.Scope.ProjectID == "" {
			ao.Scope.DomainName = "Default"
		}
		tlsConfig, err := tlsFromConfig(cfg)
		return ao, cfg.Region, tlsConfig, err
	case os.Getenv("OS_CLOUD") != "":
		return authOptions(Config{Cloud: os.Getenv("OS_CLOUD"), Region: cfg.Region})
	case os.Getenv("OS_AUTH_URL") != "":
		env := Config{
			AuthURL: os.Getenv("OS_AUTH_URL"), Username: os.Getenv("OS_USERNAME"), Password: os.Getenv("OS_PASSWORD"),
			ProjectName: os.Getenv("OS_PROJECT_NAME"), ProjectID: os.Getenv("OS_PROJECT_ID"),
			UserDomainName: os.Getenv("OS_USER_DOMAIN_NAME"), ProjectDomainName: os.Getenv("OS_PROJECT_DOMAIN_NAME"),
			Region: cmp.Or(cfg.Region, os.Getenv("OS_REGION_NAME")), Insecure: os.Getenv("OS_INSECURE") == "true",
			CACertFile: os.Getenv("OS_CACERT"),
		}
		return authOptions(env)
	default:
		return gophercloud.AuthOptions{}, "", nil, fmt.Errorf("no cloud, no auth_url, and neither OS_CLOUD nor OS_AUTH_URL is set")
	}
}

// explicitWithoutAuthURL names the explicit credential and TLS settings given without AuthURL, which
// would otherwise be ignored silently in favour of a clouds.yaml entry or the OS_* environment (another
// cloud, possibly, as another user).
func (cfg Config) explicitWithoutAuthURL() []string {
	if cfg.AuthURL != "" {
		return nil
	}
	var given []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"username", cfg.Username != ""}, {"password", cfg.Password != ""}, {"project_name", cfg.ProjectName != ""},
		{"project_id", cfg.ProjectID != ""}, {"user_domain_name", cfg.UserDomainName != ""},
		{"project_domain_name", cfg.ProjectDomainName != ""}, {"insecure", cfg.Insecure}, {"cacert_file", cfg.CACertFile != ""},
	} {
		if f.set {
			given = append(given, f.name)
		}
	}
	return given
}

func tlsFromConfig(cfg Config) (*tls.Config, error) {
	t := &tls.Config{InsecureSkipVerify: cfg.Insecure} //nolint:gosec // an explicit user choice
	if cfg.CACertFile != "" {
		pem, err := os.ReadFile(cfg.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("cacert %q: %w", cfg.CACertFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("cacert %q: no certificate found", cfg.CACertFile)
		}
		t.RootCAs = pool
	}
	return t, nil
}
