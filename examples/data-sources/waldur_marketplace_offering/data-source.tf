# Standalone backend: an offering of the provider's openstack.offerings, by name (or uuid: the same).
data "waldur_marketplace_offering" "new" {
  name = "new"
}

output "new_region" {
  value = data.waldur_marketplace_offering.new.scope_uuid
}

output "new_plan" {
  value = data.waldur_marketplace_offering.new.plans[0].uuid # "default" in standalone mode
}
