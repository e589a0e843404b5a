package openstack

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryingTransport(t *testing.T) {
	cases := []struct {
		name      string
		method    string
		statuses  []int
		wantCalls int32
		wantCode  int
	}{
		{"503 is retried for POST", http.MethodPost, []int{503, 201}, 2, 201},
		{"429 is retried for GET", http.MethodGet, []int{429, 429, 200}, 3, 200},
		{"500 is retried for PUT", http.MethodPut, []int{500, 200}, 2, 200},
		{"500 is not retried for POST", http.MethodPost, []int{500, 201}, 1, 500},
		{"409 is retried for DELETE", http.MethodDelete, []int{409, 204}, 2, 204},
		{"404 is never retried", http.MethodGet, []int{404, 200}, 1, 404},
		{"attempts are bounded", http.MethodGet, []int{503, 503, 503, 503, 200}, 3, 503},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			var bodies []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				w.WriteHeader(tc.statuses[n-1])
			}))
			defer srv.Close()
			counter := NewRequestCounter()
			policy := retryPolicy
			policy.MaxAttempts, policy.MinBackoff, policy.MaxBackoff = 3, time.Millisecond, 4*time.Millisecond
			client := &http.Client{Transport: &retryingTransport{next: &countingTransport{next: http.DefaultTransport, counter: counter}, policy: policy}}
			req, _ := http.NewRequest(tc.method, srv.URL+"/v2.0/ports/0f6b2a86-4d0f-4bd3-9a55-5b8e9f0f4c11", strings.NewReader(`{"x":1}`))
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantCode || calls.Load() != tc.wantCalls {
				t.Fatalf("got status %d after %d calls, want %d after %d", resp.StatusCode, calls.Load(), tc.wantCode, tc.wantCalls)
			}
			for _, b := range bodies {
				if b != `{"x":1}` {
					t.Fatalf("body not replayed on retry: %q", b)
				}
			}
			if got := counter.Total(tc.method); got != int(tc.wantCalls) {
				t.Fatalf("counter saw %d %s requests, want %d", got, tc.method, tc.wantCalls)
			}
			if _, ok := counter.Snapshot()["identity "+tc.method+" /v2.0/ports/{id}"]; !ok {
				t.Fatalf("ids not folded in counter keys: %v", counter.Snapshot())
			}
		})
	}
}
