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
  offering = "new"
}

resource "waldur_openstack_migration" "test" {
  src_resource = data.waldur_openstack_tenant.src.id
  dst_offering = "new"
  dst_plan     = "default"
  name         = {{q .Name}}
  description  = "remapped copy"
  mappings = {
    subnets = [
      { src_cidr = "10.10.1.0/24", dst_cidr = {{q .WebCIDR}} },
      { src_cidr = "10.10.2.0/24", dst_cidr = "172.20.2.0/24" },
    ]
    volume_types = [
      { src_type_uuid = data.waldur_openstack_volume_type.ssd.uuid, dst_type_uuid = data.waldur_openstack_volume_type.fast.uuid },
      { src_type_uuid = data.waldur_openstack_volume_type.hdd.uuid, dst_type_uuid = data.waldur_openstack_volume_type.fast.uuid },
    ]
  }
  destroy_destination = true
}
