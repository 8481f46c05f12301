package asyncdispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// fast timings keep the tests quick; the protocol is the same.
var fast = Config{
	HeartbeatInterval: 50 * time.Millisecond,
	// Generous too: a heartbeat late by more than 3 intervals on a loaded
	// machine would make the dispatcher run inline a job a test expects a
	// live worker to take.
	LivenessTTL:    2 * time.Second,
	Lease:          3 * time.Second, // generous: a loaded CI machine must not lose leases
	PollInterval:   100 * time.Millisecond,
	RescueInterval: 100 * time.Millisecond,
	BackoffBase:    20 * time.Millisecond,
	ShutdownGrace:  2 * time.Second,
	InlineBudget:   5 * time.Second,
	LivenessCache:  time.Millisecond,
}

func withMode(c Config, mode string) Config { c.Mode = mode; return c }

func forEachDialect(t *testing.T, f func(t *testing.T, s *mailaccess.Store, acc int64)) {
	for _, d := range []mailaccess.Dialect{mailaccess.SQLite, mailaccess.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			url := "sqlite:" + filepath.Join(t.TempDir(), "q.db")
			if d == mailaccess.Postgres {
				url = testenv.PostgresDB(t)
			}
			s, err := mailaccess.Open(context.Background(), url, mailaccess.Options{Migrate: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			a, err := s.UpsertAccount(context.Background(), "user", []byte("x"))
			if err != nil {
				t.Fatal(err)
			}
			f(t, s, a.ID)
		})
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func jobState(t *testing.T, s *mailaccess.Store, acc, id int64) mailaccess.Job {
	t.Helper()
	j, err := s.Job(context.Background(), acc, id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// startPool runs a pool until the test ends (or stop is called).
func startPool(t *testing.T, cfg Config, s *mailaccess.Store, name string, capacity int, h Handler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := NewPool(cfg, PoolConfig{Name: name, Capacity: capacity}, s, map[string]Handler{KindSyncMailbox: h}, nil, testLogger(t))
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("pool %s: %v", name, err)
			}
		})
	}
	t.Cleanup(stop)
	waitFor(t, "worker "+name+" to be alive", func() bool {
		n, _, _ := s.LiveWorkers(context.Background(), time.Minute)
		return n > 0
	})
	return stop
}

// testLogger sends warnings and errors to the test log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func ok(context.Context, mailaccess.Job, func(int, int)) error { return nil }

