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

// errShutdown is the cause given to jobs cancelled by a pool shutdown.
var errShutdown = errors.New("worker shutting down")

// PoolConfig describes one worker.
type PoolConfig struct {
	Name     string // shown in status; default host:pid
	Capacity int    // jobs run at once; default 2
}

// Pool is a sync worker: it claims jobs while it has free capacity and runs
// them, keeping a heartbeat row up to date. Run it in a standalone process
// (`mailaccess worker`) or inside the web server (`serve --workers N`).
type Pool struct {
	cfg      Config
	pc       PoolConfig
	store    Store
	handlers map[string]Handler
	metrics  Metrics
	log      *slog.Logger
	id       string

	mu      sync.Mutex
	running int
	freed   chan struct{} // a slot was freed, or Wake was called: claim again
}

// Wake makes the pool look for jobs now (a dispatcher in the same process
// calls it on enqueue, so in-process workers need no notification).
func (p *Pool) Wake() {
	select {
	case p.freed <- struct{}{}:
	default:
	}
}

// NewPool returns a worker pool for the handlers by job kind.
func NewPool(cfg Config, pc PoolConfig, store Store, handlers map[string]Handler, metrics Metrics, logger *slog.Logger) *Pool {
	host, _ := os.Hostname()
	pc.Name = cmp.Or(pc.Name, fmt.Sprintf("%s:%d", host, os.Getpid()))
	pc.Capacity = cmp.Or(pc.Capacity, 2)
	return &Pool{
		cfg: cfg.withDefaults(), pc: pc, store: store, handlers: handlers, metrics: orNoMetrics(metrics),
		log:   cmp.Or(logger, slog.Default()).With("worker", pc.Name),
		id:    fmt.Sprintf("%s:%d:%08x", host, os.Getpid(), rand.Uint32()),
		freed: make(chan struct{}, 1),
	}
}

// ID is the worker's id in the workers table and the owner of its leases.
func (p *Pool) ID() string { return p.id }

// Run registers the worker and works until ctx ends, then shuts down in two
// phases: no new claims; running jobs get Config.ShutdownGrace to finish,
// then are cancelled (they stop at a checkpoint) and released to the queue;
// the worker row is removed.
func (p *Pool) Run(ctx context.Context) error {
	host, _ := os.Hostname()
	if err := p.store.RegisterWorker(ctx, mailaccess.Worker{ID: p.id, Name: p.pc.Name, Host: host, PID: os.Getpid(), Capacity: p.pc.Capacity}); err != nil {
		return err
	}
	p.log.Info("worker started", "capacity", p.pc.Capacity, "id", p.id)
	// Jobs run under workCtx, which outlives ctx until the grace period ends.
	workCtx, cancelWork := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelWork(nil)
	bgCtx, stopBg := context.WithCancel(context.WithoutCancel(ctx))
	var bg sync.WaitGroup
	bg.Go(func() { p.heartbeat(bgCtx) })
	bg.Go(func() { runRescuer(bgCtx, p.store, p.cfg, p.log) })
	wake, err := p.store.JobWakeups(ctx)
	if err != nil {
		p.log.Warn("no job notifications; polling only", "error", err)
	}
	var jobs sync.WaitGroup
	for {
		p.claim(ctx, workCtx, &jobs)
		poll := time.NewTimer(jitter(p.cfg.PollInterval))
		select {
		case <-ctx.Done():
		case <-wake:
		case <-p.freed:
		case <-poll.C:
		}
		poll.Stop()
		if ctx.Err() != nil {
			break
		}
	}

	p.log.Info("worker stopping: no new claims", "running", p.runningJobs(), "grace", p.cfg.ShutdownGrace)
	finished := make(chan struct{})
	go func() { jobs.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(p.cfg.ShutdownGrace):
		p.log.Info("grace period over: stopping running jobs at their checkpoint", "running", p.runningJobs())
		cancelWork(errShutdown)
		<-finished
	}
	stopBg()
	bg.Wait()
	if err := p.store.DeregisterWorker(context.WithoutCancel(ctx), p.id); err != nil {
		return err
	}
	p.log.Info("worker stopped")
	return nil
}

func (p *Pool) runningJobs() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.running
}

