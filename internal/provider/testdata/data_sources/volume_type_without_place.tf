data "waldur_openstack_volume_type" "test" {
  name = "ssd"
}
