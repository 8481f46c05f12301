package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/asyncdispatch"
	"github.com/mailaccess/mailaccess/internal/cli"
	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the mailaccess command once per test run.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir := testenv.ScratchDir(t)
		binPath = filepath.Join(dir, "mailaccess")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// cluster is one installation: a PostgreSQL cache, a Dovecot, a config file
// shared by worker processes, and an in-process app playing the web server.
type cluster struct {
	t      testing.TB
	cfg    cli.Config
	file   string
	server *testenv.DovecotServer
	app    *app
}

// newCluster builds a cluster in the async mode; opts change the web
// server's configuration (not the workers').
func newCluster(t testing.TB, mode string, opts ...func(*cli.Config)) *cluster {
	t.Helper()
	server := testenv.IMAP(t)
	cfg := cli.DefaultConfig()
	cfg.Database.URL = testenv.PostgresDB(t)
	cfg.IMAP.Address = server.Addr
	cfg.IMAP.TLS = "none"
	cfg.Security.Key = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	cfg.Async.Mode = mode
	cfg.Async.HeartbeatInterval = 500 * time.Millisecond // a killed worker's job is taken over after 2.5 s
	cfg.Async.ShutdownGrace = 300 * time.Millisecond
	cfg.Sync.BatchSize = 50
	file := filepath.Join(t.TempDir(), "mailaccess.toml")
	toml := fmt.Sprintf(`[database]
url = %q
[imap]
address = %q
tls = "none"
[security]
key = %q
[async]
mode = %q
heartbeat_interval = "500ms"
shutdown_grace = "300ms"
[sync]
batch_size = 50
[log]
level = "debug"
`, cfg.Database.URL, cfg.IMAP.Address, cfg.Security.Key, mode)
	if err := os.WriteFile(file, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := newApp(ctx, &cfg, logger, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return &cluster{t: t, cfg: cfg, file: file, server: server, app: a}
}

// account creates a Dovecot user known to the cache, with its password sealed.
func (c *cluster) account(password string) (mailaccess.Account, *imapclient.Client) {
	c.t.Helper()
	user := c.server.NewUser(c.t)
	acc, err := c.app.store.UpsertAccount(context.Background(), user, c.app.sealer.Seal(password, user))
	if err != nil {
		c.t.Fatal(err)
	}
	cl, err := imapclient.DialInsecure(c.server.Addr, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { cl.Close() })
	if err := cl.Login(user, c.server.Password).Wait(); err != nil {
		c.t.Fatal(err)
	}
	return acc, cl
}

// worker is a `mailaccess worker` process.
type worker struct {
	name string
	cmd  *exec.Cmd
	done chan error
}

// startWorker starts a worker process; env (KEY=value) adds to its
// environment, e.g. to override a setting of the config file.
func (c *cluster) startWorker(name string, capacity int, env ...string) *worker {
	c.t.Helper()
	cmd := exec.Command(binary(c.t), "worker", "-config", c.file, "-name", name, "-capacity", fmt.Sprint(capacity))
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = testWriter{c.t}
	cmd.Stderr = io.Discard
	if testing.Verbose() {
		cmd.Stderr = testWriter{c.t}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	w := &worker{name: name, cmd: cmd, done: make(chan error, 1)}
	go func() { w.done <- cmd.Wait() }()
	c.t.Cleanup(func() {
		cmd.Process.Kill()
		<-w.done
	})
	c.waitFor("worker "+name+" to report alive", func() bool {
		list, _ := c.app.store.Workers(context.Background())
		for _, wk := range list {
			if wk.Name == name && wk.Alive(time.Now(), c.app.dispatcher.LivenessTTL()) {
				return true
			}
		}
		return false
	})
	return w
}

func (w *worker) stop(t *testing.T, sig syscall.Signal) error {
	t.Helper()
	w.cmd.Process.Signal(sig)
	select {
	case err := <-w.done:
		w.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("worker %s did not stop after %v", w.name, sig)
		return nil
	}
}

// waitAllDone waits until every job is done and returns how many each
// worker (by id) ran.
func (c *cluster) waitAllDone(acc mailaccess.Account, ids []int64) map[string]int {
	c.t.Helper()
	ranBy := map[string]int{}
	c.waitFor(fmt.Sprintf("all %d syncs", len(ids)), func() bool {
		clear(ranBy)
		for _, id := range ids {
			j := c.job(acc, id)
			if j.State != mailaccess.JobDone {
				return false
			}
			ranBy[j.LeaseOwner]++
		}
		return true
	})
	return ranBy
}

// waitFor polls cond until it holds or a deadline passes.
func (c *cluster) waitFor(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *cluster) dispatch(acc mailaccess.Account, mailbox string) asyncdispatch.Ticket {
	c.t.Helper()
	tk, err := c.app.dispatcher.Dispatch(context.Background(), syncRequest(acc.ID, mailbox))
	if err != nil {
		c.t.Fatalf("dispatch %s: %v", mailbox, err)
	}
	return tk
}

func (c *cluster) job(acc mailaccess.Account, id int64) mailaccess.Job {
	c.t.Helper()
	j, err := c.app.store.Job(context.Background(), acc.ID, id)
	if err != nil {
		c.t.Fatal(err)
	}
	return j
}

// seedMaildir writes n messages straight into the user's INBOX Maildir
// (much faster than APPEND for big folders).
func (c *cluster) seedMaildir(user string, n int) {
	c.t.Helper()
	c.seedFolder(user, "", n)
}

// seedFolder writes n messages straight into a folder's Maildir ("" for
// INBOX).
func (c *cluster) seedFolder(user, folder string, n int) {
	c.t.Helper()
	dir := filepath.Join(c.server.MaildirOf(user), folder)
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			c.t.Fatal(err)
		}
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		date := base.Add(time.Duration(i) * time.Minute)
		body := fmt.Sprintf("From: Sender %d <s%d@example.org>\r\nTo: %s@example.org\r\nSubject: Bulk message %d\r\nDate: %s\r\nMessage-ID: <bulk-%d@example.org>\r\n\r\nLine one of message %d.\r\n%s",
			i, i%17, user, i, date.Format(time.RFC1123Z), i, i, strings.Repeat("Some more text to give the message a realistic size.\r\n", 20))
		name := filepath.Join(dir, "cur", fmt.Sprintf("%d.M%dP1.test:2,", date.Unix(), i))
		if i%3 == 0 {
			name += "S"
		}
		if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
			c.t.Fatal(err)
		}
		os.Chtimes(name, date, date)
	}
	if err := c.server.ChownMail(filepath.Join(c.server.MaildirOf(user), "..")); err != nil {
		c.t.Fatal(err)
	}
}

