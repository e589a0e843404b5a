// Package waldurmode is the backend that drives Waldur's migration API (internal/waldur): Waldur runs
// the migration, this backend checks the inputs first, waits for the outcome and describes what was
// built from what Waldur lists. Ids are Waldur's uuids: the migration's is the resource id and the
// import id.
//
//   - plan.go turns what Waldur shows of the source tenant into the engine's snapshot and runs the
//     engine's pure planner, told what Waldur decides itself (the new tenant's quotas, the routers'
//     external network), so that the preview and the plan-time errors read as in the standalone backend.
//   - migration.go adds Waldur's own rules (its field checks, /24 private CIDRs, the plan belongs to the
//     offering and has room, volume types exist on each side), creates the migration and polls it to OK
//     or ERRED, reads it back, deletes it (terminating the destination with destroy_destination) and
//     imports it by uuid.
//   - errors.go returns Waldur's 400 answers as the engine's replication.ValidationErrors, parsing its
//     field keys ("mappings.subnets.1.dst_cidr") into attribute paths and recognising the per-field
//     problems it reports as non-field messages.
//   - match.go rebuilds the id maps, which Waldur does not report, by matching the planned objects
//     with what Waldur lists in the new tenant.
//   - lookups.go: the data sources' offerings, volume types and tenants, by Waldur's uuids.
//
// # Faults
//
// A migration is never posted twice and never orphaned. Create first carries on a migration that an
// earlier apply of the same configuration started (same source, destination offering and name, created
// by the token's user as GET users/me/ tells, not ERRED), then posts; a POST whose outcome is unknown
// (500/502/504, no answer) or whose answer has no uuid is looked up the same way among the migrations new
// since it, never taken as "the newest of the source". The wait polls through transient errors until
// timeouts.create; a migration still running then is returned with backend.ErrStillRunning, which the
// provider records untainted (state CREATING), and the next apply's update (Sync) waits for it again.
// Read refreshes state and error message from Waldur, and the id maps of a migration recorded running
// that has since finished.
//
// A Waldur migration is otherwise one-shot: it never becomes INCOMPLETE, Sync refuses, and a changed
// mapping replaces the migration (InPlaceSync is not nil).
//
// # Replicas: the drift is reported, never applied
//
// Waldur's migration API copies a tenant once and has no in-place sync. A replica (follow_source =
// true) is still allowed: it is created like any migration, and every refresh of one that is OK
// compares it with its source (drift.go). The source tenant is planned as Waldur lists it now, with
// the state's mappings (planFromWaldur, as at plan time); the destination tenant, as Waldur lists it
// (its networks, subnets, routers, security groups and ports, filtered by tenant, and its marketplace
// limits), goes through the same translation into the engine's objects, and replication.Compare judges
// the difference, pairing by the state's id maps first: the standalone backend's definition of
// "differs" and its per-kind summary (source_drift = {networks = "add: reports", ...}).
//
// Only what Waldur shows of a copy and keeps from its source is compared: networks' name and
// description; subnets' name, description, CIDR, gateway, allocation pools (not those of a remapped
// subnet, which Waldur regenerates), DNS name servers, host routes and DHCP; routers' name,
// description, interfaces and static routes; security groups' name and description and their rules;
// ports' name, description, network, MAC address, fixed IPs, security groups and port security; and the
// limits (quotas: cores, ram, storage, mapped per-type gigabytes). Not compared: tags and markers
// (Waldur shows none), a network's MTU, a router's external gateway (Waldur picks the external network
// itself), a port's admin state and allowed address pairs (Waldur shows only their MACs), and floating
// IPs, server groups and address groups, which Waldur does not copy.
//
// A plan that succeeds must apply, and Waldur can apply none of the drift: the provider plans neither
// an update nor a replacement for it, keeps the state, and warns on follow_source with the drift and
// InPlaceSync's text (terraform apply -replace=<address> copies the tenant again into a new
// destination; the standalone backend syncs in place). source_drift stays in the state for a check
// block or an output. A source that cannot be read or planned is a warning: no drift, nothing removed.
package waldurmode
