package backend

import "context"

// Logger receives what a backend says while it works: the steps of a run, decisions (a migration
// forgotten, a destination found gone) and problems it gets over. The provider sends it to Terraform's
// log; ctx is the call's own.
type Logger interface {
	Info(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

// Discard is a Logger that drops everything: a backend made without one uses it.
var Discard Logger = discard{}

type discard struct{}

func (discard) Info(context.Context, string, map[string]any) {}

func (discard) Warn(context.Context, string, map[string]any) {}
