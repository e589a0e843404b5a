data "waldur_openstack_tenant" "test" {
  name     = "acc-no-such-tenant"
  offering = "old"
}
