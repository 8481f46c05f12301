package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/cookiejar"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"github.com/mailaccess/mailaccess/internal/cli"
	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// cfgAdmins are the admins of the next startApp.
var cfgAdmins []string

// testApp is the real wiring of `mailaccess serve`, on a free port.
type testApp struct {
	URL string
	app *app
}

// startApp runs the web server against imapAddr with a cache on the dialect.
func startApp(t *testing.T, imapAddr string, dialect mailaccess.Dialect) *testApp {
	t.Helper()
	cfg := cli.DefaultConfig()
	dir := t.TempDir()
	cfg.Database.URL = "sqlite:" + filepath.Join(dir, "cache.db")
	if dialect == mailaccess.Postgres {
		cfg.Database.URL = testenv.PostgresDB(t)
	}
	cfg.Security.KeyFile = filepath.Join(dir, "secret.key")
	cfg.IMAP.Address = imapAddr
	cfg.IMAP.TLS = "none"
	cfg.IMAP.Timeout = 10 * time.Second
	cfg.Security.Admins = cfgAdmins
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := newApp(ctx, &cfg, logger, true)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.serveHTTP(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("web server: %v", err)
		}
		a.Close()
	})
	return &testApp{URL: "http://" + ln.Addr().String(), app: a}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// browser starts a headless Chromium for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	// Not t.TempDir: Chromium's helper processes may still write to the
	// profile for a moment after the browser exits, which would fail the test
	// in its cleanup. Chromium's own temporary files go there too.
	profile := testenv.ScratchDir(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(testenv.Chromium(t)),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Every frame in one target, so the tab's events cover sandboxed frames too.
		chromedp.Flag("disable-features", "IsolateSandboxedIframes,site-per-process"),
		chromedp.Flag("disable-site-isolation-trials", true),
		// No host name resolves: a request for a remote host cannot leave the machine.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(profile),
		chromedp.Env("TMPDIR="+profile),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

func run1(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// texts returns the trimmed text of every element matching a CSS selector.
func texts(sel string, out *[]string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(e => e.textContent.trim())`, sel), out)
}

func loginActions(base, user, pass string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible("#username", chromedp.ByQuery),
		chromedp.SendKeys("#username", user, chromedp.ByQuery),
		chromedp.SendKeys("#password", pass, chromedp.ByQuery),
		chromedp.Click("button[type=submit]", chromedp.ByQuery),
	}
}

func appendRaw(t testing.TB, c *imapclient.Client, mailbox, raw string, date time.Time, flags ...imap.Flag) {
	t.Helper()
	raw = strings.ReplaceAll(raw, "\n", "\r\n")
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Flags: flags, Time: date})
	if _, err := io.WriteString(cmd, raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// imapLogin is another IMAP client of the user, closed when the test ends.
func imapLogin(t *testing.T, server *testenv.DovecotServer, user string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(server.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, server.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// seedReports fills a fresh Dovecot user's INBOX with n dated reports.
func seedReports(t *testing.T, server *testenv.DovecotServer, user string, n int) {
	t.Helper()
	c := imapLogin(t, server, user)
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		date := base.Add(time.Duration(i) * time.Hour)
		var flags []imap.Flag
		if i%2 == 0 {
			flags = append(flags, imap.FlagSeen)
		}
		appendRaw(t, c, "INBOX", fmt.Sprintf("From: Jürgen Weiß <juergen@example.de>\nTo: Alex <alex@example.org>\nSubject: Status report %d\nDate: %s\nMessage-ID: <report-%d@example.de>\nContent-Type: text/plain; charset=utf-8\n\nBody of report %d: all systems nominal.\n", i, date.Format(time.RFC1123Z), i, i), date, flags...)
	}
	if err := c.Create("Projects", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	appendRaw(t, c, "Projects", "From: a@example.org\nSubject: Kick-off\n\nLet us start.\n", base)
}

func TestBrowserJourneyAgainstDovecot(t *testing.T) {
	for _, d := range []mailaccess.Dialect{mailaccess.SQLite, mailaccess.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			server := testenv.IMAP(t)
			user := server.NewUser(t)
			seedReports(t, server, user, 55)
			app := startApp(t, server.Addr, d)
			ctx := browser(t)

			var subjects, folders []string
			run1(t, ctx, loginActions(app.URL, user, server.Password),
				chromedp.WaitVisible("table.messages", chromedp.ByQuery),
				texts("td.subject a", &subjects),
				texts("nav.folders li", &folders))
			if len(subjects) != 50 || subjects[0] != "Status report 55" || subjects[49] != "Status report 6" {
				t.Fatalf("first page: %d subjects, %q … %q", len(subjects), first(subjects), last(subjects))
			}
			for _, want := range []string{"INBOX", "Drafts", "Sent", "Junk", "Trash", "Projects"} {
				if !containsPrefix(folders, want) {
					t.Fatalf("folder list %q lacks %s", folders, want)
				}
			}
			if !strings.HasPrefix(folders[0], "INBOX") || !containsPrefix(folders, "INBOX 28") {
				t.Fatalf("INBOX must come first with 28 unread: %q", folders)
			}

			run1(t, ctx, chromedp.Click("a[rel=next]", chromedp.ByQuery),
				chromedp.WaitNotPresent("a[rel=next]", chromedp.ByQuery),
				texts("td.subject a", &subjects))
			if strings.Join(subjects, "|") != "Status report 5|Status report 4|Status report 3|Status report 2|Status report 1" {
				t.Fatalf("second page: %q", subjects)
			}

			var body, heading string
			run1(t, ctx, chromedp.Click(`//td[@class="subject"]/a[text()="Status report 3"]`, chromedp.BySearch),
				chromedp.WaitVisible("pre.body", chromedp.ByQuery),
				chromedp.Text("main h1", &heading, chromedp.ByQuery),
				chromedp.Text("pre.body", &body, chromedp.ByQuery))
			if heading != "Status report 3" || !strings.Contains(body, "Body of report 3: all systems nominal.") {
				t.Fatalf("message view: %q / %q", heading, body)
			}

			// Another folder is synced when first opened.
			run1(t, ctx, chromedp.Click(`//nav[@class="folders"]//a[text()="Projects"]`, chromedp.BySearch),
				chromedp.WaitVisible("table.messages", chromedp.ByQuery),
				texts("td.subject a", &subjects))
			if strings.Join(subjects, "|") != "Kick-off" {
				t.Fatalf("Projects: %q", subjects)
			}

			var notice string
			run1(t, ctx, chromedp.Click(`//button[text()="Log out"]`, chromedp.BySearch),
				chromedp.WaitVisible("p.notice", chromedp.ByQuery),
				chromedp.Text("p.notice", &notice, chromedp.ByQuery))
			if notice != "You are logged out." {
				t.Fatalf("after logout: %q", notice)
			}
		})
	}
}

