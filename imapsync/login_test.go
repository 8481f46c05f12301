package imapsync_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// webSyncer is a Syncer as the web server has it, reaching the server
// through a counting proxy; the fixture's own syncer plays the worker.
func webSyncer(t *testing.T, fx *fixture, timeout time.Duration) (*imapsync.Syncer, *testenv.Proxy) {
	t.Helper()
	p := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{})
	s := imapsync.New(imapsync.Config{Address: p.Addr(), TLS: "none", Timeout: timeout}, fx.store, func(context.Context, int64) (string, string, error) {
		return fx.user, fx.server.Password, nil
	}, nil)
	return s, p
}

// TestLoginThenTheFirstBodiesShareOneConnection: a login checks the
// password, stores the account and lists the folders on one connection,
// which is then given up (a Dovecot session that ran LIST selects a large
// folder about 100 ms slower, every time); the first messages opened share
// one more connection, which selects the folder once for all of them.
func TestLoginThenTheFirstBodiesShareOneConnection(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t, testenv.IMAP(t), mailaccess.Postgres)
	c := fx.client()
	for i := 1; i <= 3; i++ {
		appendMessage(t, c, "INBOX", simpleMessage(i))
	}
	web, proxy := webSyncer(t, fx, 0)

	called := false
	_, err := web.Login(ctx, fx.user, "wrong", func(context.Context) (int64, error) {
		called = true
		return 0, nil
	})
	if !errors.Is(err, mailaccess.ErrAuth) || called {
		t.Fatalf("wrong password: err %v, accepted called %v; want ErrAuth and no call", err, called)
	}
	boom := errors.New("the account could not be stored")
	if _, err := web.Login(ctx, fx.user, fx.server.Password, func(context.Context) (int64, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("accepted failed: err %v, want its error", err)
	}
	conns := proxy.Accepted.Load()
	folders, err := web.Login(ctx, fx.user, fx.server.Password, func(ctx context.Context) (int64, error) {
		acc, err := fx.store.UpsertAccount(ctx, fx.user, []byte("sealed"))
		return acc.ID, err
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range folders {
		names = append(names, f.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "INBOX") {
		t.Fatalf("folders after login: %v", names)
	}
	if n := proxy.Accepted.Load() - conns; n != 1 {
		t.Fatalf("the login opened %d connections, want 1", n)
	}

	fx.sync("INBOX") // the worker, on its own connection
	mb, err := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := fx.store.ListMessages(ctx, fx.account.ID, mb.ID, nil, 10)
	if err != nil || len(list) != 3 {
		t.Fatalf("cached list: %d messages, %v", len(list), err)
	}
	for _, m := range list[:2] {
		raw, _, err := web.FetchBody(ctx, fx.account.ID, m.ID)
		if err != nil || !strings.Contains(string(raw), m.MessageID) {
			t.Fatalf("body of %s: %v\n%s", m.MessageID, err, raw)
		}
	}
	m := list[2]
	raw, _, err := web.OpenBody(ctx, fx.account.ID, m, mb)
	if err != nil || !strings.Contains(string(raw), m.MessageID) {
		t.Fatalf("opened body of %s: %v\n%s", m.MessageID, err, raw)
	}
	again, _, err := web.FetchBody(ctx, fx.account.ID, m.ID)
	if err != nil || string(again) != string(raw) {
		t.Fatalf("body fetched again: %v", err)
	}
	web.Wait()
	if cached, _, err := fx.store.MessageBody(ctx, fx.account.ID, m.ID); err != nil || string(cached) != string(raw) {
		t.Fatalf("opened body not kept in the cache: %v", err)
	}
	if err := web.MarkSeen(ctx, fx.account.ID, list[0], mb); err != nil {
		t.Fatal(err)
	}
	if n := proxy.Accepted.Load() - conns; n != 2 {
		t.Fatalf("login, four body reads and a flag change opened %d connections, want 2 (the login's, then one for the rest)", n)
	}
	if n := proxy.Selects.Load(); n != 1 {
		t.Fatalf("four body reads and a flag change in one folder selected it %d times, want 1", n)
	}
	if got, err := fx.store.Message(ctx, fx.account.ID, list[0].ID); err != nil || !got.Seen {
		t.Fatalf("cached message after MarkSeen: seen=%v, %v", got.Seen, err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	flags, err := c.Fetch(imap.UIDSetNum(imap.UID(list[0].UID)), &imap.FetchOptions{Flags: true}).Collect()
	if err != nil || len(flags) != 1 || !slices.Contains(flags[0].Flags, imap.FlagSeen) {
		t.Fatalf("server flags after MarkSeen: %+v, %v", flags, err)
	}

	// Another account's message is not opened with this account's id.
	other, err := fx.store.UpsertAccount(ctx, fx.user+"-other", []byte("sealed"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := web.OpenBody(ctx, other.ID, m, mb); !errors.Is(err, mailaccess.ErrNotFound) {
		t.Fatalf("open another account's message: %v, want ErrNotFound", err)
	}
	if _, _, err := web.FetchBody(ctx, other.ID, m.ID); !errors.Is(err, mailaccess.ErrNotFound) {
		t.Fatalf("fetch another account's message: %v, want ErrNotFound", err)
	}
}

// TestKeptSelectionNeverReadsARebuiltFolder: a connection kept with a folder
// selected must not read the UIDs of the cache's generation in a folder
// deleted and created again on the server (new UIDVALIDITY, same UIDs for
// other messages).
func TestKeptSelectionNeverReadsARebuiltFolder(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t, testenv.IMAP(t), mailaccess.Postgres)
	c := fx.client()
	if err := c.Create("Projects", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	appendMessage(t, c, "Projects", simpleMessage(1))
	appendMessage(t, c, "Projects", simpleMessage(2))
	fx.sync("Projects")
	web, proxy := webSyncer(t, fx, 0)
	mb, _ := fx.store.MailboxByName(ctx, fx.account.ID, "Projects")
	list, _, _ := fx.store.ListMessages(ctx, fx.account.ID, mb.ID, nil, 10)
	if len(list) != 2 {
		t.Fatalf("cached %d messages, want 2", len(list))
	}
	if _, _, err := web.FetchBody(ctx, fx.account.ID, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete("Projects").Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Projects", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	appendMessage(t, c, "Projects", simpleMessage(7))
	appendMessage(t, c, "Projects", simpleMessage(8))
	for _, m := range list {
		raw, _, err := web.FetchBody(ctx, fx.account.ID, m.ID)
		if err == nil {
			t.Fatalf("message %s of the old folder was read after the folder was rebuilt:\n%s", m.MessageID, raw)
		}
		if !errors.Is(err, mailaccess.ErrMailboxGone) {
			t.Fatalf("message %s of the old folder: %v, want ErrMailboxGone", m.MessageID, err)
		}
	}
	if proxy.Accepted.Load() == 0 {
		t.Fatal("no connection went through the proxy")
	}
}

// TestPooledConnectionOutlivesItsReadDeadline: an idle pooled connection
// is kept alive (NOOP) past the read deadline of Config.Timeout, so a user
// who reads for a while opens the next message without a new login.
func TestPooledConnectionOutlivesItsReadDeadline(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t, testenv.IMAP(t), mailaccess.SQLite)
	c := fx.client()
	appendMessage(t, c, "INBOX", simpleMessage(1))
	appendMessage(t, c, "INBOX", simpleMessage(2))
	fx.sync("INBOX")
	const timeout = 2 * time.Second
	web, proxy := webSyncer(t, fx, timeout)
	mb, _ := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
	list, _, _ := fx.store.ListMessages(ctx, fx.account.ID, mb.ID, nil, 10)
	if _, _, err := web.FetchBody(ctx, fx.account.ID, list[0].ID); err != nil {
		t.Fatal(err)
	}
	<-time.After(5 * timeout / 2) // idle: without keep-alive the read deadline breaks the connection
	raw, _, err := web.FetchBody(ctx, fx.account.ID, list[1].ID)
	if err != nil || !strings.Contains(string(raw), list[1].MessageID) {
		t.Fatalf("body after an idle while: %v", err)
	}
	if n := proxy.Accepted.Load(); n != 1 {
		t.Fatalf("two body reads %s apart opened %d connections, want 1", 5*timeout/2, n)
	}
	if n := proxy.Selects.Load(); n != 1 {
		t.Fatalf("two body reads of one folder selected it %d times, want 1", n)
	}
}

// TestCloseLogsOutPooledConnections: a Syncer closed at shutdown logs out
// the connections it kept warm and keeps none from then on.
func TestCloseLogsOutPooledConnections(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t, testenv.IMAP(t), mailaccess.SQLite)
	appendMessage(t, fx.client(), "INBOX", simpleMessage(1))
	fx.sync("INBOX")
	web, proxy := webSyncer(t, fx, 30*time.Second)
	mb, _ := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
	list, _, _ := fx.store.ListMessages(ctx, fx.account.ID, mb.ID, nil, 10)
	if _, _, err := web.FetchBody(ctx, fx.account.ID, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := proxy.Logouts.Load(); n != 0 {
		t.Fatalf("%d logouts before Close, want the connection kept", n)
	}
	web.Close()
	if n := proxy.Logouts.Load(); n != 1 {
		t.Fatalf("%d logouts after Close, want 1", n)
	}
	if _, _, err := web.FetchBody(ctx, fx.account.ID, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := proxy.Accepted.Load(); n != 2 {
		t.Fatalf("%d connections, want 2 (one before Close, one after)", n)
	}
}