// assertCacheEqualsServer compares the cached UIDs and flags of a folder with the server's.
func (c *cluster) assertCacheEqualsServer(acc mailaccess.Account, cl *imapclient.Client, mailbox string) {
	c.t.Helper()
	ctx := context.Background()
	mb, err := c.app.store.MailboxByName(ctx, acc.ID, mailbox)
	if err != nil {
		c.t.Fatal(err)
	}
	cached, err := c.app.store.MailboxFlags(ctx, acc.ID, mb.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := cl.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		c.t.Fatal(err)
	}
	msgs, err := cl.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		c.t.Fatal(err)
	}
	if len(msgs) != len(cached) {
		c.t.Fatalf("%s: server has %d messages, cache %d", mailbox, len(msgs), len(cached))
	}
	for _, m := range msgs {
		var flags []string
		for _, f := range m.Flags {
			if !strings.EqualFold(string(f), `\Recent`) {
				flags = append(flags, string(f))
			}
		}
		got, ok := cached[mailaccess.UID(m.UID)]
		if !ok {
			c.t.Fatalf("%s: uid %d on the server is not cached", mailbox, m.UID)
		}
		if got != strings.Join(flags, " ") {
			c.t.Fatalf("%s: uid %d flags %q cached as %q", mailbox, m.UID, flags, got)
		}
	}
}

