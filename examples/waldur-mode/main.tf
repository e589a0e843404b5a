# Migrate one tenant with the Waldur backend: Waldur runs the migration (POST /api/openstack-migrations/),
# the provider checks every input against Waldur's data at plan time, shows the preview, waits for the
# outcome and rebuilds the id maps from what Waldur lists in the new tenant.
#
#   export WALDUR_API_URL=https://waldur.example.com/api/
#   export WALDUR_ACCESS_TOKEN=...            # or set var.waldur_token
#   terraform init && terraform plan && terraform apply
#
# The same configuration shape as ../migrate-tenant (the standalone backend): only the provider block
# differs, and the identifiers the data sources hand out are Waldur's uuids.

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
  description = "Name of the tenant to copy (its marketplace resource) within the source offering."
  type        = string
  default     = "shop"
}

variable "destination_offering" {
  description = "Name of the OpenStack.Tenant offering to create the copy in."
  type        = string
  default     = "Cloud B"
}

variable "destination_plan" {
  description = "Name of the destination offering's plan to order the copy on (Waldur requires one)."
  type        = string
  default     = "standard"
}

variable "destination_name" {
  description = "Name of the new tenant; null keeps the source's."
  type        = string
  default     = "shop-copy"
}

variable "networks" {
  description = "Names of the source networks to copy; empty copies all."
  type        = list(string)
  default     = []
}

variable "subnet_remaps" {
  description = "Source CIDR => destination CIDR. Waldur accepts only private /24 networks on both sides."
  type        = map(string)
  default     = {}
}

variable "volume_type_map" {
  description = "Source volume type name => destination volume type name. Without a map Waldur drops the per-type limits (the preview's `skipped` says which)."
  type        = map(string)
  default     = {}
}

variable "sync_instance_ports" {
  description = "Also copy instance and VIP ports (not together with subnet_remaps)."
  type        = bool
  default     = false
}

variable "destroy_destination" {
  description = "Whether `terraform destroy` terminates the new tenant (true) or only deletes the migration record (false)."
  type        = bool
  default     = false
}

# Waldur backend: endpoint and token (or WALDUR_API_URL and WALDUR_ACCESS_TOKEN), no `openstack` block.
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

data "waldur_openstack_volume_type" "source" {
  for_each = var.volume_type_map
  name     = each.key
  tenant   = data.waldur_openstack_tenant.source.id
}

data "waldur_openstack_volume_type" "destination" {
  for_each = var.volume_type_map
  name     = each.value
  offering = data.waldur_marketplace_offering.destination.uuid
}

resource "waldur_openstack_migration" "this" {
  src_resource = data.waldur_openstack_tenant.source.id
  dst_offering = data.waldur_marketplace_offering.destination.uuid
  dst_plan     = one([for p in data.waldur_marketplace_offering.destination.plans : p.uuid if p.name == var.destination_plan])
  name         = var.destination_name

  mappings = {
    networks = [for n in data.waldur_openstack_tenant.source.networks : n.id if contains(var.networks, n.name)]
    subnets  = [for src, dst in var.subnet_remaps : { src_cidr = src, dst_cidr = dst }]
    volume_types = [for src, dst in var.volume_type_map : {
      src_type_uuid = data.waldur_openstack_volume_type.source[src].uuid
      dst_type_uuid = data.waldur_openstack_volume_type.destination[src].uuid
    }]
    sync_instance_ports = var.sync_instance_ports
  }

  destroy_destination = var.destroy_destination

  timeouts {
    create = "90m"
  }
}

output "migration_uuid" {
  description = "The Waldur migration; `terraform import waldur_openstack_migration.this <uuid>` takes it."
  value       = waldur_openstack_migration.this.id
}

output "state" {
  value = waldur_openstack_migration.this.state
}

output "destination_resource" {
  description = "The new tenant's marketplace resource, usable as src_resource of another migration."
  value       = waldur_openstack_migration.this.dst_resource_uuid
}

output "destination_project_id" {
  value = waldur_openstack_migration.this.dst_project_id
}

output "network_ids" {
  value = waldur_openstack_migration.this.network_ids
}

output "subnet_ids" {
  value = waldur_openstack_migration.this.subnet_ids
}

output "security_group_ids" {
  value = waldur_openstack_migration.this.security_group_ids
}

output "skipped" {
  description = "What was not copied and why: the planner's reports, Waldur's dropped per-type limits, and anything planned that Waldur did not build."
  value       = waldur_openstack_migration.this.skipped
}

output "limits" {
  description = "The limits Waldur orders for the new tenant (volume type map applied)."
  value       = waldur_openstack_migration.this.preview.quotas
}

output "credentials" {
  description = "The new tenant's user as Waldur shows it: terraform output -json credentials"
  value       = waldur_openstack_migration.this.credentials
  sensitive   = true
}
