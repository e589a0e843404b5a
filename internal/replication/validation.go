package replication

import (
	"fmt"
	"strings"
)

// ValidationError is one bad input: the attribute it is in, as a path from the resource's root
// (mappings.subnets[1].dst_cidr), the offending value and what is wrong with it.
type ValidationError struct {
	Attribute Path
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

func (es *ValidationErrors) add(attribute Path, value, format string, args ...any) {
	*es = append(*es, ValidationError{Attribute: attribute, Value: value, Message: fmt.Sprintf(format, args...)})
}

// The resource's attributes that the engine's validation errors name.
var (
	srcResourceAttr       = Root("src_resource")
	dstOfferingAttr       = Root("dst_offering")
	mappingsAttr          = Root("mappings")
	networksAttr          = mappingsAttr.Attr("networks")
	subnetsAttr           = mappingsAttr.Attr("subnets")
	volumeTypesAttr       = mappingsAttr.Attr("volume_types")
	syncInstancePortsAttr = mappingsAttr.Attr("sync_instance_ports")
)
