data "waldur_openstack_tenant" "test" {
  name     = {{q .Duplicate}}
  offering = "old"
}
