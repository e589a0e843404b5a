package replication

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"time"

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
//
// Requests still in flight (issue 14). The same 409 without a holder is also what a create of ours
// gets while an earlier create of the same addresses is still running on the server: a proxy in front
// of Neutron (haproxy's timeout server, uwsgi's router: 60 s is common) cut the client's connection
// while Neutron went on, the pass ended with the lost answer, the next pass listed the ports before
// that request committed and sent them again. Marking the subnet then would replace it (a destructive
// change) under ports about to appear. So the address is not called leaked at once: leakedAddress
// polls its holders, with backoff (1 s doubling to 15 s), for up to inFlightGrace (2 minutes, longer
// than any create we have seen run on a loaded Neutron, 98 s for a 100-port bulk on the bench). A port
// of the destination project that comes to hold it (or holds it already: the request committed between
// the list and the create) is the cut-off request's work: LateCreateError, after which Execute runs
// another pass, which adopts those ports by their source markers, in the same apply. Only an address
// still without a holder after the grace is leaked. The grace is paid whenever the 409 finds no holder,
// not only in a pass that follows a lost answer: the request cut off may be an earlier apply's (one
// that ran out of passes), which this apply cannot know about. A genuine leak (TestLabNeutronKilled)
// thus costs the full grace, 2 minutes, once, before the subnet is rebuilt; the rare case is slower,
// the common one (a proxy timeout) is not destructive.
//
// Decisions around it: the first list of the pass after a lost answer does not wait for the requests
// cut off to finish (nothing says how long they run; the port creates, which carry their addresses,
// are told apart by the 409 above, and a create without addresses that commits after the list is
// caught by the next apply's adoption by source marker). No per-attempt client timeout is added to the
// transport (internal/openstack/session.go keeps http.Client.Timeout at 10 minutes): a timeout shorter
// than the slowest legitimate request would itself cut off requests Neutron goes on running, the very
// case above, while the proxies in front of OpenStack already end a hung request at their own timeout.

// rebuildTag marks a subnet copy to be replaced by the next pass (subnetReplaced).
const rebuildTag = "wom:rebuild"

// inFlightGrace bounds how long leakedAddress waits for a port to come to hold an address Neutron
// refused before it calls the address leaked; inFlightPoll is its first wait between two lists (doubled
// up to inFlightPollMax). Variables so that tests can shorten them.
var (
	inFlightGrace   = 2 * time.Minute
	inFlightPoll    = time.Second
	inFlightPollMax = 15 * time.Second
)

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

// LateCreateError is a port create refused for an address that a port of the destination project holds
// or came to hold: the work of an earlier create of ours whose answer was lost, finished meanwhile. The
// holder is told by its project, not by the migration's marker: a port made by a late request on a
// Neutron without tag-creation has no tags yet. A holder the next pass does not adopt fails the
// create again; maxPasses bounds that.
type LateCreateError struct {
	SubnetID string
	Address  string
	PortID   string
	Err      error
}

func (e *LateCreateError) Error() string {
	return fmt.Sprintf("address %s of subnet %s is held by port %s of the destination project, which the run did not "+
		"know of (made, presumably, by an earlier create of ours whose answer was lost; a next pass reads it): %v",
		e.Address, e.SubnetID, e.PortID, e.Err)
}

func (e *LateCreateError) Unwrap() error { return e.Err }

var alreadyAllocated = regexp.MustCompile(`IP address (\S+) already allocated in subnet ([0-9a-f-]{36})`)

// leakedAddress classifies a port create's error. A 409 IpAddressAlreadyAllocated for an address of a
// subnet of the destination project becomes a LateCreateError when a port of the project holds the
// address or comes to hold it within inFlightGrace, a LeakedAddressError (after marking the subnet's
// copy) when none does by then; anything else, a port of another project included, is returned as err.
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
	subnets, lerr := openstack.List[openstack.Subnet](ctx, e.dst.Network, openstack.Subnets, url.Values{"id": {subnetID}})
	if lerr != nil {
		return errors.Join(err, lerr)
	}
	if len(subnets) != 1 || subnets[0].ProjectID != e.res.ProjectID {
		return err
	}
	query := url.Values{"fixed_ips": {"subnet_id=" + subnetID, "ip_address=" + address}}
	deadline := time.Now().Add(inFlightGrace)
	wait := inFlightPoll
	for {
		holders, lerr := openstack.List[openstack.Port](ctx, e.dst.Network, openstack.Ports, query)
		if lerr != nil {
			return errors.Join(err, lerr)
		}
		if len(holders) > 0 {
			for _, h := range holders {
				if h.ProjectID == e.res.ProjectID {
					return &LateCreateError{SubnetID: subnetID, Address: address, PortID: h.ID, Err: err}
				}
			}
			return err // another project's port holds it: a real conflict, reported as it is
		}
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		e.report(Progress{Step: fmt.Sprintf("address %s of subnet %s refused as allocated, and no port holds it yet: "+
			"waiting up to %v for a request cut off earlier to finish before calling it leaked",
			address, subnetID, left.Round(time.Second))})
		t := time.NewTimer(min(wait, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, inFlightPollMax)
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
// does not repeat for a create) or the server failed (5xx after the transport's retries), or such a
// request finished after the pass had listed (LateCreateError), or Neutron leaked addresses
// (LeakedAddressError). Refusals (4xx) and cancellations end the run.
func anotherPass(err error) string {
	var leak *LeakedAddressError
	var late *LateCreateError
	switch {
	case err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return ""
	case errors.As(err, &leak):
		return fmt.Sprintf("re-creating subnet %s to free leaked address %s", leak.SubnetID, leak.Address)
	case errors.As(err, &late):
		return fmt.Sprintf("a request whose answer was lost has finished (port %s holds %s); reading what it did", late.PortID, late.Address)
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
