package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/debugger"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// browserWatch records what the browser itself reports: every request it
// sends, every script it compiles, every dialog a script opens.
type browserWatch struct {
	mu       sync.Mutex
	requests []string
	scripts  []string
	dialogs  []string
}

func (w *browserWatch) listen(ctx context.Context) {
	chromedp.ListenTarget(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			w.requests = append(w.requests, e.Request.URL)
		case *debugger.EventScriptParsed:
			if e.URL != "" && !strings.HasSuffix(e.URL, "/static/app.js") { // chromedp's own evaluations have no URL; app.js is ours
				w.scripts = append(w.scripts, e.URL)
			}
		case *page.EventJavascriptDialogOpening:
			w.dialogs = append(w.dialogs, e.Message)
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
		}
	})
}

// offsite returns the requests that went anywhere but the test's server.
func (w *browserWatch) offsite() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, r := range w.requests {
		u, err := url.Parse(r)
		if err != nil || u.Hostname() != "127.0.0.1" && !strings.HasPrefix(r, "data:") {
			out = append(out, r)
		}
	}
	return out
}

func (w *browserWatch) reset() {
	w.mu.Lock()
	w.requests, w.scripts, w.dialogs = nil, nil, nil
	w.mu.Unlock()
}

func TestHostileMailRunsNoScriptAndLoadsNothingRemote(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	c := imapLogin(t, server, user)
	files, _ := filepath.Glob("../../testdata/hostile/*.eml")
	if len(files) < 20 {
		t.Fatalf("hostile corpus: %d files", len(files))
	}
	htmlFiles := map[string]bool{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) == 0 {
			continue // IMAP cannot hold an empty message
		}
		if strings.Contains(strings.ToLower(string(raw)), "text/html") {
			htmlFiles[filepath.Base(f)] = true
		}
		appendRaw(t, c, "INBOX", string(raw), time.Now())
	}
	app := startApp(t, server.Addr, mailaccess.SQLite)
	ctx := browser(t)
	w := &browserWatch{}
	w.listen(ctx)
	run1(t, ctx, network.Enable(), chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := debugger.Enable().Do(ctx)
		return err
	}), loginActions(app.URL, user, server.Password),
		chromedp.WaitVisible("table.messages", chromedp.ByQuery))

	var hrefs []string
	run1(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('td.subject a')).map(a => a.getAttribute('href'))`, &hrefs))
	if len(hrefs) < len(files)-1 {
		t.Fatalf("%d messages listed, %d appended", len(hrefs), len(files)-1)
	}
	framed := 0
	idPattern := regexp.MustCompile(`^/message/\d+$`)
	for _, href := range hrefs {
		if !idPattern.MatchString(href) {
			t.Fatalf("odd message link %q", href)
		}
		var frames int
		run1(t, ctx, chromedp.Navigate(app.URL+href),
			chromedp.WaitVisible("main.message", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll('iframe.mailhtml').length`, &frames))
		framed += frames
	}
	if framed < 10 {
		t.Fatalf("only %d messages were shown as HTML", framed)
	}
	if off := w.offsite(); len(off) > 0 {
		t.Fatalf("requests left for remote hosts: %q", off)
	}
	if len(w.scripts) > 0 || len(w.dialogs) > 0 {
		t.Fatalf("scripts ran: compiled %q, dialogs %q", w.scripts, w.dialogs)
	}

	// Only when the user asks are remote images loaded.
	var pixels string
	for _, href := range hrefs {
		var subject string
		run1(t, ctx, chromedp.Navigate(app.URL+href), chromedp.Text("main h1", &subject, chromedp.ByQuery))
		if strings.Contains(strings.ToLower(subject), "track") || strings.Contains(strings.ToLower(subject), "pixel") {
			pixels = href
			break
		}
	}
	if pixels == "" {
		t.Fatal("the tracking-pixel message is not in the list")
	}
	w.reset()
	run1(t, ctx, chromedp.Navigate(app.URL+pixels), chromedp.WaitVisible("a.show-images", chromedp.ByQuery))
	if off := w.offsite(); len(off) > 0 {
		t.Fatalf("requests left before the user asked: %q", off)
	}
	run1(t, ctx, chromedp.Click("a.show-images", chromedp.ByQuery), chromedp.WaitVisible("iframe.mailhtml", chromedp.ByQuery))
	deadline := time.Now().Add(10 * time.Second)
	for len(w.offsite()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(w.offsite()) == 0 {
		t.Fatal("'show images' loaded no remote image: the blocking test above proves nothing")
	}
	if len(w.scripts) > 0 || len(w.dialogs) > 0 {
		t.Fatalf("scripts ran with images shown: %q %q", w.scripts, w.dialogs)
	}
	t.Logf("%d messages opened, %d as sanitized HTML; after 'show images': %d remote requests (%s…)", len(hrefs), framed, len(w.offsite()), w.offsite()[0])

	// Control: the watch does see a script that runs.
	w.reset()
	run1(t, ctx, chromedp.Navigate(`data:text/html,<title>control</title><script>alert("control")</script>`))
	deadline = time.Now().Add(10 * time.Second)
	for func() bool { w.mu.Lock(); defer w.mu.Unlock(); return len(w.dialogs) == 0 }() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	w.mu.Lock()
	seen := len(w.dialogs) > 0 && len(w.scripts) > 0
	w.mu.Unlock()
	if !seen {
		t.Fatal("the browser watch did not see a script that ran: its silence above proves nothing")
	}
}
