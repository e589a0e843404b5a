resource "waldur_openstack_migration" "test" {
  src_resource        = data.waldur_openstack_tenant.src.id
  dst_offering        = "new"
  name                = {{q .Name}}
  destroy_destination = {{.Destroy}}
}