func TestBrowserWrongPassword(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	app := startApp(t, server.Addr, mailaccess.SQLite)
	ctx := browser(t)
	var msg string
	run1(t, ctx, loginActions(app.URL, user, "not-the-password"),
		chromedp.WaitVisible("p.error", chromedp.ByQuery),
		chromedp.Text("p.error", &msg, chromedp.ByQuery))
	if msg != "Wrong user name or password." {
		t.Fatalf("wrong password answered %q", msg)
	}
	if _, err := app.app.store.AccountByUsername(context.Background(), user); !errors.Is(err, mailaccess.ErrNotFound) {
		t.Fatalf("a failed login created an account row: %v", err)
	}
}

// httpSession is a plain HTTP client with a cookie jar, for status codes.
func httpSession(t *testing.T, base, user, pass string) (*http.Client, *http.Response) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return c, resp
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestBadInputAnswersClearly(t *testing.T) {
	server := testenv.IMAP(t)
	alice, bob := server.NewUser(t), server.NewUser(t)
	seedReports(t, server, alice, 3)
	seedReports(t, server, bob, 1)
	app := startApp(t, server.Addr, mailaccess.Postgres)
	ctx := context.Background()

	ca, resp := httpSession(t, app.URL, alice, server.Password)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	cb, _ := httpSession(t, app.URL, bob, server.Password)
	bobAcc, err := app.app.store.AccountByUsername(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	inbox, _ := app.app.store.MailboxByName(ctx, bobAcc.ID, "INBOX")
	bobMsgs, _, _ := app.app.store.ListMessages(ctx, bobAcc.ID, inbox.ID, nil, 10)
	if len(bobMsgs) != 1 {
		t.Fatalf("bob's inbox: %d messages", len(bobMsgs))
	}
	if code, _ := get(t, cb, fmt.Sprintf("%s/message/%d", app.URL, bobMsgs[0].ID)); code != 200 {
		t.Fatalf("owner reads message: %d", code)
	}
	for _, path := range []string{
		fmt.Sprintf("/message/%d", bobMsgs[0].ID),          // another account's message
		fmt.Sprintf("/mailbox/%d", inbox.ID),               // another account's folder
		fmt.Sprintf("/api/v1/folders/%d/events", inbox.ID), // its new-mail events
		"/message/999999999", "/message/abc", "/message/-1", "/mailbox/0", "/no/such/page",
	} {
		code, body := get(t, ca, app.URL+path)
		if code != http.StatusNotFound || !strings.Contains(body, "404") {
			t.Errorf("GET %s: %d, want 404 page", path, code)
		}
	}
	if code, body := get(t, ca, app.URL+"/mailbox/1?after=yesterday"); code != http.StatusBadRequest || !strings.Contains(body, "not valid") {
		t.Errorf("bad cursor: %d", code)
	}

	// Without a session, pages send the browser to the login page.
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := anon.Get(app.URL + "/mailbox/1")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("anonymous folder view: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}

	// A cross-site form post is refused.
	req, _ := http.NewRequest("POST", app.URL+"/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	r, err = ca.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", r.StatusCode)
	}
}

func TestLoginWhileIMAPServerIsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	app := startApp(t, addr, mailaccess.SQLite)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	r, err := c.PostForm(app.URL+"/login", url.Values{"username": {"someone"}, "password": {"secret"}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "The mail server cannot be reached right now.") {
		t.Fatalf("login with the IMAP server down: %d, page: %s", r.StatusCode, body)
	}
	if code, _ := get(t, c, app.URL+"/healthz"); code != 200 {
		t.Fatalf("the web server stopped serving: healthz %d", code)
	}
}

// followLink follows the first link matching a CSS selector, as a click
// would (a long subject is clipped by its cell, so a synthetic mouse click at
// the link's centre can land on the next cell).
func followLink(sel string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`setTimeout(() => document.querySelector(%q).click(), 0)`, sel), nil)
}

