package replication

import (
	"fmt"
	"strings"
)

// ValidationError is one bad input (SPEC §5), naming the attribute path as the Terraform schema spells it
// ("mappings.subnets[1].dst_cidr") and the offending value.
type ValidationError struct {
	Attribute string
	Value     string
	Message   string
}

func (e ValidationError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Attribute, e.Message)
	}
	return fmt.Sprintf("%s = %q: %s", e.Attribute, e.Value, e.Message)
}

// ValidationErrors are all the bad inputs found at once, so a user can fix them in one go.
type ValidationErrors []ValidationError

func (es ValidationErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

func (es *ValidationErrors) add(attribute, value, format string, args ...any) {
	*es = append(*es, ValidationError{Attribute: attribute, Value: value, Message: fmt.Sprintf(format, args...)})
}
