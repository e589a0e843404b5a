package settle

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// settleServer answers every request after release is closed, and counts the requests it received and
// the ones it finished.
type settleServer struct {
	*httptest.Server
	received, finished atomic.Int32
	arrived            chan struct{} // gets a value per request received
	release            chan struct{}
}

func newSettleServer(t *testing.T) *settleServer {
	s := &settleServer{arrived: make(chan struct{}, 8), release: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		s.received.Add(1)
		s.arrived <- struct{}{}
		<-s.release
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"subnets":[{"id":"s1"}]}`)
		s.finished.Add(1)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *settleServer) do(ctx context.Context, method string, grace time.Duration) (string, error) {
	return s.doPath(ctx, method, "/v2.0/subnets", grace)
}

func (s *settleServer) doPath(ctx context.Context, method, path string, grace time.Duration) (string, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, strings.NewReader(`{}`))
	if err != nil {
		return "", err
	}
	client := http.Client{Transport: &Transport{Next: http.DefaultTransport, Grace: grace,
		Abandon: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/auth/tokens") }}}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

// TestSettleLetsSentWriteFinish: a POST in flight when its run is stopped still gets its answer, so the
// run can record the objects it made.
func TestSettleLetsSentWriteFinish(t *testing.T) {
	s := newSettleServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.arrived
		cancel()
		time.Sleep(50 * time.Millisecond)
		close(s.release)
	}()
	body, err := s.do(ctx, http.MethodPost, time.Minute)
	if err != nil {
		t.Fatalf("the write sent before the stop failed: %v", err)
	}
	if !strings.Contains(body, `"s1"`) {
		t.Fatalf("answer %q lacks the created subnet", body)
	}
	if ctx.Err() == nil {
		t.Fatal("the run was not stopped during the write")
	}
}

// TestSettleSendsNoWriteAfterStop: a write whose run has already stopped is not sent.
func TestSettleSendsNoWriteAfterStop(t *testing.T) {
	s := newSettleServer(t)
	close(s.release)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.do(ctx, http.MethodPost, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("a write after the stop returned %v, want context.Canceled", err)
	}
	if n := s.received.Load(); n != 0 {
		t.Fatalf("the server received %d requests after the stop, want 0", n)
	}
}

// TestSettleAbandonsReadsAndTokens: a GET, or a write that Abandon picks (here a token request), in
// flight ends with its run.
func TestSettleAbandonsReadsAndTokens(t *testing.T) {
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/v2.0/subnets"},
		{http.MethodPost, "/identity/v3/auth/tokens"},
	} {
		s := newSettleServer(t)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-s.arrived
			cancel()
		}()
		if _, err := s.doPath(ctx, tc.method, tc.path, time.Minute); !errors.Is(err, context.Canceled) {
			t.Errorf("%s %s in flight at the stop returned %v, want context.Canceled", tc.method, tc.path, err)
		}
		close(s.release)
	}
}

// TestSettleGraceIsBounded: a write that does not answer within the grace after the stop is abandoned.
func TestSettleGraceIsBounded(t *testing.T) {
	s := newSettleServer(t)
	defer close(s.release)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.arrived
		cancel()
	}()
	start := time.Now()
	_, err := s.do(ctx, http.MethodPost, 100*time.Millisecond)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a write past its grace returned %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the write was abandoned after %v, want about the 100 ms grace", d)
	}
	if n := s.finished.Load(); n != 0 {
		t.Fatalf("the server finished %d requests, want 0 (it was still holding the write)", n)
	}
}
