// Package standalone is the backend that runs this project's replication engine (internal/replication)
// itself, between OpenStack clouds the provider configuration names (`openstack.offerings`).
//
// An offering is a configured cloud region, by its name; a tenant is "<offering>/<project id>"; a
// migration's id is "<dst offering>/<dst project id>" (ids.go). Connections are made on first use and
// shared by the resource and the data sources of one provider instance (backend.go).
//
//   - migration.go: Plan reads the source and the destination facts and runs the engine's pure planner;
//     Create runs the engine and records what it built, also after a failure (ERRED), so that the next
//     apply resumes through the engine's adoption of what an earlier run built; Read reports the
//     migration gone when its destination project is (by HTTP status, never by message); Delete forgets
//     the migration, keeping its credentials for a resume in the same run, or tears the destination
//     down; Import rebuilds the id maps by pairing objects by content and markers (replication.ReadBack).
//   - drift.go: Read finds copies deleted from the destination (the migration becomes INCOMPLETE) and
//     Repair runs the migration again in the same project, with the same password.
//   - lookups.go: the data sources' offerings, volume types and tenants.
package standalone
