package asyncdispatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Job is one piece of work to run somewhere.
type Job struct {
	Kind      string // a registered kind, e.g. KindSyncMailbox
	AccountID int64
	Mailbox   string // the folder, for mailbox syncs
}

// KindSyncMailbox syncs one folder of an account.
const KindSyncMailbox = "sync_mailbox"

// Handler runs a job. It must be safe to stop at any point through ctx and
// to run again: the next run continues from where the last one stopped.
type Handler func(ctx context.Context, job Job) error

// Config of the dispatcher.
type Config struct {
	Mode         string        // "auto", "always" or "off" (see the package doc for what is built)
	InlineBudget time.Duration // longest an inline run may take in a request; default 10s
}

// Outcome says where a dispatched job ran.
type Outcome string

// Outcomes of Dispatch.
const (
	Inline Outcome = "inline"
)

// Dispatcher is the single entry point for long work.
type Dispatcher struct {
	cfg      Config
	handlers map[string]Handler
	log      *slog.Logger
}

// New returns a Dispatcher with the given handlers by job kind.
func New(cfg Config, handlers map[string]Handler, logger *slog.Logger) *Dispatcher {
	cfg.Mode = cmp.Or(cfg.Mode, "auto")
	cfg.InlineBudget = cmp.Or(cfg.InlineBudget, 10*time.Second)
	return &Dispatcher{cfg: cfg, handlers: handlers, log: cmp.Or(logger, slog.Default())}
}

// ErrBudget is returned (wrapped) when an inline run used its whole budget;
// its progress is kept and the next dispatch continues it.
var ErrBudget = errors.New("inline run stopped at its time budget")

// Dispatch runs job inline under the inline budget and reports where it ran.
func (d *Dispatcher) Dispatch(ctx context.Context, job Job) (Outcome, error) {
	h, ok := d.handlers[job.Kind]
	if !ok {
		return "", fmt.Errorf("dispatch: unknown job kind %q", job.Kind)
	}
	runCtx, cancel := context.WithTimeoutCause(ctx, d.cfg.InlineBudget, ErrBudget)
	defer cancel()
	err := h(runCtx, job)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(runCtx), ErrBudget) {
		d.log.Info("inline sync reached its budget; it continues on the next request",
			"account", job.AccountID, "mailbox", job.Mailbox, "budget", d.cfg.InlineBudget)
		return Inline, fmt.Errorf("%w: %w", ErrBudget, err)
	}
	return Inline, err
}

// Describe says what the dispatcher found at start, for the startup log.
func (d *Dispatcher) Describe() []any {
	return []any{"mode", d.cfg.Mode, "workers", 0, "note", "worker pool not built yet: syncs run inline"}
}
