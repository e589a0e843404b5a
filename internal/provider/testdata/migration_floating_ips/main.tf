resource "waldur_openstack_migration" "test" {
  src_resource        = data.waldur_openstack_tenant.src.id
  dst_offering        = "new"
  name                = {{q .Name}}
  destroy_destination = true
  mappings = {
    sync_instance_ports = true
  }
}

output "addresses" {
  value = waldur_openstack_migration.test.floating_ip_addresses
}
