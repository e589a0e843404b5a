# Standalone backend: the provider drives OpenStack itself. Each offering is one region of one cloud,
# named here; tenants in it are "<offering>/<keystone project id>".
provider "waldur" {
  openstack = {
    offerings = {
      # clouds.yaml entries, found through OS_CLIENT_CONFIG_FILE or the usual places.
      "old" = { cloud = "lab-RegionOne" }
      "new" = { cloud = "lab-RegionTwo", external_network = "public" }

      # Or explicit credentials (an admin of the cloud: the migration creates projects, users and quotas).
      "dr-site" = {
        auth_url            = "https://keystone.dr.example.com:5000/v3"
        region              = "RegionOne"
        username            = "admin"
        password            = var.dr_admin_password
        project_name        = "admin"
        user_domain_name    = "Default"
        project_domain_name = "Default"
        cacert_file         = "/etc/ssl/dr-ca.pem"
      }
    }
  }
}

variable "dr_admin_password" {
  type      = string
  sensitive = true
}

# Waldur backend: Waldur runs the migration. Equivalent to setting WALDUR_API_URL and
# WALDUR_ACCESS_TOKEN. Configure one backend or the other, not both.
#
# provider "waldur" {
#   endpoint = "https://waldur.example.com/api/"
#   token    = var.waldur_token
# }
