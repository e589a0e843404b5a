package openstack

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// defaultSettleGrace is how long a write already sent may still take once its run has been stopped.
const defaultSettleGrace = 2 * time.Minute

// settlingTransport lets a write that has been sent finish even when its run is stopped meanwhile.
//
// A cloud goes on with a request whose client hangs up: Neutron creates the subnets of a bulk POST whether
// or not anyone reads the answer. Abandoning the answer would leave objects the run never recorded, which
// a resumed run started at once may not see yet (the cloud is still writing them) and so would create a
// second time, or be refused for (an overlapping subnet, a taken address). So a write (any method but GET
// and HEAD) is not sent once its context has ended; once sent, it is no longer cancelled by that context
// but given until grace after the context ends to answer, so the run can record what it made and stop
// cleanly. Reads, and asking Keystone for a token (which makes nothing of the user's), are abandoned at
// once.
//
// It sits below the write gate: waiting for a turn to write still ends with the run (newTransportStack).
type settlingTransport struct {
	next  http.RoundTripper
	grace time.Duration
}

func (t *settlingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet || req.Method == http.MethodHead || strings.HasSuffix(req.URL.Path, "/auth/tokens") {
		return t.next.RoundTrip(req)
	}
	parent := req.Context()
	if err := parent.Err(); err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper closes the body, even on errors
		}
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	var mu sync.Mutex
	var timer *time.Timer
	stop := context.AfterFunc(parent, func() {
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(t.grace, cancel)
	})
	done := sync.OnceFunc(func() {
		stop()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel()
	})
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		done()
		return nil, err
	}
	// The answer is still being received until its body has been read or closed.
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: done}
	return resp, nil
}
