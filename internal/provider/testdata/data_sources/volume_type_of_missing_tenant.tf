data "waldur_openstack_volume_type" "test" {
  name   = "ssd"
  tenant = "old/00000000000000000000000000000000"
}
