data "waldur_openstack_volume_type" "test" {
  name     = "no-such-type"
  offering = "new"
}
