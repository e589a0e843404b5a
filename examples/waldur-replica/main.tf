# A replica of a tenant with the Waldur backend (follow_source = true), and what Waldur can and cannot
# do with it. Waldur's migration API copies a tenant once and has no in-place sync, so:
#
#   - every refresh compares the copy with the source as Waldur lists it now, and records how they
#     differ in `source_drift` (the same per-kind summary as the standalone backend);
#   - the plan never changes anything for it: no update (Waldur could not apply it), no replacement
#     (never a silent new tenant). It warns on follow_source with the drift and what to do instead;
#   - the `check` block below turns the drift into a warning of every plan and apply, and the
#     `source_drift` output hands it to whatever watches this configuration;
#   - to take the source's changes: `terraform apply -replace=waldur_openstack_migration.replica` copies
#     the source again into a new tenant (destroy_destination decides whether the old one is
#     terminated), or manage the replica with the standalone backend (../replica-dr), which syncs in
#     place.
#
#   export WALDUR_API_URL=https://waldur.example.com/api/
#   export WALDUR_ACCESS_TOKEN=...
#   terraform init && terraform apply

terraform {
  required_version = ">= 1.6"
  required_providers {
    waldur = {
      source = "waldur/waldur"
    }
  }
}

variable "waldur_api_url" {
  description = "Waldur API URL; null uses WALDUR_API_URL."
  type        = string
  default     = null
}

variable "waldur_token" {
  description = "Waldur API token; null uses WALDUR_ACCESS_TOKEN."
  type        = string
  default     = null
  sensitive   = true
}

variable "source_offering" {
  description = "Name of the OpenStack.Tenant offering the source tenant belongs to."
  type        = string
  default     = "Cloud A"
}

variable "source_tenant" {
  description = "Name of the tenant to replicate within the source offering."
  type        = string
  default     = "shop"
}

variable "destination_offering" {
  description = "Name of the OpenStack.Tenant offering to create the replica in."
  type        = string
  default     = "Cloud B"
}

variable "destination_plan" {
  description = "Name of the destination offering's plan to order the replica on."
  type        = string
  default     = "standard"
}

provider "waldur" {
  endpoint = var.waldur_api_url
  token    = var.waldur_token
}

data "waldur_marketplace_offering" "source" {
  name = var.source_offering
}

data "waldur_marketplace_offering" "destination" {
  name = var.destination_offering
}

data "waldur_openstack_tenant" "source" {
  name     = var.source_tenant
  offering = data.waldur_marketplace_offering.source.uuid
}

resource "waldur_openstack_migration" "replica" {
  src_resource = data.waldur_openstack_tenant.source.id
  dst_offering = data.waldur_marketplace_offering.destination.uuid
  dst_plan     = one([for p in data.waldur_marketplace_offering.destination.plans : p.uuid if p.name == var.destination_plan])
  name         = "${var.source_tenant}-dr"

  # Compare the copy with its source on every refresh. With Waldur this reports; it never syncs.
  follow_source = true

  mappings = {
    sync_instance_ports = true
  }
}

# Warns (it does not fail) while the replica differs from its source.
check "replica_in_sync" {
  assert {
    condition     = length(waldur_openstack_migration.replica.source_drift) == 0
    error_message = "The replica differs from its source: ${jsonencode(waldur_openstack_migration.replica.source_drift)}. Waldur cannot sync it in place: run terraform apply -replace=waldur_openstack_migration.replica to copy the source again."
  }
}

output "source_drift" {
  description = "How the replica differs from its source as of the last refresh, by kind; empty when in sync."
  value       = waldur_openstack_migration.replica.source_drift
}

output "destination_resource" {
  value = waldur_openstack_migration.replica.dst_resource_uuid
}