func (c *cluster) createFolders(cl *imapclient.Client, n int) []string {
	c.t.Helper()
	var names []string
	for i := range n {
		name := fmt.Sprintf("Folder%02d", i)
		if err := cl.Create(name, nil).Wait(); err != nil {
			c.t.Fatal(err)
		}
		appendRaw(c.t, cl, name, fmt.Sprintf("From: a@example.org\nSubject: in %s\n\nhello\n", name), time.Now())
		names = append(names, name)
	}
	return names
}

func TestWorkersShareJobsByCapacity(t *testing.T) {
	c := newCluster(t, "auto")
	acc, cl := c.account(c.server.Password)
	folders := c.createFolders(cl, 40)
	// Jobs long enough for capacity to matter: with one message a folder
	// sync is over before the other worker wakes up.
	for _, f := range folders {
		c.seedFolder(acc.Username, f, 300)
	}
	c.startWorker("big", 4)
	c.startWorker("small", 1)
	var ids []int64
	for _, f := range folders {
		tk := c.dispatch(acc, f)
		if tk.Outcome == asyncdispatch.Inline {
			t.Fatalf("%s ran inline while workers are alive", f)
		}
		ids = append(ids, tk.Job.ID)
	}
	ranBy := c.waitAllDone(acc, ids)
	workers, _ := c.app.store.Workers(context.Background())
	byName := map[string]int{}
	for _, w := range workers {
		byName[w.Name] = ranBy[w.ID]
	}
	t.Logf("jobs run: %v", byName)
	if byName["big"]+byName["small"] != 40 || byName["small"] == 0 || byName["big"] <= byName["small"] {
		t.Fatalf("jobs run by worker: %v; want all 40 shared, the capacity-4 worker taking more", byName)
	}
	for _, f := range folders[:3] {
		c.assertCacheEqualsServer(acc, cl, f)
	}
}

func TestTwoEqualWorkersTakeAFairShare(t *testing.T) {
	c := newCluster(t, "auto")
	acc, cl := c.account(c.server.Password)
	folders := c.createFolders(cl, 40)
	c.startWorker("w1", 2)
	c.startWorker("w2", 2)
	var ids []int64
	for _, f := range folders {
		ids = append(ids, c.dispatch(acc, f).Job.ID)
	}
	ranBy := c.waitAllDone(acc, ids)
	t.Logf("jobs run by worker id: %v", ranBy)
	if len(ranBy) != 2 {
		t.Fatalf("jobs ran on %d workers, want 2: %v", len(ranBy), ranBy)
	}
	for id, n := range ranBy {
		if n < 8 {
			t.Fatalf("worker %s ran only %d of 40 jobs: %v", id, n, ranBy)
		}
	}
}

func TestKilledWorkersJobIsResumedElsewhere(t *testing.T) {
	c := newCluster(t, "auto")
	acc, cl := c.account(c.server.Password)
	c.seedMaildir(acc.Username, 4000)
	w1 := c.startWorker("doomed", 1)
	tk := c.dispatch(acc, "INBOX")
	c.waitFor("the sync to make progress on the first worker", func() bool {
		j := c.job(acc, tk.Job.ID)
		return j.State == mailaccess.JobRunning && j.ProgressDone > 0
	})
	if err := w1.stop(t, syscall.SIGKILL); err == nil {
		t.Fatal("the killed worker exited cleanly")
	}
	killedAt := c.job(acc, tk.Job.ID).ProgressDone
	c.startWorker("survivor", 1)
	c.waitFor("the survivor to finish the sync", func() bool { return c.job(acc, tk.Job.ID).State == mailaccess.JobDone })
	j := c.job(acc, tk.Job.ID)
	t.Logf("killed after %d messages; resumed and finished with attempt %d", killedAt, j.Attempts)
	if j.Attempts != 2 {
		t.Fatalf("attempts %d, want 2 (killed, then resumed)", j.Attempts)
	}
	c.assertCacheEqualsServer(acc, cl, "INBOX")
}

