package demo

import (
	"bufio"
	"bytes"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/mail"
)

const (
	seedDir  = "../../testdata/demo"
	testUser = "demo@lumen.example"
	testPass = "correct horse battery staple"
)

var demoFolders = []string{"INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive/2025", "Projects/mailaccess"}

// testLogger sends server logs to the test log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func startDemo(t *testing.T) *Server {
	t.Helper()
	s, err := Start(t.Context(), seedDir, "127.0.0.1:0", testUser, testPass, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func dial(t *testing.T, s *Server) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func login(t *testing.T, s *Server) *imapclient.Client {
	t.Helper()
	c := dial(t, s)
	if err := c.Login(s.User, s.Password).Wait(); err != nil {
		t.Fatalf("LOGIN: %v", err)
	}
	return c
}

// manifestLine is a manifest entry as the test reads it, independently of
// the package's own parser.
type manifestLine struct {
	folder, file string
	flags        []string
	date         time.Time
}

func readTestManifest(t *testing.T) []manifestLine {
	t.Helper()
	f, err := os.Open(filepath.Join(seedDir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []manifestLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		if len(p) != 4 {
			t.Fatalf("manifest line %q", sc.Text())
		}
		d, err := time.Parse(time.RFC3339, p[3])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, manifestLine{p[0], p[1], strings.Fields(p[2]), d})
	}
	return out
}

func inFolder(ms []manifestLine, folder string) []manifestLine {
	var out []manifestLine
	for _, m := range ms {
		if m.folder == folder {
			out = append(out, m)
		}
	}
	return out
}

func hasFlag(flags []imap.Flag, want string) bool {
	for _, f := range flags {
		if strings.EqualFold(string(f), want) {
			return true
		}
	}
	return false
}

func TestList(t *testing.T) {
	s := startDemo(t)
	c := login(t, s)
	if !slices.Equal(s.Folders, demoFolders) {
		t.Errorf("Server.Folders = %q, want %q", s.Folders, demoFolders)
	}

	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	got := map[string]*imap.ListData{}
	for _, d := range list {
		got[d.Mailbox] = d
		if d.Delim != '/' {
			t.Errorf("%s: delimiter %q", d.Mailbox, d.Delim)
		}
	}
	for _, f := range demoFolders {
		if got[f] == nil {
			t.Errorf("LIST lacks %q (got %d mailboxes)", f, len(list))
		}
	}
	wantUse := map[string]imap.MailboxAttr{
		"Sent": imap.MailboxAttrSent, "Drafts": imap.MailboxAttrDrafts, "Trash": imap.MailboxAttrTrash,
		"Junk": imap.MailboxAttrJunk, "Archive/2025": imap.MailboxAttrArchive,
	}
	for name, attr := range wantUse {
		if d := got[name]; d != nil && !slices.Contains(d.Attrs, attr) {
			t.Errorf("%s: attributes %v lack %s", name, d.Attrs, attr)
		}
	}
	for _, parent := range []string{"Archive", "Projects"} {
		d := got[parent]
		if d == nil || !slices.Contains(d.Attrs, imap.MailboxAttrNoSelect) || !slices.Contains(d.Attrs, imap.MailboxAttrHasChildren) {
			t.Errorf("placeholder %s: %+v, want \\Noselect \\HasChildren", parent, d)
		}
	}
	if d := got["INBOX"]; d != nil && !slices.Contains(d.Attrs, imap.MailboxAttrHasNoChildren) {
		t.Errorf("INBOX attributes %v", d.Attrs)
	}

	// RFC 6154 LIST (SPECIAL-USE) "" "*" selects only special-use mailboxes.
	special, err := c.List("", "*", &imap.ListOptions{SelectSpecialUse: true, ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatalf("LIST (SPECIAL-USE): %v", err)
	}
	var names []string
	for _, d := range special {
		names = append(names, d.Mailbox)
	}
	if want := []string{"Archive/2025", "Drafts", "Junk", "Sent", "Trash"}; !slices.Equal(names, want) {
		t.Errorf("LIST (SPECIAL-USE) = %q, want %q", names, want)
	}

	// LIST-STATUS
	withStatus, err := c.List("", "INBOX", &imap.ListOptions{ReturnStatus: &imap.StatusOptions{NumMessages: true}}).Collect()
	if err != nil || len(withStatus) != 1 || withStatus[0].Status == nil || withStatus[0].Status.NumMessages == nil {
		t.Fatalf("LIST RETURN (STATUS): %+v, %v", withStatus, err)
	}
}

func TestStatusMatchesManifest(t *testing.T) {
	s := startDemo(t)
	c := login(t, s)
	ms := readTestManifest(t)
	if s.Messages != len(ms) {
		t.Errorf("Server.Messages = %d, manifest has %d", s.Messages, len(ms))
	}
	for _, folder := range demoFolders {
		want := inFolder(ms, folder)
		unseen := 0
		for _, m := range want {
			if !slices.Contains(m.flags, `\Seen`) {
				unseen++
			}
		}
		st, err := c.Status(folder, &imap.StatusOptions{NumMessages: true, NumUnseen: true, UIDNext: true}).Wait()
		if err != nil {
			t.Fatalf("STATUS %s: %v", folder, err)
		}
		if *st.NumMessages != uint32(len(want)) {
			t.Errorf("STATUS %s MESSAGES = %d, manifest has %d", folder, *st.NumMessages, len(want))
		}
		if *st.NumUnseen != uint32(unseen) {
			t.Errorf("STATUS %s UNSEEN = %d, manifest has %d", folder, *st.NumUnseen, unseen)
		}
		if st.UIDNext != imap.UID(len(want)+1) {
			t.Errorf("STATUS %s UIDNEXT = %d", folder, st.UIDNext)
		}
	}
	if n := len(inFolder(ms, "INBOX")); n < 100 {
		t.Errorf("INBOX has only %d messages", n)
	}
}

// TestEnvelopeEncodedSubject checks that RFC 2047 subjects in several
// charsets arrive decoded: the server decodes them (with go-message's
// charsets) and re-encodes as UTF-8 for the wire.
func TestEnvelopeEncodedSubject(t *testing.T) {
	s := startDemo(t)
	c := login(t, s)
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	inbox := inFolder(readTestManifest(t), "INBOX")
	cases := []struct{ marker, subject, from string }{
		{"=?ISO-2022-JP?B?", "【ご相談】11月のオンライン打ち合わせ日程について", "山田 太郎"},
		{"=?shift_jis?B?", "お見積書送付のご案内（メールアーカイブ導入の件）", "佐藤 花子"},
		{"=?koi8-r?B?", "Счёт за сентябрь и акт выполненных работ", "Дмитрий Иванов"},
		{"=?Windows-1252?Q?", "Wartungsvertrag 2027 – Rückfragen zum Angebot", "Björn Schäfer"},
		{"=?iso-8859-1?Q?", "Propuesta de colaboración - integración de correo web para los clientes de Iberia Digital", "María José Fernández Núñez"},
		{"=?UTF-8?B?", "Team offsite in Sevilla 🎉 – 15 to 17 April", "Sophie Martin"},
	}
	for _, tc := range cases {
		t.Run(tc.marker, func(t *testing.T) {
			seq := 0
			for i, m := range inbox {
				raw, err := os.ReadFile(filepath.Join(seedDir, m.file))
				if err != nil {
					t.Fatal(err)
				}
				h, err := mail.CreateReader(bytes.NewReader(raw))
				if err != nil {
					continue
				}
				subj, _ := h.Header.Subject()
				if subj == tc.subject && bytes.Contains(bytes.ToLower(raw), bytes.ToLower([]byte("\r\nSubject: "+tc.marker))) {
					seq = i + 1
					break
				}
			}
			if seq == 0 {
				t.Fatalf("no INBOX message with an encoded subject %q", tc.subject)
			}
			msgs, err := c.Fetch(imap.SeqSetNum(uint32(seq)), &imap.FetchOptions{Envelope: true}).Collect()
			if err != nil || len(msgs) != 1 {
				t.Fatalf("FETCH %d ENVELOPE: %v", seq, err)
			}
			env := msgs[0].Envelope
			if env.Subject != tc.subject {
				t.Errorf("ENVELOPE subject = %q, want %q", env.Subject, tc.subject)
			}
			if len(env.From) != 1 || env.From[0].Name != tc.from {
				t.Errorf("ENVELOPE from = %+v, want name %q", env.From, tc.from)
			}
		})
	}
}

// TestFlagsAndDates compares FLAGS and INTERNALDATE of every INBOX message
// with the manifest, and the raw bytes of a few messages with their files.
func TestFlagsAndDates(t *testing.T) {
	s := startDemo(t)
	c := login(t, s)
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	inbox := inFolder(readTestManifest(t), "INBOX")
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	msgs, err := c.Fetch(all, &imap.FetchOptions{Flags: true, InternalDate: true, UID: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != len(inbox) {
		t.Fatalf("FETCH 1:* returned %d messages, manifest has %d", len(msgs), len(inbox))
	}
	seenChecked := false
	for i, m := range msgs {
		want := inbox[i]
		for _, f := range []string{`\Seen`, `\Answered`, `\Flagged`, `\Draft`} {
			if hasFlag(m.Flags, f) != slices.Contains(want.flags, f) {
				t.Errorf("%s: FLAGS %v, manifest %v", want.file, m.Flags, want.flags)
			}
		}
		if slices.Contains(want.flags, `\Seen`) && hasFlag(m.Flags, `\Seen`) {
			seenChecked = true
		}
		if !m.InternalDate.Equal(want.date) {
			t.Errorf("%s: INTERNALDATE %v, want %v", want.file, m.InternalDate, want.date)
		}
		if m.UID != imap.UID(i+1) {
			t.Errorf("%s: UID %d, want %d", want.file, m.UID, i+1)
		}
	}
	if !seenChecked {
		t.Error("no \\Seen message in INBOX")
	}

	section := &imap.FetchItemBodySection{Peek: true}
	for _, seq := range []uint32{1, uint32(len(inbox) / 2), uint32(len(inbox))} {
		got, err := c.Fetch(imap.SeqSetNum(seq), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}}).Collect()
		if err != nil || len(got) != 1 {
			t.Fatalf("FETCH %d BODY.PEEK[]: %v", seq, err)
		}
		want, err := os.ReadFile(filepath.Join(seedDir, inbox[seq-1].file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[0].FindBodySection(section), want) {
			t.Errorf("BODY[] of %s differs from the file", inbox[seq-1].file)
		}
	}
}

func TestWrongPasswordRejected(t *testing.T) {
	s := startDemo(t)
	c := dial(t, s)
	for _, cred := range [][2]string{{s.User, "wrong"}, {s.User, ""}, {"nobody@lumen.example", s.Password}} {
		if err := c.Login(cred[0], cred[1]).Wait(); err == nil {
			t.Fatalf("LOGIN %q %q succeeded", cred[0], cred[1])
		} else {
			var ierr *imap.Error
			if !errors.As(err, &ierr) || ierr.Type != imap.StatusResponseTypeNo {
				t.Errorf("LOGIN %q: %v, want a NO response", cred[0], err)
			}
		}
	}
	if _, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait(); err == nil {
		t.Error("STATUS succeeded without authentication")
	}
	if err := c.Login(s.User, s.Password).Wait(); err != nil {
		t.Fatalf("LOGIN with the right password after failures: %v", err)
	}
}

func TestCreateRenameDeleteKeepSpecialUse(t *testing.T) {
	s := startDemo(t)
	c := login(t, s)
	if err := c.Create("Starred", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrFlagged}}).Wait(); err != nil {
		t.Fatalf("CREATE USE (\\Flagged): %v", err)
	}
	if err := c.Create("Bogus", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{"\\Bogus"}}).Wait(); err == nil {
		t.Error("CREATE USE (\\Bogus) succeeded")
	}
	if err := c.Rename("Starred", "Projects/Starred", nil).Wait(); err != nil {
		t.Fatalf("RENAME: %v", err)
	}
	list, err := c.List("", "Projects/*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range list {
		if d.Mailbox == "Projects/Starred" {
			found = slices.Contains(d.Attrs, imap.MailboxAttrFlagged)
		}
		if d.Mailbox == "Starred" || d.Mailbox == "Bogus" {
			t.Errorf("unexpected mailbox %q", d.Mailbox)
		}
	}
	if !found {
		t.Errorf("Projects/Starred with \\Flagged not listed: %+v", list)
	}
	if err := c.Delete("Projects/Starred").Wait(); err != nil {
		t.Fatalf("DELETE: %v", err)
	}
	list, err = c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if d.Mailbox == "Projects/Starred" {
			t.Error("deleted mailbox still listed")
		}
	}
	// Other sessions see the same server state.
	c2 := login(t, s)
	if _, err := c2.Status("Projects/Starred", &imap.StatusOptions{NumMessages: true}).Wait(); err == nil {
		t.Error("STATUS of a deleted mailbox succeeded")
	}
}

