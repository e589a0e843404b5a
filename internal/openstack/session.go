package openstack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gopenstack "github.com/gophercloud/gophercloud/v2/openstack"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/transport"
)

// An authSession is one authenticated identity at one Keystone, shared by every Connect of this process
// with the same authentication: the token's catalog lists every region, so the clients of any region
// can be built from it, and a migration between two regions of one Keystone asks for one token, not two.
//
// The fields below done are written by the session's first Connect before it closes done, and only read
// after done is closed.
type authSession struct {
	key  authKey
	tls  *tls.Config
	done chan struct{}

	provider *gophercloud.ProviderClient
	counter  *RequestCounter
	gate     *writeGate
	err      error
	// retry says the attempt ended because the first Connect's own context ended: the Connects waiting
	// for it try again rather than fail with that context's error.
	retry bool
}

// authKey is what two Connects must agree on to share a session (with the TLS settings, which are not
// comparable and are checked by sameTLS). Secrets are kept only as a keyed hash, so that a key printed by
// mistake shows none.
type authKey struct {
	endpoint                       string
	userID, username               string
	userDomainID, userDomainName   string
	tenantID, tenantName           string
	appCredentialID, appCredential string
	scope                          gophercloud.AuthScope
	secrets                        [sha256.Size]byte

	// A counter passed to Connect is part of the key; nil is its own value, and Connects with nil share
	// the session's own counter.
	counter *RequestCounter
	// The session's transport gates Neutron writes with these settings.
	gate gateSettings
}

// secretsKey keys the hash of secrets in authKey; it never leaves the process.
var secretsKey = func() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k) // never fails (crypto/rand panics rather than return an error)
	return k
}()

func newAuthKey(ao gophercloud.AuthOptions, counter *RequestCounter, gs gateSettings) authKey {
	mac := hmac.New(sha256.New, secretsKey)
	for _, s := range []string{ao.Password, ao.Passcode, ao.TokenID, ao.ApplicationCredentialSecret} {
		_ = binary.Write(mac, binary.BigEndian, uint64(len(s)))
		mac.Write([]byte(s))
	}
	k := authKey{
		endpoint: strings.TrimRight(ao.IdentityEndpoint, "/"),
		userID:   ao.UserID, username: ao.Username, userDomainID: ao.DomainID, userDomainName: ao.DomainName,
		tenantID: ao.TenantID, tenantName: ao.TenantName,
		appCredentialID: ao.ApplicationCredentialID, appCredential: ao.ApplicationCredentialName,
		counter: counter, gate: gs,
	}
	if ao.Scope != nil {
		k.scope = *ao.Scope
	}
	copy(k.secrets[:], mac.Sum(nil))
	return k
}

var sessions = struct {
	mu sync.Mutex
	m  map[authKey][]*authSession
}{m: map[authKey][]*authSession{}}

