data "waldur_openstack_tenant" "src" {
  name     = {{q .Source}}
  offering = "old"
}
