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
package replication
