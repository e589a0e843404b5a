# The provider block of every acceptance configuration of the standalone backend: the lab's two regions
# and its second cloud.
provider "waldur" {
  openstack = {
    offerings = {
      "old"   = { cloud = "lab-RegionOne" }
      "new"   = { cloud = "lab-RegionTwo", max_parallel_writes = 3 }
      "other" = { cloud = "lab2-RegionOne" }
    }
  }
}
