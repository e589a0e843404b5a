data "waldur_marketplace_offering" "src" {
  name = "Cloud A"
}

data "waldur_marketplace_offering" "dst" {
  name = "Cloud B"
}

data "waldur_openstack_tenant" "src" {
  name     = "shop"
  offering = data.waldur_marketplace_offering.src.uuid
}

data "waldur_openstack_volume_type" "ssd" {
  name   = "ssd"
  tenant = data.waldur_openstack_tenant.src.id
}

data "waldur_openstack_volume_type" "fast" {
  name     = "fast"
  offering = data.waldur_marketplace_offering.dst.uuid
}

resource "waldur_openstack_migration" "test" {
  src_resource = data.waldur_openstack_tenant.src.id
  dst_offering = data.waldur_marketplace_offering.dst.uuid
  dst_plan     = one([for p in data.waldur_marketplace_offering.dst.plans : p.uuid if p.name == "standard"])
  name         = "shop-copy"

  mappings = {
    subnets      = [{ src_cidr = "10.0.1.0/24", dst_cidr = "192.168.1.0/24" }]
    volume_types = [{ src_type_uuid = data.waldur_openstack_volume_type.ssd.uuid, dst_type_uuid = data.waldur_openstack_volume_type.fast.uuid }]
  }
}