// waitForList reloads the current folder page until its message list shows
// and the folder has settled: no sync under way, and the count and newest
// UID the page was rendered with are the folder's. Until then the page's
// own script may reload it at any moment (a sync finished, new mail came
// in), and a navigation of the test's that such a reload cuts short fails
// with net::ERR_ABORTED: those errors mean "not yet" here.
func waitForList(t *testing.T, ctx context.Context) {
	t.Helper()
	var loc string
	run1(t, ctx, chromedp.Location(&loc))
	const settled = `(async () => {
		const bar = document.querySelector('[data-live-folder]');
		if (document.querySelector('table.messages') === null || document.querySelector('[data-sync-job]') !== null || bar === null) return false;
		const resp = await fetch('/api/v1/folders/' + bar.dataset.liveFolder, {credentials: 'same-origin', headers: {Accept: 'application/json'}});
		if (!resp.ok) return false;
		const f = await resp.json();
		return !f.sync && (f.last_uid || 0) === Number(bar.dataset.lastUid) && f.total === Number(bar.dataset.total);
	})()`
	deadline := time.Now().Add(60 * time.Second)
	for {
		var ok bool
		err := chromedp.Run(ctx, chromedp.Evaluate(settled, &ok, func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the folder's messages never showed settled (last error: %v)", err)
		}
		// Poll, then load the folder again as a user would.
		if err := chromedp.Run(ctx, chromedp.Sleep(200*time.Millisecond), chromedp.Navigate(loc)); err != nil {
			t.Logf("reload of %s: %v", loc, err)
		}
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(strings.Join(strings.Fields(s), " "), prefix) {
			return true
		}
	}
	return false
}

// demoInbox reads the demo corpus and returns INBOX's subjects as the list
// should show them: newest internal date first.
func demoInbox(t *testing.T, seed string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(seed, "manifest.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		subject string
		date    time.Time
		order   int
	}
	var inbox []entry
	dec := &mime.WordDecoder{CharsetReader: charset.Reader}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(f) != 4 || f[0] != "INBOX" {
			continue
		}
		date, err := time.Parse(time.RFC3339, f[3])
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(seed, f[1]))
		if err != nil {
			t.Fatal(err)
		}
		msg, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", f[1], err)
		}
		subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatalf("%s: %v", f[1], err)
		}
		inbox = append(inbox, entry{strings.Join(strings.Fields(subject), " "), date, i})
	}
	sort.SliceStable(inbox, func(a, b int) bool {
		if !inbox[a].date.Equal(inbox[b].date) {
			return inbox[a].date.After(inbox[b].date)
		}
		return inbox[a].order > inbox[b].order
	})
	var out []string
	for _, e := range inbox {
		out = append(out, e.subject)
	}
	return out
}

