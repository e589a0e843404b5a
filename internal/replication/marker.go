package replication

import "strings"

// A marker names the source object a copy was made from: a Keystone tag on the destination project, and a
// Neutron tag on the objects whose content does not identify them (identity.go says which). A re-run
// (after a failure, a cancelled apply or a replaced resource) finds what exists by markers and content
// keys and creates only what is missing; import rebuilds the id maps the same way. Security group rules
// carry no tags in Neutron; they are matched by content, which Neutron keeps unique per group.
const sourceTagPrefix = "wom:src:"

// SourceTag is the marker of a copy of source object id.
func SourceTag(id string) string { return sourceTagPrefix + id }

// SourceOf returns the source id named by a marker among tags, or "".
func SourceOf(tags []string) string {
	for _, t := range tags {
		if id, ok := strings.CutPrefix(t, sourceTagPrefix); ok {
			return id
		}
	}
	return ""
}
