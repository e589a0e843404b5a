package waldur

import (
	"context"
	"fmt"
	"time"
)

// WaitOptions tune a wait: the interval between polls starts at MinInterval and grows by Factor up to
// MaxInterval (defaults 2s, 30s, 1.5). A migration takes minutes; polling fast at first catches the
// quick failures (validation in the Celery task) without hammering Waldur during a long copy.
type WaitOptions struct {
	MinInterval time.Duration
	MaxInterval time.Duration
	Factor      float64
	// OnPoll, when set, is called after every poll with what it read (for progress logging).
	OnPoll func(any)
	// OnRetry, when set, is called with each transient error the wait goes on through.
	OnRetry func(error)
}

func (o WaitOptions) withDefaults() WaitOptions {
	if o.MinInterval <= 0 {
		o.MinInterval = 2 * time.Second
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = 30 * time.Second
	}
	if o.MaxInterval < o.MinInterval {
		o.MaxInterval = o.MinInterval
	}
	if o.Factor < 1 {
		o.Factor = 1.5
	}
	return o
}

// Poll calls check until it reports done, returns an error, or ctx ends; between calls it sleeps with
// exponential backoff. On ctx's end it returns the last value read and an error wrapping ctx.Err().
func Poll[T any](ctx context.Context, opts WaitOptions, check func(context.Context) (T, bool, error)) (T, error) {
	return poll(ctx, opts, nil, check)
}

// PollTransient is Poll going on through the errors transient reports (the client has retried each
// already): a Waldur restarting or a proxy failing for a minute does not end a wait that has a deadline of
// its own. The error at ctx's end names the last of them.
func PollTransient[T any](ctx context.Context, opts WaitOptions, transient func(error) bool, check func(context.Context) (T, bool, error)) (T, error) {
	return poll(ctx, opts, transient, check)
}

func poll[T any](ctx context.Context, opts WaitOptions, transient func(error) bool, check func(context.Context) (T, bool, error)) (T, error) {
	opts = opts.withDefaults()
	interval := opts.MinInterval
	var last T
	var lastErr error
	for {
		v, done, err := check(ctx)
		switch {
		case err != nil && ctx.Err() != nil && lastErr != nil:
			return last, fmt.Errorf("waldur: gave up waiting (last error: %v): %w", lastErr, ctx.Err())
		case err != nil && ctx.Err() != nil:
			return last, fmt.Errorf("waldur: gave up waiting: %w", ctx.Err())
		case err != nil && transient != nil && transient(err):
			lastErr = err
			if opts.OnRetry != nil {
				opts.OnRetry(err)
			}
		case err != nil:
			return last, err
		}
		if err == nil {
			lastErr = nil
			last = v
			if opts.OnPoll != nil {
				opts.OnPoll(v)
			}
			if done {
				return v, nil
			}
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			if lastErr != nil {
				return last, fmt.Errorf("waldur: gave up waiting (last error: %v): %w", lastErr, ctx.Err())
			}
			return last, fmt.Errorf("waldur: gave up waiting: %w", ctx.Err())
		case <-t.C:
		}
		interval = min(time.Duration(float64(interval)*opts.Factor), opts.MaxInterval)
	}
}

// WaitForMigration polls a migration until it is OK or ERRED, through transient errors (IsTransient: a
// 5xx, no answer) until ctx ends. It returns the migration as last read; for ERRED, with a
// *MigrationErredError carrying Waldur's error_message. When ctx ends first, the error wraps ctx.Err()
// and the migration is the last one read (nil if none was).
func WaitForMigration(ctx context.Context, c *Client, uuid string, opts WaitOptions) (*Migration, error) {
	m, err := PollTransient(ctx, opts, IsTransient, func(ctx context.Context) (*Migration, bool, error) {
		m, err := c.GetMigration(ctx, uuid)
		if err != nil {
			return nil, false, err
		}
		return m, m.State.Terminal(), nil
	})
	if err != nil {
		return m, err
	}
	if m.State == StateErred {
		return m, &MigrationErredError{UUID: m.UUID, Message: m.ErrorMessage, Traceback: m.ErrorTraceback}
	}
	return m, nil
}

// WaitForOrder polls a marketplace order until it is done (nil error) or erred, rejected or canceled
// (an *OrderFailedError), through transient errors until ctx ends. When ctx ends first, the error wraps
// ctx.Err().
func WaitForOrder(ctx context.Context, c *Client, uuid string, opts WaitOptions) (*Order, error) {
	o, err := PollTransient(ctx, opts, IsTransient, func(ctx context.Context) (*Order, bool, error) {
		o, err := c.GetOrder(ctx, uuid)
		if err != nil {
			return nil, false, err
		}
		return o, o.State.Terminal(), nil
	})
	if err != nil {
		return o, err
	}
	if o.State.Failed() {
		return o, &OrderFailedError{UUID: o.UUID, State: o.State, Message: o.ErrorMessage}
	}
	return o, nil
}
