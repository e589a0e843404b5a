package waldur

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// step is the state-machine step used in tests: long enough to observe CREATION_SCHEDULED, short enough
// to keep the suite fast.
const step = 15 * time.Millisecond

var fastWait = WaitOptions{MinInterval: 3 * time.Millisecond, MaxInterval: 20 * time.Millisecond}

var fastRetry = RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

// fixture is a server seeded with a source tenant in one offering and a destination offering.
type fixture struct {
	srv *waldurtest.Server
	c   *Client
	// requests counts the client's HTTP attempts.
	requests *atomic.Int64

	srcOffering, dstOffering, otherOffering waldurtest.Offering
	srcPlan, dstPlan, fullPlan, otherPlan   waldurtest.Plan
	ssd, hdd, unusedSrcType, fast, slow     waldurtest.VolumeType
	src, bare                               waldurtest.Tenant
	srcObjects                              waldurtest.Objects
}

func newFixture(t *testing.T, opts waldurtest.Options) *fixture {
	t.Helper()
	if opts.StepDuration == 0 {
		opts.StepDuration = step
	}
	srv := waldurtest.New(opts)
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv, requests: new(atomic.Int64)}
	f.c = f.client(t, srv.Token)

	f.srcOffering = srv.AddOffering(waldurtest.Offering{Name: "Source cloud", Backend: "lab-a/RegionOne"})
	f.dstOffering = srv.AddOffering(waldurtest.Offering{Name: "Destination cloud", Backend: "lab-b/RegionOne"})
	f.otherOffering = srv.AddOffering(waldurtest.Offering{Name: "Other cloud", Backend: "lab-c/RegionOne"})
	f.srcPlan = srv.AddPlan(waldurtest.Plan{OfferingUUID: f.srcOffering.UUID, Name: "src"})
	f.dstPlan = srv.AddPlan(waldurtest.Plan{OfferingUUID: f.dstOffering.UUID, Name: "dst"})
	f.fullPlan = srv.AddPlan(waldurtest.Plan{OfferingUUID: f.dstOffering.UUID, Name: "full", MaxAmount: 1})
	f.otherPlan = srv.AddPlan(waldurtest.Plan{OfferingUUID: f.otherOffering.UUID, Name: "other"})
	f.ssd = srv.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.srcOffering.ScopeUUID, Name: "ssd"})
	f.hdd = srv.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.srcOffering.ScopeUUID, Name: "hdd"})
	f.unusedSrcType = srv.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.srcOffering.ScopeUUID, Name: "archive"})
	f.fast = srv.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.dstOffering.ScopeUUID, Name: "fast"})
	f.slow = srv.AddVolumeType(waldurtest.VolumeType{SettingsUUID: f.otherOffering.ScopeUUID, Name: "slow"})

	// Something already on the full plan, so that it is at its max_amount.
	srv.AddTenant(waldurtest.Tenant{OfferingUUID: f.dstOffering.UUID, PlanUUID: f.fullPlan.UUID, Name: "occupant", Limits: map[string]int{"cores": 1}})

	f.src = srv.AddTenant(waldurtest.Tenant{
		OfferingUUID: f.srcOffering.UUID, PlanUUID: f.srcPlan.UUID, Name: "prod", Description: "production",
		Limits:          map[string]int{"cores": 20, "ram": 51200, "storage": 1024000, "gigabytes_ssd": 100, "gigabytes_hdd": 300},
		Quotas:          map[string]int{"instances": 10, "security_group_count": 20},
		VolumeTypeUUIDs: []string{f.ssd.UUID, f.hdd.UUID},
	})
	f.bare = srv.AddTenant(waldurtest.Tenant{OfferingUUID: f.srcOffering.UUID, PlanUUID: f.srcPlan.UUID, Name: "no-limits"})

	web, db := ptr(80), ptr(5432)
	f.srcObjects = srv.AddObjects(f.src.UUID, waldurtest.Objects{
		Networks: []waldurtest.Network{
			{BackendID: "net-a", Name: "front"},
			{BackendID: "net-b", Name: "back"},
		},
		Subnets: []waldurtest.Subnet{
			{BackendID: "sub-a", NetworkBackendID: "net-a", Name: "front-v4", CIDR: "192.168.1.0/24", GatewayIP: "192.168.1.1", EnableDHCP: true,
				AllocationPools: []waldurtest.AllocationPool{{Start: "192.168.1.10", End: "192.168.1.200"}}},
			{BackendID: "sub-b", NetworkBackendID: "net-b", Name: "back-v4", CIDR: "10.0.5.0/24", GatewayIP: "10.0.5.1"},
		},
		Routers: []waldurtest.Router{{
			BackendID: "rtr", Name: "edge",
			Interfaces: []waldurtest.FixedIP{{IPAddress: "192.168.1.1", SubnetBackendID: "sub-a"}, {IPAddress: "10.0.5.1", SubnetBackendID: "sub-b"}},
			Routes:     []waldurtest.Route{{Destination: "10.0.5.128/25", NextHop: "10.0.5.10"}, {Destination: "172.30.0.0/16", NextHop: "192.168.1.5"}},
		}},
		SecurityGroups: []waldurtest.SecurityGroup{
			{BackendID: "sg-web", Name: "web", Rules: []waldurtest.SecurityGroupRule{{Protocol: "tcp", FromPort: web, ToPort: web, CIDR: "0.0.0.0/0"}}},
			{BackendID: "sg-db", Name: "db", Rules: []waldurtest.SecurityGroupRule{{Protocol: "tcp", FromPort: db, ToPort: db, RemoteGroupBackendID: "sg-web"}}},
		},
		Ports: []waldurtest.Port{
			{BackendID: "port-vm", NetworkBackendID: "net-a", Name: "vm1", MACAddress: "fa:16:3e:00:00:01", DeviceOwner: "compute:nova",
				FixedIPs:                []waldurtest.FixedIP{{IPAddress: "192.168.1.20", SubnetBackendID: "sub-a"}},
				SecurityGroupBackendIDs: []string{"sg-web"}, AdminStateUp: true, Status: "ACTIVE",
				AllowedAddressPairs: []waldurtest.AddressPair{{IPAddress: "192.168.1.50", MACAddress: "fa:16:3e:00:00:01"}}},
		},
	})
	return f
}

// client returns a client for the fixture's server with the given token, counting requests.
func (f *fixture) client(t *testing.T, token string) *Client {
	t.Helper()
	c, err := New(f.srv.URL, token, WithRetry(fastRetry), WithRequestHook(func(RequestInfo) { f.requests.Add(1) }))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// as returns v as a T, and fails the test when it is not one.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok {
		t.Fatalf("got a %T, want a %T", v, x)
	}
	return x
}

// request is a valid create request for the fixture's source tenant.
func (f *fixture) request() MigrationCreateRequest {
	return MigrationCreateRequest{
		SrcResource: f.src.ResourceUUID,
		DstOffering: f.dstOffering.UUID,
		DstPlan:     f.dstPlan.UUID,
		Name:        "prod-copy",
		Mappings: &Mappings{
			VolumeTypes: []VolumeTypeMapping{{SrcTypeUUID: f.ssd.UUID, DstTypeUUID: f.fast.UUID}, {SrcTypeUUID: f.hdd.UUID, DstTypeUUID: f.fast.UUID}},
			Subnets:     []SubnetMapping{{SrcCIDR: "192.168.1.0/24", DstCIDR: "10.20.1.0/24"}},
		},
	}
}

func ptr[T any](v T) *T { return &v }
