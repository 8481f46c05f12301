package asyncdispatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// KindSyncMailbox syncs one folder of an account.
const KindSyncMailbox = "sync_mailbox"

// Request asks for one piece of work.
type Request struct {
	Kind      string // a registered kind, e.g. KindSyncMailbox
	AccountID int64
	Mailbox   string // the folder, for mailbox syncs
}

// Key is the uniqueness key: one active job per kind, account and folder.
func (r Request) Key() string { return fmt.Sprintf("%s:%d:%s", r.Kind, r.AccountID, r.Mailbox) }

// Handler runs a job. It must stop promptly when ctx ends, leaving its work
// resumable: the next run continues from where this one stopped. It reports
// progress (done of total) through progress, which may be called often.
type Handler func(ctx context.Context, job mailaccess.Job, progress func(done, total int)) error

// Store is what the dispatcher and the pool need of the database;
// *mailaccess.Store has it.
type Store interface {
	EnqueueJob(ctx context.Context, j mailaccess.Job) (mailaccess.Job, bool, error)
	ClaimJobs(ctx context.Context, owner string, limit int, lease time.Duration) ([]mailaccess.Job, error)
	ClaimJob(ctx context.Context, id int64, owner string, lease time.Duration) (mailaccess.Job, error)
	RenewLease(ctx context.Context, id int64, owner string, lease time.Duration) error
	UpdateJobProgress(ctx context.Context, id int64, owner string, done, total int64) error
	CompleteJob(ctx context.Context, id int64, owner string) error
	FailJob(ctx context.Context, id int64, owner, msg string) error
	RetryJob(ctx context.Context, id int64, owner, msg string, runAfter time.Time) error
	ReleaseJob(ctx context.Context, id int64, owner string) error
	RescueExpiredJobs(ctx context.Context) (int64, error)
	RegisterWorker(ctx context.Context, w mailaccess.Worker) error
	Heartbeat(ctx context.Context, id string, running int) error
	DeregisterWorker(ctx context.Context, id string) error
	LiveWorkers(ctx context.Context, ttl time.Duration) (int, int, error)
	JobWakeups(ctx context.Context) (<-chan struct{}, error)
	Workers(ctx context.Context) ([]mailaccess.Worker, error)
	QueueStats(ctx context.Context, failures int) (mailaccess.QueueStats, error)
}

// Config of the dispatcher and the pool. Zero fields take their defaults.
type Config struct {
	Mode              string        // "auto" (default), "always" or "off"
	InlineBudget      time.Duration // longest an inline pass may take; 10s
	HeartbeatInterval time.Duration // worker heartbeat and lease renewal; 2s
	LivenessTTL       time.Duration // a worker is alive this long after its heartbeat; 3 × HeartbeatInterval
	LivenessCache     time.Duration // how long the dispatcher trusts a liveness reading; 1s
	Lease             time.Duration // lease of a claimed job; 5 × HeartbeatInterval
	PollInterval      time.Duration // worker poll when no notification arrives; 2s, ±50% jitter
	ClaimStagger      time.Duration // a worker running r of c jobs waits r/c of this before it claims; 25ms
	RescueInterval    time.Duration // how often expired leases are rescued; 5s
	MaxAttempts       int           // attempts before a job fails for good; 5
	BackoffBase       time.Duration // first retry delay; 2s (doubles, with jitter)
	BackoffMax        time.Duration // retry delay cap; 5m
	ShutdownGrace     time.Duration // how long running jobs get to finish at shutdown; 20s
	// Permanent tells errors that retrying cannot fix (bad password, folder gone).
	Permanent func(error) bool
	// Describe renders an error in words for users and admins.
	Describe func(error) string
}

// JobLease is how long a claimed job stays a worker's without a renewal
// (Lease, or its default): after it a killed worker's job is taken over.
func (c Config) JobLease() time.Duration { return c.withDefaults().Lease }

func (c Config) withDefaults() Config {
	c.Mode = cmp.Or(c.Mode, "auto")
	c.InlineBudget = cmp.Or(c.InlineBudget, 10*time.Second)
	c.HeartbeatInterval = cmp.Or(c.HeartbeatInterval, 2*time.Second)
	c.LivenessTTL = cmp.Or(c.LivenessTTL, 3*c.HeartbeatInterval)
	c.LivenessCache = cmp.Or(c.LivenessCache, time.Second)
	c.Lease = cmp.Or(c.Lease, 5*c.HeartbeatInterval)
	c.PollInterval = cmp.Or(c.PollInterval, 2*time.Second)
	c.ClaimStagger = cmp.Or(c.ClaimStagger, 25*time.Millisecond)
	c.RescueInterval = cmp.Or(c.RescueInterval, 5*time.Second)
	c.MaxAttempts = cmp.Or(c.MaxAttempts, 5)
	c.BackoffBase = cmp.Or(c.BackoffBase, 2*time.Second)
	c.BackoffMax = cmp.Or(c.BackoffMax, 5*time.Minute)
	c.ShutdownGrace = cmp.Or(c.ShutdownGrace, 20*time.Second)
	if c.Permanent == nil {
		c.Permanent = func(error) bool { return false }
	}
	if c.Describe == nil {
		c.Describe = func(err error) string { return err.Error() }
	}
	return c
}