// lineWriter hands each line written to it to a channel.
type lineWriter struct{ lines chan string }

func (w lineWriter) Write(p []byte) (int, error) {
	for _, l := range strings.Split(string(p), "\n") {
		select {
		case w.lines <- l:
		default:
		}
	}
	return len(p), nil
}

func TestBrowserJourneyAgainstTheDemo(t *testing.T) {
	seed := "../../testdata/demo"
	ctx, cancel := context.WithCancel(context.Background())
	out := lineWriter{lines: make(chan string, 100)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "-data", t.TempDir(), "-seed", seed, "-http.address", "127.0.0.1:0", "-log.level", "warn"},
			out, testWriter{t}, envOf(nil))
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo: %v", err)
		}
	})
	var base string
	deadline := time.After(60 * time.Second)
	for base == "" {
		select {
		case l := <-out.lines:
			if u, ok := strings.CutPrefix(strings.TrimSpace(l), "open:"); ok {
				base = strings.TrimSuffix(strings.TrimSpace(u), "/")
			}
		case err := <-done:
			t.Fatalf("demo stopped: %v", err)
		case <-deadline:
			t.Fatal("the demo printed no address within 60s")
		}
	}

	want := demoInbox(t, seed)
	if len(want) < 100 {
		t.Fatalf("demo INBOX has only %d messages", len(want))
	}
	bctx := browser(t)
	var subjects, folders []string
	run1(t, bctx, loginActions(base, demoUser, demoPassword), chromedp.WaitVisible("div.bar", chromedp.ByQuery))
	// The demo has workers: the inbox may still be syncing in the background
	// when the page first shows. Reload, as a user would, until it is there.
	waitForList(t, bctx)
	run1(t, bctx,
		texts("td.subject a", &subjects),
		texts("nav.folders li", &folders))
	if len(subjects) != 50 {
		t.Fatalf("first page has %d messages, want 50", len(subjects))
	}
	for i := range subjects {
		if subjects[i] != want[i] && !(want[i] == "" && subjects[i] == "(no subject)") {
			t.Fatalf("row %d: %q, want %q", i, subjects[i], want[i])
		}
	}
	for _, f := range []string{"INBOX", "Drafts", "Sent", "Junk", "Trash", "2025", "mailaccess"} {
		if !containsPrefix(folders, f) {
			t.Fatalf("folder list %q lacks %s", folders, f)
		}
	}
	screenshot(t, bctx, "inbox.png")
	var heading, body string
	run1(t, bctx, followLink("td.subject a"),
		chromedp.WaitVisible("main.message", chromedp.ByQuery),
		chromedp.Text("main h1", &heading, chromedp.ByQuery),
		// The text view, or the address of the sanitized HTML frame.
		chromedp.Evaluate(`(document.querySelector('pre.body') || {}).textContent || (document.querySelector('iframe.mailhtml') || {}).src || ''`, &body))
	if heading != want[0] || strings.TrimSpace(body) == "" {
		t.Fatalf("newest message: heading %q (want %q), body %q", heading, want[0], body)
	}
	screenshot(t, bctx, "message.png")
	// A newsletter: HTML in the sandboxed frame, remote images blocked.
	run1(t, bctx, chromedp.Navigate(base+"/search?q=inbox+times"), chromedp.WaitVisible("form[role=search]", chromedp.ByQuery))
	screenshot(t, bctx, "search.png")
	run1(t, bctx, followLink("td.subject a"), chromedp.WaitVisible("iframe.mailhtml", chromedp.ByQuery))
	screenshot(t, bctx, "html-message.png")
}

