provider "waldur" {
  endpoint = "https://waldur.example.com/api/"
  token    = "secret"
  openstack = {
    offerings = { "new" = { cloud = "lab-RegionTwo" } }
  }
}
