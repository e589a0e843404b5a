// Package settle lets an HTTP write that has been sent finish even when the run that sent it is stopped.
//
// A server goes on with a request whose client hangs up: Neutron creates the subnets of a bulk POST, and
// Waldur starts a migration, whether or not anyone reads the answer. Abandoning the answer would leave
// objects the run never recorded: a resumed run started at once may not see them yet (the server is still
// writing them) and so create them a second time, or be refused for them (an overlapping subnet, a taken
// address); a migration nobody recorded would build its tenant unnoticed while the next apply starts
// another. So a write is not sent once its context has ended, and once sent it is no longer cancelled by
// that context but given until a grace period after the context ends to answer, so that the run can
// record what it made and stop cleanly. Reads are abandoned at once.
package settle

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// DefaultGrace is how long a write already sent may still take once its run has been stopped.
const DefaultGrace = 2 * time.Minute

// Transport sends requests through Next; writes (any method but GET and HEAD) settle as the package
// describes, other requests end with their context.
type Transport struct {
	Next http.RoundTripper
	// Grace is how long a sent write may take after its context ends (DefaultGrace when 0).
	Grace time.Duration
	// Abandon, when set, picks writes that make nothing worth recording (a token request, say): they
	// end with their context like reads.
	Abandon func(*http.Request) bool
}

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet || req.Method == http.MethodHead || (t.Abandon != nil && t.Abandon(req)) {
		return t.Next.RoundTrip(req)
	}
	parent := req.Context()
	if err := parent.Err(); err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper closes the body, even on errors
		}
		return nil, err
	}
	ctx, done := Detach(parent, t.grace())
	resp, err := t.Next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		done()
		return nil, err
	}
	// The answer is still being received until its body has been read to its end or closed.
	resp.Body = &settlingBody{ReadCloser: resp.Body, done: done}
	return resp, nil
}

func (t *Transport) grace() time.Duration {
	if t.Grace > 0 {
		return t.Grace
	}
	return DefaultGrace
}

// Detach returns a context with parent's values that ends grace after parent ends, or when done is
// called (which frees its resources; call it when the work is over). It is for finishing what a sent
// write started, such as reading back what it created.
func Detach(parent context.Context, grace time.Duration) (ctx context.Context, done func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	var mu sync.Mutex
	var timer *time.Timer
	finished := false
	stop := context.AfterFunc(parent, func() {
		mu.Lock()
		defer mu.Unlock()
		if !finished {
			timer = time.AfterFunc(grace, cancel)
		}
	})
	return ctx, sync.OnceFunc(func() {
		stop()
		mu.Lock()
		finished = true
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel()
	})
}

// settlingBody calls done when the body has been read to its end or closed, whichever comes first.
type settlingBody struct {
	io.ReadCloser
	done func()
}

func (b *settlingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.done()
	}
	return n, err
}

func (b *settlingBody) Close() error {
	err := b.ReadCloser.Close()
	b.done()
	return err
}
