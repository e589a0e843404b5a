package waldur

import (
	"strings"
	"testing"
)

func TestCheckEndpointScheme(t *testing.T) {
	for _, tc := range []struct {
		endpoint  string
		allowHTTP bool
		refused   bool
	}{
		{"https://waldur.example.com/api/", false, false},
		{"http://waldur.example.com/api/", false, true},
		{"http://waldur.example.com/api/", true, false},
		{"http://10.1.2.3:8000", false, true},
		{"http://127.0.0.1:8000/api/", false, false},
		{"http://[::1]:8000/", false, false},
		{"http://localhost/api/", false, false},
		{"ftp://waldur.example.com", false, false}, // New refuses it with its own message
	} {
		err := CheckEndpointScheme(tc.endpoint, tc.allowHTTP)
		if (err != nil) != tc.refused {
			t.Errorf("CheckEndpointScheme(%q, %v) = %v, want refused %v", tc.endpoint, tc.allowHTTP, err, tc.refused)
		}
		if err != nil && !strings.Contains(err.Error(), "allow_http") {
			t.Errorf("%q: the error %q does not say how to allow it", tc.endpoint, err)
		}
	}
}
