// Package replication is the engine of the standalone backend: it copies an OpenStack tenant (a Keystone
// project and its network objects, security groups, ports and quotas) from one cloud or region to another.
//
// It works in four stages, each in its own file group:
//
//   - snapshot: read the source tenant with one list call per object type into an immutable Snapshot;
//   - plan: a pure, deterministic function of Snapshot + Mappings + destination Facts that returns the
//     Plan (every object to build, with its final attributes) or every bad input at once, each naming
//     the attribute and the value (ValidationErrors), so that nothing is written before all are fixed;
//   - execute: build the Plan on the destination as a dependency graph with bounded concurrency, adopting
//     what an earlier run already built (copies are recognised by their content, and by a tag naming
//     their source object only where content is ambiguous: see identity.go);
//   - result: destination ids, source-to-destination id maps, credentials and what was skipped.
//
// A replica follows its source (sync): Execute given the id maps of the previous run (Options.Prior)
// pairs the copies by them first, updates every copy that differs from the plan in place (the per-kind
// change functions of diff_objects.go), replaces subnets whose CIDR changed and, with Options.Prune,
// removes the prior copies whose source is gone. Compare tells, without writing, what such a run would
// do (Drift), with the same pairing (pair.go) and the same change functions.
//
// The Terraform provider renders the Plan as the plan-time preview and the Result as computed attributes.
//
// # Plan-time checks: a plan that succeeds must apply
//
// What the destination would refuse is found by BuildPlan, from the snapshot and the destination facts,
// and either avoided (changed in the plan and reported in Skipped, so the preview shows it) or refused
// (a ValidationError naming the attribute and the value). The plan must also not depend on what changes
// between a plan and its apply without the user's doing, or Terraform refuses the apply ("Provider
// produced inconsistent final plan"). The decisions:
//
//   - Per-type volume quotas (volumes_<type>, gigabytes_<type>, snapshots_<type>): Cinder lists an
//     unlimited one of each for every type of its region, so a type created in either region would change
//     the plan. Those that are unlimited in the source and whose type is not mapped are left out of the plan
//     (and the preview): the destination has them unlimited by default, as Cinder gives every project,
//     and the sync compares only the planned keys. Limited ones and mapped ones are planned. A type only
//     the destination has changes nothing: the plan is made of the source's keys. (This assumes the
//     destination's default quota class leaves per-type quotas unlimited, Cinder's default.)
//   - Quotas below what the copy holds (the source's lowered after its objects were made, or counting
//     objects Neutron makes itself): the planned quota is raised to the count and reported (Skipped kind
//     "quota", SourceID "network.port" and so on), rather than refused: the source tenant holds those
//     objects already, and the destination would refuse the ones over the limit (OverQuota). Counted:
//     network, subnet, router, security_group (the default group included: the destination's own holds
//     it), security_group_rule (the rules planned, at their peak while built: a group planned with fewer
//     rules than Neutron's automatic ones, two for a new group and four for the default one, holds those
//     until its own rules are synced, the extras deleted first), floatingip,
//     port (instance and VIP ports, one per router interface, and as many DHCP ports as the source has on
//     the copied networks) and Nova's server_groups. A destination that decides the quotas itself
//     (Facts.Quotas, the Waldur backend) is not second-guessed.
//   - Subnets allocated from a subnet pool (subnetpool_id): the destination does not have the pool (a
//     subnet can name only a pool of its own region, and Neutron refuses another's: SubnetPoolNotFound),
//     and the pool is not the tenant's to copy (often shared, an administrator's). The copy is a plain
//     subnet at the same range, remapped like any other (mappings.subnets is validated as usual), and
//     reported (Skipped kind "subnet_pool").
//   - MTU: Neutron refuses a network MTU above the maximum its configuration allows for the network's
//     type (global_physnet_mtu, path_mtu less the encapsulation's overhead: "Requested MTU is too big,
//     maximum is 1450"), and no API tells that maximum without creating a network: net-mtu-writable only
//     says the MTU may be set, and the MTU of existing networks is a lower bound, not the limit (any of
//     them may have been made with a smaller one). The plan does not guess; the apply's error is Neutron's.
//     What can be known is whether Neutron takes an MTU at all: without net-mtu-writable it refuses one
//     in a create, so the networks are planned without (the destination's default) and reported
//     (Skipped kind "network_mtu").
//   - Addresses on a shared external network (a copy within one region): router gateways are planned
//     without external fixed IPs (Neutron picks), so nothing is promised. A floating IP's source address
//     is asked for only where the source released it (KeepAddress, which the preview does not show as a
//     promise: it shows the source's address, and floating_ip_addresses what the copy got); the apply
//     asks for it only when no floating IP holds it at that moment. Another kind of port holding it (a
//     router gateway, any port an administrator made on the network) still fails that apply with
//     IpAddressAlreadyAllocated: the apply's check must list the network's ports, not its floating IPs.
package replication