// Outcome says where a dispatched job went.
type Outcome string

// Outcomes of Dispatch.
const (
	Queued  Outcome = "queued"  // waiting for (or already running on) a worker
	Inline  Outcome = "inline"  // ran in the caller
	Running Outcome = "running" // already running elsewhere (a worker or another request)
)

// Ticket tells the caller what became of its request.
type Ticket struct {
	Outcome Outcome
	Job     mailaccess.Job // the job row (zero when the queue was unreachable)
}

// ErrBudget is returned (wrapped) when an inline pass used its whole budget;
// its progress is kept and the next dispatch continues it.
var ErrBudget = errors.New("inline pass stopped at its time budget")

// Dispatcher is the single entry point for long work.
type Dispatcher struct {
	cfg      Config
	store    Store
	handlers map[string]Handler
	log      *slog.Logger
	owner    string // lease owner of inline runs
	metrics  Metrics

	mu        sync.Mutex
	local     []*Pool // in-process workers, woken directly on enqueue
	liveAt    time.Time
	liveCount int
	liveCap   int
}

// New returns a Dispatcher for the handlers by job kind.
func New(cfg Config, store Store, handlers map[string]Handler, metrics Metrics, logger *slog.Logger) *Dispatcher {
	host, _ := os.Hostname()
	return &Dispatcher{
		cfg: cfg.withDefaults(), store: store, handlers: handlers, metrics: orNoMetrics(metrics),
		log:   cmp.Or(logger, slog.Default()),
		owner: fmt.Sprintf("inline:%s:%d:%08x", host, os.Getpid(), rand.Uint32()),
	}
}

// AddLocalPool registers an in-process worker to wake on every enqueue.
func (d *Dispatcher) AddLocalPool(p *Pool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.local = append(d.local, p)
}

func (d *Dispatcher) wakeLocal() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range d.local {
		p.Wake()
	}
}

// LivenessTTL is how fresh a heartbeat must be for its worker to count as alive.
func (d *Dispatcher) LivenessTTL() time.Duration { return d.cfg.LivenessTTL }

// Mode returns the configured async mode.
func (d *Dispatcher) Mode() string { return d.cfg.Mode }

// LiveWorkers returns how many workers are alive and their total capacity,
// from a reading at most Config.LivenessCache old.
func (d *Dispatcher) LiveWorkers(ctx context.Context) (count, capacity int, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if time.Since(d.liveAt) < d.cfg.LivenessCache {
		return d.liveCount, d.liveCap, nil
	}
	count, capacity, err = d.store.LiveWorkers(ctx, d.cfg.LivenessTTL)
	if err != nil {
		return 0, 0, err
	}
	d.liveAt, d.liveCount, d.liveCap = time.Now(), count, capacity
	d.metrics.LiveWorkers(count)
	return count, capacity, nil
}

// Dispatch hands the request to the workers or runs it inline, as the mode
// and the workers' liveness decide. An inline run returns its handler's
// error; a queued job's outcome is read later from its row.
func (d *Dispatcher) Dispatch(ctx context.Context, req Request) (Ticket, error) {
	h, ok := d.handlers[req.Kind]
	if !ok {
		return Ticket{}, fmt.Errorf("dispatch: unknown job kind %q", req.Kind)
	}
	job, created, err := d.store.EnqueueJob(ctx, mailaccess.Job{
		Kind: req.Kind, AccountID: req.AccountID, Mailbox: req.Mailbox, DedupeKey: req.Key(), MaxAttempts: d.cfg.MaxAttempts,
	})
	if err != nil {
		if ctx.Err() != nil {
			return Ticket{}, err
		}
		// The queue is unreachable: the work still gets done, here.
		d.log.Warn("job queue unreachable; running inline", "account", req.AccountID, "mailbox", req.Mailbox, "error", err)
		d.metrics.Dispatched(Inline)
		return Ticket{Outcome: Inline}, d.runBudgeted(ctx, h, mailaccess.Job{Kind: req.Kind, AccountID: req.AccountID, Mailbox: req.Mailbox}, nil)
	}
	if created {
		d.wakeLocal()
	}
	if job.State == mailaccess.JobRunning {
		d.metrics.Dispatched(Running)
		return Ticket{Outcome: Running, Job: job}, nil
	}
	if d.cfg.Mode == "always" {
		d.metrics.Dispatched(Queued)
		return Ticket{Outcome: Queued, Job: job}, nil
	}
	if d.cfg.Mode == "auto" {
		n, _, err := d.LiveWorkers(ctx)
		if err == nil && n > 0 {
			d.metrics.Dispatched(Queued)
			return Ticket{Outcome: Queued, Job: job}, nil
		}
		if err != nil {
			d.log.Warn("worker liveness unknown; running inline", "error", err)
		}
	}
	return d.runInline(ctx, h, job)
}

