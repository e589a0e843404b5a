resource "waldur_openstack_migration" "test" {
  src_resource = "old/{{.SourceProjectID}}"
  dst_offering = "new"
  name         = {{q .Name}}
  concurrency  = 4
  timeouts {
    create = "10m"
  }
}
