package imapsync

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// ErrNoIdle is returned by Watch when the server does not offer IDLE.
var ErrNoIdle = mailaccess.ErrNoIdle

// Watch keeps a connection of the account in IDLE on one folder and calls
// changed once when the watch is in place (what changed before it is not
// reported: the caller syncs then) and whenever the server reports that
// messages arrived, vanished or changed flags, until ctx ends (it then
// returns ctx's error) or the connection fails. changed must not block;
// one change may come as several calls.
//
// IDLE is restarted every half Config.Timeout, so a server that stopped
// answering is noticed as quickly as in any other command.
func (s *Syncer) Watch(ctx context.Context, accountID int64, mailbox string, changed func()) error {
	user, pass, err := s.creds(ctx, accountID)
	if err != nil {
		return fmt.Errorf("credentials of account %d: %w", accountID, err)
	}
	var selected atomic.Bool // reports before the SELECT finished describe it, not a change
	report := func() {
		if selected.Load() {
			changed()
		}
	}
	c, err := s.dialWith(ctx, user, pass, &imapclient.UnilateralDataHandler{
		Expunge: func(uint32) { report() },
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				report()
			}
		},
		Fetch: func(msg *imapclient.FetchMessageData) {
			msg.Collect() // the reader waits until the message is consumed
			report()
		},
	})
	if err != nil {
		return err
	}
	defer c.Close()
	if !c.caps.Has(imap.CapIdle) {
		return ErrNoIdle
	}
	if _, err := c.c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		var imapErr *imap.Error
		if errors.As(err, &imapErr) {
			return fmt.Errorf("watch %q: %w: %v", mailbox, ErrMailboxGone, err)
		}
		return s.connErr(ctx, fmt.Sprintf("watch %q", mailbox), err)
	}
	selected.Store(true)
	changed()
	every := max(s.cfg.Timeout/2, time.Second)
	for {
		idle, err := c.c.Idle()
		if err != nil {
			return s.connErr(ctx, "idle", err)
		}
		select {
		case <-ctx.Done():
			idle.Close()
			return ctx.Err()
		case <-time.After(every):
		case <-c.c.Closed():
		}
		if err := idle.Close(); err != nil {
			return s.connErr(ctx, "idle", err)
		}
		if err := idle.Wait(); err != nil {
			return s.connErr(ctx, "idle", err)
		}
	}
}
