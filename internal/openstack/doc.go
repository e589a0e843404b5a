// Package openstack holds everything that talks to an OpenStack cloud: authentication from clouds.yaml or
// OS_* variables, one service client per API (identity, network, compute, block storage) for a region,
// a transport that retries transient failures and counts requests, and small typed calls for the objects
// the replication engine reads and writes.
//
// The transport rides out a service restart (Neutron, Keystone, or the proxy in front of them) rather
// than fail the run at its first refused connection: for up to a minute it retries GET, HEAD, PUT and
// DELETE on a connection refused, reset or closed before an answer and on 502, 503 and 504, and a POST
// on 503 or when no connection could be made at all. A POST that may have reached the server is never
// sent again, since a second one could create a second object. Conflicts (409), rate limits (429) and
// 500 keep five attempts, so that a lasting conflict fails in seconds. A Retry-After that the minute
// cannot honour fails the request at once with an error that says how long the server asked for, rather
// than retrying sooner than asked. The details are at retryPolicy, the mechanics in package httpretry.
//
// Nothing here knows about Terraform or about replication: functions take a context and a client and
// return plain Go types, in the manner of gophercloud's own packages.
package openstack
