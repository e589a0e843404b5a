package replication

import "strings"

// Every object the engine creates carries a marker naming the source object it was copied from: a Neutron
// tag, or a Keystone project tag. A re-run (after a failure, a cancelled apply or a replaced resource)
// finds what exists by these markers and creates only what is missing; Read and import rebuild the id
// maps from them. Nothing depends on names being unique. Security group rules carry no tags in Neutron;
// they are matched by content, which Neutron keeps unique per group.
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