// sharedSession returns the session of key and tlsConfig, starting one with start when there is none.
// Concurrent callers wait for the first one's authentication instead of authenticating again.
//
// Credentials Keystone refused (401) are remembered for the life of the process: every later Connect
// with them gets the same error without asking Keystone again, so one wrong password in a configuration
// with many resources and data sources counts as one failed login against lock-out policies, not one per
// resource (a corrected password is a new key, and a new terraform command a new process). Any other
// failure is not kept: the callers waiting for it get its error (or, if it failed because its caller's
// context ended, try again), and the next caller starts afresh.
func sharedSession(ctx context.Context, key authKey, tlsConfig *tls.Config, start func(context.Context, *authSession) error) (*authSession, error) {
	for {
		sessions.mu.Lock()
		var s *authSession
		for _, candidate := range sessions.m[key] {
			if sameTLS(candidate.tls, tlsConfig) {
				s = candidate
				break
			}
		}
		if s == nil {
			s = &authSession{key: key, tls: tlsConfig, done: make(chan struct{})}
			sessions.m[key] = append(sessions.m[key], s)
			sessions.mu.Unlock()
			if err := s.run(ctx, start); err != nil {
				return nil, err
			}
			return s, nil
		}
		sessions.mu.Unlock()
		select {
		case <-s.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if s.err == nil {
			return s, nil
		}
		if !s.retry {
			return nil, s.err
		}
	}
}

// run authenticates a new session, and forgets it unless that succeeded or Keystone refused the
// credentials.
func (s *authSession) run(ctx context.Context, start func(context.Context, *authSession) error) error {
	s.err = errAuthIncomplete // what waiters see if start panics
	defer func() {
		if s.err != nil && !refused(s.err) {
			s.retry = ctx.Err() != nil
			s.forget()
		}
		close(s.done)
	}()
	s.err = start(ctx, s)
	return s.err
}

var errAuthIncomplete = errors.New("authentication did not complete")

// refused reports whether Keystone refused the credentials: 401 to the token request, which asking
// again cannot change.
func refused(err error) bool {
	return gophercloud.ResponseCodeIs(err, http.StatusUnauthorized)
}

func (s *authSession) forget() {
	sessions.mu.Lock()
	defer sessions.mu.Unlock()
	list := sessions.m[s.key]
	for i, candidate := range list {
		if candidate == s {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(sessions.m, s.key)
	} else {
		sessions.m[s.key] = list
	}
}

// authenticate builds the session's HTTP client (see newTransportStack: retries, the Neutron write gate,
// writes let finish when a run stops, every attempt counted in the session's counter) and authenticates
// with ao.
func (s *authSession) authenticate(ctx context.Context, ao gophercloud.AuthOptions, tlsConfig *tls.Config) error {
	s.counter = s.key.counter
	if s.counter == nil {
		s.counter = NewRequestCounter()
	}
	provider, err := gopenstack.NewClient(ao.IdentityEndpoint)
	if err != nil {
		return fmt.Errorf("auth_url %q: %w", ao.IdentityEndpoint, err)
	}
	pooled := transport.CloneDefault()
	pooled.MaxIdleConnsPerHost = 32
	pooled.TLSClientConfig = tlsConfig
	fresh := pooled.Clone()
	fresh.DisableKeepAlives = true
	var rt http.RoundTripper
	rt, s.gate = newTransportStack(pooled, fresh, s.counter, s.key.gate)
	provider.HTTPClient = http.Client{Transport: rt, Timeout: 10 * time.Minute}
	ao.AllowReauth = true
	if err := gopenstack.Authenticate(ctx, provider, ao); err != nil {
		return fmt.Errorf("authenticating at %s as %q: %w", ao.IdentityEndpoint, ao.Username, err)
	}
	s.provider = provider
	return nil
}

// sameTLS reports whether a and b configure connections the same way, as far as the settings that
// authOptions can produce go (CA pool, verification, client certificate). Configs with callbacks are
// only the same when they are one config.
func sameTLS(a, b *tls.Config) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	if a.GetClientCertificate != nil || b.GetClientCertificate != nil || a.GetCertificate != nil || b.GetCertificate != nil ||
		a.VerifyPeerCertificate != nil || b.VerifyPeerCertificate != nil || a.VerifyConnection != nil || b.VerifyConnection != nil ||
		a.GetConfigForClient != nil || b.GetConfigForClient != nil {
		return false
	}
	if a.InsecureSkipVerify != b.InsecureSkipVerify || a.ServerName != b.ServerName ||
		a.MinVersion != b.MinVersion || a.MaxVersion != b.MaxVersion || len(a.Certificates) != len(b.Certificates) {
		return false
	}
	if (a.RootCAs == nil) != (b.RootCAs == nil) || (a.RootCAs != nil && !a.RootCAs.Equal(b.RootCAs)) {
		return false
	}
	for i := range a.Certificates {
		ca, cb := a.Certificates[i].Certificate, b.Certificates[i].Certificate
		if len(ca) != len(cb) {
			return false
		}
		for j := range ca {
			if !bytes.Equal(ca[j], cb[j]) {
				return false
			}
		}
	}
	return true
}
