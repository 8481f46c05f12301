package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mailaccess/mailaccess/asyncdispatch"
	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/internal/cli"
	"github.com/mailaccess/mailaccess/mailaccess"
	"github.com/mailaccess/mailaccess/web"
)

// app is everything a serving process is made of.
type app struct {
	cfg        *cli.Config
	log        *slog.Logger
	store      *mailaccess.Store
	sealer     *mailaccess.Sealer
	syncer     *imapsync.Syncer
	dispatcher *asyncdispatch.Dispatcher

	dispatchCfg asyncdispatch.Config
	handlers    map[string]asyncdispatch.Handler
	registry    *prometheus.Registry
	metrics     *promMetrics
	analyzer    *analyzer
	// stopAnalyzer ends the analyzer's loop (Close).
	stopAnalyzer context.CancelFunc
}

// newApp opens the store and builds the sync engine and the dispatcher.
func newApp(ctx context.Context, cfg *cli.Config, logger *slog.Logger, migrate bool) (*app, error) {
	sealer, err := cfg.Sealer()
	if err != nil {
		return nil, err
	}
	store, err := mailaccess.Open(ctx, cfg.Database.URL, mailaccess.Options{Migrate: migrate, Logger: logger})
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: logger, store: store, sealer: sealer}
	actx, stopAnalyzer := context.WithCancel(context.WithoutCancel(ctx))
	a.analyzer = &analyzer{analyze: store.Analyze, spacing: analyzeSpacing, ctx: actx, log: logger}
	a.stopAnalyzer = stopAnalyzer
	a.syncer = imapsync.New(cfg.SyncConfig(), store, a.credentials, logger)
	a.registry = prometheus.NewRegistry()
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.metrics = newPromMetrics(a.registry)
	a.dispatchCfg = asyncdispatch.Config{
		Mode:              cfg.Async.Mode,
		InlineBudget:      cfg.Sync.InlineBudget,
		HeartbeatInterval: cfg.Async.HeartbeatInterval,
		ShutdownGrace:     cfg.Async.ShutdownGrace,
		Permanent:         imapsync.IsPermanent,
		Describe:          imapsync.Describe,
	}
	a.handlers = map[string]asyncdispatch.Handler{
		asyncdispatch.KindSyncMailbox: func(ctx context.Context, job mailaccess.Job, progress func(done, total int)) error {
			res, err := a.syncer.SyncMailbox(ctx, job.AccountID, job.Mailbox, progress)
			if res.Added >= analyzeAfter {
				// A folder that just grew by this much: refresh the planner's
				// statistics soon rather than when autovacuum gets to it.
				a.analyzer.request()
			}
			return err
		},
	}
	a.dispatcher = asyncdispatch.New(a.dispatchCfg, store, a.handlers, a.metrics, logger)
	return a, nil
}

// analyzeAfter is how many new messages in one sync make the planner's
// statistics worth refreshing (PostgreSQL).
const analyzeAfter = 5000

// analyzeSpacing is the least time between the starts of two ANALYZEs of
// one process.
const analyzeSpacing = 30 * time.Second

// analyzer refreshes the planner's statistics after large syncs, in the
// background (the sync's job finishes and frees its slot at once), one
// ANALYZE at a time and at most one per analyzeSpacing: the requests made
// meanwhile are all answered by the next one. An ANALYZE of the whole
// messages table costs the database far more than one folder's sync commits,
// and syncs of many new accounts finish close together.
type analyzer struct {
	analyze func(context.Context) error
	spacing time.Duration   // analyzeSpacing
	ctx     context.Context // ends the loop (nil: never)
	log     *slog.Logger

	mu      sync.Mutex
	running bool // the loop runs: a request only sets again
	again   bool
	wg      sync.WaitGroup
}

func (z *analyzer) request() {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.running {
		z.again = true
		return
	}
	z.running = true
	z.wg.Go(z.loop)
}

// wait waits until the loop has ended (after its context ended).
func (z *analyzer) wait() { z.wg.Wait() }

func (z *analyzer) loop() {
	base := cmp.Or(z.ctx, context.Background())
	for {
		start := time.Now()
		ctx, cancel := context.WithTimeout(base, 5*time.Minute)
		if err := z.analyze(ctx); err != nil && base.Err() == nil {
			z.log.Warn("analyze after a large sync", "error", err)
		}
		cancel()
		z.mu.Lock()
		if !z.again || base.Err() != nil {
			z.running, z.again = false, false
			z.mu.Unlock()
			return
		}
		z.again = false
		z.mu.Unlock()
		if wait := z.spacing - time.Since(start); wait > 0 {
			select {
			case <-time.After(wait):
			case <-base.Done():
			}
		}
	}
}

// newPool builds one sync worker of this process.
func (a *app) newPool(name string, capacity int) *asyncdispatch.Pool {
	return asyncdispatch.NewPool(a.dispatchCfg, asyncdispatch.PoolConfig{Name: name, Capacity: capacity}, a.store, a.handlers, a.metrics, a.log)
}

