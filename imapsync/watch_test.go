package imapsync_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// TestWatchReportsChangesMadeElsewhere: a folder in IDLE reports new mail,
// flag changes and expunges made by another client, and stops when asked.
func TestWatchReportsChangesMadeElsewhere(t *testing.T) {
	fx := newFixture(t, testenv.IMAP(t), mailaccess.SQLite)
	c := fx.client()
	appendMessage(t, c, "INBOX", simpleMessage(1))
	changed := make(chan struct{}, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- fx.syncer.Watch(ctx, fx.account.ID, "INBOX", func() {
			select {
			case changed <- struct{}{}:
			default:
			}
		})
	}()
	wait := func(what string) {
		t.Helper()
		select {
		case <-changed:
			for len(changed) > 0 {
				<-changed
			}
		case err := <-done:
			t.Fatalf("watch stopped: %v", err)
		case <-time.After(20 * time.Second):
			t.Fatalf("%s was not reported", what)
		}
	}
	wait("the watch in place")
	appendMessage(t, c, "INBOX", simpleMessage(2))
	wait("new mail")
	selectBox(t, c, "INBOX")
	if err := c.Store(imap.UIDSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	wait("a flag change")
	expunge(t, c, 2)
	wait("an expunge")
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("watch ended with %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the watch did not stop when cancelled")
	}
	if err := fx.syncer.Watch(context.Background(), fx.account.ID, "No such folder", func() {}); !errors.Is(err, imapsync.ErrMailboxGone) {
		t.Fatalf("watching a missing folder: %v, want ErrMailboxGone", err)
	}
}
