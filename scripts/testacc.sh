#!/usr/bin/env bash
# make testacc: the acceptance tests (terraform-plugin-testing) against the lab, once per CLI: all of
# them with Terraform 1.8.5 and with OpenTofu 1.6.3 (built from the Go module proxy by
# scripts/tf-clis.sh), and a smoke subset (one test per kind of run: data sources, a plain migration, a
# replica's sync, a Waldur migration) with the `terraform` on the PATH when it is newer than 1.8.5 (users
# run current Terraform; the whole suite a third time would add a quarter to CI's time). Nothing is
# downloaded: TF_ACC_TERRAFORM_PATH names the CLI every time. Ends with the list of CLIs that ran.
# Extra arguments go to `go test` (e.g. -run '^TestAccMigration_').
set -euo pipefail
cd "$(dirname "$0")/.."
LAB_DIR=${LAB_DIR:-/var/tmp/wom-lab}

eval "$(bash scripts/tf-clis.sh)"

# The CLI configuration is ours, whatever the machine has: no ~/.terraformrc, and a TF_CLI_CONFIG_FILE
# set in the environment (even to a missing file) is replaced by an empty one.
cli_config=$(mktemp)
trap 'rm -f "$cli_config"' EXIT
export TF_CLI_CONFIG_FILE=$cli_config
export WOM_LAB=1 TF_ACC=1 OS_CLIENT_CONFIG_FILE=$LAB_DIR/clouds.yaml

ran=()
# acc NAME CLI RUN [VAR=VALUE...]: one pass of the acceptance tests matching RUN with CLI.
acc() {
  local name=$1 cli=$2 run=$3 version
  shift 3
  version=$("$cli" version | sed -n 1p)
  echo "== acceptance tests ($run) with $name: $cli ($version)"
  env "$@" TF_ACC_TERRAFORM_PATH="$cli" go test -count=1 -timeout 40m -run "$run" "${ACC_ARGS[@]}" ./internal/provider/
  ran+=("$name: $version ($cli), $run")
}
all='^TestAcc'
smoke='^TestAcc(DataSources|Migration_noMappings|Migration_followSource|WaldurMigration_mappings)$'
ACC_ARGS=("$@")

acc "Terraform (pinned)" "$terraform" "$all"
acc "OpenTofu (pinned)" "$tofu" "$all" TF_ACC_PROVIDER_HOST=registry.opentofu.org

# cli_version CLI: the bare version number, e.g. 1.11.4.
cli_version() { "$1" version | sed -n 1p | sed -E 's/^[^0-9]*v?([0-9][0-9.]*).*/\1/'; }
if newest=$(command -v terraform) && [[ $(readlink -f "$newest") != $(readlink -f "$terraform") ]]; then
  pinned=$(cli_version "$terraform") found=$(cli_version "$newest")
  if [[ $found != "$pinned" && $(printf '%s\n%s\n' "$pinned" "$found" | sort -V | tail -1) == "$found" ]]; then
    acc "Terraform (newer, on the PATH)" "$newest" "$smoke"
  else
    echo "== the terraform on the PATH ($newest, $found) is not newer than $pinned: not run again"
  fi
fi

echo "== acceptance tests passed with:"
printf '   %s\n' "${ran[@]}"
