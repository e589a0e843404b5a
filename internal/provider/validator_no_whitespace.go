package provider

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var noWhitespacePattern = regexp.MustCompile(`^\S*$`)

// noWhitespace refuses ids with white space, the usual trace of a copy-and-paste slip.
func noWhitespace() validator.String {
	return stringvalidator.RegexMatches(noWhitespacePattern, "must not contain white space")
}
