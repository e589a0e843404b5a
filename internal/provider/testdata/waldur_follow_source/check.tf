# A replica's drift where a configuration can use it: an output, and a check that warns while the
# replica differs from its source (Waldur reports the drift but cannot apply it).
output "source_drift" {
  value = waldur_openstack_migration.test.source_drift
}

check "replica_in_sync" {
  assert {
    condition     = length(waldur_openstack_migration.test.source_drift) == 0
    error_message = "The replica differs from its source: ${jsonencode(waldur_openstack_migration.test.source_drift)}"
  }
}
