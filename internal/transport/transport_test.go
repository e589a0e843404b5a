package transport

import (
	"net/http"
	"testing"
)

func TestCloneDefaultIsACopy(t *testing.T) {
	a, b := CloneDefault(), CloneDefault()
	if a == b || a == http.DefaultTransport {
		t.Fatal("CloneDefault must return a new transport each time")
	}
	a.MaxIdleConnsPerHost = 42
	if b.MaxIdleConnsPerHost == 42 {
		t.Fatal("changing one copy changed another")
	}
}

func TestCloneDefaultWhenReplaced(t *testing.T) {
	saved := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = saved })
	http.DefaultTransport = http.NewFileTransport(http.Dir("."))
	tr := CloneDefault()
	if tr.Proxy == nil || tr.DialContext == nil || tr.IdleConnTimeout == 0 {
		t.Fatalf("fallback transport lacks the default settings: %+v", tr)
	}
}
