data "waldur_marketplace_offering" "by_name" {
  name = "new"
}

data "waldur_marketplace_offering" "by_uuid" {
  uuid = "other"
}

data "waldur_marketplace_offering" "old" {
  name = "old"
}

data "waldur_openstack_tenant" "src" {
  name     = {{q .Source}}
  offering = data.waldur_marketplace_offering.old.uuid
}

data "waldur_openstack_volume_type" "src_ssd" {
  name   = "ssd"
  tenant = data.waldur_openstack_tenant.src.id
}

data "waldur_openstack_volume_type" "dst_fast" {
  name     = "fast"
  offering = data.waldur_marketplace_offering.by_name.uuid
}
