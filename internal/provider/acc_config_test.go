package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
)

// accConfig is an acceptance-test configuration made of files under testdata/, joined in order: each
// name is a path below testdata ("shared/provider_standalone.tf", "migration_remap/main.tf"), a
// text/template executed with data (a map or a struct); {{q .X}} writes a value as an HCL string. A
// value the template names that data lacks fails the test.
func accConfig(t testing.TB, data any, names ...string) string {
	t.Helper()
	var b strings.Builder
	for _, name := range names {
		raw, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
		if err != nil {
			t.Fatalf("reading the configuration: %v", err)
		}
		tmpl, err := template.New(name).Option("missingkey=error").Funcs(template.FuncMap{"q": hclString}).Parse(string(raw))
		if err != nil {
			t.Fatalf("parsing testdata/%s: %v", name, err)
		}
		b.WriteString("\n")
		if err := tmpl.Execute(&b, data); err != nil {
			t.Fatalf("rendering testdata/%s: %v", name, err)
		}
	}
	return b.String()
}

// hclString writes v as an HCL string literal (Go's quoting agrees with HCL's for the values tests use).
func hclString(v any) string {
	return fmt.Sprintf("%q", v)
}

// accStandalone is a configuration of the standalone backend: the provider block with the lab's three
// offerings (testdata/shared/provider_standalone.tf) followed by the named files.
func accStandalone(t testing.TB, data any, names ...string) string {
	t.Helper()
	return accConfig(t, data, append([]string{"shared/provider_standalone.tf"}, names...)...)
}

// accWithSource is accStandalone with the source tenant looked up by name, as a configuration would
// (testdata/shared/source_tenant.tf; data["Source"] is the tenant's name).
func accWithSource(t testing.TB, data map[string]any, names ...string) string {
	t.Helper()
	return accStandalone(t, data, append([]string{"shared/source_tenant.tf"}, names...)...)
}

// accMigrationArgs are the arguments of testdata/migration/main.tf, a migration with every input
// given as a value; empty ones are left out.
type accMigrationArgs struct {
	SrcResource, DstOffering, DstPlan, Name string
	DestroyDestination, FollowSource        bool
	Mappings                                *accMappings
	CreateTimeout                           string
}

// accMappings is the migration's mappings block.
type accMappings struct {
	Networks                                []string
	Subnets, VolumeTypes                    []accPair
	SyncInstancePorts, SkipConnectionExtnet bool
}

// accPair is a mapping entry: a subnet remap (src_cidr, dst_cidr) or a volume type map.
type accPair struct{ Src, Dst string }
