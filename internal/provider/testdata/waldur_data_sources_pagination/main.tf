data "waldur_marketplace_offering" "bulk" {
  name = "Bulk cloud"
}

data "waldur_marketplace_offering" "by_uuid" {
  uuid = data.waldur_marketplace_offering.bulk.uuid
}

data "waldur_openstack_volume_type" "tier" {
  name     = "tier"
  offering = {{q .DstOffering}}
}

resource "waldur_openstack_migration" "test" {
  src_resource = {{q .SrcResource}}
  dst_offering = {{q .DstOffering}}
  dst_plan     = {{q .DstPlan}}
  mappings = {
    volume_types = [{ src_type_uuid = {{q .SrcType}}, dst_type_uuid = data.waldur_openstack_volume_type.tier.uuid }]
  }
}
