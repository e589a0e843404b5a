# A disaster-recovery replica of one tenant, kept in sync with its source (follow_source = true), with
# the standalone backend:
#
#   export OS_CLIENT_CONFIG_FILE=${LAB_DIR:-/var/tmp/wom-lab}/clouds.yaml
#   terraform init && terraform apply
#
# Afterwards every `terraform plan` compares the replica with the source as it is then. When the source
# changed (a network added, a rule changed, a port removed), `source_drift` says how, by kind of object,
# and the plan is an in-place update whose `preview` is the source planned afresh; `terraform apply`
# adds, updates and removes copies so that the replica matches again, keeping the project, its user and
# the ids of everything in sync. When the source is in sync the plan is empty. When the source cannot be
# read (its cloud is down: the disaster), the plan warns and keeps the replica as it is.
#
# For a one-off copy (a move, after which the source is changed or decommissioned), leave follow_source
# out (false): see examples/migrate-tenant.

terraform {
  required_version = ">= 1.6"
  required_providers {
    waldur = {
      source = "waldur/waldur"
    }
  }
}

variable "source_cloud" {
  description = "clouds.yaml entry of the production region."
  type        = string
  default     = "lab-RegionOne"
}

variable "replica_cloud" {
  description = "clouds.yaml entry of the recovery site (lab2-RegionOne: the lab's second cloud)."
  type        = string
  default     = "lab2-RegionOne"
}

variable "source_tenant" {
  description = "Name of the tenant to replicate (`go run ./cmd/labseed` seeds demo-src in the lab)."
  type        = string
  default     = "demo-src"
}

variable "volume_type_map" {
  description = "Source volume type name => recovery-site volume type name: each cloud names its own (the lab's RegionOne offers hdd and ssd, its second cloud standard and performance). A source type with per-type quotas must be mapped onto a type the recovery site has."
  type        = map(string)
  default = {
    hdd = "standard"
    ssd = "performance"
  }
}

provider "waldur" {
  openstack = {
    offerings = {
      "production" = { cloud = var.source_cloud }
      "recovery"   = { cloud = var.replica_cloud }
    }
  }
}

data "waldur_openstack_tenant" "source" {
  name     = var.source_tenant
  offering = "production"
}

data "waldur_openstack_volume_type" "source" {
  for_each = var.volume_type_map
  name     = each.key
  tenant   = data.waldur_openstack_tenant.source.id
}

data "waldur_openstack_volume_type" "recovery" {
  for_each = var.volume_type_map
  name     = each.value
  offering = "recovery"
}

resource "waldur_openstack_migration" "replica" {
  src_resource = data.waldur_openstack_tenant.source.id
  dst_offering = "recovery"
  name         = "${var.source_tenant}-dr"
  description  = "Disaster recovery replica of ${var.source_tenant}"

  # Follow the source: refresh compares, apply syncs (adds, updates and removes copies).
  follow_source = true

  mappings = {
    # The recovery site's routers stay off its external network until a failover.
    skip_connection_extnet = true
    volume_types = [for src, dst in var.volume_type_map : {
      src_type_uuid = data.waldur_openstack_volume_type.source[src].uuid
      dst_type_uuid = data.waldur_openstack_volume_type.recovery[src].uuid
    }]
  }

  # `terraform destroy` tears the replica down.
  destroy_destination = true
}

output "source_drift" {
  description = "How the replica differed from the source at the last refresh, by kind; {} when in sync."
  value       = waldur_openstack_migration.replica.source_drift
}

output "replica_project_id" {
  value = waldur_openstack_migration.replica.dst_project_id
}

output "network_ids" {
  description = "Source network id => replica network id."
  value       = waldur_openstack_migration.replica.network_ids
}

output "credentials" {
  description = "The replica's user: terraform output -json credentials"
  value       = waldur_openstack_migration.replica.credentials
  sensitive   = true
}
