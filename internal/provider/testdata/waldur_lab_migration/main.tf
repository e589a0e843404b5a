data "waldur_marketplace_offering" "src" {
  name = "Lab RegionOne"
}

data "waldur_marketplace_offering" "dst" {
  name = "Lab RegionTwo"
}

data "waldur_openstack_tenant" "src" {
  name     = {{q .Source}}
  offering = data.waldur_marketplace_offering.src.uuid
}

data "waldur_openstack_volume_type" "ssd" {
  name   = "ssd"
  tenant = data.waldur_openstack_tenant.src.id
}

data "waldur_openstack_volume_type" "hdd" {
  name   = "hdd"
  tenant = data.waldur_openstack_tenant.src.id
}

data "waldur_openstack_volume_type" "fast" {
  name     = "fast"
  offering = data.waldur_marketplace_offering.dst.uuid
}

resource "waldur_openstack_migration" "test" {
  src_resource        = data.waldur_openstack_tenant.src.id
  dst_offering        = data.waldur_marketplace_offering.dst.uuid
  dst_plan            = data.waldur_marketplace_offering.dst.plans[0].uuid
  name                = {{q .Name}}
  destroy_destination = true

  mappings = {
    subnets = [{ src_cidr = "10.10.1.0/24", dst_cidr = "10.20.1.0/24" }]
    volume_types = [
      { src_type_uuid = data.waldur_openstack_volume_type.ssd.uuid, dst_type_uuid = data.waldur_openstack_volume_type.fast.uuid },
      { src_type_uuid = data.waldur_openstack_volume_type.hdd.uuid, dst_type_uuid = data.waldur_openstack_volume_type.fast.uuid },
    ]
  }

  timeouts {
    create = "10m"
  }
}
