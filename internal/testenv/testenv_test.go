package testenv_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	_ "github.com/lib/pq"

	"github.com/mailaccess/mailaccess/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func openDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestPostgresDB(t *testing.T) {
	t.Parallel()
	url1, url2 := testenv.PostgresDB(t), testenv.PostgresDB(t)
	if url1 == url2 {
		t.Fatalf("two PostgresDB calls returned the same URL %s", url1)
	}
	db1, db2 := openDB(t, url1), openDB(t, url2)
	var name1, name2 string
	if err := db1.QueryRow("SELECT current_database()").Scan(&name1); err != nil {
		t.Fatal(err)
	}
	if err := db2.QueryRow("SELECT current_database()").Scan(&name2); err != nil {
		t.Fatal(err)
	}
	if name1 == name2 || !strings.HasSuffix(url1, "/"+name1+"?sslmode=disable") {
		t.Errorf("databases %q (%s) and %q (%s)", name1, url1, name2, url2)
	}
	if _, err := db1.Exec("CREATE TABLE messages (id bigserial PRIMARY KEY, subject text NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db1.Exec("INSERT INTO messages (subject) VALUES ($1)", "Grüße"); err != nil {
		t.Fatal(err)
	}
	var lower string
	if err := db1.QueryRow("SELECT lower(subject) FROM messages").Scan(&lower); err != nil {
		t.Fatal(err)
	}
	if lower != "grüße" {
		t.Errorf("lower() = %q, want a UTF-8 aware result", lower)
	}
	var n int
	if err := db2.QueryRow("SELECT count(*) FROM pg_tables WHERE tablename = 'messages'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("table created in %s is visible in %s", name1, name2)
	}
}