func TestCloseStopsServer(t *testing.T) {
	s, err := Start(t.Context(), seedDir, "127.0.0.1:0", testUser, testPass, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(s.User, s.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait(); err == nil {
		t.Error("command on an open connection succeeded after Close")
	}
	if conn, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
		conn.Close()
		t.Error("server still accepts connections after Close")
	}
}

func TestCloseRightAfterStart(t *testing.T) {
	for i := 0; i < 5; i++ {
		s, err := Start(t.Context(), seedDir, "127.0.0.1:0", testUser, testPass, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if conn, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
			conn.Close()
			t.Fatal("listener left open")
		}
	}
}

func TestBadSeed(t *testing.T) {
	writeSeed := func(t *testing.T, manifest string, files map[string]string) string {
		dir := t.TempDir()
		if manifest != "" {
			if err := os.WriteFile(filepath.Join(dir, ManifestName), []byte(manifest), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for name, body := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	msg := "From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n"
	ok := "INBOX\tINBOX/1.eml\t\\Seen\t2026-11-01T10:00:00Z\n"
	cases := []struct {
		name     string
		manifest string
		files    map[string]string
		want     []string // substrings of the error
	}{
		{"missing manifest", "", nil, []string{ManifestName, "no such file"}},
		{"missing message", ok + "Sent\tSent/9.eml\t\t2026-11-01T10:00:00Z\n", map[string]string{"INBOX/1.eml": msg}, []string{ManifestName + ":2", "Sent/9.eml"}},
		{"unreadable message", ok, map[string]string{"INBOX/1.eml/x": msg}, []string{ManifestName + ":1", "1.eml"}},
		{"too few fields", "INBOX\tINBOX/1.eml\t\\Seen\n", nil, []string{ManifestName + ":1", "4 tab-separated fields"}},
		{"bad date", "INBOX\tINBOX/1.eml\t\t20 Nov 2026\n", nil, []string{ManifestName + ":1", "internal date"}},
		{"path traversal", "INBOX\t../secret.eml\t\t2026-11-01T10:00:00Z\n", nil, []string{ManifestName + ":1", "../secret.eml"}},
		{"absolute path", "INBOX\t/etc/passwd\t\t2026-11-01T10:00:00Z\n", nil, []string{ManifestName + ":1", "/etc/passwd"}},
		{"recent flag", "INBOX\tINBOX/1.eml\t\\Recent\t2026-11-01T10:00:00Z\n", nil, []string{ManifestName + ":1", `\Recent`}},
		{"empty folder level", "Archive//2025\tINBOX/1.eml\t\t2026-11-01T10:00:00Z\n", nil, []string{ManifestName + ":1", "Archive//2025"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeSeed(t, tc.manifest, tc.files)
			s, err := Start(t.Context(), dir, "127.0.0.1:0", testUser, testPass, nil)
			if err == nil {
				s.Close()
				t.Fatal("Start succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}

	t.Run("comments, CRLF and an empty seed are fine", func(t *testing.T) {
		dir := writeSeed(t, "# folder\tfile\tflags\tdate\r\n\r\n", nil)
		s, err := Start(t.Context(), dir, "127.0.0.1:0", testUser, testPass, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if !slices.Equal(s.Folders, []string{"INBOX"}) || s.Messages != 0 {
			t.Errorf("Folders %q, Messages %d", s.Folders, s.Messages)
		}
	})

	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := contextWithCancel(t)
		cancel()
		if s, err := Start(ctx, seedDir, "127.0.0.1:0", testUser, testPass, nil); err == nil {
			s.Close()
			t.Fatal("Start with a cancelled context succeeded")
		}
	})
}
