# A source type, looked up in the source tenant...
data "waldur_openstack_volume_type" "src_ssd" {
  name   = "ssd"
  tenant = data.waldur_openstack_tenant.shop.id
}

# ...and a destination type, looked up in the destination offering.
data "waldur_openstack_volume_type" "dst_fast" {
  name     = "fast"
  offering = "new"
}

data "waldur_openstack_tenant" "shop" {
  name     = "shop-prod"
  offering = "old"
}
