package provider

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

var pathStep = regexp.MustCompile(`^([a-z_][a-z0-9_]*)((?:\[[0-9]+\])*)$`)
var listIndex = regexp.MustCompile(`\[([0-9]+)\]`)

// attributePath converts an attribute as the engine names it in a ValidationError
// ("mappings.subnets[1].dst_cidr", "mappings.networks[0]", "src_resource") to a Terraform path, so the
// diagnostic points at the exact configuration line. ok is false for a string of another shape.
func attributePath(attribute string) (p path.Path, ok bool) {
	if attribute == "" {
		return path.Empty(), false
	}
	for i, step := range strings.Split(attribute, ".") {
		m := pathStep.FindStringSubmatch(step)
		if m == nil {
			return path.Empty(), false
		}
		if i == 0 {
			p = path.Root(m[1])
		} else {
			p = p.AtName(m[1])
		}
		for _, idx := range listIndex.FindAllStringSubmatch(m[2], -1) {
			n, err := strconv.Atoi(idx[1])
			if err != nil {
				return path.Empty(), false
			}
			p = p.AtListIndex(n)
		}
	}
	return p, true
}

// addValidationErrors turns the engine's validation errors into diagnostics on the offending attributes
// and reports whether err was such a list. Errors naming no known attribute become plain errors.
func addValidationErrors(diags *diag.Diagnostics, err error) bool {
	var errs replication.ValidationErrors
	if !errors.As(err, &errs) {
		var one replication.ValidationError
		if !errors.As(err, &one) {
			return false
		}
		errs = replication.ValidationErrors{one}
	}
	for _, e := range errs {
		if p, ok := attributePath(e.Attribute); ok {
			diags.AddAttributeError(p, "Invalid migration input", e.Error())
		} else {
			diags.AddError("Invalid migration input", e.Error())
		}
	}
	return true
}
