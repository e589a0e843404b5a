# A migration with every input a value (accMigrationArgs); empty inputs are left out.
resource "waldur_openstack_migration" "test" {
  src_resource = {{q .SrcResource}}
  dst_offering = {{q .DstOffering}}
{{- if .DstPlan}}
  dst_plan     = {{q .DstPlan}}
{{- end}}
{{- if .Name}}
  name         = {{q .Name}}
{{- end}}
{{- if .DestroyDestination}}
  destroy_destination = true
{{- end}}
{{- if .FollowSource}}
  follow_source = true
{{- end}}
{{- with .Mappings}}
  mappings = {
{{- with .Networks}}
    networks = [{{range $i, $n := .}}{{if $i}}, {{end}}{{q $n}}{{end}}]
{{- end}}
{{- with .Subnets}}
    subnets = [
{{- range .}}
      { src_cidr = {{q .Src}}, dst_cidr = {{q .Dst}} },
{{- end}}
    ]
{{- end}}
{{- with .VolumeTypes}}
    volume_types = [
{{- range .}}
      { src_type_uuid = {{q .Src}}, dst_type_uuid = {{q .Dst}} },
{{- end}}
    ]
{{- end}}
{{- if .SyncInstancePorts}}
    sync_instance_ports = true
{{- end}}
{{- if .SkipConnectionExtnet}}
    skip_connection_extnet = true
{{- end}}
  }
{{- end}}
{{- with .CreateTimeout}}
  timeouts {
    create = {{q .}}
  }
{{- end}}
}
