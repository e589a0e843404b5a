// Command terraform-provider-waldur serves the waldur Terraform provider: waldur_openstack_migration and
// its data sources, over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/provider"
)

// version is set by the release build (goreleaser: -X main.version={{.Version}}).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/waldur/waldur",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
