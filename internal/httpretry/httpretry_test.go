package httpretry

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	p := Policy{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{
		{1, 100 * time.Millisecond},
		{2, 200 * time.Millisecond},
		{3, 400 * time.Millisecond},
		{4, 800 * time.Millisecond},
		{5, time.Second}, // capped
		{6, time.Second},
		{1000, time.Second}, // no overflow however long it goes on
	} {
		if got := p.Backoff(tc.attempt); got != tc.want {
			t.Errorf("attempt %d: %v, want %v", tc.attempt, got, tc.want)
		}
	}
	flat := Policy{MinBackoff: 300 * time.Millisecond, MaxBackoff: time.Millisecond}
	for _, n := range []int{1, 2, 10} {
		if got := flat.Backoff(n); got != 300*time.Millisecond {
			t.Errorf("MaxBackoff below MinBackoff, attempt %d: %v, want MinBackoff", n, got)
		}
	}
}

func TestBackoffJitter(t *testing.T) {
	for _, tc := range []struct {
		name     string
		policy   Policy
		attempt  int
		lo, hi   time.Duration
		wantSpan bool // the samples must not all be equal
	}{
		{"±20% around the doubled wait", Policy{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, Jitter: 0.2},
			3, 320 * time.Millisecond, 480 * time.Millisecond, true},
		{"applied after the cap", Policy{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, Jitter: 0.2},
			10, 800 * time.Millisecond, 1200 * time.Millisecond, true},
		{"a jitter above 1 counts as 1", Policy{MinBackoff: time.Second, MaxBackoff: time.Second, Jitter: 5},
			1, 0, 2 * time.Second, true},
		{"a negative jitter counts as none", Policy{MinBackoff: time.Second, MaxBackoff: time.Second, Jitter: -1},
			1, time.Second, time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 2000 {
				d := tc.policy.Backoff(tc.attempt)
				if d < tc.lo || d > tc.hi {
					t.Fatalf("%v outside [%v, %v]", d, tc.lo, tc.hi)
				}
				seen[d] = true
			}
			if tc.wantSpan != (len(seen) > 1) {
				t.Fatalf("%d distinct waits", len(seen))
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                                  0,
		"3":                                 3 * time.Second,
		" 7 ":                               7 * time.Second,
		"0":                                 0,
		"-1":                                0,
		"1.5":                               0,
		"soon":                              0,
		"99999999999999999999":              9223372036 * time.Second, // more than an int64 holds: still a long wait
		"-99999999999999999999":             0,
		"9223372036854775807":               9223372036 * time.Second, // the longest whole number of seconds a Duration holds
		"Wed, 01 Jan 2025 00:00:10 GMT":     10 * time.Second,
		"Wednesday, 01-Jan-25 00:01:00 GMT": time.Minute,      // RFC 850
		"Wed Jan  1 00:00:30 2025":          30 * time.Second, // asctime
		"Tue, 31 Dec 2024 00:00:10 GMT":     0,
		"Wed, 01 Jan 2025 00:00:00 GMT":     0,
	} {
		if got := ParseRetryAfter(in, now); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

func answer(status int, retryAfter string) *http.Response {
	h := http.Header{}
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return &http.Response{StatusCode: status, Header: h}
}

func TestDelay(t *testing.T) {
	clamp := Policy{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, MaxRetryAfter: time.Minute}
	refuse := clamp
	refuse.RefuseLongRetryAfter = true
	inHalfAMinute := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	inTwoMinutes := time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		name    string
		policy  Policy
		resp    *http.Response
		lo, hi  time.Duration
		refused bool
	}{
		{"no answer: backoff", clamp, nil, 400 * time.Millisecond, 400 * time.Millisecond, false},
		{"no Retry-After: backoff", clamp, answer(503, ""), 400 * time.Millisecond, 400 * time.Millisecond, false},
		{"seconds", clamp, answer(503, "7"), 7 * time.Second, 7 * time.Second, false},
		{"seconds, exactly the cap", refuse, answer(429, "60"), time.Minute, time.Minute, false},
		{"an HTTP date", clamp, answer(503, inHalfAMinute), 28 * time.Second, 30 * time.Second, false},
		{"garbage: backoff", clamp, answer(503, "later"), 400 * time.Millisecond, 400 * time.Millisecond, false},
		{"zero: backoff", clamp, answer(503, "0"), 400 * time.Millisecond, 400 * time.Millisecond, false},
		{"seconds over the cap: the cap", clamp, answer(429, "3600"), time.Minute, time.Minute, false},
		{"a date over the cap: the cap", clamp, answer(429, inTwoMinutes), time.Minute, time.Minute, false},
		{"seconds over the cap, refused", refuse, answer(429, "61"), 0, 0, true},
		{"more seconds than a number holds, refused", refuse, answer(503, "99999999999999999999"), 0, 0, true},
		{"more seconds than a number holds: the cap", clamp, answer(503, "99999999999999999999"), time.Minute, time.Minute, false},
		{"a date over the cap, refused", refuse, answer(503, inTwoMinutes), 0, 0, true},
		{"no cap", Policy{}, answer(503, "3600"), time.Hour, time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.policy.Delay(3, tc.resp)
			var long *RetryAfterError
			if tc.refused != errors.As(err, &long) || (err != nil && !tc.refused) {
				t.Fatalf("err = %v, want refused %v", err, tc.refused)
			}
			if tc.refused {
				if long.Status != tc.resp.StatusCode || long.Max != time.Minute || long.Wait <= time.Minute {
					t.Fatalf("%+v", long)
				}
				if msg := err.Error(); !strings.Contains(msg, "HTTP "+strconv.Itoa(tc.resp.StatusCode)) || !strings.Contains(msg, "longer than this client waits (1m0s)") {
					t.Fatalf("unclear message: %s", msg)
				}
				return
			}
			if d < tc.lo || d > tc.hi {
				t.Fatalf("%v, want within [%v, %v]", d, tc.lo, tc.hi)
			}
		})
	}
}

func TestNext(t *testing.T) {
	errLost := errors.New("connection lost")
	rules := Rules{
		{Statuses: []int{503}},
		{Methods: Idempotent, Statuses: []int{502}, Errors: func(err error) bool { return err == errLost }},
		{Methods: []string{http.MethodGet}, Statuses: []int{409}, Attempts: 3},
	}
	base := Policy{MinBackoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond, Rules: rules}
	byCount, byTime := base, base
	byCount.MaxAttempts = 4
	byTime.MaxElapsed = time.Second
	for _, tc := range []struct {
		name    string
		policy  Policy
		method  string
		attempt int
		elapsed time.Duration
		resp    *http.Response
		err     error
		want    bool
	}{
		{"503 for POST", byCount, http.MethodPost, 1, 0, answer(503, ""), nil, true},
		{"502 for PUT", byCount, http.MethodPut, 1, 0, answer(502, ""), nil, true},
		{"502 not for POST", byCount, http.MethodPost, 1, 0, answer(502, ""), nil, false},
		{"a status no rule lists", byCount, http.MethodGet, 1, 0, answer(500, ""), nil, false},
		{"success is not a failure", byCount, http.MethodGet, 1, 0, answer(200, ""), nil, false},
		{"a matching error for DELETE", byCount, http.MethodDelete, 1, 0, nil, errLost, true},
		{"a matching error, not for POST", byCount, http.MethodPost, 1, 0, nil, errLost, false},
		{"another error", byCount, http.MethodGet, 1, 0, nil, errors.New("x509: unknown authority"), false},
		{"attempts left", byCount, http.MethodGet, 3, 0, answer(503, ""), nil, true},
		{"attempts spent", byCount, http.MethodGet, 4, 0, answer(503, ""), nil, false},
		{"a rule's own attempts", byCount, http.MethodGet, 2, 0, answer(409, ""), nil, true},
		{"a rule's own attempts spent", byCount, http.MethodGet, 3, 0, answer(409, ""), nil, false},
		{"a rule's attempts within the policy's", byTime, http.MethodGet, 2, 990 * time.Millisecond, answer(409, ""), nil, false},
		{"time left", byTime, http.MethodGet, 50, 900 * time.Millisecond, answer(503, ""), nil, true},
		{"time spent", byTime, http.MethodGet, 2, 995 * time.Millisecond, answer(503, ""), nil, false},
		{"a Retry-After beyond the time left", byTime, http.MethodGet, 1, 500 * time.Millisecond, answer(503, "1"), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wait, retry, err := tc.policy.Next(tc.method, tc.attempt, tc.elapsed, tc.resp, tc.err)
			if err != nil || retry != tc.want {
				t.Fatalf("retry %v, err %v; want retry %v", retry, err, tc.want)
			}
			if retry && (wait <= 0 || tc.elapsed+wait > max(tc.policy.MaxElapsed, tc.elapsed+80*time.Millisecond)) {
				t.Fatalf("wait %v", wait)
			}
		})
	}

	refuse := base
	refuse.MaxRetryAfter, refuse.RefuseLongRetryAfter = time.Second, true
	_, retry, err := refuse.Next(http.MethodPost, 1, 0, answer(503, "5"), nil)
	var long *RetryAfterError
	if retry || !errors.As(err, &long) || long.Wait != 5*time.Second {
		t.Fatalf("retry %v, err %v; want a RetryAfterError", retry, err)
	}
	refuse.MaxElapsed = 2 * time.Second
	_, retry, err = refuse.Next(http.MethodPost, 1, 1500*time.Millisecond, answer(503, "1"), nil)
	if retry || !errors.As(err, &long) || long.Wait != time.Second || long.Max != 500*time.Millisecond {
		t.Fatalf("retry %v, err %v; want a RetryAfterError for a wait past the time budget", retry, err)
	}
	if !strings.Contains(err.Error(), "asked to be retried in 1s, longer than this client waits (500ms)") {
		t.Fatalf("unclear message: %v", err)
	}
	if _, retry, err := refuse.Next(http.MethodPost, 1, 1995*time.Millisecond, answer(503, ""), nil); retry || err != nil {
		t.Fatalf("a backoff past the time budget ends the retries quietly: retry %v, err %v", retry, err)
	}
	if _, retry, _ := (Policy{}).Next(http.MethodGet, 1, 0, answer(503, ""), nil); retry {
		t.Fatal("the zero policy must retry nothing")
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Minute); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("after %v: %v", time.Since(start), err)
	}
}