// runInline claims the job row the caller created (or found queued) and runs
// it here. When a worker claimed it first, the job is reported as running.
func (d *Dispatcher) runInline(ctx context.Context, h Handler, job mailaccess.Job) (Ticket, error) {
	claimed, err := d.store.ClaimJob(ctx, job.ID, d.owner, d.cfg.Lease)
	if errors.Is(err, mailaccess.ErrLeaseLost) {
		d.metrics.Dispatched(Running)
		return Ticket{Outcome: Running, Job: job}, nil
	}
	if err != nil {
		return Ticket{Job: job}, err
	}
	d.metrics.Dispatched(Inline)
	start := time.Now()
	err = d.runBudgeted(ctx, h, claimed, func(runCtx context.Context, cancel context.CancelCauseFunc) *leaseKeeper {
		return keepLease(runCtx, d.store, claimed.ID, d.owner, d.cfg, cancel, d.log)
	})
	d.metrics.Finished(time.Since(start))
	fin := context.WithoutCancel(ctx)
	switch {
	case err == nil:
		if cerr := d.store.CompleteJob(fin, claimed.ID, d.owner); cerr != nil {
			d.log.Warn("complete inline job", "job_id", claimed.ID, "error", cerr)
		}
		claimed.State = mailaccess.JobDone
		return Ticket{Outcome: Inline, Job: claimed}, nil
	case errors.Is(err, ErrBudget) || ctx.Err() != nil:
		// Stopped early: progress is checkpointed; the job waits for the next pass.
		if rerr := d.store.ReleaseJob(fin, claimed.ID, d.owner); rerr != nil {
			d.log.Warn("release inline job", "job_id", claimed.ID, "error", rerr)
		}
		claimed.State = mailaccess.JobQueued
	default:
		claimed.State, claimed.Error = settle(fin, d.store, d.cfg, claimed, d.owner, err, d.log)
	}
	return Ticket{Outcome: Inline, Job: claimed}, err
}

// runBudgeted runs h under the inline budget; keeper, when not nil, starts
// lease renewal and progress recording for the run.
func (d *Dispatcher) runBudgeted(ctx context.Context, h Handler, job mailaccess.Job,
	keeper func(context.Context, context.CancelCauseFunc) *leaseKeeper) error {
	runCtx, cancelBudget := context.WithTimeoutCause(ctx, d.cfg.InlineBudget, ErrBudget)
	defer cancelBudget()
	runCtx, cancel := context.WithCancelCause(runCtx)
	defer cancel(nil)
	progress := func(int, int) {}
	if keeper != nil {
		k := keeper(runCtx, cancel)
		defer k.stop()
		progress = k.progress
	}
	err := runHandler(runCtx, h, job, progress)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(runCtx), ErrBudget) {
		d.log.Info("inline sync reached its budget; it continues on the next request",
			"account", job.AccountID, "mailbox", job.Mailbox, "budget", d.cfg.InlineBudget)
		return fmt.Errorf("%w: %w", ErrBudget, err)
	}
	if err != nil && errors.Is(context.Cause(runCtx), mailaccess.ErrLeaseLost) {
		return fmt.Errorf("%w: %w", mailaccess.ErrLeaseLost, err)
	}
	return err
}

// runHandler calls h, turning a panic into an error.
func runHandler(ctx context.Context, h Handler, job mailaccess.Job, progress func(done, total int)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("job %d (%s) panicked: %v", job.ID, job.Kind, r)
		}
	}()
	return h(ctx, job, progress)
}

// settle records a failed attempt: permanent errors and exhausted attempts
// fail the job; others retry after a backoff. It returns the new state.
func settle(ctx context.Context, store Store, cfg Config, job mailaccess.Job, owner string, err error, log *slog.Logger) (mailaccess.JobState, string) {
	msg := cfg.Describe(err)
	if errors.Is(err, mailaccess.ErrLeaseLost) {
		return mailaccess.JobRunning, "" // someone else holds it now: nothing to record
	}
	if cfg.Permanent(err) || job.Attempts >= job.MaxAttempts {
		log.Warn("job failed", "job_id", job.ID, "account", job.AccountID, "mailbox", job.Mailbox, "attempts", job.Attempts, "error", err)
		if ferr := store.FailJob(ctx, job.ID, owner, msg); ferr != nil {
			log.Warn("record job failure", "job_id", job.ID, "error", ferr)
		}
		return mailaccess.JobFailed, msg
	}
	delay := backoff(cfg, job.Attempts)
	log.Info("job will be retried", "job_id", job.ID, "account", job.AccountID, "mailbox", job.Mailbox, "attempt", job.Attempts, "in", delay, "error", err)
	if rerr := store.RetryJob(ctx, job.ID, owner, msg, time.Now().Add(delay)); rerr != nil {
		log.Warn("record job retry", "job_id", job.ID, "error", rerr)
	}
	return mailaccess.JobQueued, msg
}

// backoff is BackoffBase × 2^(attempt-1), capped, with ±25% jitter.
func backoff(cfg Config, attempt int) time.Duration {
	d := cfg.BackoffBase
	for i := 1; i < attempt && d < cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, cfg.BackoffMax)
	return d*3/4 + time.Duration(rand.Int64N(int64(d)/2+1))
}
