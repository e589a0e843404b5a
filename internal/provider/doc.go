// Package provider is the Terraform face of the project: the `waldur` provider, the
// waldur_openstack_migration resource and the data sources waldur_marketplace_offering,
// waldur_openstack_volume_type and waldur_openstack_tenant (terraform-plugin-framework, protocol 6).
//
// # Backends
//
// The schema fits two backends (SPEC §2). The standalone backend (`openstack.offerings`) drives this
// project's replication engine; the Waldur backend (`endpoint`, `token`) asks Waldur's migration API
// (internal/waldur). Every CRUD method and data source Read starts by dispatching to its waldur_*.go
// counterpart when the Waldur backend is configured. Connections (to offerings, to Waldur) are made on
// first use and shared by everything in one provider instance.
//
// In the Waldur backend the ids are Waldur's uuids (the migration's is the resource id and the import
// id); ModifyPlan turns what Waldur shows of the source tenant into the engine's snapshot and runs the
// engine's pure planner, so preview and plan-time errors read as in the standalone backend, with
// Waldur's own rules added (waldur_plan.go); Create posts the migration, waits for it and rebuilds the
// id maps by matching the planned objects with what Waldur lists in the new tenant (waldur_match.go).
//
// # Patterns
//
//   - Terraform-facing code calls the engine (replication.Migration.Plan/Run, Teardown, ReadBack) and the
//     typed functions of internal/openstack, never gophercloud.
//   - Conversions are pure functions with unit tests: mappingsFromModel, applyResult (result → state),
//     renderPreview (plan → preview), attributePath (engine attribute → Terraform path), the id parsers
//     (ids.go) and the validators, each in a small file.
//   - Values built in code take their types from the schema (attrTypes), so they cannot drift apart.
//   - ModifyPlan runs the engine's pure planner at plan time: the preview, and every validation error on
//     its attribute. Create keeps the planned values and adds what the run built; a failed run saves its
//     partial result (ERRED) and errors, Terraform taints it, and the next apply resumes through the
//     engine's adoption of what an earlier run built. Read removes the migration when its destination project is
//     gone (by HTTP status, never by message).
package provider
