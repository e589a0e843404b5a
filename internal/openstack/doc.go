// Package openstack holds everything that talks to an OpenStack cloud: authentication from clouds.yaml or
// OS_* variables, one service client per API (identity, network, compute, block storage) for a region,
// a transport that retries transient failures and counts requests, and small typed calls for the objects
// the replication engine reads and writes.
//
// Nothing here knows about Terraform or about replication: functions take a context and a client and
// return plain Go types, in the manner of gophercloud's own packages.
package openstack
