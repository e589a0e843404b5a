// Package provider is the Terraform layer of the project: the `waldur` provider, the
// waldur_openstack_migration resource and the data sources waldur_marketplace_offering,
// waldur_openstack_volume_type and waldur_openstack_tenant (terraform-plugin-framework, protocol 6). It
// holds the schemas, the models, the conversions between models and the backend's types, and the
// diagnostics; the work is a backend's (internal/backend).
//
// # One backend
//
// The schema fits two backends: the standalone backend (`openstack.offerings`,
// internal/backend/standalone) runs this project's replication engine, the Waldur backend (`endpoint`,
// `token`, internal/backend/waldurmode) drives Waldur's migration API. Configure makes exactly one
// backend.Backend and hands it to the resource and the data sources as their provider data: nothing
// else asks which it is.
//
// # Patterns
//
//   - Every CRUD method and data source Read is a recipe: read the plan, state or configuration, convert
//     the model to the backend's inputs (inputsOf, migrationOf), call the backend, convert what it
//     reports back (applyMigration, renderPreview, the data source models), save it. Timeouts bound the
//     backend's calls.
//   - The backend's errors become diagnostics in one place (addBackendError): the engine's validation
//     errors on their attribute (validation_paths.go), *backend.Error with its summary on its
//     attribute, anything else under the operation's summary.
//   - Conversions are pure functions with unit tests, each in a small file; values built in code take
//     their types from the schema (attrTypes), so they cannot drift apart.
//   - ModifyPlan asks the backend for the plan: the preview, and every bad input as a plan-time error on
//     its attribute. Create keeps the planned values and adds what the run built; a failed run is saved
//     (ERRED), Terraform taints it, and the next apply resumes or replaces it. Read forgets a migration
//     whose destination is gone; one that refresh finds INCOMPLETE is rebuilt in place by the next
//     apply (migration_repair.go).
//   - A state written with an earlier schema version is upgraded by the framework before anything reads
//     it (the schema's Version and UpgradeState, state_upgrade.go); Read only reads.
package provider
