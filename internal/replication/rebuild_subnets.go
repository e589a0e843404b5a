package replication

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/httpretry"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// Leaked addresses. When neutron-server dies while it creates ports (killed, out of memory, its host
// lost), its IPAM may keep the addresses it had allocated for them although the ports were never made:
// from then on every create of a port at such an address fails with 409 IpAddressAlreadyAllocated, on
// every run, and no API frees the address. The only cure is a new subnet. So when a port create fails
// that way and no port holds the address, the subnet's copy is marked with rebuildTag and the run goes
// on from the start: the copy marked so is replaced as a copy whose CIDR changed is (its router
// interfaces detached, the addresses of the migration's ports on it released, deleted, created again,
// everything wired to it again), which gives the addresses back.

// rebuildTag marks a subnet copy to be replaced by the next pass (subnetReplaced).
const rebuildTag = "wom:rebuild"

// LeakedAddressError is a port create refused for an address that Neutron keeps allocated without a
// port.
type LeakedAddressError struct {
	SubnetID string
	Address  string
	Err      error
}

func (e *LeakedAddressError) Error() string {
	return fmt.Sprintf("Neutron keeps address %s of subnet %s allocated although no port holds it (left by a request "+
		"interrupted when Neutron stopped); the subnet's copy is marked %q to be created again: %v", e.Address, e.SubnetID, rebuildTag, e.Err)
}

func (e *LeakedAddressError) Unwrap() error { return e.Err }

var alreadyAllocated = regexp.MustCompile(`IP address (\S+) already allocated in subnet ([0-9a-f-]{36})`)

// leakedAddress turns a port create's error into a LeakedAddressError, after marking the subnet's copy,
// when Neutron refused an address that no port holds; otherwise it returns err.
func (e *execution) leakedAddress(ctx context.Context, err error) error {
	var apiErr *openstack.APIError
	if !errors.As(err, &apiErr) || apiErr.Type != "IpAddressAlreadyAllocated" {
		return err
	}
	m := alreadyAllocated.FindStringSubmatch(apiErr.Message)
	if m == nil {
		return err
	}
	address, subnetID := m[1], m[2]
	holders, lerr := openstack.List[openstack.Port](ctx, e.dst.Network, openstack.Ports,
		url.Values{"fixed_ips": {"subnet_id=" + subnetID, "ip_address=" + address}})
	if lerr != nil || len(holders) > 0 {
		return err // a port holds it: a real conflict, reported as it is
	}
	subnets, lerr := openstack.List[openstack.Subnet](ctx, e.dst.Network, openstack.Subnets, url.Values{"id": {subnetID}})
	if lerr != nil || len(subnets) != 1 || subnets[0].ProjectID != e.res.ProjectID {
		return err
	}
	tags := subnets[0].Tags
	if !slices.Contains(tags, rebuildTag) {
		if terr := openstack.SetTags(ctx, e.dst.Network, openstack.Subnets, subnetID, append(slices.Clone(tags), rebuildTag)); terr != nil {
			return errors.Join(err, terr)
		}
	}
	return &LeakedAddressError{SubnetID: subnetID, Address: address, Err: err}
}

// markedForRebuild reports whether a subnet copy carries rebuildTag.
func markedForRebuild(s openstack.Subnet) bool { return slices.Contains(s.Tags, rebuildTag) }

// Execute builds plan on the destination cloud (see execute), in passes. A pass that failed in a way
// that leaves the destination to be found out rather than known (see anotherPass: a create whose answer
// was lost, a server error, addresses leaked by an interrupted Neutron request) is followed by another,
// as a user would apply again: given what the failed pass built (as Options.Prior, its credentials
// kept), it reads the destination, adopts what the lost requests made, replaces the subnets marked for
// it and builds the rest. At most maxPasses passes.
func Execute(ctx context.Context, dst *openstack.Cloud, plan *Plan, opts Options) (*Result, error) {
	res, err := execute(ctx, dst, plan, opts)
	for pass := 2; pass <= maxPasses && res != nil && ctx.Err() == nil; pass++ {
		why := anotherPass(err)
		if why == "" {
			break
		}
		if opts.Progress != nil {
			opts.Progress(Progress{Step: fmt.Sprintf("pass %d: %s", pass, why)})
		}
		next := opts
		next.ProjectID = res.ProjectID // "" when the project's own create was lost: found by name then
		prior := res.IDMaps
		next.Prior = &prior
		if res.Credentials.Password != "" {
			creds := res.Credentials
			next.Previous = &creds
		}
		res, err = execute(ctx, dst, plan, next)
	}
	return res, err
}

// maxPasses bounds Execute's passes: a destination that keeps failing is reported, not retried forever.
const maxPasses = 3

// anotherPass says why a pass that ended with err is to be followed by another ("" when it is not):
// the outcome of a request is unknown (the connection broke before its answer, which the transport
// does not repeat for a create) or the server failed (5xx after the transport's retries), or Neutron
// leaked addresses (LeakedAddressError). Refusals (4xx) and cancellations end the run.
func anotherPass(err error) string {
	var leak *LeakedAddressError
	switch {
	case err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return ""
	case errors.As(err, &leak):
		return fmt.Sprintf("re-creating subnet %s to free leaked address %s", leak.SubnetID, leak.Address)
	case httpretry.ConnectionError(err):
		return "a request's answer was lost; reading what it did"
	}
	for _, status := range []int{500, 502, 503, 504} {
		if openstack.StatusIs(err, status) {
			return fmt.Sprintf("the destination answered %d; reading what it did", status)
		}
	}
	return ""
}
