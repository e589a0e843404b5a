# The lab's provider block with the destination reached through a fault-injecting proxy (its Keystone,
# whose catalog names the proxied endpoints), with explicit credentials: the test's proxy is its own,
# the other tests running alongside keep the lab's clouds.yaml.
provider "waldur" {
  openstack = {
    offerings = {
      "old" = { cloud = "lab-RegionOne" }
      "new" = {
        auth_url            = {{q .DstAuthURL}}
        region              = {{q .DstRegion}}
        username            = {{q .DstUsername}}
        password            = {{q .DstPassword}}
        project_name        = {{q .DstProject}}
        user_domain_name    = {{q .DstUserDomain}}
        project_domain_name = {{q .DstProjectDomain}}
        max_parallel_writes = 3
      }
    }
  }
}
