package replication

import (
	"strings"
	"testing"
)

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		p, err := newPassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(p) < 16 || strings.ContainsAny(p, "0Oo1lI") {
			t.Fatalf("weak or ambiguous password %q", p)
		}
		if seen[p] {
			t.Fatal("password repeated")
		}
		seen[p] = true
	}
}

func TestUsernameDerivedFromProjectName(t *testing.T) {
	for name, prefix := range map[string]string{
		"Prod Web/EU":           "prod-web-eu-",
		"***":                   "tenant-",
		strings.Repeat("a", 60): strings.Repeat("a", 40) + "-",
	} {
		u, err := newUsername(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u, prefix) || len(u) != len(prefix)+6 {
			t.Errorf("newUsername(%q) = %q, want %q + 6 random characters", name, u, prefix)
		}
	}
}
