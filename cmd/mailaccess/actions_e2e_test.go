package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// serverView reads a folder as another client sees it: subject → flags.
func serverView(t *testing.T, server *testenv.DovecotServer, user, mailbox string) map[string][]string {
	t.Helper()
	c := imapLogin(t, server, user)
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	if sel.NumMessages == 0 {
		return out
	}
	msgs, err := c.Fetch(imap.SeqSet{imap.SeqRange{Start: 1, Stop: 0}}, &imap.FetchOptions{Envelope: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		var flags []string
		for _, f := range m.Flags {
			flags = append(flags, string(f))
		}
		out[m.Envelope.Subject] = flags
	}
	return out
}

func TestBrowserActionsReachTheServer(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	seedReports(t, server, user, 6)
	app := startApp(t, server.Addr, mailaccess.Postgres)
	ctx := browser(t)
	run1(t, ctx, loginActions(app.URL, user, server.Password), chromedp.WaitVisible("table.messages", chromedp.ByQuery))

	open := func(subject string) {
		t.Helper()
		run1(t, ctx, chromedp.Click(`//td[@class="subject"]/a[text()="`+subject+`"]`, chromedp.BySearch),
			chromedp.WaitVisible("main.message", chromedp.ByQuery))
	}
	// submit clicks a button that posts a form, then waits for what the next page shows.
	submit := func(xpath string, next chromedp.Action) {
		t.Helper()
		run1(t, ctx, chromedp.WaitVisible(xpath, chromedp.BySearch),
			chromedp.Evaluate(fmt.Sprintf(`setTimeout(() => document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.click(), 0)`, xpath), nil),
			next)
	}
	// Flag a message from its page.
	open("Status report 1")
	submit(`//button[text()="Flag"]`, chromedp.WaitVisible(`//button[text()="Unflag"]`, chromedp.BySearch))
	// Move one to Projects.
	run1(t, ctx, chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible("table.messages", chromedp.ByQuery))
	open("Status report 2")
	var to string
	run1(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('#move-to option')).find(o => o.textContent === 'Projects').value`, &to))
	run1(t, ctx, chromedp.SetValue("#move-to", to, chromedp.ByQuery))
	submit(`//form[contains(@action,"/move")]//button`, chromedp.WaitVisible("table.messages", chromedp.ByQuery))
	// Delete one (to Trash).
	open("Status report 3")
	submit(`//button[text()="Delete"]`, chromedp.WaitVisible("table.messages", chromedp.ByQuery))
	// Bulk: select two and mark them unread.
	run1(t, ctx, chromedp.Click(`//tr[td/a[text()="Status report 4"]]//input[@type="checkbox"]`, chromedp.BySearch),
		chromedp.Click(`//tr[td/a[text()="Status report 6"]]//input[@type="checkbox"]`, chromedp.BySearch))
	submit(`//button[@value="unread"]`, chromedp.WaitNotPresent("input[name=ids]:checked", chromedp.ByQuery))

	var subjects []string
	run1(t, ctx, texts("td.subject a", &subjects))
	if got := strings.Join(subjects, "|"); got != "Status report 6|Status report 5|Status report 4|Status report 1" {
		t.Fatalf("inbox after move and delete: %q", got)
	}
	inbox := serverView(t, server, user, "INBOX")
	if !slices.Contains(inbox["Status report 1"], `\Flagged`) {
		t.Errorf("flag not on the server: %v", inbox["Status report 1"])
	}
	if slices.Contains(inbox["Status report 4"], `\Seen`) || slices.Contains(inbox["Status report 6"], `\Seen`) {
		t.Errorf("bulk unread not on the server: %v / %v", inbox["Status report 4"], inbox["Status report 6"])
	}
	if _, ok := inbox["Status report 2"]; ok {
		t.Error("moved message still in INBOX on the server")
	}
	if _, ok := serverView(t, server, user, "Projects")["Status report 2"]; !ok {
		t.Error("moved message not in Projects on the server")
	}
	if _, ok := serverView(t, server, user, "Trash")["Status report 3"]; !ok {
		t.Error("deleted message not in Trash on the server")
	}
}