// credentials unseals an account's stored IMAP password.
func (a *app) credentials(ctx context.Context, accountID int64) (string, string, error) {
	acc, err := a.store.Account(ctx, accountID)
	if err != nil {
		return "", "", err
	}
	pass, err := a.sealer.Open(acc.PasswordEnc, acc.Username)
	if err != nil {
		return "", "", fmt.Errorf("account %s: %w", acc.Username, err)
	}
	return acc.Username, pass, nil
}

// SyncMailbox lets the web layer ask the dispatcher for a folder sync. It
// returns the job as it stands (queued, running, or done/failed when it ran
// inline) and the error of an inline run.
//
// A sync already under way needs nothing from the request: a running job
// runs wherever it was claimed, and a queued one is left to the workers
// while one is alive (mode auto; always in mode always), exactly as Dispatch
// would decide. Such a job is returned after one read instead of an enqueue
// transaction: pages of a folder being synced ask for its sync on every
// view.
func (a *app) SyncMailbox(ctx context.Context, accountID int64, mailbox string) (mailaccess.Job, error) {
	req := syncRequest(accountID, mailbox)
	if job, err := a.store.LatestJob(ctx, accountID, req.Key()); err == nil && a.underWay(ctx, job) {
		return job, nil
	}
	t, err := a.dispatcher.Dispatch(ctx, req)
	return t.Job, err
}

// underWay reports whether Dispatch would leave job as it is: running, or
// queued for the workers.
func (a *app) underWay(ctx context.Context, job mailaccess.Job) bool {
	switch {
	case job.State == mailaccess.JobRunning:
		return true
	case job.State != mailaccess.JobQueued:
		return false
	}
	switch a.dispatcher.Mode() {
	case "always":
		return true
	case "auto":
		n, _, err := a.dispatcher.LiveWorkers(ctx)
		return err == nil && n > 0
	}
	return false
}

// LatestSync returns the newest sync job of a folder, or ErrNotFound.
func (a *app) LatestSync(ctx context.Context, accountID int64, mailbox string) (mailaccess.Job, error) {
	return a.store.LatestJob(ctx, accountID, syncRequest(accountID, mailbox).Key())
}

func syncRequest(accountID int64, mailbox string) asyncdispatch.Request {
	return asyncdispatch.Request{Kind: asyncdispatch.KindSyncMailbox, AccountID: accountID, Mailbox: mailbox}
}

// serveHTTP runs the web server on ln until ctx ends, then shuts it down
// gracefully.
func (a *app) serveHTTP(ctx context.Context, ln net.Listener) error {
	w, err := web.New(web.Config{
		SecureCookies: a.cfg.HTTP.SecureCookies,
		SessionIdle:   a.cfg.Security.SessionIdle,
		SessionMax:    a.cfg.Security.SessionMax,
		Admins:        a.cfg.Security.Admins,
		LiveInterval:  a.cfg.HTTP.LiveInterval,
	}, a.store, a.syncer, a, a.dispatcher, a.sealer, a.log)
	if err != nil {
		return err
	}
	root := http.NewServeMux()
	root.Handle("GET /metrics", promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{}))
	root.Handle("/", w.Handler())
	srv := &http.Server{
		Handler:           root,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      a.cfg.Sync.InlineBudget + 60*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(w.Shutdown) // live event streams end
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go a.expireSessions(ctx)
	go a.purgeSearch(ctx)
	go a.dispatcher.RunRescuer(ctx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	w.Wait()        // background work of requests, folder watches
	a.syncer.Wait() // message bodies still being stored
	if err != nil {
		return fmt.Errorf("shut down web server: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// searchPurgeInterval is how often a serving process removes deleted
// messages from the SQLite search index (Store.DrainSearchPurge).
const searchPurgeInterval = 15 * time.Second

// purgeSearch keeps the SQLite search index free of deleted messages, in
// the background: deletes only queue their ids, so that a resync's or a
// page's delete does not pay for the index. It returns at once on
// PostgreSQL, whose index needs no purge.
func (a *app) purgeSearch(ctx context.Context) {
	if a.store.Dialect() != mailaccess.SQLite {
		return
	}
	every(ctx, searchPurgeInterval, func() {
		if n, err := a.store.DrainSearchPurge(ctx, 1); err != nil && ctx.Err() == nil {
			a.log.Warn("purge deleted messages from the search index", "error", err)
		} else if n > 0 {
			a.log.Debug("deleted messages purged from the search index", "count", n)
		}
	})
}

// expireSessions deletes dead sessions every few minutes.
func (a *app) expireSessions(ctx context.Context) {
	every(ctx, 10*time.Minute, func() {
		if n, err := a.store.DeleteExpiredSessions(ctx, a.cfg.Security.SessionIdle); err != nil && ctx.Err() == nil {
			a.log.Warn("expire sessions", "error", err)
		} else if n > 0 {
			a.log.Debug("expired sessions deleted", "count", n)
		}
	})
}

// every runs f at once, then every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, f func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		f()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (a *app) Close() error {
	a.stopAnalyzer()
	a.analyzer.wait()
	a.syncer.Close()
	return a.store.Close()
}
