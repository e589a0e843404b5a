#!/usr/bin/env bash
# make demo: bring up the lab, seed the sample source tenant, build the provider into a local
# filesystem mirror, then terraform init, plan and apply examples/migrate-tenant, and show the result.
# Re-running it is harmless: the lab and the tenant are reused, and the apply has nothing left to do.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LAB_DIR=${LAB_DIR:-/var/tmp/wom-lab}
WOM_TOOLS=${WOM_TOOLS:-/root/.cache/wom-tools}
DEMO_DIR=${DEMO_DIR:-$ROOT/.demo}
VERSION=0.1.0
export PATH="$PATH:/usr/local/go/bin"

step() { printf '\n==> %s\n' "$*"; }

step "Local OpenStack lab (lab/up.sh)"
bash lab/up.sh
export OS_CLIENT_CONFIG_FILE=$LAB_DIR/clouds.yaml

step "Sample source tenant demo-src in lab-RegionOne"
go run ./cmd/labseed -cloud lab-RegionOne -name demo-src

mkdir -p "$DEMO_DIR"
export TF_CLI_CONFIG_FILE=$DEMO_DIR/terraformrc
touch "$TF_CLI_CONFIG_FILE"

step "Terraform CLI"
eval "$(bash scripts/tf-clis.sh)"
TERRAFORM=$terraform
"$TERRAFORM" version | sed -n 1p

step "Provider, installed into a local filesystem mirror"
mirror=$DEMO_DIR/mirror/registry.terraform.io/waldur/waldur/$VERSION/$(go env GOOS)_$(go env GOARCH)
mkdir -p "$mirror" "$DEMO_DIR/migrate-tenant"
go build -ldflags "-X main.version=$VERSION" -o "$mirror/terraform-provider-waldur_v$VERSION" .
cat > "$DEMO_DIR/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$DEMO_DIR/mirror"
    include = ["registry.terraform.io/waldur/waldur"]
  }
}
RC
cp examples/migrate-tenant/main.tf "$DEMO_DIR/migrate-tenant/main.tf"
tf() { "$TERRAFORM" -chdir="$DEMO_DIR/migrate-tenant" "$@"; }

# The provider is rebuilt from the working tree on every run, so the checksum that the lock file kept
# from the previous build would not match it (Terraform refuses that even with -upgrade): start from no
# lock. It is the configuration's only provider.
step "terraform init"
rm -rf "$DEMO_DIR/migrate-tenant/.terraform.lock.hcl" "$DEMO_DIR/migrate-tenant/.terraform/providers"
tf init -input=false -no-color | tail -3

step "terraform plan (the preview shows what will be built, mappings applied)"
tf plan -input=false -out=demo.tfplan

step "terraform apply"
tf apply -input=false -auto-approve demo.tfplan

step "What was built"
tf output
