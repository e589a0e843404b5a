// Package backend is the seam between the Terraform layer (internal/provider) and what does the work:
// the Backend interface and its Terraform-free types. The provider's Configure makes exactly one
// Backend, and the resource and the data sources use it without asking which it is:
//
//   - internal/backend/standalone runs this project's replication engine (internal/replication)
//     against the OpenStack clouds the provider configuration names;
//   - internal/backend/waldurmode drives Waldur's migration API (internal/waldur).
//
// # Types
//
// Inputs are the resource's arguments, with the mappings in the engine's one shape
// (replication.Mappings); Migration is a migration as the state records it (what it was asked, its ids,
// state, credentials and id maps per kind, what was skipped, and the replication.Plan that is its
// preview); Offering, VolumeType and Tenant answer the data sources. Ids are the backend's own: Waldur's
// uuids, or the standalone backend's "<offering>/<project id>".
//
// # Errors
//
// Errors are Go values, never diagnostics. Bad inputs are replication.ValidationErrors, the engine's own
// type, whichever backend found them (the Waldur backend turns Waldur's 400 field errors into them), so
// the provider has one conversion to attribute diagnostics. A problem with a summary of its own ("Source
// tenant not found") is an *Error naming the attribute it concerns; lookups that find nothing are
// ErrNotFound for errors.Is; Read reports a destination that is gone with ErrGone. Several problems
// come as one error made with errors.Join, in the order they were found.
//
// # Progress
//
// A backend reports what it does through the Logger it was made with; the provider's sends it to
// Terraform's log. Nothing here imports terraform-plugin-framework.
package backend
