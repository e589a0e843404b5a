#!/usr/bin/env bash
# Stops the lab started by up.sh: exactly the process groups recorded in $LAB_DIR/pids, never
# anything found by name. --purge also removes the state dir (databases, configs, logs).
# The cache of initialised databases ($LAB_CACHE) is kept: the next up.sh restores from it.
set -euo pipefail

LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$LAB_SRC/lib.sh"

purge=false
case ${1:-} in
  --purge) purge=true ;;
  "") ;;
  *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
esac

[[ -d $LAB_DIR ]] || { echo "no lab in $LAB_DIR"; exit 0; }
exec 9>"$LAB_DIR.lock"  # not while up.sh is running
flock 9
stop_all
if $purge; then
  rm -rf "$LAB_DIR"
  echo "lab stopped, $LAB_DIR removed"
else
  echo "lab stopped (state kept in $LAB_DIR)"
fi
