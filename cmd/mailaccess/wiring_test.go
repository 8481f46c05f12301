package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mailaccess/mailaccess/asyncdispatch"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// TestSyncUnderWayIsReadNotEnqueued: the web's SyncMailbox answers a folder
// whose sync is already under way with that job, as Dispatch would decide,
// and otherwise dispatches (here: inline, with no live worker).
func TestSyncUnderWayIsReadNotEnqueued(t *testing.T) {
	ctx := context.Background()
	c := newCluster(t, "auto")
	acc, cl := c.account(c.server.Password)
	appendRaw(t, cl, "INBOX", "From: a@example.org\nSubject: one\n\nx\n", time.Now())
	req := syncRequest(acc.ID, "INBOX")
	enqueue := func() mailaccess.Job {
		t.Helper()
		j, created, err := c.app.store.EnqueueJob(ctx, mailaccess.Job{Kind: req.Kind, AccountID: acc.ID, Mailbox: "INBOX", DedupeKey: req.Key()})
		if err != nil || !created {
			t.Fatalf("enqueue: created %v, %v", created, err)
		}
		return j
	}

	// No live worker: a queued sync runs here, as Dispatch runs it.
	queued := enqueue()
	got, err := c.app.SyncMailbox(ctx, acc.ID, "INBOX")
	if err != nil || got.ID != queued.ID || got.State != mailaccess.JobDone {
		t.Fatalf("queued job, no worker: got job %d %s (%v), want job %d done inline", got.ID, got.State, err, queued.ID)
	}

	// A worker alive (a heartbeat row; no process claims anything): a
	// queued sync is left to it, and asking again changes nothing.
	if err := c.app.store.RegisterWorker(ctx, mailaccess.Worker{ID: "w-test", Name: "w-test", Host: "test", PID: 1, Capacity: 1}); err != nil {
		t.Fatal(err)
	}
	c.waitFor("the dispatcher to see the worker", func() bool {
		n, _, err := c.app.dispatcher.LiveWorkers(ctx)
		return err == nil && n == 1
	})
	queued = enqueue()
	for range 2 {
		got, err = c.app.SyncMailbox(ctx, acc.ID, "INBOX")
		if err != nil || got.ID != queued.ID || got.State != mailaccess.JobQueued {
			t.Fatalf("queued job, worker alive: got job %d %s (%v), want job %d queued", got.ID, got.State, err, queued.ID)
		}
	}

	// Running (claimed by that worker): returned as it is.
	running, err := c.app.store.ClaimJob(ctx, queued.ID, "w-test", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	got, err = c.app.SyncMailbox(ctx, acc.ID, "INBOX")
	if err != nil || got.ID != running.ID || got.State != mailaccess.JobRunning {
		t.Fatalf("running job: got job %d %s (%v), want job %d running", got.ID, got.State, err, running.ID)
	}
	if err := c.app.store.CompleteJob(ctx, running.ID, "w-test"); err != nil {
		t.Fatal(err)
	}

	// Nothing under way: a new job, queued for the live worker.
	got, err = c.app.SyncMailbox(ctx, acc.ID, "INBOX")
	if err != nil || got.ID == running.ID || got.State != mailaccess.JobQueued {
		t.Fatalf("no job under way: got job %d %s (%v), want a new queued job", got.ID, got.State, err)
	}
	if got.Kind != asyncdispatch.KindSyncMailbox {
		t.Fatalf("job kind %q", got.Kind)
	}
}

// TestAnalyzeRequestsCoalesce: the requests made while an ANALYZE runs are
// answered by one more, and none runs beside another.
func TestAnalyzeRequestsCoalesce(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	var mu sync.Mutex
	running, most, runs := 0, 0, 0
	z := &analyzer{log: slog.New(slog.NewTextHandler(io.Discard, nil)), analyze: func(context.Context) error {
		mu.Lock()
		running++
		runs++
		most = max(most, running)
		mu.Unlock()
		started <- struct{}{}
		<-release
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	}}
	z.request()
	<-started // the first runs
	for range 5 {
		z.request() // all answered by the second
	}
	release <- struct{}{}
	<-started // the second runs
	release <- struct{}{}
	z.request() // after both: a third
	<-started
	mu.Lock()
	r, m := runs, most
	mu.Unlock()
	release <- struct{}{}
	if r != 3 || m != 1 {
		t.Fatalf("%d ANALYZE runs (want 3: the first, one for the five requests made meanwhile, the last), at most %d at once (want 1)", r, m)
	}
}

// TestNiceLowersItsOwnSessionsAutogroup: with autogroup scheduling, a
// worker leading its own session (as a service) lowers its session's
// autogroup too; one sharing a session leaves the session's alone.
func TestNiceLowersItsOwnSessionsAutogroup(t *testing.T) {
	if os.Getenv("MAILACCESS_TEST_NICE_CHILD") != "" {
		if err := lowerPriority(7); err != nil {
			fmt.Println("error:", err)
			return
		}
		b, _ := os.ReadFile("/proc/self/autogroup")
		fmt.Print(string(b))
		return
	}
	if _, err := os.Stat("/proc/self/autogroup"); err != nil {
		t.Skip("no autogroup scheduling here")
	}
	before, _ := os.ReadFile("/proc/self/autogroup")
	run := func(ownSession bool) string {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestNiceLowersItsOwnSessionsAutogroup$")
		cmd.Env = append(os.Environ(), "MAILACCESS_TEST_NICE_CHILD=1")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: ownSession, Pdeathsig: syscall.SIGKILL}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return string(out)
	}
	if out := run(true); !strings.Contains(out, "nice 7") {
		t.Fatalf("worker in its own session: autogroup %q, want nice 7", out)
	}
	if out := run(false); strings.Contains(out, "nice 7") {
		t.Fatalf("worker sharing a session: autogroup %q changed", out)
	}
	if after, _ := os.ReadFile("/proc/self/autogroup"); string(after) != string(before) {
		t.Fatalf("the test's own session autogroup changed: %q → %q", before, after)
	}
}
