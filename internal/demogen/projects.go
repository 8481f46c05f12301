package main

import (
	"fmt"
	"html"
	"strings"
	"time"
)

var forgeMUA = bulk("UTF-8", "quoted-printable", nameEnc{"UTF-8", true})

// forgeNote renders a code-forge notification in the shape GitHub-like forges
// use: actor as display name, repository as To, thread keyed by issue.
func (g *gen) forgeNote(folder string, actor *person, login string, d time.Time, kind string, num int, title, body, reason string, root bool, evt string) *mail {
	r := g.r
	from := &person{name: actor.name, addr: "notifications@forge.example", tz: locUTC, mua: forgeMUA}
	noun := map[string]string{"issue": "Issue", "pr": "PR", "release": "release"}[kind]
	path := map[string]string{"issue": "issues", "pr": "pull", "release": "releases"}[kind]
	subject := fmt.Sprintf("[lumen/mailaccess] %s (%s #%d)", title, noun, num)
	if kind == "release" {
		subject = "[lumen/mailaccess] " + title
	}
	rootID := fmt.Sprintf("<lumen/mailaccess/%s/%d@forge.example>", path, num)
	e := &email{from: from, date: d, subject: subject, incoming: true, delivery: g.delivery(r), bulkHost: "out-3.smtp.forge.example"}
	if root {
		e.id = rootID
	} else {
		e.subject = "Re: " + subject
		e.id = g.uniqueIDf("<lumen/mailaccess/%s/%d/%s@forge.example>", path, num, evt)
		e.inReply = rootID
		e.refs = []string{rootID}
	}
	url := fmt.Sprintf("https://forge.example/lumen/mailaccess/%s/%d", path, num)
	if !root {
		url += "#" + evt
	}
	e.toRaw = []string{`"lumen/mailaccess" <mailaccess@noreply.forge.example>`}
	e.ccRaw = []string{formatAddr(owner.name, owner.addr, nameEnc{"UTF-8", true}), fmt.Sprintf(`%s <%s@noreply.forge.example>`, strings.ToUpper(reason[:1])+strings.ReplaceAll(reason[1:], "_", " "), reason)}
	token := r.upperHex(40)
	e.replyTo = `"lumen/mailaccess" <reply+` + token + `@reply.forge.example>`
	why := map[string]string{
		"subscribed": "are subscribed to this thread.", "mention": "were mentioned.", "review_requested": "were asked to review.", "author": "authored the thread.",
	}[reason]
	e.text = body + "\n\n-- \nReply to this email directly or view it on Forge:\n" + url + "\nYou are receiving this because you " + why + "\n"
	var hb strings.Builder
	for _, para := range strings.Split(body, "\n\n") {
		if strings.HasPrefix(para, "    ") {
			hb.WriteString("<pre><code>" + html.EscapeString(strings.ReplaceAll(para, "\n    ", "\n")[4:]) + "</code></pre>\n")
			continue
		}
		hb.WriteString("<p dir=\"auto\">" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br>\n") + "</p>\n")
	}
	e.html = fmt.Sprintf(`<p></p>
<p dir="auto"><strong>%s</strong> (<a href="https://forge.example/%s">@%s</a>) %s</p>
%s
<p style="font-size:small;-webkit-text-size-adjust:none;color:#666;">&mdash;<br />Reply to this email directly, <a href="%s">view it on Forge</a>, or <a href="https://forge.example/notifications/unsubscribe-auth/%s">unsubscribe</a>.<br />You are receiving this because you %s<img src="https://forge.example/notifications/beacon/%s.gif" height="1" width="1" alt="" /></p>
`, html.EscapeString(actor.name), login, login, map[bool]string{true: map[bool]string{true: "published a release", false: "opened this " + strings.ToLower(noun)}[kind == "release"], false: "commented"}[root],
		hb.String(), url, token[:24], html.EscapeString(why), token[:30])
	e.extra.add("List-ID", "lumen/mailaccess <mailaccess.lumen.forge.example>")
	e.extra.add("List-Archive", "https://forge.example/lumen/mailaccess")
	e.extra.add("List-Unsubscribe", "<mailto:unsub+"+token[:20]+"@reply.forge.example>, <https://forge.example/notifications/unsubscribe/one-click/"+token[:32]+">")
	e.extra.add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	e.extra.add("X-Forge-Reason", reason)
	e.extra.add("X-Forge-Sender", login)
	e.extra.add("X-Forge-Recipient", "amorgan")
	return g.add(folder, e)
}

func (g *gen) forgeIssueThread() {
	d := at(locUTC, 2026, 6, 22, 8, 41)
	g.forgeNote(fProjects, rahel, "rahel", d, "issue", 142, "Cache not invalidated after EXPUNGE from another client",
		`Steps to reproduce:

1. Open the same account in mailaccess and in Thunderbird.
2. Delete a message in Thunderbird and empty the trash (EXPUNGE).
3. Go back to mailaccess and open the folder.

Expected: the message is gone.
Actual: the message is still listed until the next full resync (up to 15 minutes). Opening it gives "Message no longer exists".

Server: Dovecot 2.3.21, mailaccess 0.8.4.`, "subscribed", true, "")
	g.forgeNote(fProjects, jurgen, "jmueller", d.Add(dur(0, 2, 10)), "issue", 142, "Cache not invalidated after EXPUNGE from another client",
		`Confirmed. We only process EXPUNGE responses for the selected mailbox; for the other folders we rely on the periodic STATUS check, which only compares MESSAGES and UIDNEXT. A delete + new mail in between keeps MESSAGES equal and we miss it.

@amorgan this is close to your UIDVALIDITY work, do you want to take it?`, "mention", false, "issuecomment-2231")
	g.forgeNote(fProjects, kenji, "kwatanabe", d.Add(dur(0, 9, 3)), "issue", 142, "Cache not invalidated after EXPUNGE from another client",
		`Same with MOVE from another client. With CONDSTORE we could compare HIGHESTMODSEQ in STATUS instead, which catches both.`, "subscribed", false, "issuecomment-2236")
	g.forgeNote(fProjects, noah, "nberger", d.Add(dur(1, 3, 0)), "issue", 142, "Cache not invalidated after EXPUNGE from another client",
		`Linked a pull request that will close this issue: #219 imapsync: detect expunges in non-selected mailboxes via HIGHESTMODSEQ.`, "subscribed", false, "event-9981")
	g.forgeNote(fProjects, jurgen, "jmueller", d.Add(dur(4, 6, 12)), "issue", 142, "Cache not invalidated after EXPUNGE from another client",
		`Closed #142 as completed via #219.`, "subscribed", false, "event-10112")
}

func (g *gen) projects() {
	r := g.r.fork("projects")
	// A pull request opened by the owner: the forge does not notify authors of
	// their own actions, so the thread root is missing from the mailbox.
	pd := at(locUTC, 2026, 6, 23, 13, 5)
	g.forgeNote(fProjects, kenji, "kwatanabe", pd.Add(dur(0, 20, 30)), "pr", 219, "imapsync: detect expunges in non-selected mailboxes via HIGHESTMODSEQ",
		`Looks good. One question: "every 10th round" is about 25 minutes with the default interval. Should that be configurable for servers without CONDSTORE?`, "subscribed", false, "pullrequestreview-7781")
	g.forgeNote(fProjects, jurgen, "jmueller", pd.Add(dur(3, 16, 50)), "pr", 219, "imapsync: detect expunges in non-selected mailboxes via HIGHESTMODSEQ",
		`Merged #219 into main.`, "subscribed", false, "event-10111")
	// Issue from QA with a comment.
	id := at(locUTC, 2026, 9, 29, 9, 0)
	g.forgeNote(fProjects, tomas, "tortega", id, "issue", 231, "Safari 17: attachment preview overlaps the reply button on narrow screens",
		`Below 420 px width, the attachment preview card is positioned over the reply button. Screenshot in the QA matrix for 0.9.0-rc2.

Browser: Safari 17.6 (iOS and macOS).`, "subscribed", true, "")
	g.forgeNote(fProjects, priya, "pnatarajan", id.Add(dur(0, 5, 0)), "issue", 231, "Safari 17: attachment preview overlaps the reply button on narrow screens",
		`It's the position: sticky on the action bar combined with the new container query. I'll take it.`, "subscribed", false, "issuecomment-2410")
	// Unicode folder names with modified UTF-7.
	ud := at(locUTC, 2026, 10, 7, 19, 30)
	g.forgeNote(fProjects, pavel, "pnovak", ud, "issue", 240, "Folder names with non-ASCII characters broken on Courier (modified UTF-7)",
		`Creating a folder named "Účty 2026" on Courier IMAP results in a folder displayed as "&AMo-&AQ0-ty 2026" after a reload.

It seems we send the name as UTF-8 although the server did not ENABLE UTF8=ACCEPT. RFC 3501 requires modified UTF-7 in that case.`, "subscribed", true, "")
	g.forgeNote(fProjects, rahel, "rahel", ud.Add(dur(0, 14, 0)), "issue", 240, "Folder names with non-ASCII characters broken on Courier (modified UTF-7)",
		`Reproduced. The double-encoded name suggests we encode twice: once in our code and once in go-imap. Adding the "good first issue" label, the fix should be small.`, "subscribed", false, "issuecomment-2502")
	g.forgeNote(fProjects, noah, "nberger", at(locUTC, 2026, 9, 30, 10, 2), "release", 90, "Release v0.9.0 - mailaccess 0.9.0",
		`v0.9.0 has been published.

Assets: mailaccess_0.9.0_linux_amd64.tar.gz, mailaccess_0.9.0_linux_arm64.tar.gz, checksums.txt
Container image: forge.example/lumen/mailaccess:0.9.0`, "subscribed", true, "")
	bot := &person{name: "forge-bot", tz: locUTC}
	g.forgeNote(fProjects, bot, "forge-bot", at(locUTC, 2026, 11, 16, 4, 12), "pr", 251, "build(deps): bump golang.org/x/net from 0.33.0 to 0.38.0",
		`Bumps golang.org/x/net from 0.33.0 to 0.38.0.

Release notes: https://pkg.go.example/golang.org/x/net@v0.38.0

Compatibility score: 97 %. This PR will be rebased automatically unless you comment.`, "review_requested", true, "")

	// CI notifications: plain us-ascii.
	ci := &person{name: "Lumen CI", addr: "ci@ci.lumen.example", tz: locUTC, mua: bulk("us-ascii", "7bit", nameEnc{"utf-8", true})}
	type run struct {
		d       time.Time
		status  string
		branch  string
		author  *person
		message string
		job     string
	}
	runs := []run{
		{at(locUTC, 2026, 1, 22, 10, 4), "failed", "main", jurgen, "store: batch flag updates", "test:postgres"},
		{at(locUTC, 2026, 1, 22, 11, 30), "fixed", "main", jurgen, "store: fix batch size off-by-one", ""},
		{at(locUTC, 2026, 3, 4, 16, 12), "failed", "main", owner, "imapsync: require UIDPLUS", "lint"},
		{at(locUTC, 2026, 4, 29, 8, 51), "failed", "release-0.8", noah, "ci: update arm64 runners", "test:arm64"},
		{at(locUTC, 2026, 8, 17, 23, 59), "failed", "main", tomas, "web: thread view keyboard navigation", "test:arm64"},
		{at(locUTC, 2026, 8, 19, 14, 20), "fixed", "main", owner, "imapsync: keep updates received between SELECT and IDLE", ""},
		{at(locUTC, 2026, 9, 27, 12, 3), "failed", "main", priya, "web: new icon set", "test:e2e-safari"},
		{at(locUTC, 2026, 10, 21, 9, 45), "failed", "main", oskar, "store: add modseq column", "migrations:postgres"},
		{at(locUTC, 2026, 10, 21, 15, 2), "fixed", "main", oskar, "store: backfill modseq before NOT NULL", ""},
		{at(locUTC, 2026, 11, 19, 22, 31), "failed", "main", jurgen, "store: split message bodies into their own table", "test:sqlite"},
	}
	for i, x := range runs {
		pipe := 8800 + i*37
		sha := r.hex(40)
		subj := fmt.Sprintf("%s pipeline for %s | lumen/mailaccess | %s", map[string]string{"failed": "Failed", "fixed": "Fixed"}[x.status], x.branch, sha[:8])
		var body string
		if x.status == "fixed" {
			body = fmt.Sprintf("Pipeline #%d has been fixed!\n\nProject:  lumen/mailaccess\nBranch:   %s\nCommit:   %s\n  %s\nAuthor:   %s\n\nAll 14 jobs passed in %dm%02ds.\n\nhttps://ci.lumen.example/lumen/mailaccess/-/pipelines/%d\n", pipe, x.branch, sha[:12], x.message, asciiFold(x.author.name), r.between(6, 14), r.intn(60), pipe)
		} else {
			body = fmt.Sprintf("Your pipeline has failed.\n\nProject:  lumen/mailaccess\nBranch:   %s\nCommit:   %s\n  %s\nAuthor:   %s\n\nFailed job:\n  stage: test  name: %s  (job #%d)\n\n  Last lines of the log:\n  --- FAIL: Test%s (%.2fs)\n  FAIL\n  ERROR: Job failed: exit code 1\n\nhttps://ci.lumen.example/lumen/mailaccess/-/pipelines/%d\n", x.branch, sha[:12], x.message, asciiFold(x.author.name), x.job, 48000+i*113, []string{"BatchFlags", "Lint", "Arm64Smoke", "ThreadKeys", "IdleReconnect", "IconSnapshot", "MigrateV8", "SplitBodies"}[i%8], float64(r.between(100, 3000))/100, pipe)
		}
		e := &email{from: ci, to: []*person{owner}, subject: subj, date: x.d, text: body, incoming: true, delivery: g.delivery(r)}
		e.extra.add("X-CI-Project", "lumen/mailaccess")
		e.extra.add("X-CI-Pipeline-Id", fmt.Sprint(pipe))
		e.extra.add("X-CI-Pipeline-Status", x.status)
		e.extra.add("Auto-Submitted", "auto-generated")
		m := g.add(fProjects, e)
		if i == len(runs)-1 {
			m.flagged = true
		}
	}

	// Design docs and results.
	g.note(fProjects, tomas, []*person{owner, jurgen, noah}, nil, "Test accounts for Stalwart and Cyrus", at(locParis, 2026, 2, 19, 10, 30), `Hola,

I've set up two more test servers for the interop suite:

- Stalwart 0.10: imap-stalwart.test.lumen.example:993, users qa1..qa5
- Cyrus 3.8: imap-cyrus.test.lumen.example:993, users qa1..qa5

Passwords are in the team vault under "QA IMAP". Both servers advertise CONDSTORE and QRESYNC; Cyrus also has the NOTIFY extension disabled on purpose.

Tomás`)
	g.note(fProjects, camille, []*person{owner, jurgen, priya, tomas, noah}, nil, "Retro notes – sprint 42", at(locParis, 2026, 4, 10, 17, 0), `Hello team,

Notes from today's retro:

Went well
- 0.8.1 shipped on time, no hotfix needed
- pairing sessions between Tomás and Priya on the thread view

To improve
- too many meetings on Tuesdays: moving the design review to Thursday
- flaky e2e tests on Safari: Tomás will quarantine them until fixed

Actions
- Noah: dashboard for IMAP error rates per server type
- Alex: write down the cache invalidation rules in docs/
- Camille: ask Sophie about the Sevilla budget

Camille`)
	icons := [][2]string{}
	for _, n := range []string{"inbox", "sent", "drafts", "archive", "junk", "trash", "flag", "reply", "forward", "attachment"} {
		icons = append(icons, [2]string{"icons-v2/" + n + ".svg", fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.5"><title>%s</title><rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 %d h18"/></svg>`+"\n", n, 8+len(n)%8)})
	}
	g.note(fProjects, priya, []*person{owner, camille, tomas}, nil, "Icon set v2 (SVG)", at(locParis, 2026, 4, 14, 11, 10), `Hi,

Attached is the second version of the icon set: 10 icons, 24 px grid, 1.5 px stroke, all using currentColor so they follow dark mode.

Feedback by Thursday please; I'll hand them over to development afterwards.

Priya`, att{name: "icons-v2.zip", ctype: "application/zip", data: makeZip(at(locParis, 2026, 4, 14, 10, 0), icons...)})
	bench := "messages,full_sync_s,condstore_sync_s,qresync_sync_s\n10000,12.4,1.9,0.8\n25000,31.0,2.2,0.9\n50000,63.8,2.6,1.0\n100000,131.2,3.4,1.1\n"
	g.note(fProjects, noah, []*person{owner, jurgen}, []*person{camille}, "Benchmark: full sync of a 100k-message mailbox", at(locParis, 2026, 5, 6, 15, 25), `Hi,

Numbers from the staging benchmark (Dovecot 2.3, 100k messages, 1 Gbit/s, cold cache on our side):

- full sync: 131 s
- resync with CONDSTORE (flags changed on 1 %): 3.4 s
- resync with QRESYNC: 1.1 s

CSV and a chart are attached. QRESYNC is worth it.

Noah`, att{name: "sync-benchmark.csv", ctype: "text/csv", data: []byte(bench)},
		att{name: "sync-benchmark.png", ctype: "image/png", data: makeChartPNG(r.fork("chart"), 360, 220, []float64{0.09, 0.24, 0.49, 1.0, 0.03, 0.04})})
	g.note(fProjects, jurgen, []*person{owner, noah, oskar}, []*person{camille}, "Design doc: QRESYNC support (draft v1)", at(locParis, 2026, 11, 3, 18, 20), `Hi,

First draft of the QRESYNC design doc attached. The interesting parts are section 4 (what we store per mailbox: UIDVALIDITY, HIGHESTMODSEQ, and the known-UIDs set) and section 6 (fallbacks when the server forgets modseqs after a restart, which Dovecot does with some storage backends).

Comments in the doc, please, not by mail, so we keep the discussion in one place.

Jürgen`, att{name: "design-qresync-v1.pdf", ctype: "application/pdf", data: makePDF("Design: QRESYNC support (draft v1)", at(locParis, 2026, 11, 3, 18, 0), []string{
		"1. Goals and non-goals", "2. Background: CONDSTORE (RFC 7162 section 3), QRESYNC (section 3.2)", "3. Current sync algorithm",
		"4. Per-mailbox state: UIDVALIDITY, HIGHESTMODSEQ, known UIDs (compressed sequence set)", "5. SELECT (QRESYNC ...) and VANISHED handling",
		"6. Fallbacks: NOMODSEQ mailboxes, modseq reset after server restart", "7. Migration of existing caches", "8. Testing: imapmemserver has no CONDSTORE; use Dovecot in CI",
		"9. Rollout behind a per-account flag", "10. Open questions"})})
}
