// Command bench is the performance benchmark of the replication engine against the lab (issue 5); see
// bench/README.md. Typical use, from the repository root with the lab running:
//
//	go run ./cmd/bench -mode all -n 3
package main

import (
	"os"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/bench"
)

func main() {
	os.Exit(bench.Main(os.Args[1:], os.Stdout, os.Stderr))
}