// screenshot saves the page as PNG in the test's temp dir, and in
// $MAILACCESS_SCREENSHOTS when set (that is how docs/screenshots/ is made).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	run1(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.CaptureScreenshot(&png))
	dirs := []string{t.TempDir()}
	if d := os.Getenv("MAILACCESS_SCREENSHOTS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := os.WriteFile(filepath.Join(d, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot %s: %s", name, filepath.Join(dirs[len(dirs)-1], name))
}

func TestAdminPageIsForAdminsOnly(t *testing.T) {
	server := testenv.IMAP(t)
	admin, user := server.NewUser(t), server.NewUser(t)
	cfgAdmins = []string{admin}
	t.Cleanup(func() { cfgAdmins = nil })
	app := startApp(t, server.Addr, mailaccess.SQLite)
	cu, _ := httpSession(t, app.URL, user, server.Password)
	if code, _ := get(t, cu, app.URL+"/admin"); code != http.StatusNotFound {
		t.Fatalf("a user who is not an admin gets %d", code)
	}
	ca, _ := httpSession(t, app.URL, admin, server.Password)
	code, body := get(t, ca, app.URL+"/admin")
	if code != http.StatusOK || !strings.Contains(body, "Sync dispatcher") || !strings.Contains(body, "<dd>auto</dd>") {
		t.Fatalf("admin page: %d\n%s", code, body)
	}
}

func TestRepeatedWrongPasswordsAreLimited(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	app := startApp(t, server.Addr, mailaccess.SQLite)
	for i := range 10 {
		if _, resp := httpSession(t, app.URL, user, "wrong"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d answered %d", i+1, resp.StatusCode)
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	r, err := c.PostForm(app.URL+"/login", url.Values{"username": {user}, "password": {server.Password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), "Too many failed logins") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("11th attempt: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if _, resp := httpSession(t, app.URL, server.NewUser(t), server.Password); resp.StatusCode != http.StatusOK {
		t.Fatalf("another account from the same address is locked out too early: %d", resp.StatusCode)
	}
}

func TestBrowserSearch(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	seedReports(t, server, user, 12)
	for _, d := range []mailaccess.Dialect{mailaccess.SQLite, mailaccess.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			app := startApp(t, server.Addr, d)
			ctx := browser(t)
			var subjects []string
			run1(t, ctx, loginActions(app.URL, user, server.Password),
				chromedp.WaitVisible("table.messages", chromedp.ByQuery),
				chromedp.SendKeys("#top-q", "report 1\n", chromedp.ByQuery),
				chromedp.WaitVisible("form[role=search] #q", chromedp.ByQuery),
				texts("td.subject a", &subjects))
			if got := strings.Join(subjects, "|"); got != "Status report 12|Status report 11|Status report 10|Status report 1" {
				t.Fatalf("search 'report 1': %q", got)
			}
			run1(t, ctx, chromedp.Navigate(app.URL+"/search?q=weiß"), texts("td.subject a", &subjects))
			if len(subjects) != 12 {
				t.Fatalf("search by sender name: %d results", len(subjects))
			}
		})
	}
}

// apiCall sends a JSON request with the session's cookies and decodes the answer.
func apiCall(t testing.TB, c *http.Client, method, u, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: content type %q", method, u, ct)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, u, err)
		}
	}
	return resp.StatusCode
}

