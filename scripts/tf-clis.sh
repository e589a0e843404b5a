#!/usr/bin/env bash
# Builds the two CLIs the acceptance tests run with, Terraform 1.8.5 and OpenTofu 1.6.3, from the Go
# module proxy into ${WOM_TOOLS:-/root/.cache/wom-tools} when they are missing, and prints their paths:
#
#   terraform=/root/.cache/wom-tools/terraform-1.8.5/terraform
#   tofu=/root/.cache/wom-tools/tofu-1.6.3/tofu
#
# so that `eval "$(scripts/tf-clis.sh)"` sets $terraform and $tofu. Tests choose one with
# TF_ACC_TERRAFORM_PATH (and, for OpenTofu, TF_ACC_PROVIDER_HOST=registry.opentofu.org).
# Nothing else is downloaded: each CLI is `go install`ed from its module at a fixed version.
set -euo pipefail

tools=${WOM_TOOLS:-/root/.cache/wom-tools}
terraform_version=1.8.5
tofu_version=1.6.3

# build <dir> <binary> <package@version>: go install into dir unless the binary is already there.
build() {
	local dir=$1 bin=$2 pkg=$3
	if [[ ! -x $dir/$bin ]]; then
		mkdir -p "$dir"
		echo "building $pkg into $dir (a few minutes, once)" >&2
		# A build in a temporary directory first, so an interrupted one leaves no half-written binary.
		local tmp
		tmp=$(mktemp -d "$dir/.build.XXXXXX")
		if ! GOBIN=$tmp go install "$pkg" >&2; then
			rm -rf "$tmp"
			echo "building $pkg failed" >&2
			return 1
		fi
		mv "$tmp/$bin" "$dir/$bin"
		rm -rf "$tmp"
	fi
	echo "$dir/$bin"
}

terraform=$(build "$tools/terraform-$terraform_version" terraform "github.com/hashicorp/terraform@v$terraform_version")
tofu=$(build "$tools/tofu-$tofu_version" tofu "github.com/opentofu/opentofu/cmd/tofu@v$tofu_version")
echo "terraform=$terraform"
echo "tofu=$tofu"
