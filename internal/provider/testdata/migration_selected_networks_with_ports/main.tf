resource "waldur_openstack_migration" "test" {
  src_resource = data.waldur_openstack_tenant.src.id
  dst_offering = "other"
  name         = {{q .Name}}
  mappings = {
    networks               = [for n in data.waldur_openstack_tenant.src.networks : n.id if contains(["web", "app"], n.name)]
    sync_instance_ports    = true
    skip_connection_extnet = true
  }
}