func TestPostgresDBIsDropped(t *testing.T) {
	t.Parallel()
	var name string
	parent := t
	t.Run("uses", func(t *testing.T) {
		// The pool outlives the subtest: its idle connection must not
		// keep the database alive.
		db := openDB(parent, testenv.PostgresDB(t))
		if err := db.QueryRow("SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	admin := openDB(t, testenv.PostgresDB(t))
	var n int
	if err := admin.QueryRow("SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

func dial(t *testing.T, srv *testenv.DovecotServer) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(srv.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func login(t *testing.T, srv *testenv.DovecotServer, user string) *imapclient.Client {
	t.Helper()
	c := dial(t, srv)
	if err := c.Login(user, srv.Password).Wait(); err != nil {
		t.Fatalf("LOGIN %s: %v", user, err)
	}
	return c
}

func TestIMAPLogin(t *testing.T) {
	t.Parallel()
	for _, srv := range []*testenv.DovecotServer{testenv.IMAP(t), testenv.IMAPNoCondstore(t)} {
		user := srv.NewUser(t)
		c := login(t, srv, user)
		if err := c.Logout().Wait(); err != nil {
			t.Errorf("LOGOUT: %v", err)
		}

		// Wrong passwords are refused, and do not lock the right one out.
		// (The passdb says "nodelay" so that failures are answered at once
		// rather than after Dovecot's 0.5 s penalty; that speed is not
		// asserted here: timing is for benchmarks, not tests.)
		for i := 0; i < 3; i++ {
			err := dial(t, srv).Login(user, srv.Password+"x").Wait()
			var imapErr *imap.Error
			if !errors.As(err, &imapErr) || imapErr.Type != imap.StatusResponseTypeNo {
				t.Errorf("LOGIN with a wrong password: %v, want NO", err)
			}
		}
		login(t, srv, user)
	}
}

func TestIMAPCapabilities(t *testing.T) {
	t.Parallel()
	common := []imap.Cap{imap.CapIMAP4rev1, imap.CapIdle, imap.CapUIDPlus, imap.CapMove, imap.CapSpecialUse, imap.CapLiteralPlus, imap.CapEnable}
	for _, tc := range []struct {
		name      string
		srv       *testenv.DovecotServer
		condstore bool
	}{
		{"IMAP", testenv.IMAP(t), true},
		{"IMAPNoCondstore", testenv.IMAPNoCondstore(t), false},
	} {
		c := login(t, tc.srv, tc.srv.NewUser(t))
		caps, err := c.Capability().Wait()
		if err != nil {
			t.Fatalf("%s: CAPABILITY: %v", tc.name, err)
		}
		for _, cp := range []imap.Cap{imap.CapCondStore, imap.CapQResync} {
			if caps.Has(cp) != tc.condstore {
				t.Errorf("%s: has %s = %v, want %v", tc.name, cp, caps.Has(cp), tc.condstore)
			}
		}
		for _, cp := range common {
			if !caps.Has(cp) {
				t.Errorf("%s: %s missing", tc.name, cp)
			}
		}
	}
}

func TestIMAPSpecialUse(t *testing.T) {
	t.Parallel()
	srv := testenv.IMAP(t)
	c := login(t, srv, srv.NewUser(t))
	list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	got := map[string]string{}
	for _, mb := range list {
		if mb.Delim != '/' {
			t.Errorf("%s: delimiter %q, want /", mb.Mailbox, mb.Delim)
		}
		got[mb.Mailbox] = fmt.Sprint(mb.Attrs)
	}
	want := map[string]imap.MailboxAttr{
		"Drafts": imap.MailboxAttrDrafts,
		"Sent":   imap.MailboxAttrSent,
		"Trash":  imap.MailboxAttrTrash,
		"Junk":   imap.MailboxAttrJunk,
	}
	if _, ok := got["INBOX"]; !ok {
		t.Errorf("no INBOX in %v", got)
	}
	for name, attr := range want {
		if !strings.Contains(got[name], string(attr)) {
			t.Errorf("%s has attributes %q, want %s", name, got[name], attr)
		}
	}
	if err := c.Create("a.b/c", nil).Wait(); err != nil {
		t.Errorf("CREATE a.b/c (dots must be allowed in names): %v", err)
	}
}

func appendMessage(t *testing.T, c *imapclient.Client, mailbox, subject string) {
	t.Helper()
	msg := "From: a@example.org\r\nTo: b@example.org\r\nSubject: " + subject + "\r\n\r\nHello\r\n"
	cmd := c.Append(mailbox, int64(len(msg)), nil)
	if _, err := cmd.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("APPEND: %v", err)
	}
}

func numMessages(t *testing.T, c *imapclient.Client, mailbox string) uint32 {
	t.Helper()
	data, err := c.Select(mailbox, nil).Wait()
	if err != nil {
		t.Fatalf("SELECT %s: %v", mailbox, err)
	}
	return data.NumMessages
}

func TestIMAPUsersAreIsolated(t *testing.T) {
	t.Parallel()
	srv := testenv.IMAP(t)
	alice, bob := srv.NewUser(t), srv.NewUser(t)
	if alice == bob || alice != strings.ToLower(alice) {
		t.Fatalf("NewUser returned %q and %q", alice, bob)
	}
	a := login(t, srv, alice)
	appendMessage(t, a, "INBOX", "for alice")
	if n := numMessages(t, a, "INBOX"); n != 1 {
		t.Errorf("alice's INBOX has %d messages, want 1", n)
	}
	b := login(t, srv, bob)
	if n := numMessages(t, b, "INBOX"); n != 0 {
		t.Errorf("bob's INBOX has %d messages, want 0", n)
	}
	files, err := filepath.Glob(filepath.Join(srv.MaildirOf(alice), "*", "*,S=*"))
	if err != nil || len(files) != 1 {
		t.Errorf("message files in alice's Maildir: %v, %v; want 1", files, err)
	}
}

// TestIMAPSeedMaildir writes a message straight into the Maildir of a user
// who never logged in, as a benchmark seeding mail in bulk would.
func TestIMAPSeedMaildir(t *testing.T) {
	t.Parallel()
	srv := testenv.IMAP(t)
	user := srv.NewUser(t)
	maildir := srv.MaildirOf(user)
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(maildir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	msg := "From: a@example.org\r\nSubject: seeded\r\n\r\nHello\r\n"
	if err := os.WriteFile(filepath.Join(maildir, "cur", "1700000000.seed1.host:2,S"), []byte(msg), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := srv.ChownMail(filepath.Dir(maildir)); err != nil {
		t.Fatal(err)
	}
	c := login(t, srv, user)
	if n := numMessages(t, c, "INBOX"); n != 1 {
		t.Fatalf("INBOX has %d messages, want the seeded one", n)
	}
	// Flag changes rename the file: Dovecot must own the directory.
	if err := c.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}}, nil).Close(); err != nil {
		t.Errorf("STORE +FLAGS \\Flagged: %v", err)
	}
	appendMessage(t, c, "Sent", "sent after seeding")
}

func TestChromium(t *testing.T) {
	t.Parallel()
	p := testenv.Chromium(t)
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("Chromium() = %s: not executable (%v)", p, err)
	}
}
