package imapsync_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// fixture is one Dovecot user, a cache on one database and a syncer for it.
type fixture struct {
	t       *testing.T
	store   *mailaccess.Store
	url     string // the store's database
	syncer  *imapsync.Syncer
	server  *testenv.DovecotServer
	user    string
	account mailaccess.Account
}

func newFixture(t *testing.T, server *testenv.DovecotServer, dialect mailaccess.Dialect) *fixture {
	t.Helper()
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "cache.db")
	if dialect == mailaccess.Postgres {
		url = testenv.PostgresDB(t)
	}
	store, err := mailaccess.Open(ctx, url, mailaccess.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	user := server.NewUser(t)
	acc, err := store.UpsertAccount(ctx, user, []byte("unused"))
	if err != nil {
		t.Fatal(err)
	}
	creds := func(context.Context, int64) (string, string, error) { return user, server.Password, nil }
	syncer := imapsync.New(imapsync.Config{Address: server.Addr, TLS: "none", BatchSize: 7}, store, creds, nil)
	return &fixture{t: t, store: store, url: url, syncer: syncer, server: server, user: user, account: acc}
}

// client is "another client" changing the mailbox behind the cache's back.
func (f *fixture) client() *imapclient.Client {
	f.t.Helper()
	c, err := imapclient.DialInsecure(f.server.Addr, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { c.Close() })
	if err := c.Login(f.user, f.server.Password).Wait(); err != nil {
		f.t.Fatal(err)
	}
	return c
}

func appendMessage(t *testing.T, c *imapclient.Client, mailbox, raw string, flags ...imap.Flag) {
	t.Helper()
	raw = strings.ReplaceAll(raw, "\n", "\r\n")
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Flags: flags, Time: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)})
	if _, err := cmd.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append to %s: %v", mailbox, err)
	}
}

func simpleMessage(i int) string {
	return fmt.Sprintf(`From: =?utf-8?q?Ren=C3=A9e_Dupont?= <renee@example.fr>
To: Bob <bob@example.org>
Subject: =?iso-8859-1?q?R=E9union_num=E9ro?= %d
Date: Fri, 01 May 2026 10:%02d:00 +0200
Message-ID: <msg-%d@example.fr>
References: <root@example.fr> <msg-%d@example.fr>
In-Reply-To: <msg-%d@example.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Bonjour, voici l'ordre du jour de la r=E9union %d.
> quoted text is not in the preview
`, i, i%60, i, i-1, i-1, i)
}

