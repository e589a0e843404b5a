package backend

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// ErrGone is what Read returns for a migration whose destination no longer exists: the provider
// forgets it, and the next apply migrates again.
var ErrGone = errors.New("the migration's destination no longer exists")

// ErrNotFound is wrapped by the errors of lookups that found nothing: a source tenant, an offering, a
// volume type.
var ErrNotFound = errors.New("not found")

// Error is a problem with a summary of its own ("Source tenant not found"), about the input at
// Attribute (empty: about none), whose message (Err) says what is wrong. Attribute is a path from the
// root of the schema being served: the resource's, or a data source's.
type Error struct {
	Summary   string
	Attribute replication.Path
	Err       error
}

func (e *Error) Error() string { return e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an *Error whose message is formatted (with %w, it wraps).
func Errorf(attribute replication.Path, summary, format string, args ...any) *Error {
	return &Error{Summary: summary, Attribute: attribute, Err: fmt.Errorf(format, args...)}
}

// At makes an *Error of err.
func At(attribute replication.Path, summary string, err error) *Error {
	return &Error{Summary: summary, Attribute: attribute, Err: err}
}

// NotFoundf makes an *Error for something a lookup did not find: its message is formatted, and it is
// ErrNotFound for errors.Is.
func NotFoundf(attribute replication.Path, summary, format string, args ...any) *Error {
	return &Error{Summary: summary, Attribute: attribute, Err: notFound(fmt.Sprintf(format, args...))}
}

type notFound string

func (e notFound) Error() string { return string(e) }

func (e notFound) Is(target error) bool { return target == ErrNotFound }

// TimedOut wraps err when run's deadline (the timeout a create was given, on a context made from ctx)
// ended it while ctx is still live, so that the message names timeouts.create; what says what was
// going on (it may be empty). Other errors come back as they are.
func TimedOut(ctx, run context.Context, timeout time.Duration, err error, what string) error {
	if err != nil && run.Err() != nil && ctx.Err() == nil {
		return fmt.Errorf("timed out after %s (timeouts.create)%s: %w", timeout, what, err)
	}
	return err
}

// Messagef makes an error whose message is written to be read as it is, in sentences (the detail of a
// diagnostic), about no attribute in particular and with the summary of the operation that failed.
func Messagef(format string, args ...any) *Error {
	return &Error{Err: fmt.Errorf(format, args...)}
}

// ErrStillRunning is what the error of a Create or Sync is (for errors.Is) when the run ended (its
// timeout, the service unreachable) while the migration goes on where it runs (Waldur): the Migration
// returned with it is recorded as it is, not tainted, and the next apply waits for it again (an in-place
// update: Sync), never starting a second one.
var ErrStillRunning = errors.New("the migration is still running")

// StillRunningf makes an *Error, with summary, whose message is formatted and that is ErrStillRunning
// for errors.Is.
func StillRunningf(summary, format string, args ...any) *Error {
	return &Error{Summary: summary, Err: stillRunning(fmt.Sprintf(format, args...))}
}

type stillRunning string

func (e stillRunning) Error() string { return string(e) }

func (e stillRunning) Is(target error) bool { return target == ErrStillRunning }

// Running says whether a recorded state is one a migration passes through on its way to OK or ERRED
// (Waldur's CREATION_SCHEDULED and CREATING, and their older labels), so that the next apply waits for it.
func Running(state string) bool {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(state), " ", "_")) {
	case "", StateOK, StateErred, StateIncomplete:
		return false
	}
	return true
}

// ErrorText is the message of err for a warning: validation errors joined on one line with "; ",
// anything else as other renders it (nil: its Error()).
func ErrorText(err error, other func(error) string) string {
	var invalid replication.ValidationErrors
	if errors.As(err, &invalid) {
		lines := make([]string, 0, len(invalid))
		for _, e := range invalid {
			lines = append(lines, e.Error())
		}
		return strings.Join(lines, "; ")
	}
	if other != nil {
		return other(err)
	}
	return err.Error()
}
