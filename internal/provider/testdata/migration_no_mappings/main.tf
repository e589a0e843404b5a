resource "waldur_openstack_migration" "test" {
  src_resource        = data.waldur_openstack_tenant.src.id
  dst_offering        = "new"
  name                = {{q .Name}}
  destroy_destination = {{.Destroy}}
{{- if .Destroy}}
  # Nothing foreign is in the copy; the destroy checks Nova, Cinder and Neutron are empty all the same.
  destroy_foreign_objects = true
{{- end}}
}