func (f *fixture) cachedUIDs(name string) []mailaccess.UID {
	f.t.Helper()
	mb, err := f.store.MailboxByName(context.Background(), f.account.ID, name)
	if err != nil {
		f.t.Fatal(err)
	}
	uids, err := f.store.MailboxUIDs(context.Background(), f.account.ID, mb.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return uids
}

func (f *fixture) serverUIDs(c *imapclient.Client, name string) []mailaccess.UID {
	f.t.Helper()
	if _, err := c.Select(name, nil).Wait(); err != nil {
		f.t.Fatal(err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		f.t.Fatal(err)
	}
	var out []mailaccess.UID
	for _, u := range data.AllUIDs() {
		out = append(out, mailaccess.UID(u))
	}
	slices.Sort(out)
	return out
}

func forEachSetup(t *testing.T, f func(t *testing.T, fx *fixture)) {
	for _, srv := range []struct {
		name   string
		server func(testing.TB) *testenv.DovecotServer
	}{{"condstore", testenv.IMAP}, {"no_condstore", testenv.IMAPNoCondstore}} {
		for _, d := range []mailaccess.Dialect{mailaccess.SQLite, mailaccess.Postgres} {
			t.Run(srv.name+"/"+string(d), func(t *testing.T) {
				t.Parallel()
				f(t, newFixture(t, srv.server(t), d))
			})
		}
	}
}

func TestSyncMailbox(t *testing.T) {
	ctx := context.Background()
	forEachSetup(t, func(t *testing.T, fx *fixture) {
		c := fx.client()
		for i := 1; i <= 20; i++ {
			var flags []imap.Flag
			if i%3 == 0 {
				flags = append(flags, imap.FlagSeen)
			}
			appendMessage(t, c, "INBOX", simpleMessage(i), flags...)
		}

		folders, err := fx.syncer.SyncFolders(ctx, fx.account.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range folders {
			names = append(names, m.Name)
		}
		for _, want := range []string{"INBOX", "Drafts", "Sent", "Trash", "Junk"} {
			if !slices.Contains(names, want) {
				t.Fatalf("folders %v lack %s", names, want)
			}
		}
		if folders[0].Name != "INBOX" {
			t.Fatalf("first folder %q, want INBOX", folders[0].Name)
		}

		// Initial sync, in batches of 7.
		res, err := fx.syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 20 || res.Messages != 20 {
			t.Fatalf("initial sync: %+v", res)
		}
		mb, _ := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
		if mb.Total != 20 || mb.Unseen != 14 || mb.LastUID != 20 {
			t.Fatalf("inbox state: total %d unseen %d checkpoint %d", mb.Total, mb.Unseen, mb.LastUID)
		}
		list, _, err := fx.store.ListMessages(ctx, fx.account.ID, mb.ID, nil, 100)
		if err != nil {
			t.Fatal(err)
		}
		m := list[len(list)-1] // uid 1
		if m.Subject != "Réunion numéro 1" || m.FromName != "Renée Dupont" || m.FromAddr != "renee@example.fr" {
			t.Fatalf("decoded envelope: subject %q from %q <%s>", m.Subject, m.FromName, m.FromAddr)
		}
		if m.MessageID != "<msg-1@example.fr>" || m.InReplyTo != "<msg-0@example.fr>" || m.References != "<root@example.fr> <msg-0@example.fr>" {
			t.Fatalf("threading headers: %q %q %q", m.MessageID, m.InReplyTo, m.References)
		}
		if m.Preview != "Bonjour, voici l'ordre du jour de la réunion 1." {
			t.Fatalf("preview %q", m.Preview)
		}

		// Another client: flags changed, two messages expunged, one new.
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		var flagged imap.UIDSet
		flagged.AddNum(2, 4)
		if err := c.Store(flagged, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged, imap.FlagSeen}, Silent: true}, nil).Close(); err != nil {
			t.Fatal(err)
		}
		var gone imap.UIDSet
		gone.AddNum(5, 6)
		if err := c.Store(gone, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
			t.Fatal(err)
		}
		if err := c.UIDExpunge(gone).Close(); err != nil {
			t.Fatal(err)
		}
		appendMessage(t, c, "INBOX", simpleMessage(21))

		res, err = fx.syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 1 || res.Vanished != 2 || res.Updated != 2 {
			t.Fatalf("resync: %+v, want 1 added, 2 vanished, 2 updated", res)
		}
		if got, want := fx.cachedUIDs("INBOX"), fx.serverUIDs(c, "INBOX"); !slices.Equal(got, want) {
			t.Fatalf("cache uids %v != server uids %v", got, want)
		}
		list, _, _ = fx.store.ListMessages(ctx, fx.account.ID, mb.ID, nil, 100)
		for _, m := range list {
			wantFlagged := m.UID == 2 || m.UID == 4
			if m.Flagged != wantFlagged {
				t.Fatalf("uid %d flagged=%v, want %v", m.UID, m.Flagged, wantFlagged)
			}
		}

		// Nothing changed: nothing to do.
		res, err = fx.syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
		if err != nil || res.Added+res.Updated+res.Vanished != 0 {
			t.Fatalf("no-change resync: %+v, %v", res, err)
		}
	})
}

func TestFolderRecreatedIsRebuilt(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t, testenv.IMAP(t), mailaccess.SQLite)
	c := fx.client()
	if err := c.Create("Projects", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	appendMessage(t, c, "Projects", simpleMessage(1))
	appendMessage(t, c, "Projects", simpleMessage(2))
	if _, err := fx.syncer.SyncAccount(ctx, fx.account.ID, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := fx.store.MailboxByName(ctx, fx.account.ID, "Projects")
	if err := c.Delete("Projects").Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Projects", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	appendMessage(t, c, "Projects", simpleMessage(3))
	res, err := fx.syncer.SyncMailbox(ctx, fx.account.ID, "Projects", nil)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := fx.store.MailboxByName(ctx, fx.account.ID, "Projects")
	if !res.Reset || after.UIDValidity == before.UIDValidity {
		t.Fatalf("UIDVALIDITY %d→%d, reset=%v", before.UIDValidity, after.UIDValidity, res.Reset)
	}
	if got, want := fx.cachedUIDs("Projects"), fx.serverUIDs(c, "Projects"); !slices.Equal(got, want) {
		t.Fatalf("cache uids %v != server uids %v", got, want)
	}
}

func TestLoginErrors(t *testing.T) {
	ctx := context.Background()
	server := testenv.IMAP(t)
	s := imapsync.New(imapsync.Config{Address: server.Addr, TLS: "none"}, nil, nil, nil)
	if err := s.CheckLogin(ctx, server.NewUser(t), server.Password); err != nil {
		t.Fatalf("good password refused: %v", err)
	}
	if err := s.CheckLogin(ctx, server.NewUser(t), "wrong"); !errors.Is(err, mailaccess.ErrAuth) {
		t.Fatalf("wrong password: %v, want ErrAuth", err)
	}
	down := imapsync.New(imapsync.Config{Address: "127.0.0.1:1", TLS: "none", Timeout: 5 * time.Second}, nil, nil, nil)
	if err := down.CheckLogin(ctx, "x", "y"); !errors.Is(err, mailaccess.ErrUnreachable) {
		t.Fatalf("server down: %v, want ErrUnreachable", err)
	}
}

func TestFetchBodyIsCached(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t, testenv.IMAP(t), mailaccess.Postgres)
	c := fx.client()
	appendMessage(t, c, "INBOX", simpleMessage(1))
	if _, err := fx.syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mb, _ := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
	list, _, _ := fx.store.ListMessages(ctx, fx.account.ID, mb.ID, nil, 10)
	raw, truncated, err := fx.syncer.FetchBody(ctx, fx.account.ID, list[0].ID)
	if err != nil || truncated || !strings.Contains(string(raw), "r=E9union 1") {
		t.Fatalf("body: %q truncated=%v err=%v", raw, truncated, err)
	}
	cached, _, err := fx.store.MessageBody(ctx, fx.account.ID, list[0].ID)
	if err != nil || string(cached) != string(raw) {
		t.Fatalf("cached body differs: %v", err)
	}
}

// A message whose To lists thousands of recipients before its Subject,
// Date and Message-ID keeps all of them: the header fields are fetched
// whole (a cut at 64 KiB once lost what came after the long field).
func TestAHugeRecipientListKeepsTheSummary(t *testing.T) {
	ctx := context.Background()
	for _, d := range []mailaccess.Dialect{mailaccess.SQLite, mailaccess.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t, testenv.IMAP(t), d)
			var to strings.Builder
			to.WriteString("To: ")
			for i := range 2500 {
				if i > 0 {
					to.WriteString(",\n ")
				}
				fmt.Fprintf(&to, "Employee %d <employee%d@example.org>", i, i)
			}
			appendMessage(t, fx.client(), "INBOX", "From: Boss <boss@example.org>\n"+to.String()+
				"\nSubject: All hands\nDate: Fri, 01 May 2026 10:00:00 +0200\nMessage-ID: <allhands@example.org>\n\nbody\n")
			fx.syncAll()
			mb, err := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
			if err != nil {
				t.Fatal(err)
			}
			list, _, err := fx.store.ListMessages(ctx, fx.account.ID, mb.ID, nil, 10)
			if err != nil || len(list) != 1 {
				t.Fatalf("%d messages, %v", len(list), err)
			}
			m := list[0]
			sent := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
			if m.Subject != "All hands" || m.MessageID != "<allhands@example.org>" || !m.SentDate.Equal(sent) ||
				!strings.HasSuffix(m.To, "Employee 2499 <employee2499@example.org>") {
				t.Fatalf("subject %q, message id %q, sent %v, to ends %q", m.Subject, m.MessageID, m.SentDate, m.To[max(0, len(m.To)-60):])
			}
		})
	}
}
