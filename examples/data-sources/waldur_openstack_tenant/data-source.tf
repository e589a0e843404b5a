data "waldur_openstack_tenant" "shop" {
  name     = "shop-prod"
  offering = "old"
}

# The id to pass as src_resource: "old/<keystone project id>" in standalone mode.
output "shop_id" {
  value = data.waldur_openstack_tenant.shop.id
}

# Subnets by name, for choosing remaps.
output "shop_subnets" {
  value = { for s in data.waldur_openstack_tenant.shop.subnets : s.name => s.cidr }
}
