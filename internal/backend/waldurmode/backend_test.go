package waldurmode

import (
	"context"
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// TestEndpointSettings: a plain-HTTP endpoint off the machine is refused unless AllowHTTP; a TLS server
// with a certificate nobody vouches for is refused unless Insecure.
func TestEndpointSettings(t *testing.T) {
	ctx := context.Background()
	q := backend.OfferingQuery{UUID: "0123456789abcdef0123456789abcdef"}
	_, err := New(Settings{Endpoint: "http://waldur.example.invalid/api/", Token: "t"}, nil).Offering(ctx, q)
	if err == nil || !strings.Contains(err.Error(), "allow_http") {
		t.Fatalf("plain HTTP: %v", err)
	}
	once := []waldur.Option{waldur.WithRetry(waldur.RetryPolicy{MaxAttempts: 1})}
	srv := waldurtest.New(waldurtest.Options{TLS: true})
	t.Cleanup(srv.Close)
	if _, err := New(Settings{Endpoint: srv.URL, Token: srv.Token, Client: once}, nil).Offering(ctx, q); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("unverified certificate: %v", err)
	}
	_, err = New(Settings{Endpoint: srv.URL, Token: srv.Token, Insecure: true, Client: once}, nil).Offering(ctx, q)
	if err != nil && strings.Contains(err.Error(), "certificate") {
		t.Fatalf("insecure: %v", err)
	}
}
