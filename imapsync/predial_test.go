package imapsync_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// TestPredialedConnection: a one-shot sync connects while its database
// opens, and its first login uses that connection; a connection that could
// not be made is replaced, and one no login took is logged out on Close.
func TestPredialedConnection(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t, testenv.IMAP(t), mailaccess.SQLite)
	c := fx.client()
	for i := 1; i <= 3; i++ {
		appendMessage(t, c, "INBOX", simpleMessage(i))
	}
	if _, err := fx.syncer.SyncFolders(ctx, fx.account.ID); err != nil { // listed: a sync of INBOX needs one connection
		t.Fatal(err)
	}
	creds := func(context.Context, int64) (string, string, error) { return fx.user, fx.server.Password, nil }
	syncerVia := func(p *testenv.Proxy) (*imapsync.Syncer, imapsync.Config) {
		cfg := imapsync.Config{Address: p.Addr(), TLS: "none"}
		return imapsync.New(cfg, fx.store, creds, nil), cfg
	}

	t.Run("the_first_login_uses_the_predialed_connection", func(t *testing.T) {
		p := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{})
		s, cfg := syncerVia(p)
		s.UsePredialed(imapsync.Predial(ctx, cfg))
		res, err := s.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 3 {
			t.Fatalf("%+v, want 3 added", res)
		}
		if n := p.Accepted.Load(); n != 1 {
			t.Fatalf("%d connections, want the predialed one only", n)
		}
		s.Close()
		mb, err := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		if uids, err := fx.store.MailboxUIDs(ctx, fx.account.ID, mb.ID); err != nil || len(uids) != 3 {
			t.Fatalf("cached INBOX: %v %v, want 3 messages", uids, err)
		}
	})

	t.Run("a_predial_that_failed_is_replaced_by_a_new_connection", func(t *testing.T) {
		p := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{})
		p.Down.Store(true)
		s, cfg := syncerVia(p)
		pre := imapsync.Predial(ctx, cfg)
		s.UsePredialed(pre)
		if err := pre.Wait(); !errors.Is(err, imapsync.ErrUnreachable) {
			t.Fatalf("predial through a proxy that refuses connections: %v, want ErrUnreachable", err)
		}
		p.Down.Store(false)
		if _, err := s.SyncMailbox(ctx, fx.account.ID, "INBOX", nil); err != nil {
			t.Fatalf("sync after a failed predial: %v", err)
		}
		if n := p.Accepted.Load(); n != 1 {
			t.Fatalf("%d connections accepted, want the new one", n)
		}
		s.Close()
	})

	t.Run("a_predialed_connection_no_login_took_is_logged_out", func(t *testing.T) {
		p := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{})
		s, cfg := syncerVia(p)
		s.UsePredialed(imapsync.Predial(ctx, cfg))
		s.Close()
		if a, l := p.Accepted.Load(), p.Logouts.Load(); a != 1 || l != 1 {
			t.Fatalf("%d connections, %d logouts; want the predialed one, logged out", a, l)
		}
	})

	t.Run("a_predial_that_logged_in_serves_the_sync_as_it_is", func(t *testing.T) {
		p := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{})
		s, cfg := syncerVia(p)
		pre := imapsync.PredialLogin(ctx, cfg, fx.user, fx.server.Password)
		s.UsePredialed(pre)
		if err := pre.Wait(); err != nil {
			t.Fatalf("predialed login: %v", err)
		}
		appendMessage(t, c, "INBOX", simpleMessage(4))
		res, err := s.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
		if err != nil || res.Added != 1 {
			t.Fatalf("sync on the predialed login: %+v %v, want 1 added", res, err)
		}
		if n := p.Accepted.Load(); n != 1 {
			t.Fatalf("%d connections, want the predialed one only", n)
		}
		s.Close()
	})

	t.Run("a_password_the_predial_saw_refused_is_not_tried_again", func(t *testing.T) {
		p := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{})
		cfg := imapsync.Config{Address: p.Addr(), TLS: "none"}
		s := imapsync.New(cfg, fx.store, func(context.Context, int64) (string, string, error) { return fx.user, "wrong", nil }, nil)
		s.UsePredialed(imapsync.PredialLogin(ctx, cfg, fx.user, "wrong"))
		if _, err := s.SyncMailbox(ctx, fx.account.ID, "INBOX", nil); !errors.Is(err, imapsync.ErrAuth) {
			t.Fatalf("sync with a refused password: %v, want ErrAuth", err)
		}
		if n := p.Accepted.Load(); n != 1 {
			t.Fatalf("%d connections, want the predial's refused login only", n)
		}
		s.Close()
	})

	t.Run("a_predial_logged_in_as_someone_else_is_not_used", func(t *testing.T) {
		p := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{})
		s, cfg := syncerVia(p)
		// Any user name logs in on the test server, with its own mail.
		s.UsePredialed(imapsync.PredialLogin(ctx, cfg, fx.user+"-other", fx.server.Password))
		appendMessage(t, c, "INBOX", simpleMessage(5))
		res, err := s.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
		if err != nil || res.Added != 1 {
			t.Fatalf("sync after a predial of another user: %+v %v, want 1 added", res, err)
		}
		if n := p.Accepted.Load(); n != 2 {
			t.Fatalf("%d connections, want the predial's and the account's own", n)
		}
		s.Close()
	})
}