// TestErrorClasses sorts real failures of an http.Transport: what a server that is down, restarting or
// resetting connections makes a client see.
func TestErrorClasses(t *testing.T) {
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatalf("http.DefaultTransport is a %T, not an *http.Transport", http.DefaultTransport)
	}
	tr := dt.Clone()
	t.Cleanup(tr.CloseIdleConnections)
	roundTrip := func(method, url string) error {
		req, err := http.NewRequest(method, url, strings.NewReader(`{"x":1}`))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := tr.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s %s: got an answer, want a failure", method, url)
		}
		return err
	}
	// A port nothing listens on any more.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String() + "/"
	l.Close()
	hangUp := func(reset bool) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Errorf("the ResponseWriter is a %T, not an http.Hijacker", w)
				return
			}
			c, _, err := hj.Hijack()
			if err != nil {
				return
			}
			if reset {
				tc, ok := c.(*net.TCPConn)
				if !ok {
					t.Errorf("the hijacked connection is a %T, not a *net.TCPConn", c)
				} else {
					_ = tc.SetLinger(0)
				}
			}
			c.Close()
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	closes, resets := hangUp(false), hangUp(true)

	for _, tc := range []struct {
		name                string
		err                 error
		notSent, connection bool
	}{
		{"connection refused", roundTrip(http.MethodPost, down), true, true},
		{"closed after the request was read", roundTrip(http.MethodPost, closes), false, true},
		{"reset after the request was read", roundTrip(http.MethodGet, resets), false, true},
		{"unknown host", &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "nova.invalid", IsNotFound: true}}, false, false},
		{"name server timed out", &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "i/o timeout", Name: "nova.example", IsTimeout: true}}, true, true},
		{"context cancelled", context.Canceled, false, false},
		{"a certificate refused", errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NotSent(tc.err); got != tc.notSent {
				t.Errorf("NotSent(%v) = %v", tc.err, got)
			}
			if got := ConnectionError(tc.err); got != tc.connection {
				t.Errorf("ConnectionError(%v) = %v", tc.err, got)
			}
		})
	}
}
