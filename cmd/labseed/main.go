// Command labseed seeds the sample three-tier source tenant in the local lab (make demo uses it) and
// prints its project id. It is idempotent: a tenant of that name already there is reused.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/testlab"
)

func main() {
	cloud := flag.String("cloud", testlab.RegionOne, "clouds.yaml entry of the region to seed")
	name := flag.String("name", "demo-src", "name of the sample tenant")
	flag.Parse()
	if err := run(*cloud, *name); err != nil {
		fmt.Fprintln(os.Stderr, "labseed:", err)
		os.Exit(1)
	}
}

func run(cloud, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if os.Getenv("OS_CLIENT_CONFIG_FILE") == "" {
		os.Setenv("OS_CLIENT_CONFIG_FILE", testlab.CloudsFile())
	}
	c, err := openstack.Connect(ctx, openstack.Config{Cloud: cloud}, nil)
	if err != nil {
		return err
	}
	existing, err := openstack.FindProjects(ctx, c.Identity, url.Values{"name": {name}})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		fmt.Println(existing[0].ID)
		return nil
	}
	t, err := testlab.SeedThreeTier(ctx, c, name)
	if err != nil {
		return err
	}
	fmt.Println(t.ProjectID)
	return nil
}