func TestJSONAPI(t *testing.T) {
	server := testenv.IMAP(t)
	user, other := server.NewUser(t), server.NewUser(t)
	seedReports(t, server, user, 3)
	seedReports(t, server, other, 1)
	app := startApp(t, server.Addr, mailaccess.Postgres)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	var e struct{ Error string }
	if code := apiCall(t, c, "GET", app.URL+"/api/v1/folders", "", &e); code != 401 || e.Error == "" {
		t.Fatalf("folders without a session: %d %q", code, e.Error)
	}
	if code := apiCall(t, c, "POST", app.URL+"/api/v1/login", `{"username":"`+user+`","password":"nope"}`, &e); code != 401 || e.Error != "Wrong user name or password." {
		t.Fatalf("wrong password: %d %q", code, e.Error)
	}
	if code := apiCall(t, c, "POST", app.URL+"/api/v1/login", `{"username":"`+user+`","password":"`+server.Password+`"}`, nil); code != 200 {
		t.Fatalf("login: %d", code)
	}
	var folders struct {
		Folders []struct {
			ID          int64  `json:"id"`
			Name        string `json:"name"`
			Total       int    `json:"total"`
			MessagesURL string `json:"messages_url"`
		} `json:"folders"`
	}
	apiCall(t, c, "GET", app.URL+"/api/v1/folders", "", &folders)
	if len(folders.Folders) < 5 || folders.Folders[0].Name != "INBOX" || folders.Folders[0].Total != 3 {
		t.Fatalf("folders: %+v", folders.Folders)
	}
	var page struct {
		Messages []struct {
			ID      int64  `json:"id"`
			Subject string `json:"subject"`
			Flagged bool   `json:"flagged"`
		} `json:"messages"`
		Next string `json:"next"`
	}
	apiCall(t, c, "GET", app.URL+folders.Folders[0].MessagesURL+"?limit=2", "", &page)
	if len(page.Messages) != 2 || page.Messages[0].Subject != "Status report 3" || page.Next == "" {
		t.Fatalf("first page: %+v", page)
	}
	first, next := page.Messages[0].ID, page.Next
	page.Messages, page.Next = nil, ""
	apiCall(t, c, "GET", app.URL+next, "", &page)
	if len(page.Messages) != 1 || page.Messages[0].Subject != "Status report 1" || page.Next != "" {
		t.Fatalf("second page: %+v", page)
	}
	var msg struct {
		Subject string `json:"subject"`
		Text    string `json:"text"`
		Flagged bool   `json:"flagged"`
	}
	apiCall(t, c, "GET", fmt.Sprintf("%s/api/v1/messages/%d", app.URL, first), "", &msg)
	if !strings.Contains(msg.Text, "Body of report 3") {
		t.Fatalf("message: %+v", msg)
	}
	if code := apiCall(t, c, "POST", fmt.Sprintf("%s/api/v1/messages/%d/flags", app.URL, first), `{"flagged":true}`, &msg); code != 200 || !msg.Flagged {
		t.Fatalf("flag: %d %+v", code, msg)
	}
	if code := apiCall(t, c, "POST", fmt.Sprintf("%s/api/v1/messages/%d/flags", app.URL, first), `{"flaged":true}`, &e); code != 400 {
		t.Fatalf("misspelt body: %d", code)
	}
	var found struct {
		Messages []struct{ Subject string } `json:"messages"`
	}
	apiCall(t, c, "GET", app.URL+"/api/v1/search?q=report%202", "", &found)
	if len(found.Messages) != 1 || found.Messages[0].Subject != "Status report 2" {
		t.Fatalf("search: %+v", found)
	}
	// Another account's message is not found.
	otherAcc, _ := app.app.store.AccountByUsername(context.Background(), other)
	if otherAcc.ID != 0 {
		t.Fatal("the other user has not logged in, yet has an account")
	}
	if code := apiCall(t, c, "GET", app.URL+"/api/v1/messages/999999", "", &e); code != 404 {
		t.Fatalf("unknown message: %d", code)
	}
	var job struct {
		Job struct {
			ID    int64  `json:"id"`
			State string `json:"state"`
		} `json:"job"`
	}
	if code := apiCall(t, c, "POST", fmt.Sprintf("%s/api/v1/folders/%d/sync", app.URL, folders.Folders[0].ID), "", &job); code != 200 || job.Job.State != "done" {
		t.Fatalf("sync now (inline, no workers): %d %+v", code, job)
	}
	if code := apiCall(t, c, "POST", app.URL+"/api/v1/logout", "", nil); code != 200 {
		t.Fatalf("logout: %d", code)
	}
	if code := apiCall(t, c, "GET", app.URL+"/api/v1/folders", "", &e); code != 401 {
		t.Fatalf("after logout: %d", code)
	}
}