func TestSIGTERMStopsAtACheckpointAndReleasesTheLease(t *testing.T) {
	c := newCluster(t, "always")
	acc, cl := c.account(c.server.Password)
	c.seedMaildir(acc.Username, 4000)
	w := c.startWorker("w", 1)
	tk := c.dispatch(acc, "INBOX")
	c.waitFor("the sync to make progress", func() bool {
		j := c.job(acc, tk.Job.ID)
		return j.State == mailaccess.JobRunning && j.ProgressDone > 0
	})
	if err := w.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("worker exit after SIGTERM: %v", err)
	}
	j := c.job(acc, tk.Job.ID)
	if j.State == mailaccess.JobQueued {
		if j.LeaseOwner != "" || j.Attempts != 0 {
			t.Fatalf("released job: owner %q attempts %d", j.LeaseOwner, j.Attempts)
		}
	} else if j.State != mailaccess.JobDone { // it may have finished within the grace period
		t.Fatalf("after SIGTERM the job is %s", j.State)
	}
	workers, _ := c.app.store.Workers(context.Background())
	if len(workers) != 0 {
		t.Fatalf("the stopped worker did not deregister: %+v", workers)
	}
	// What was stored is whole: a prefix of the folder, no duplicates.
	mb, _ := c.app.store.MailboxByName(context.Background(), acc.ID, "INBOX")
	uids, _ := c.app.store.MailboxUIDs(context.Background(), acc.ID, mb.ID)
	if len(uids) == 0 || len(slices.Compact(slices.Clone(uids))) != len(uids) {
		t.Fatalf("cache after SIGTERM holds %d uids", len(uids))
	}
	c.startWorker("next", 1)
	c.waitFor("the next worker to finish the sync", func() bool { return c.job(acc, tk.Job.ID).State == mailaccess.JobDone })
	c.assertCacheEqualsServer(acc, cl, "INBOX")
}

