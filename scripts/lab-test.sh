#!/usr/bin/env bash
# The tests against the real lab (make lab-test). WOM_LAB=1 makes lab tests fail, not skip, when the lab
# is unreachable.
#
# Two go test processes share the lab at once: the differential tenants (TestLabDifferential, the
# longest test, a dozen generated tenants four at a time) in one, every other package and test in the
# other. go test runs a package's top-level tests one after another, so in one process the replication
# package alone took two thirds of CI's time while the lab's cores idled through its fault tests' waits
# (hangs until a client timeout, a refused endpoint's window). Then the tests that kill a lab service run
# last, alone.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${LAB_DIR:=/var/tmp/wom-lab}"
export WOM_LAB=1 OS_CLIENT_CONFIG_FILE=$LAB_DIR/clouds.yaml

killed='^TestLab(Neutron|Keystone)Killed$'
differential='^TestLabDifferential$'
log=$(mktemp)
trap 'rm -f "$log"' EXIT

go test -count=1 -timeout 40m -run "$differential" ./internal/replication/ >"$log" 2>&1 &
diff_pid=$!
rest=0
go test -count=1 -timeout 40m -skip "$killed|$differential" ./... || rest=$?
diff=0
wait "$diff_pid" || diff=$?
echo "== $differential:"
cat "$log"
if ((rest != 0 || diff != 0)); then
  echo "lab tests failed (other tests: exit $rest; $differential: exit $diff)" >&2
  exit 1
fi
go test -count=1 -timeout 20m -run "$killed" ./internal/replication/
