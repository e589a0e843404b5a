package waldurmode

import (
	"sync"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
)

var _ backend.Backend = (*Backend)(nil)

// Settings are what the backend needs to reach Waldur.
type Settings struct {
	// Endpoint is the URL of Waldur's API, Token the user's API token.
	Endpoint string
	Token    string
	// Poll tunes how migrations and orders are waited for (zero: waldur.WaitOptions' defaults, from 2s
	// growing to 30s).
	Poll waldur.WaitOptions
	// AllowHTTP accepts a plain http:// endpoint that is not a loopback address (the token then travels
	// unencrypted); Insecure skips the verification of Waldur's TLS certificate. Both default to false.
	AllowHTTP bool
	Insecure  bool
	// Client are further options of the Waldur client (tests: a faster retry policy).
	Client []waldur.Option
}

// Backend drives Waldur's API. Its client is made on first use and shared by every resource and data
// source of one provider instance; a bad endpoint is reported by whatever uses it first.
type Backend struct {
	settings Settings
	log      backend.Logger

	once   sync.Once
	client *waldur.Client
	err    error
}

// New returns the backend; log may be nil.
func New(s Settings, log backend.Logger) *Backend {
	if log == nil {
		log = backend.Discard
	}
	return &Backend{settings: s, log: log}
}

// Settings returns what the backend was made with.
func (b *Backend) Settings() Settings { return b.settings }

// api returns the client, or the error saying why there is none.
func (b *Backend) api() (*waldur.Client, error) {
	b.once.Do(func() {
		if b.err = waldur.CheckEndpointScheme(b.settings.Endpoint, b.settings.AllowHTTP); b.err != nil {
			return
		}
		opts := b.settings.Client
		if b.settings.Insecure {
			opts = append(append([]waldur.Option(nil), opts...), waldur.WithInsecureSkipVerify())
		}
		b.client, b.err = waldur.New(b.settings.Endpoint, b.settings.Token, opts...)
	})
	if b.err != nil {
		return nil, backend.Errorf(replication.Path{}, "Invalid Waldur backend configuration",
			"The provider's endpoint (or WALDUR_API_URL) and token (or WALDUR_ACCESS_TOKEN) do not make a usable Waldur API client: %s", b.err)
	}
	return b.client, nil
}
