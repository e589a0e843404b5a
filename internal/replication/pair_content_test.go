package replication

import (
	"maps"
	"testing"
)

// TestPairByPriorThenContent pairs a kind without markers: by the prior id maps first (even when the
// copy's content no longer matches), then twins of equal content in id order; a prior copy that copies
// nothing planned is stale, and a copy taken by prior is not paired again by content.
func TestPairByPriorThenContent(t *testing.T) {
	type obj struct{ id, key string }
	planned := []keyed{{id: "s1", key: "a"}, {id: "s3", key: "b"}, {id: "s2", key: "b"}, {id: "s4", key: "c"}}
	dst := []obj{{"d9", "b"}, {"d1", "changed"}, {"d5", "b"}, {"d7", "a"}, {"d8", "gone"}}
	prior := map[string]string{"s1": "d1", "s0": "d8", "sX": "missing"}
	paired, byPrior, stale := map[string]obj{}, map[string]bool{}, map[string]obj{}
	pairByPriorThenContent(planned, dst, func(o obj) string { return o.id }, func(o obj) string { return o.key },
		prior, paired, byPrior, stale)

	want := map[string]obj{"s1": {"d1", "changed"}, "s2": {"d5", "b"}, "s3": {"d9", "b"}}
	if !maps.Equal(paired, want) {
		t.Errorf("paired = %v, want %v", paired, want)
	}
	if !maps.Equal(byPrior, map[string]bool{"s1": true}) {
		t.Errorf("byPrior = %v, want s1 only", byPrior)
	}
	if !maps.Equal(stale, map[string]obj{"s0": {"d8", "gone"}}) {
		t.Errorf("stale = %v, want s0 -> d8", stale)
	}
}