func TestDispatch(t *testing.T) {
	ctx := context.Background()
	req := func(acc int64, box string) Request {
		return Request{Kind: KindSyncMailbox, AccountID: acc, Mailbox: box}
	}

	t.Run("with no live worker, auto mode runs the job inline and records it done", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			ran := 0
			d := New(withMode(fast, "auto"), s, map[string]Handler{KindSyncMailbox: func(ctx context.Context, j mailaccess.Job, progress func(int, int)) error {
				ran++
				progress(5, 5)
				return nil
			}}, nil, testLogger(t))
			tk, err := d.Dispatch(ctx, req(acc, "INBOX"))
			if err != nil || tk.Outcome != Inline || ran != 1 {
				t.Fatalf("outcome %q, err %v, ran %d", tk.Outcome, err, ran)
			}
			j := jobState(t, s, acc, tk.Job.ID)
			if j.State != mailaccess.JobDone || j.ProgressDone != 5 {
				t.Fatalf("job after inline run: %s progress %d/%d", j.State, j.ProgressDone, j.ProgressTotal)
			}
		})
	})

	t.Run("with a live worker, auto mode queues and the worker runs it", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			var ran atomic.Int32
			startPool(t, fast, s, "w1", 2, func(context.Context, mailaccess.Job, func(int, int)) error { ran.Add(1); return nil })
			d := New(withMode(fast, "auto"), s, map[string]Handler{KindSyncMailbox: func(context.Context, mailaccess.Job, func(int, int)) error {
				t.Error("ran inline while a worker is alive")
				return nil
			}}, nil, testLogger(t))
			tk, err := d.Dispatch(ctx, req(acc, "INBOX"))
			if err != nil || tk.Outcome != Queued {
				t.Fatalf("outcome %q, %v", tk.Outcome, err)
			}
			waitFor(t, "the worker to finish the job", func() bool { return jobState(t, s, acc, tk.Job.ID).State == mailaccess.JobDone })
			if ran.Load() != 1 {
				t.Fatalf("handler ran %d times", ran.Load())
			}
		})
	})

	t.Run("always mode queues with no worker, and a worker started later runs it", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			d := New(withMode(fast, "always"), s, map[string]Handler{KindSyncMailbox: ok}, nil, testLogger(t))
			tk, err := d.Dispatch(ctx, req(acc, "INBOX"))
			if err != nil || tk.Outcome != Queued {
				t.Fatalf("outcome %q, %v", tk.Outcome, err)
			}
			if j := jobState(t, s, acc, tk.Job.ID); j.State != mailaccess.JobQueued {
				t.Fatalf("state %s, want queued", j.State)
			}
			startPool(t, fast, s, "late", 1, ok)
			waitFor(t, "the late worker to run the job", func() bool { return jobState(t, s, acc, tk.Job.ID).State == mailaccess.JobDone })
		})
	})

	t.Run("a worker started later never runs a job that already ran inline", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			d := New(withMode(fast, "auto"), s, map[string]Handler{KindSyncMailbox: ok}, nil, testLogger(t))
			tk, err := d.Dispatch(ctx, req(acc, "INBOX"))
			if err != nil || tk.Outcome != Inline {
				t.Fatalf("outcome %q, %v", tk.Outcome, err)
			}
			var ran atomic.Int32
			startPool(t, fast, s, "late", 1, func(context.Context, mailaccess.Job, func(int, int)) error { ran.Add(1); return nil })
			// A second dispatch now goes to the worker; it must be the only run it sees.
			tk2, err := d.Dispatch(ctx, req(acc, "Sent"))
			if err != nil || tk2.Outcome == Inline {
				t.Fatalf("second dispatch: %q, %v", tk2.Outcome, err)
			}
			waitFor(t, "the worker's job", func() bool { return jobState(t, s, acc, tk2.Job.ID).State == mailaccess.JobDone })
			if ran.Load() != 1 {
				t.Fatalf("the worker ran %d jobs, want only the new one", ran.Load())
			}
		})
	})

	t.Run("50 concurrent dispatches for one folder make one job", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			d := New(withMode(fast, "always"), s, map[string]Handler{KindSyncMailbox: ok}, nil, testLogger(t))
			ids := make(chan int64, 50)
			var wg sync.WaitGroup
			for range 50 {
				wg.Go(func() {
					tk, err := d.Dispatch(ctx, req(acc, "INBOX"))
					if err != nil {
						t.Error(err)
						return
					}
					ids <- tk.Job.ID
				})
			}
			wg.Wait()
			close(ids)
			distinct := map[int64]bool{}
			for id := range ids {
				distinct[id] = true
			}
			if len(distinct) != 1 {
				t.Fatalf("%d jobs for one folder", len(distinct))
			}
		})
	})

	t.Run("a permanent error fails at once with its message", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			cfg := withMode(fast, "auto")
			cfg.Permanent = func(err error) bool { return errors.Is(err, mailaccess.ErrAuth) }
			cfg.Describe = func(err error) string { return "The mail server refused your password." }
			var ran atomic.Int32
			startPool(t, cfg, s, "w", 1, func(context.Context, mailaccess.Job, func(int, int)) error {
				ran.Add(1)
				return fmt.Errorf("login: %w", mailaccess.ErrAuth)
			})
			d := New(cfg, s, map[string]Handler{KindSyncMailbox: ok}, nil, testLogger(t))
			tk, _ := d.Dispatch(ctx, req(acc, "INBOX"))
			waitFor(t, "the job to fail", func() bool { return jobState(t, s, acc, tk.Job.ID).State == mailaccess.JobFailed })
			j := jobState(t, s, acc, tk.Job.ID)
			if j.Attempts != 1 || ran.Load() != 1 || j.Error != "The mail server refused your password." {
				t.Fatalf("attempts %d, runs %d, error %q", j.Attempts, ran.Load(), j.Error)
			}
		})
	})

	t.Run("a transient error is retried with backoff until it succeeds", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			var ran atomic.Int32
			startPool(t, withMode(fast, "auto"), s, "w", 1, func(context.Context, mailaccess.Job, func(int, int)) error {
				if ran.Add(1) < 3 {
					return mailaccess.ErrUnreachable
				}
				return nil
			})
			d := New(withMode(fast, "auto"), s, map[string]Handler{KindSyncMailbox: ok}, nil, testLogger(t))
			tk, _ := d.Dispatch(ctx, req(acc, "INBOX"))
			waitFor(t, "the job to succeed", func() bool { return jobState(t, s, acc, tk.Job.ID).State == mailaccess.JobDone })
			if j := jobState(t, s, acc, tk.Job.ID); j.Attempts != 3 {
				t.Fatalf("attempts %d, want 3", j.Attempts)
			}
		})
	})

	t.Run("an inline pass that uses its budget is released with its progress for the next pass", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			cfg := withMode(fast, "off")
			cfg.InlineBudget = 100 * time.Millisecond
			passes := 0
			d := New(cfg, s, map[string]Handler{KindSyncMailbox: func(ctx context.Context, j mailaccess.Job, progress func(int, int)) error {
				passes++
				if passes == 1 {
					progress(40, 100)
					<-ctx.Done() // more work than the budget allows
					return ctx.Err()
				}
				return nil
			}}, nil, testLogger(t))
			tk, err := d.Dispatch(ctx, req(acc, "INBOX"))
			if !errors.Is(err, ErrBudget) || tk.Outcome != Inline {
				t.Fatalf("first pass: %q, %v", tk.Outcome, err)
			}
			j := jobState(t, s, acc, tk.Job.ID)
			if j.State != mailaccess.JobQueued || j.ProgressDone != 40 || j.Attempts != 0 {
				t.Fatalf("after the budget: %s, progress %d, attempts %d", j.State, j.ProgressDone, j.Attempts)
			}
			tk2, err := d.Dispatch(ctx, req(acc, "INBOX"))
			if err != nil || tk2.Job.ID != tk.Job.ID || jobState(t, s, acc, tk.Job.ID).State != mailaccess.JobDone {
				t.Fatalf("second pass: job %d (first %d), %v", tk2.Job.ID, tk.Job.ID, err)
			}
		})
	})
}

