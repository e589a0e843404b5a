data "waldur_marketplace_offering" "old" {
  name = "old"
}

data "waldur_marketplace_offering" "new" {
  name = "new"
}

data "waldur_openstack_tenant" "shop" {
  name     = "shop-prod"
  offering = data.waldur_marketplace_offering.old.uuid
}

data "waldur_openstack_volume_type" "src_ssd" {
  name   = "ssd"
  tenant = data.waldur_openstack_tenant.shop.id
}

data "waldur_openstack_volume_type" "dst_fast" {
  name     = "fast"
  offering = data.waldur_marketplace_offering.new.uuid
}

resource "waldur_openstack_migration" "shop" {
  src_resource = data.waldur_openstack_tenant.shop.id
  dst_offering = data.waldur_marketplace_offering.new.uuid
  dst_plan     = data.waldur_marketplace_offering.new.plans[0].uuid
  name         = "shop-prod-dr"
  description  = "Disaster recovery copy of shop-prod"

  mappings = {
    # Copy only the web and db networks (with their subnets).
    networks = [for n in data.waldur_openstack_tenant.shop.networks : n.id if contains(["web", "db"], n.name)]
    subnets = [
      { src_cidr = "10.0.1.0/24", dst_cidr = "192.168.1.0/24" },
    ]
    volume_types = [
      { src_type_uuid = data.waldur_openstack_volume_type.src_ssd.uuid, dst_type_uuid = data.waldur_openstack_volume_type.dst_fast.uuid },
    ]
    skip_connection_extnet = false
  }

  # A one-off copy (the default): the source's later changes are not followed. Set it to true for a
  # replica that every plan compares with the source and every apply brings in line (OpenStack offerings
  # only; see source_drift).
  # follow_source = false

  # Tear the copy down on destroy (the default, false, only forgets it).
  destroy_destination = true

  timeouts {
    create = "90m"
    delete = "30m"
  }
}

output "shop_dr_network_ids" {
  value = waldur_openstack_migration.shop.network_ids
}
