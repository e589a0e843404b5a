data "waldur_marketplace_offering" "test" {
  name = "new"
  uuid = "new"
}
