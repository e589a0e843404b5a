# Standalone backend: "<src offering>/<src project id>:<dst offering>/<dst project id>".
terraform import waldur_openstack_migration.shop old/6f1c0e3a9b2d4c6e8f0a1b2c3d4e5f60:new/0a9b8c7d6e5f40312a3b4c5d6e7f8091

# When exactly one configured offering holds the source project (the destination project's
# wom:src:<source project id> tag names it), the destination alone is enough:
terraform import waldur_openstack_migration.shop new/0a9b8c7d6e5f40312a3b4c5d6e7f8091
