package replication

import (
	"slices"
	"strings"
)

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

// userTags are the tags a user put on an object, without markers, sorted: copied onto the object's copy.
func userTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		if !strings.HasPrefix(t, sourceTagPrefix) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// wantedTags is the whole tag set of a copy: the user's tags and, when it needs one, its marker.
func wantedTags(sourceID string, marker bool, user []string) []string {
	out := slices.Clone(user)
	if marker {
		out = append(out, SourceTag(sourceID))
	}
	return out
}

// lacksTags reports whether an existing copy misses a tag it should carry.
func lacksTags(have, want []string) bool {
	return slices.ContainsFunc(want, func(t string) bool { return !slices.Contains(have, t) })
}
