# Migrate one tenant from the lab's RegionOne to its RegionTwo with the standalone backend:
#
#   export OS_CLIENT_CONFIG_FILE=${LAB_DIR:-/var/tmp/wom-lab}/clouds.yaml
#   terraform init && terraform plan && terraform apply
#
# `terraform plan` shows in `preview` what will be built, mappings applied; the outputs show what was.

terraform {
  required_version = ">= 1.6"
  required_providers {
    waldur = {
      source = "waldur/waldur"
    }
  }
}

variable "source_cloud" {
  description = "clouds.yaml entry of the source region."
  type        = string
  default     = "lab-RegionOne"
}

variable "destination_cloud" {
  description = "clouds.yaml entry of the destination region (lab-RegionTwo: another region; lab2-RegionOne: another cloud)."
  type        = string
  default     = "lab-RegionTwo"
}

variable "source_tenant" {
  description = "Name of the tenant to copy (`go run ./cmd/labseed` seeds demo-src in the lab)."
  type        = string
  default     = "demo-src"
}

variable "destination_name" {
  description = "Name of the new tenant; null keeps the source's name. The lab's regions share one Keystone, where project names are unique, so a copy within the lab needs another name."
  type        = string
  default     = "demo-src-copy"
}

variable "networks" {
  description = "Names of the source networks to copy; empty copies all."
  type        = list(string)
  default     = []
}

variable "subnet_remaps" {
  description = "Source CIDR => destination CIDR."
  type        = map(string)
  default     = {}
}

variable "volume_type_map" {
  description = "Source volume type name => destination volume type name. Each cloud names its own volume types: the lab's RegionOne offers hdd and ssd, its RegionTwo and the second cloud standard and performance. A source type with per-type quotas must be mapped onto a type the destination has (the plan says which)."
  type        = map(string)
  default = {
    hdd = "standard"
    ssd = "performance"
  }
}

variable "sync_instance_ports" {
  description = "Also copy instance and VIP ports (not together with subnet_remaps)."
  type        = bool
  default     = false
}

variable "destroy_destination" {
  description = "Whether `terraform destroy` tears the new tenant down (true) or only forgets it (false)."
  type        = bool
  default     = true
}

provider "waldur" {
  openstack = {
    offerings = {
      "source"      = { cloud = var.source_cloud }
      "destination" = { cloud = var.destination_cloud }
    }
  }
}

data "waldur_marketplace_offering" "source" {
  name = "source"
}

data "waldur_marketplace_offering" "destination" {
  name = "destination"
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
  dst_plan     = data.waldur_marketplace_offering.destination.plans[0].uuid
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
}

output "migration_id" {
  value = waldur_openstack_migration.this.id
}

output "state" {
  value = waldur_openstack_migration.this.state
}

output "destination_tenant" {
  description = "The new tenant, usable as src_resource of another migration."
  value       = waldur_openstack_migration.this.dst_resource_uuid
}

output "network_ids" {
  value = waldur_openstack_migration.this.network_ids
}

output "subnet_ids" {
  value = waldur_openstack_migration.this.subnet_ids
}

output "router_ids" {
  value = waldur_openstack_migration.this.router_ids
}

output "security_group_ids" {
  value = waldur_openstack_migration.this.security_group_ids
}

output "address_group_ids" {
  value = waldur_openstack_migration.this.address_group_ids
}

output "address_groups" {
  description = "Each copied address group: name => its addresses (moved with the subnet remaps)."
  value       = { for g in waldur_openstack_migration.this.preview.address_groups : g.name => g.addresses }
}

output "port_ids" {
  value = waldur_openstack_migration.this.port_ids
}

output "skipped" {
  value = waldur_openstack_migration.this.skipped
}

output "built" {
  description = "How many objects of each kind the migration built."
  value       = waldur_openstack_migration.this.preview.counts
}

output "subnets" {
  description = "Each copied subnet: source CIDR => destination CIDR and gateway."
  value = { for s in waldur_openstack_migration.this.preview.subnets :
  s.name => "${s.source_cidr} => ${s.cidr} (gateway ${coalesce(s.gateway_ip, "none")})" }
}

output "dropped_routes" {
  value = flatten([for r in waldur_openstack_migration.this.preview.routers : r.dropped_routes])
}

output "credentials" {
  description = "The new tenant's user: terraform output -json credentials"
  value       = waldur_openstack_migration.this.credentials
  sensitive   = true
}

output "volume_quotas" {
  description = "The new tenant's volume quotas: per-type ones under the destination's volume type names (volume_type_map applied)."
  value       = waldur_openstack_migration.this.preview.quotas.volume
}
