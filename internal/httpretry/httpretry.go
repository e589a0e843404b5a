// Package httpretry decides whether a failed HTTP attempt is worth another, and how long to wait first.
// The OpenStack transport and the Waldur client both use it. Each keeps its own loop, because they differ
// in what an attempt is (one is an http.RoundTripper; the other reads and types every answer before it
// decides), but the decision is taken here, from a Policy the client fills in.
//
// What is retried is the client's choice, expressed as Rules: a rule names the methods it applies to, the
// answer statuses it retries, and which failures to get an answer it retries. Both clients' rules rest on
// one principle: repeating a request is only safe when the server did not act on it, or when acting
// twice is harmless. GET, HEAD, PUT and DELETE can be repeated; a POST that may have reached the server
// could create its object twice, so a POST is only retried on answers that say the work was not done
// (429, 503) or on failures that happened before it left (NotSent). ConnectionError matches the other
// ways a connection fails while a server restarts; the request may have been acted on then.
//
// The wait after failed attempt n is MinBackoff doubled n-1 times, capped at MaxBackoff, then spread by
// ±Jitter, so that many clients failing at the same moment do not come back in lockstep. A Retry-After
// header (delay seconds or an HTTP date) replaces that wait: the server knows better when it will be
// ready. A Retry-After longer than MaxRetryAfter is waited for MaxRetryAfter, or, with
// RefuseLongRetryAfter, ends the retries with a *RetryAfterError, as does one that would end past the
// time budget. Refusing is for clients with a time budget: retrying sooner than asked only meets a
// server that said it is not ready, and would most likely spend the budget to fail the same way, while
// an error that says how long the server asked for tells the user when to try again.
//
// The budget is in attempts (MaxAttempts), in time (MaxElapsed), or both; a rule may also limit its own
// failures to fewer attempts (Rule.Attempts). A time budget suits outages such as a service restart,
// whose length does not depend on how often it is asked; an attempt budget suits answers that may or may
// not clear by themselves, such as a conflict.
package httpretry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Policy is how a client retries. The zero value retries nothing.
type Policy struct {
	// MaxAttempts bounds the attempts of one request, the first included; 0 sets no bound by count.
	MaxAttempts int
	// MaxElapsed bounds the time: no attempt starts later than MaxElapsed after the first one began;
	// 0 sets no bound by time.
	MaxElapsed time.Duration
	// MinBackoff is the wait after the first failure. It doubles per failure up to MaxBackoff; a
	// MaxBackoff below MinBackoff keeps the wait at MinBackoff.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// Jitter spreads each backoff uniformly over ±Jitter of itself (0.2: between 80% and 120%). It is
	// applied after the cap, and not to a wait the server asked for.
	Jitter float64
	// MaxRetryAfter is the longest wait a server may ask for with Retry-After; 0 sets no limit.
	MaxRetryAfter time.Duration
	// RefuseLongRetryAfter makes a longer Retry-After, or one that would end past MaxElapsed, end the
	// retries with a *RetryAfterError instead of waiting MaxRetryAfter or giving up quietly.
	RefuseLongRetryAfter bool
	// Rules say which failures are retried; a failure no rule matches is not.
	Rules Rules
}

// Rule matches failed attempts worth another.
type Rule struct {
	// Methods the rule applies to; nil means every method.
	Methods []string
	// Statuses of the answers it retries.
	Statuses []int
	// Errors, when set, picks the failures to get an answer that it retries.
	Errors func(error) bool
	// Attempts, when positive, bounds the attempts of a request whose last failure matched this rule,
	// the first included, within the policy's own bounds.
	Attempts int
}

// Rules are tried in order; the first that matches a failure decides.
type Rules []Rule

// Idempotent lists the methods whose repetition does no more than their first success would have.
// Do not modify it.
var Idempotent = []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete}

// match returns the first rule that retries method's failure: an answer with status, or (status 0) no
// answer because of err.
func (rs Rules) match(method string, status int, err error) (Rule, bool) {
	for _, r := range rs {
		if r.Methods != nil && !slices.Contains(r.Methods, method) {
			continue
		}
		if status != 0 && slices.Contains(r.Statuses, status) {
			return r, true
		}
		if status == 0 && err != nil && r.Errors != nil && r.Errors(err) {
			return r, true
		}
	}
	return Rule{}, false
}

