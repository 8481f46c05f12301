package imapsync_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// TestOneSyncOfAFolderAtATime: a pass of a folder waits while another pass
// (another process: a worker, `mailaccess sync`) holds the folder's sync
// lease, and runs once it is given back or has run out.
func TestOneSyncOfAFolderAtATime(t *testing.T) {
	forEachSetup(t, func(t *testing.T, fx *fixture) {
		ctx := context.Background()
		c := fx.client()
		for i := 1; i <= 3; i++ {
			appendMessage(t, c, "INBOX", simpleMessage(i))
		}
		if res, err := fx.syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil); err != nil || res.Added != 3 {
			t.Fatalf("first sync: %+v %v", res, err)
		}
		mb, err := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		cached := func() int {
			t.Helper()
			uids, err := fx.store.MailboxUIDs(ctx, fx.account.ID, mb.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(uids)
		}

		appendMessage(t, c, "INBOX", simpleMessage(4))
		if _, err := fx.store.AcquireFolderSync(ctx, fx.account.ID, mb.ID, "other-process", time.Minute); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		_, err = fx.syncer.SyncMailbox(short, fx.account.ID, "INBOX", nil)
		cancel()
		if !errors.Is(err, mailaccess.ErrFolderBusy) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("sync while another holds the folder: %v, want it to wait until its deadline", err)
		}
		if n := cached(); n != 3 {
			t.Fatalf("%d messages cached after the waiting sync gave up, want the 3 of before", n)
		}

		// Given back: the waiting pass runs.
		done := make(chan error, 1)
		var res struct{ added int }
		go func() {
			r, err := fx.syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
			res.added = r.Added
			done <- err
		}()
		if err := fx.store.ReleaseFolderSync(ctx, fx.account.ID, mb.ID, "other-process", false); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil || res.added != 1 {
			t.Fatalf("sync after the other gave the folder back: added %d, %v; want the new message", res.added, err)
		}

		// A holder that died: its lease runs out and is taken.
		appendMessage(t, c, "INBOX", simpleMessage(5))
		if _, err := fx.store.AcquireFolderSync(ctx, fx.account.ID, mb.ID, "dead-process", -time.Second); err != nil {
			t.Fatal(err)
		}
		bounded, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if r, err := fx.syncer.SyncMailbox(bounded, fx.account.ID, "INBOX", nil); err != nil || r.Added != 1 {
			t.Fatalf("sync after a lease ran out: %+v %v, want the new message", r, err)
		}

		// Every pass gave its lease back.
		if _, err := fx.store.AcquireFolderSync(ctx, fx.account.ID, mb.ID, "probe", time.Minute); err != nil {
			t.Fatalf("after the passes: %v, want the folder free", err)
		}
		if n := cached(); n != 5 {
			t.Fatalf("%d messages cached, want 5", n)
		}
	})
}