// claim takes as many due jobs as the pool has free slots and starts them.
// A pool that is already running jobs waits first (claimDelay), so that
// of the workers woken by the same notification the least loaded takes
// the job.
func (p *Pool) claim(ctx, workCtx context.Context, jobs *sync.WaitGroup) {
	running := p.runningJobs()
	if p.pc.Capacity-running <= 0 || ctx.Err() != nil {
		return
	}
	if d := claimDelay(running, p.pc.Capacity, p.cfg.ClaimStagger); d > 0 {
		wait := time.NewTimer(d)
		select {
		case <-ctx.Done():
			wait.Stop()
			return
		case <-wait.C:
		}
	}
	free := p.pc.Capacity - p.runningJobs() // jobs may have finished meanwhile
	start := time.Now()
	claimed, err := p.store.ClaimJobs(ctx, p.id, free, p.cfg.Lease)
	if err != nil {
		if ctx.Err() == nil {
			p.log.Warn("claim jobs", "error", err)
		}
		return
	}
	for _, job := range claimed {
		p.metrics.Claimed(time.Since(job.CreatedAt.Time), time.Since(start))
		p.mu.Lock()
		p.running++
		p.mu.Unlock()
		jobs.Go(func() { p.work(workCtx, job) })
	}
}

// freeSlot counts a job's slot free again and wakes the claim loop.
func (p *Pool) freeSlot() {
	p.mu.Lock()
	p.running--
	p.mu.Unlock()
	select {
	case p.freed <- struct{}{}:
	default:
	}
}

// work runs one claimed job and records its outcome, fenced by the lease.
// Its slot is free as soon as the handler returns, before the outcome is
// written: a job enqueued once this one shows as done must not find the
// worker still counting it (it would wait its claim delay, see claimDelay,
// as if it were busy).
func (p *Pool) work(workCtx context.Context, job mailaccess.Job) {
	slot := sync.OnceFunc(p.freeSlot)
	defer slot()
	log := p.log.With("job_id", job.ID, "account", job.AccountID, "mailbox", job.Mailbox)
	h, ok := p.handlers[job.Kind]
	if !ok {
		p.store.FailJob(workCtx, job.ID, p.id, fmt.Sprintf("no handler for job kind %q", job.Kind))
		return
	}
	ctx, cancel := context.WithCancelCause(workCtx)
	defer cancel(nil)
	k := keepLease(ctx, p.store, job.ID, p.id, p.cfg, cancel, p.log)
	start := time.Now()
	log.Debug("job started", "attempt", job.Attempts)
	err := runHandler(ctx, h, job, k.progress)
	k.stop()
	slot()
	p.metrics.Finished(time.Since(start))
	fin := context.WithoutCancel(workCtx)
	cause := context.Cause(ctx)
	switch {
	case err == nil:
		if err := p.store.CompleteJob(fin, job.ID, p.id); err != nil {
			log.Warn("complete job", "error", err)
			return
		}
		log.Info("job done", "duration", time.Since(start).Round(time.Millisecond))
	case errors.Is(cause, mailaccess.ErrLeaseLost):
		log.Warn("job stopped: its lease went to another worker")
	case errors.Is(cause, errShutdown):
		if err := p.store.ReleaseJob(fin, job.ID, p.id); err != nil {
			log.Warn("release job", "error", err)
			return
		}
		log.Info("job released at shutdown; it resumes from its checkpoint")
	default:
		settle(fin, p.store, p.cfg, job, p.id, err, log)
	}
}

// heartbeat keeps the worker row fresh so dispatchers see it alive.
func (p *Pool) heartbeat(ctx context.Context) {
	t := time.NewTicker(p.cfg.HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := p.store.Heartbeat(ctx, p.id, p.runningJobs()); err != nil && ctx.Err() == nil {
			p.log.Warn("heartbeat", "error", err)
		}
	}
}

// runRescuer returns jobs with an expired lease to the queue, periodically.
func runRescuer(ctx context.Context, store Store, cfg Config, log *slog.Logger) {
	for {
		if n, err := store.RescueExpiredJobs(ctx); err != nil && ctx.Err() == nil {
			log.Warn("rescue expired jobs", "error", err)
		} else if n > 0 {
			log.Info("rescued jobs whose worker stopped answering", "count", n)
		}
		t := time.NewTimer(jitter(cfg.RescueInterval))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// RunRescuer runs the rescuer until ctx ends (for processes without a pool).
func (d *Dispatcher) RunRescuer(ctx context.Context) { runRescuer(ctx, d.store, d.cfg, d.log) }

// claimDelay is how long a worker with running of its capacity slots
// busy waits before it claims: in proportion to its load, none when idle.
func claimDelay(running, capacity int, stagger time.Duration) time.Duration {
	if running <= 0 || capacity <= 0 {
		return 0
	}
	return stagger * time.Duration(min(running, capacity)) / time.Duration(capacity)
}

// jitter returns d ± 50%.
func jitter(d time.Duration) time.Duration {
	return d/2 + time.Duration(rand.Int64N(int64(d)+1))
}