func TestPool(t *testing.T) {
	ctx := context.Background()

	t.Run("a worker with capacity 4 takes more jobs than one with capacity 1", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			var big, small atomic.Int32
			work := func(n *atomic.Int32) Handler {
				return func(ctx context.Context, _ mailaccess.Job, _ func(int, int)) error {
					n.Add(1)
					select { // each job is 30 ms of work
					case <-time.After(30 * time.Millisecond):
					case <-ctx.Done():
					}
					return nil
				}
			}
			d := New(withMode(fast, "always"), s, map[string]Handler{KindSyncMailbox: ok}, nil, testLogger(t))
			var ids []int64
			for i := range 40 {
				tk, err := d.Dispatch(ctx, Request{Kind: KindSyncMailbox, AccountID: acc, Mailbox: fmt.Sprint("F", i)})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, tk.Job.ID)
			}
			startPool(t, fast, s, "big", 4, work(&big))
			startPool(t, fast, s, "small", 1, work(&small))
			waitFor(t, "all 40 jobs", func() bool {
				for _, id := range ids {
					if jobState(t, s, acc, id).State != mailaccess.JobDone {
						return false
					}
				}
				return true
			})
			if big.Load()+small.Load() != 40 || big.Load() <= small.Load() {
				t.Fatalf("capacity 4 ran %d, capacity 1 ran %d", big.Load(), small.Load())
			}
		})
	})

	t.Run("of two workers woken for a job, the one with fewer jobs running takes it", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			cfg := fast
			// Long enough that only the idle worker can take the jobs
			// below, however slowly it is scheduled.
			cfg.ClaimStagger = 20 * time.Second
			var mu sync.Mutex
			ranBy := map[string]string{} // mailbox: worker
			long := make(chan struct{})
			defer close(long)
			work := func(name string) Handler {
				return func(ctx context.Context, j mailaccess.Job, _ func(int, int)) error {
					mu.Lock()
					ranBy[j.Mailbox] = name
					mu.Unlock()
					if j.Mailbox == "Long" {
						select {
						case <-long:
						case <-ctx.Done():
						}
					}
					return nil
				}
			}
			d := New(withMode(cfg, "always"), s, map[string]Handler{KindSyncMailbox: ok}, nil, testLogger(t))
			startPool(t, cfg, s, "busy", 2, work("busy"))
			tk, _ := d.Dispatch(ctx, Request{Kind: KindSyncMailbox, AccountID: acc, Mailbox: "Long"})
			waitFor(t, "the busy worker to run the long job", func() bool { return jobState(t, s, acc, tk.Job.ID).State == mailaccess.JobRunning })
			startPool(t, cfg, s, "idle", 2, work("idle"))
			// One job at a time: each finds "busy" with one of its two
			// slots taken and "idle" with none.
			for i := range 3 {
				box := fmt.Sprint("F", i)
				tk, _ := d.Dispatch(ctx, Request{Kind: KindSyncMailbox, AccountID: acc, Mailbox: box})
				waitFor(t, box+" to be done", func() bool { return jobState(t, s, acc, tk.Job.ID).State == mailaccess.JobDone })
				mu.Lock()
				by := ranBy[box]
				mu.Unlock()
				if by != "idle" {
					t.Fatalf("%s ran on %q, want the idle worker", box, by)
				}
			}
		})
	})

	t.Run("at shutdown a running job stops at its checkpoint and its lease is released", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			cfg := fast
			cfg.ShutdownGrace = 100 * time.Millisecond
			started := make(chan struct{})
			stop := startPool(t, cfg, s, "w", 1, func(ctx context.Context, _ mailaccess.Job, progress func(int, int)) error {
				progress(3, 10)
				close(started)
				<-ctx.Done() // a long sync, stopped at its next checkpoint
				return ctx.Err()
			})
			d := New(withMode(cfg, "always"), s, map[string]Handler{KindSyncMailbox: ok}, nil, testLogger(t))
			tk, _ := d.Dispatch(ctx, Request{Kind: KindSyncMailbox, AccountID: acc, Mailbox: "INBOX"})
			<-started
			stop()
			j := jobState(t, s, acc, tk.Job.ID)
			if j.State != mailaccess.JobQueued || j.LeaseOwner != "" || j.Attempts != 0 || j.ProgressDone != 3 {
				t.Fatalf("after shutdown: %s owner %q attempts %d progress %d", j.State, j.LeaseOwner, j.Attempts, j.ProgressDone)
			}
			if n, _, _ := s.LiveWorkers(ctx, time.Hour); n != 0 {
				t.Fatal("the worker did not deregister")
			}
		})
	})

	t.Run("a job whose worker vanished is rescued and finished by another", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *mailaccess.Store, acc int64) {
			d := New(withMode(fast, "always"), s, map[string]Handler{KindSyncMailbox: ok}, nil, testLogger(t))
			tk, _ := d.Dispatch(ctx, Request{Kind: KindSyncMailbox, AccountID: acc, Mailbox: "INBOX"})
			// A worker claims it and dies without a word (its lease is never renewed).
			if c, err := s.ClaimJobs(ctx, "dead-worker", 1, 50*time.Millisecond); err != nil || len(c) != 1 {
				t.Fatalf("claim: %v %v", c, err)
			}
			startPool(t, fast, s, "survivor", 1, ok)
			waitFor(t, "the survivor to finish the job", func() bool { return jobState(t, s, acc, tk.Job.ID).State == mailaccess.JobDone })
			if j := jobState(t, s, acc, tk.Job.ID); j.Attempts != 2 {
				t.Fatalf("attempts %d, want 2", j.Attempts)
			}
		})
	})
}

func TestClaimDelay(t *testing.T) {
	for _, c := range []struct {
		running, capacity int
		want              time.Duration
	}{
		{0, 2, 0},
		{1, 2, 50 * time.Millisecond},
		{3, 4, 75 * time.Millisecond},
		{2, 2, 100 * time.Millisecond}, // full: it does not claim at all
		{5, 2, 100 * time.Millisecond},
		{1, 0, 0},
	} {
		if got := claimDelay(c.running, c.capacity, 100*time.Millisecond); got != c.want {
			t.Errorf("claimDelay(%d, %d) = %v, want %v", c.running, c.capacity, got, c.want)
		}
	}
}
