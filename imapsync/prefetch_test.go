package imapsync_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// TestNewestBodiesAreKeptDuringTheSync: a pass keeps the bodies of the
// newest new messages (Config.PrefetchRecent of them, none larger than
// Config.PrefetchMaxBytes), exactly as the server has them, so that opening
// them needs no IMAP round trip; older and larger ones wait for their first
// view.
func TestNewestBodiesAreKeptDuringTheSync(t *testing.T) {
	ctx := context.Background()
	forEachSetup(t, func(t *testing.T, fx *fixture) {
		c := fx.client()
		sent := map[mailaccess.UID]string{}
		for i := 1; i <= 6; i++ {
			raw := simpleMessage(i)
			if i == 5 { // one of the newest, but over the size limit
				raw += strings.Repeat("Une longue pièce jointe, en texte.\n", 200)
			}
			appendMessage(t, c, "INBOX", raw)
			sent[mailaccess.UID(i)] = strings.ReplaceAll(raw, "\n", "\r\n")
		}
		syncer := imapsync.New(imapsync.Config{Address: fx.server.Addr, TLS: "none", PrefetchRecent: 3, PrefetchMaxBytes: 2048}, fx.store,
			func(context.Context, int64) (string, string, error) { return fx.user, fx.server.Password, nil }, nil)
		t.Cleanup(syncer.Close)
		res, err := syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 6 || res.Prefetched != 2 {
			t.Fatalf("%+v, want 6 added and the bodies of 2 kept (UIDs 4 and 6: 5 is too large)", res)
		}
		mb, err := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		uids := []mailaccess.UID{1, 2, 3, 4, 5, 6}
		msgs, err := fx.store.MessagesByUID(ctx, fx.account.ID, mb.ID, uids)
		if err != nil || len(msgs) != len(uids) {
			t.Fatalf("%d cached messages, %v", len(msgs), err)
		}
		for _, m := range msgs {
			raw, truncated, err := fx.store.MessageBody(ctx, fx.account.ID, m.ID)
			switch m.UID {
			case 4, 6:
				if err != nil || truncated || string(raw) != sent[m.UID] {
					t.Errorf("uid %d: body %q (truncated %v, %v), want the message as sent", m.UID, raw, truncated, err)
				}
			default:
				if !errors.Is(err, mailaccess.ErrNotFound) {
					t.Errorf("uid %d: body kept (%v), want it left for its first view", m.UID, err)
				}
			}
		}
		// The next pass keeps the body of what it adds, and a pass that
		// adds nothing keeps nothing.
		appendMessage(t, c, "INBOX", simpleMessage(7))
		if res, err = syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil); err != nil || res.Added != 1 || res.Prefetched != 1 {
			t.Fatalf("%+v, %v: want the new message added and its body kept", res, err)
		}
		if res, err = syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil); err != nil || res.Prefetched != 0 {
			t.Fatalf("%+v, %v: a pass with nothing new kept bodies", res, err)
		}
		fx.syncAll()
		fx.assertNoDrift()
	})
}
