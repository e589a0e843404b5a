package standalone

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

func TestCloudConnectsOncePerOffering(t *testing.T) {
	b := New(map[string]OfferingSettings{
		"old": {Config: openstack.Config{Cloud: "lab-RegionOne"}},
		"new": {Config: openstack.Config{Cloud: "lab-RegionTwo"}},
	}, nil)
	var calls atomic.Int32
	b.connect = func(_ context.Context, cfg openstack.Config) (*openstack.Cloud, error) {
		calls.Add(1)
		return &openstack.Cloud{Region: cfg.Cloud}, nil
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := []string{"old", "new"}[i%2]
			c, err := b.cloud(context.Background(), name)
			if err != nil || c == nil {
				t.Errorf("cloud(%s) = %v, %v", name, c, err)
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 2 {
		t.Errorf("connected %d times, want once per offering", calls.Load())
	}
	a, _ := b.cloud(context.Background(), "old")
	c, _ := b.cloud(context.Background(), "old")
	if a != c {
		t.Error("an offering's connection is not shared")
	}
}

func TestCloudRetriesAFailedConnection(t *testing.T) {
	b := New(map[string]OfferingSettings{"old": {}}, nil)
	fail := true
	b.connect = func(context.Context, openstack.Config) (*openstack.Cloud, error) {
		if fail {
			return nil, errors.New("connection refused")
		}
		return &openstack.Cloud{}, nil
	}
	if _, err := b.cloud(context.Background(), "old"); err == nil || !strings.Contains(err.Error(), `offering "old"`) {
		t.Fatalf("want the connection error naming the offering, got %v", err)
	}
	fail = false
	if _, err := b.cloud(context.Background(), "old"); err != nil {
		t.Fatalf("a failed connection was cached: %v", err)
	}
}

func TestUnknownOffering(t *testing.T) {
	b := New(map[string]OfferingSettings{"old": {}, "new": {}}, nil)
	_, err := b.cloud(context.Background(), "nowhere")
	if err == nil || !strings.Contains(err.Error(), `"new", "old"`) {
		t.Errorf("want an error listing the configured offerings, got %v", err)
	}
}

func TestPreviousCredentials(t *testing.T) {
	b := New(nil, nil)
	if b.previousCredentials("new", "old/p") != nil {
		t.Fatal("credentials out of nowhere")
	}
	b.rememberCredentials("new", "old/p", replication.Credentials{UserID: "u", Username: "shop-abc234"}) // no password: useless
	if b.previousCredentials("new", "old/p") != nil {
		t.Error("kept credentials without a password")
	}
	creds := replication.Credentials{UserID: "u", Username: "shop-abc234", Password: "pw-pw-pw-pw-pw-pw"}
	b.rememberCredentials("new", "old/p", creds)
	if got := b.previousCredentials("new", "old/p"); got == nil || *got != creds {
		t.Errorf("previousCredentials = %v", got)
	}
	if b.previousCredentials("other", "old/p") != nil || b.previousCredentials("new", "old/q") != nil {
		t.Error("credentials handed to another migration")
	}
}
