package standalone

import "testing"

func TestParseTenantRef(t *testing.T) {
	got, err := parseTenantRef("lab-RegionOne/0123abcd")
	if err != nil || got != (tenantRef{Offering: "lab-RegionOne", ProjectID: "0123abcd"}) || got.String() != "lab-RegionOne/0123abcd" {
		t.Errorf("parseTenantRef = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "0123abcd", "/0123", "old/", "old/a/b", "old/a:b", "8c1e6a2e-uuid-of-waldur"} {
		if _, err := parseTenantRef(bad); err == nil {
			t.Errorf("parseTenantRef(%q) accepted", bad)
		}
	}
}

func TestParseImportID(t *testing.T) {
	got, err := parseImportID("old/src123:new/dst456")
	if err != nil || got.Source == nil || *got.Source != (tenantRef{"old", "src123"}) || got.Destination != (tenantRef{"new", "dst456"}) {
		t.Errorf("long form = %+v, %v", got, err)
	}
	got, err = parseImportID("new/dst456")
	if err != nil || got.Source != nil || got.Destination != (tenantRef{"new", "dst456"}) {
		t.Errorf("short form = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "dst456", "old/src123:", ":new/dst456", "old:new/dst", "a/b:c/d:e/f"} {
		if _, err := parseImportID(bad); err == nil {
			t.Errorf("parseImportID(%q) accepted", bad)
		}
	}
}
