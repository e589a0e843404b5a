package replication

import (
	"fmt"
	"strings"
)

// Path names an attribute of the migration resource as steps from the resource's root: attribute names,
// list indexes and map keys. Build one with Root and the step methods, which return a new Path and never
// change the one they are called on, so a shared prefix can be extended in several directions:
//
//	subnet := Root("mappings").Attr("subnets").Index(1)
//	subnet.Attr("src_cidr") // mappings.subnets[1].src_cidr
//	subnet.Attr("dst_cidr") // mappings.subnets[1].dst_cidr
//
// The zero Path is empty: it names no attribute.
type Path struct {
	steps []PathStep
}

// StepKind says what a PathStep steps into.
type StepKind uint8

const (
	// AttributeStep steps into the attribute named PathStep.Name.
	AttributeStep StepKind = iota + 1
	// IndexStep steps into element PathStep.Index of a list.
	IndexStep
	// KeyStep steps into the element of a map under the key PathStep.Name.
	KeyStep
)

// PathStep is one step of a Path.
type PathStep struct {
	Kind StepKind
	// Name is the attribute's name (AttributeStep) or the map key (KeyStep).
	Name string
	// Index is the list index (IndexStep).
	Index int
}

// Root is the path of a top-level attribute of the resource.
func Root(name string) Path {
	return Path{}.Attr(name)
}

// Attr is the path of the nested attribute name of the object at p.
func (p Path) Attr(name string) Path {
	return p.then(PathStep{Kind: AttributeStep, Name: name})
}

// Index is the path of element i of the list at p.
func (p Path) Index(i int) Path {
	return p.then(PathStep{Kind: IndexStep, Index: i})
}

// Key is the path of the element under key of the map at p.
func (p Path) Key(key string) Path {
	return p.then(PathStep{Kind: KeyStep, Name: key})
}

// then returns p with one more step, in a new array: p's may be shared with other paths.
func (p Path) then(s PathStep) Path {
	steps := make([]PathStep, len(p.steps), len(p.steps)+1)
	copy(steps, p.steps)
	return Path{steps: append(steps, s)}
}

// Steps returns the steps of p from the root, in a slice the caller may keep.
func (p Path) Steps() []PathStep {
	return append([]PathStep(nil), p.steps...)
}

// IsEmpty reports whether p names no attribute.
func (p Path) IsEmpty() bool {
	return len(p.steps) == 0
}

// String renders p as Terraform configuration spells it: attributes joined with dots, list indexes in
// brackets, map keys quoted in brackets ("mappings.subnets[1].dst_cidr", `tags["env"]`).
func (p Path) String() string {
	var b strings.Builder
	for i, s := range p.steps {
		switch s.Kind {
		case AttributeStep:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		case IndexStep:
			fmt.Fprintf(&b, "[%d]", s.Index)
		case KeyStep:
			fmt.Fprintf(&b, "[%q]", s.Name)
		}
	}
	return b.String()
}

// MarshalText renders p as String does, so paths read as text in JSON and logs.
func (p Path) MarshalText() ([]byte, error) {
	return []byte(p.String()), nil
}