// Next decides what follows failed attempt n (1 for the first) of a request with method, elapsed after
// the first attempt began. resp is the attempt's answer, or nil when none arrived; err then says why. It
// returns the wait before the next attempt and true, or false when the failure is not retried or the
// budget is spent: the caller then returns the failure as it is. A non-nil error (a *RetryAfterError)
// ends the retries too, and should be returned instead of the answer.
func (p Policy) Next(method string, n int, elapsed time.Duration, resp *http.Response, err error) (time.Duration, bool, error) {
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	r, ok := p.Rules.match(method, status, err)
	if !ok || (p.MaxAttempts > 0 && n >= p.MaxAttempts) || (r.Attempts > 0 && n >= r.Attempts) {
		return 0, false, nil
	}
	wait, asked, werr := p.delay(n, resp)
	if werr != nil {
		return 0, false, werr
	}
	if p.MaxElapsed > 0 && elapsed+wait > p.MaxElapsed {
		if asked && p.RefuseLongRetryAfter {
			return 0, false, &RetryAfterError{Status: resp.StatusCode, Wait: wait, Max: max(p.MaxElapsed-elapsed, 0)}
		}
		return 0, false, nil
	}
	return wait, true, nil
}

// Delay is the wait after failed attempt n, whose answer was resp (nil when none arrived): what the
// answer's Retry-After asks for, or else Backoff(n). The error is a *RetryAfterError when the server asks
// for more than MaxRetryAfter and the policy refuses that.
func (p Policy) Delay(n int, resp *http.Response) (time.Duration, error) {
	d, _, err := p.delay(n, resp)
	return d, err
}

// delay is Delay, and says whether the wait is the server's.
func (p Policy) delay(n int, resp *http.Response) (time.Duration, bool, error) {
	if resp != nil {
		if ra := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ra > 0 {
			if p.MaxRetryAfter > 0 && ra > p.MaxRetryAfter {
				if p.RefuseLongRetryAfter {
					return 0, true, &RetryAfterError{Status: resp.StatusCode, Wait: ra, Max: p.MaxRetryAfter}
				}
				return p.MaxRetryAfter, true, nil
			}
			return ra, true, nil
		}
	}
	return p.Backoff(n), false, nil
}

// Backoff is the wait after failed attempt n when the server asked for none.
func (p Policy) Backoff(n int) time.Duration {
	d := p.MinBackoff
	for i := 1; i < n && d < p.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, max(p.MaxBackoff, p.MinBackoff))
	if j := min(max(p.Jitter, 0), 1); j > 0 {
		d = time.Duration(float64(d) * (1 - j + 2*j*rand.Float64()))
	}
	return d
}

// ParseRetryAfter reads a Retry-After header value: delay seconds, or an HTTP date taken relative to now.
// Anything else, a negative delay and a date already past give 0.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	// A number too large to hold comes back as the largest one, with ErrRange: a server asking for
	// longer than a client would ever wait, still a wait.
	if s, err := strconv.ParseInt(v, 10, 64); err == nil || (errors.Is(err, strconv.ErrRange) && s > 0) {
		if s < 0 {
			return 0
		}
		return time.Duration(min(s, int64(time.Duration(1<<63-1)/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// RetryAfterError is an answer whose Retry-After asked for a longer wait than the policy allows.
type RetryAfterError struct {
	Status    int           // of the answer
	Wait, Max time.Duration // asked for; allowed (what was left of the time budget, if that was less)
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("the server answered HTTP %d and asked to be retried in %v, longer than this client waits (%v)",
		e.Status, e.Wait.Round(time.Millisecond), e.Max.Round(time.Millisecond))
}

// Sleep waits d, or until ctx ends; it then returns ctx.Err().
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// AnyError matches every failure to get an answer.
func AnyError(error) bool { return true }

// NotSent matches the failures that happen before a request can leave the client: no connection could
// be made (refused, unreachable, timed out). The server never saw the request, so repeating it is safe
// for every method. A connection that broke later, even before any answer, does not match: the request
// may have reached the server. Neither does a name that does not resolve: a restart does not make a name
// disappear, and a mistyped one should fail at once.
func NotSent(err error) bool {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		return false
	}
	var dns *net.DNSError
	return !errors.As(err, &dns) || !dns.IsNotFound
}

// ConnectionError matches a connection that failed before an answer arrived: the NotSent failures, and a
// connection refused, reset, aborted or closed (EOF) by the server, as a server does while it restarts.
// The request may have been acted on, so this is only safe to retry for idempotent methods.
func ConnectionError(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false
	}
	return NotSent(err) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
