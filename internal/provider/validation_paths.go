package provider

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// attributePath converts the attribute a ValidationError names (mappings.subnets[1].dst_cidr) to a
// Terraform path, step by step, so the diagnostic points at the exact configuration line. ok is false for
// a path that names no attribute of the resource: an empty one, or one that does not start at an
// attribute.
func attributePath(attribute replication.Path) (p path.Path, ok bool) {
	steps := attribute.Steps()
	if len(steps) == 0 || steps[0].Kind != replication.AttributeStep {
		return path.Empty(), false
	}
	p = path.Root(steps[0].Name)
	for _, s := range steps[1:] {
		switch s.Kind {
		case replication.AttributeStep:
			p = p.AtName(s.Name)
		case replication.IndexStep:
			p = p.AtListIndex(s.Index)
		case replication.KeyStep:
			p = p.AtMapKey(s.Name)
		default:
			return path.Empty(), false
		}
	}
	return p, true
}

// addValidationErrors turns the engine's validation errors into diagnostics on the offending attributes
// and reports whether err was such a list. Errors naming no attribute become plain errors.
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