func TestBrowserNewMailAppearsWithoutAReload(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	seedReports(t, server, user, 3)
	app := startApp(t, server.Addr, mailaccess.SQLite)
	ctx := browser(t)
	run1(t, ctx, loginActions(app.URL, user, server.Password), chromedp.WaitVisible("table.messages", chromedp.ByQuery))
	c := imapLogin(t, server, user)
	delivered := time.Now()
	appendRaw(t, c, "INBOX", "From: Zoë <zoe@example.org>\nSubject: Fresh news\n\nJust arrived.\n", time.Now())
	var subjects []string
	run1(t, ctx, chromedp.WaitVisible(`//td[@class="subject"]/a[text()="Fresh news"]`, chromedp.BySearch), texts("td.subject a", &subjects))
	t.Logf("new mail shown %v after delivery (the page looks every 5 s)", time.Since(delivered).Round(100*time.Millisecond))
	if subjects[0] != "Fresh news" || len(subjects) != 4 {
		t.Fatalf("list after new mail: %q", subjects)
	}
}

func TestBrowserSortsTheList(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	seedReports(t, server, user, 12)
	app := startApp(t, server.Addr, mailaccess.Postgres)
	ctx := browser(t)
	var subjects []string
	run1(t, ctx, loginActions(app.URL, user, server.Password), chromedp.WaitVisible("table.messages", chromedp.ByQuery),
		followLink(`th a[href$="sort=subject"]`), chromedp.WaitVisible(`th[aria-sort="ascending"]`, chromedp.ByQuery),
		texts("td.subject a", &subjects))
	want := "Status report 1|Status report 10|Status report 11|Status report 12|Status report 2|Status report 3|Status report 4|Status report 5|Status report 6|Status report 7|Status report 8|Status report 9"
	if got := strings.Join(subjects, "|"); got != want {
		t.Fatalf("by subject: %s", got)
	}
}

func TestBrowserConversationView(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	c := imapLogin(t, server, user)
	base := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	appendRaw(t, c, "INBOX", "From: Ana <ana@example.org>\nSubject: Offsite plan\nMessage-ID: <root@x>\n\nWhere shall we go?\n", base)
	appendRaw(t, c, "INBOX", "From: Ben <ben@example.org>\nSubject: Lunch?\nMessage-ID: <lunch@x>\n\nNoon?\n", base.Add(time.Hour))
	appendRaw(t, c, "INBOX", "From: Cy <cy@example.org>\nSubject: Re: Offsite plan\nMessage-ID: <r1@x>\nIn-Reply-To: <root@x>\nReferences: <root@x>\n\nLyon!\n", base.Add(2*time.Hour))
	appendRaw(t, c, "INBOX", "From: Ana <ana@example.org>\nSubject: Re: Offsite plan\nMessage-ID: <r2@x>\nIn-Reply-To: <r1@x>\nReferences: <root@x> <r1@x>\n\nLyon it is.\n", base.Add(3*time.Hour))
	app := startApp(t, server.Addr, mailaccess.SQLite)
	ctx := browser(t)
	var rows, subjects []string
	run1(t, ctx, loginActions(app.URL, user, server.Password), chromedp.WaitVisible("table.messages", chromedp.ByQuery),
		followLink(`a[href$="view=threads"]`), chromedp.WaitVisible("table.threads", chromedp.ByQuery),
		texts("table.threads tbody tr", &rows))
	if len(rows) != 2 || !strings.Contains(rows[0], "Re: Offsite plan") || !strings.Contains(rows[0], "3") || !strings.Contains(rows[1], "Lunch?") {
		t.Fatalf("conversations: %q", rows)
	}
	run1(t, ctx, followLink("table.threads td.subject a"), chromedp.WaitVisible(`input[name=ids]`, chromedp.ByQuery),
		texts("td.subject a", &subjects))
	if got := strings.Join(subjects, "|"); got != "Offsite plan|Re: Offsite plan|Re: Offsite plan" {
		t.Fatalf("one conversation, oldest first: %q", got)
	}
}