func TestWithAllWorkersStoppedTheNextDispatchRunsInline(t *testing.T) {
	c := newCluster(t, "auto")
	acc, cl := c.account(c.server.Password)
	appendRaw(t, cl, "INBOX", "From: a@example.org\nSubject: one\n\nx\n", time.Now())
	w := c.startWorker("w", 1)
	tk := c.dispatch(acc, "INBOX")
	if tk.Outcome == asyncdispatch.Inline {
		t.Fatal("ran inline while a worker is alive")
	}
	c.waitFor("the worker's sync", func() bool { return c.job(acc, tk.Job.ID).State == mailaccess.JobDone })
	if err := w.stop(t, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	appendRaw(t, cl, "INBOX", "From: a@example.org\nSubject: two\n\nx\n", time.Now())
	c.waitFor("the dispatcher to see no live worker", func() bool {
		n, _, err := c.app.dispatcher.LiveWorkers(context.Background())
		return err == nil && n == 0
	})
	tk = c.dispatch(acc, "INBOX")
	if tk.Outcome != asyncdispatch.Inline || tk.Job.State != mailaccess.JobDone {
		t.Fatalf("with no worker: outcome %q, state %s", tk.Outcome, tk.Job.State)
	}
	c.assertCacheEqualsServer(acc, cl, "INBOX")
}

func TestAlwaysModeWaitsForAWorker(t *testing.T) {
	c := newCluster(t, "always")
	acc, cl := c.account(c.server.Password)
	appendRaw(t, cl, "INBOX", "From: a@example.org\nSubject: one\n\nx\n", time.Now())
	tk := c.dispatch(acc, "INBOX")
	if tk.Outcome != asyncdispatch.Queued || c.job(acc, tk.Job.ID).State != mailaccess.JobQueued {
		t.Fatalf("always mode with no worker: %q", tk.Outcome)
	}
	c.startWorker("late", 1)
	c.waitFor("the late worker to run the queued sync", func() bool { return c.job(acc, tk.Job.ID).State == mailaccess.JobDone })
	c.assertCacheEqualsServer(acc, cl, "INBOX")
}

func TestAWrongStoredPasswordFailsFastInWords(t *testing.T) {
	c := newCluster(t, "auto")
	acc, _ := c.account("not-the-password")
	c.startWorker("w", 1)
	tk := c.dispatch(acc, "INBOX")
	c.waitFor("the sync to fail", func() bool { return c.job(acc, tk.Job.ID).State == mailaccess.JobFailed })
	j := c.job(acc, tk.Job.ID)
	if j.Attempts != 1 || !strings.Contains(j.Error, "refused your password") {
		t.Fatalf("attempts %d, error %q", j.Attempts, j.Error)
	}
	st, err := c.app.dispatcher.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Failed != 1 || len(st.RecentFailures) != 1 || st.RecentFailures[0].Error != j.Error {
		t.Fatalf("status does not show the failure: %+v", st)
	}
}

func TestStatusCommand(t *testing.T) {
	c := newCluster(t, "always")
	acc, _ := c.account(c.server.Password)
	c.dispatch(acc, "INBOX")
	var out strings.Builder
	if err := run(context.Background(), []string{"status", "-config", c.file, "-json"}, &out, io.Discard, envOf(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"mode": "always"`) || !strings.Contains(out.String(), `"queued": 1`) {
		t.Fatalf("status -json: %s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"status", "-config", c.file}, &out, io.Discard, envOf(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "queue:") || !strings.Contains(out.String(), "1 queued") {
		t.Fatalf("status: %s", out.String())
	}
}

// serveWeb runs the cluster's web server on a free port.
func (c *cluster) serveWeb() string {
	c.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.app.serveHTTP(ctx, ln) }()
	c.t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

func TestBrowserShowsSyncProgressThenTheList(t *testing.T) {
	c := newCluster(t, "auto")
	acc, _ := c.account(c.server.Password)
	c.seedMaildir(acc.Username, 3000)
	// The worker reaches Dovecot through a gate that holds the server's
	// answers once a part of the folder has gone through, so that the sync
	// is still running, with part of it stored, while the page is looked at.
	gate := testenv.StartProxy(t, c.server.Addr, testenv.ProxyOptions{HoldAfter: 400 << 10})
	c.startWorker("w", 1, "MAILACCESS_IMAP_ADDRESS="+gate.Addr(), "MAILACCESS_IMAP_TIMEOUT=10m")
	base := c.serveWeb()
	ctx := browser(t)
	run1(t, ctx, loginActions(base, acc.Username, c.server.Password),
		chromedp.WaitVisible("[data-sync-job]", chromedp.ByQuery))
	var shown bool
	var value, max float64
	var text string
	run1(t, ctx,
		chromedp.Poll(`(() => { const p = document.querySelector('[data-sync-job] progress'); return p && !p.hidden && p.value > 0; })()`, &shown),
		chromedp.Evaluate(`document.querySelector('[data-sync-job] progress').value`, &value),
		chromedp.Evaluate(`document.querySelector('[data-sync-job] progress').max`, &max),
		chromedp.Text("[data-sync-job] .sync-text", &text, chromedp.ByQuery))
	t.Logf("progress bar at %v of %v: %q", value, max, text)
	if max != 3000 || value <= 0 || value >= 3000 {
		t.Fatalf("progress bar at %v of %v, want part of 3000 new messages", value, max)
	}
	if want := fmt.Sprintf("%v of 3000 new messages", value); !strings.Contains(text, want) {
		t.Fatalf("progress text %q, want it to say %q", text, want)
	}
	// When the sync is done the page shows the list by itself.
	gate.Open()
	var subjects []string
	run1(t, ctx, chromedp.WaitVisible("table.messages", chromedp.ByQuery), texts("td.subject a", &subjects))
	if len(subjects) != 50 || subjects[0] != "Bulk message 3000" {
		t.Fatalf("list after the sync: %d rows, first %q", len(subjects), first(subjects))
	}
}

// TestBrowserShowsNewMailWithoutReload: a message delivered while the
// folder is open shows up in the list by itself, without the user doing
// anything. The page's own polling is
// set to an hour, so only the pushed event (IDLE → worker sync → event) can
// bring it.
func TestBrowserShowsNewMailWithoutReload(t *testing.T) {
	c := newCluster(t, "auto", func(cfg *cli.Config) { cfg.HTTP.LiveInterval = time.Hour })
	acc, cl := c.account(c.server.Password)
	date := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := 1; i <= 3; i++ {
		appendRaw(t, cl, "INBOX", fmt.Sprintf("From: Old <old@example.org>\nSubject: Old message %d\nMessage-ID: <old%d@example.org>\n\nHello.\n", i, i), date.Add(time.Duration(i)*time.Hour))
	}
	c.startWorker("w", 1)
	base := c.serveWeb()
	ctx := browser(t)
	run1(t, ctx, loginActions(base, acc.Username, c.server.Password),
		chromedp.WaitVisible("table.messages", chromedp.ByQuery),
		chromedp.WaitVisible("[data-live-folder]", chromedp.ByQuery))
	appendRaw(t, cl, "INBOX", "From: New <new@example.org>\nSubject: Fresh news\nMessage-ID: <fresh@example.org>\n\nJust in.\n", date.Add(24*time.Hour))
	var subjects []string
	run1(t, ctx,
		chromedp.WaitVisible(`//td[contains(@class,"subject")]//a[normalize-space()="Fresh news"]`, chromedp.BySearch),
		texts("td.subject a", &subjects))
	if want := []string{"Fresh news", "Old message 3", "Old message 2", "Old message 1"}; !slices.Equal(subjects, want) {
		t.Fatalf("list after new mail: %q, want %q", subjects, want)
	}
}

// BenchmarkNewMailShown: from the delivery of a message to Dovecot (an
// APPEND by another client) until an open folder page has been told (the
// pushed event) and the folder's API shows the message, with one worker
// process (design goal: under 2 s). Reports p50 and p99 besides ns/op.
func BenchmarkNewMailShown(b *testing.B) {
	c := newCluster(b, "auto", func(cfg *cli.Config) { cfg.HTTP.LiveInterval = time.Hour })
	acc, cl := c.account(c.server.Password)
	date := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	appendRaw(b, cl, "INBOX", "From: Old <old@example.org>\nSubject: First\n\nHello.\n", date)
	c.startWorker("w", 1)
	base := c.serveWeb()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	if code := apiCall(b, hc, "POST", base+"/api/v1/login", `{"username":"`+acc.Username+`","password":"`+c.server.Password+`"}`, nil); code != 200 {
		b.Fatalf("login: %d", code)
	}
	inbox, err := c.app.store.MailboxByName(context.Background(), acc.ID, "INBOX")
	if err != nil {
		b.Fatal(err)
	}
	folder := fmt.Sprintf("%s/api/v1/folders/%d", base, inbox.ID)
	lastUID := func() uint32 {
		var f struct {
			LastUID uint32 `json:"last_uid"`
		}
		apiCall(b, hc, "GET", folder, "", &f)
		return f.LastUID
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", folder+"/events", nil)
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		b.Fatalf("events: %d %q", resp.StatusCode, ct)
	}
	events := make(chan struct{}, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if sc.Text() == "event: changed" {
				events <- struct{}{}
			}
		}
	}()
	waitEvent := func() {
		b.Helper()
		select {
		case <-events:
		case <-time.After(30 * time.Second):
			b.Fatal("no event within 30 s")
		}
	}
	waitEvent() // the watch is in place (and the folder synced)
	for lastUID() < 1 {
		waitEvent()
	}
	var took []time.Duration
	b.ResetTimer()
	for i := range b.N {
		want := lastUID() + 1
		start := time.Now()
		appendRaw(b, cl, "INBOX", fmt.Sprintf("From: New <new@example.org>\nSubject: New %d\n\nJust in.\n", i), date.Add(time.Duration(i+1)*time.Minute))
		for lastUID() < want {
			waitEvent()
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(took[(len(took)*99)/100].Milliseconds()), "p99-ms")
}