func TestServerSearchFindsBodiesNotCached(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	seedReports(t, server, user, 3)
	c := imapLogin(t, server, user)
	// Past the preview, and larger than a sync keeps ahead (sync.prefetch_max_bytes):
	// its body is not in the cache until opened.
	long := strings.Repeat("Filler text of a long letter.\n", 10000)
	appendRaw(t, c, "INBOX", "From: a@example.org\nSubject: Long letter\n\n"+long+"The password is zanzibar.\n", time.Now())
	// Past the preview too, but small: the sync keeps its body (sync.prefetch_recent).
	short := strings.Repeat("Filler text of a short letter.\n", 100)
	appendRaw(t, c, "INBOX", "From: b@example.org\nSubject: Short letter\n\n"+short+"The code word is quokka.\n", time.Now())
	app := startApp(t, server.Addr, mailaccess.Postgres)
	hc, _ := httpSession(t, app.URL, user, server.Password)
	if _, body := get(t, hc, app.URL+"/search?q=zanzibar"); strings.Contains(body, "Long letter") {
		t.Fatal("the cache search found a word it does not hold")
	}
	if code, body := get(t, hc, app.URL+"/search?q=quokka"); code != 200 || !strings.Contains(body, "Short letter") {
		t.Fatalf("the cache search did not find a word of a new letter's body, kept by the sync: %d\n%s", code, body)
	}
	code, body := get(t, hc, app.URL+"/search?q=zanzibar&server=1")
	if code != 200 || !strings.Contains(body, "Long letter") || strings.Contains(body, "Status report") {
		t.Fatalf("server search: %d\n%s", code, body)
	}
}

func TestPagesWorkWithTheKeyboard(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	seedReports(t, server, user, 3)
	app := startApp(t, server.Addr, mailaccess.SQLite)
	ctx := browser(t)
	// Log in with the keyboard alone: the user name field has the focus.
	run1(t, ctx, chromedp.Navigate(app.URL+"/login"), chromedp.WaitVisible("#username", chromedp.ByQuery),
		chromedp.KeyEvent(user), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(server.Password), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible("table.messages", chromedp.ByQuery))
	// Tab to the first message and open it with Enter.
	for i := 0; ; i++ {
		if i > 60 {
			t.Fatal("no message link reached with Tab")
		}
		var onMessage bool
		run1(t, ctx, chromedp.KeyEvent(kb.Tab),
			chromedp.Evaluate(`document.activeElement && document.activeElement.matches('td.subject a')`, &onMessage))
		if onMessage {
			break
		}
	}
	var heading string
	run1(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("main.message", chromedp.ByQuery),
		chromedp.Text("main h1", &heading, chromedp.ByQuery))
	if heading != "Status report 3" {
		t.Fatalf("opened with the keyboard: %q", heading)
	}
	// Every control on the message page is reachable and shows where the focus is.
	var unreachable []string
	run1(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('a[href], button, select, input')).filter(e => e.tabIndex < 0 || e.disabled).map(e => e.outerHTML)`, &unreachable))
	if len(unreachable) > 0 {
		t.Fatalf("controls out of the tab order: %q", unreachable)
	}
}
