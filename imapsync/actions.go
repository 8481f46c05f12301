package imapsync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// ErrRefused is returned (wrapped, with the server's words) when the IMAP
// server answers NO or BAD to a change the user asked for.
var ErrRefused = mailaccess.ErrRefused

// selectForWrite opens a folder read-write and checks it is the generation
// the cache knows: acting on UIDs of another UIDVALIDITY would touch the
// wrong messages.
func (s *Syncer) selectForWrite(ctx context.Context, accountID, mailboxID int64) (*conn, mailaccess.Mailbox, error) {
	mb, err := s.store.Mailbox(ctx, accountID, mailboxID)
	if err != nil {
		return nil, mb, err
	}
	c, err := s.acquire(ctx, accountID)
	if err != nil {
		return nil, mb, err
	}
	sel, err := c.c.Select(mb.Name, nil).Wait()
	if err != nil {
		s.release(accountID, c)
		return nil, mb, s.writeErr(ctx, fmt.Sprintf("select %q", mb.Name), err)
	}
	if mailaccess.UIDValidity(sel.UIDValidity) != mb.UIDValidity {
		s.release(accountID, c)
		return nil, mb, fmt.Errorf("folder %q changed on the server (UIDVALIDITY); it will be refreshed: %w", mb.Name, ErrMailboxGone)
	}
	return c, mb, nil
}

// writeErr classifies a failed write: the server's refusal in its own words,
// or the usual connection errors.
func (s *Syncer) writeErr(ctx context.Context, op string, err error) error {
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && ctx.Err() == nil {
		return fmt.Errorf("%s: %w: %s", op, ErrRefused, strings.TrimSpace(imapErr.Text))
	}
	return s.connErr(ctx, op, err)
}

// StoreFlags adds (add=true) or removes flags on messages of one folder: on
// the server first, then in the cache with the flags the server reports.
func (s *Syncer) StoreFlags(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID, flags []string, add bool) error {
	return s.write(ctx, accountID, mailboxID, uids, func(ctx context.Context, c *conn) error {
		return s.storeFlags(ctx, c, accountID, mailboxID, uids, flags, add)
	})
}

func (s *Syncer) storeFlags(ctx context.Context, c *conn, accountID, mailboxID int64, uids []mailaccess.UID, flags []string, add bool) error {
	op := imap.StoreFlagsDel
	if add {
		op = imap.StoreFlagsAdd
	}
	var fl []imap.Flag
	for _, f := range flags {
		fl = append(fl, imap.Flag(f))
	}
	msgs, err := c.c.Store(uidSet(uids), &imap.StoreFlags{Op: op, Flags: fl}, nil).Collect()
	if err != nil {
		return s.writeErr(ctx, "store flags", err)
	}
	updates := make([]mailaccess.FlagUpdate, 0, len(msgs))
	for _, m := range msgs {
		if m.UID == 0 {
			continue
		}
		updates = append(updates, mailaccess.FlagUpdate{UID: mailaccess.UID(m.UID), Flags: flagStrings(m.Flags), ModSeq: mailaccess.ModSeq(m.ModSeq)})
	}
	return s.store.UpdateFlags(context.WithoutCancel(ctx), accountID, mailboxID, updates)
}

// Move moves messages to another folder of the account: on the server first
// (MOVE, or COPY + delete where MOVE is missing), then out of the cache of
// the source folder. The destination learns of them at its next sync.
func (s *Syncer) Move(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID, dest string) error {
	return s.write(ctx, accountID, mailboxID, uids, func(ctx context.Context, c *conn) error {
		set := uidSet(uids)
		if c.caps.Has(imap.CapMove) || c.caps.Has(imap.CapIMAP4rev2) {
			if _, err := c.c.Move(set, dest).Wait(); err != nil {
				return s.writeErr(ctx, fmt.Sprintf("move to %q", dest), err)
			}
		} else {
			if _, err := c.c.Copy(set, dest).Wait(); err != nil {
				return s.writeErr(ctx, fmt.Sprintf("copy to %q", dest), err)
			}
			if err := s.expunge(ctx, c, set); err != nil {
				return err
			}
		}
		return s.store.DeleteMessages(context.WithoutCancel(ctx), accountID, mailboxID, uids)
	})
}

// Expunge deletes messages for good: on the server first, then in the cache.
func (s *Syncer) Expunge(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID) error {
	return s.write(ctx, accountID, mailboxID, uids, func(ctx context.Context, c *conn) error {
		if err := s.expunge(ctx, c, uidSet(uids)); err != nil {
			return err
		}
		return s.store.DeleteMessages(context.WithoutCancel(ctx), accountID, mailboxID, uids)
	})
}

// write runs f on a warm connection with the folder selected read-write and
// checked against the cache's UIDVALIDITY, under a deadline of a few
// commands. Nothing to change is not an error.
func (s *Syncer) write(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID, f func(context.Context, *conn) error) error {
	if len(uids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*s.cfg.Timeout)
	defer cancel()
	c, _, err := s.selectForWrite(ctx, accountID, mailboxID)
	if err != nil {
		return err
	}
	defer s.release(accountID, c)
	return f(ctx, c)
}

// expunge marks messages \Deleted and removes exactly them (UID EXPUNGE with
// UIDPLUS; a plain EXPUNGE would also remove what another client marked).
func (s *Syncer) expunge(ctx context.Context, c *conn, set imap.UIDSet) error {
	if err := c.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
		return s.writeErr(ctx, "mark deleted", err)
	}
	var err error
	if c.caps.Has(imap.CapUIDPlus) || c.caps.Has(imap.CapIMAP4rev2) {
		err = c.c.UIDExpunge(set).Close()
	} else {
		err = c.c.Expunge().Close()
	}
	if err != nil {
		return s.writeErr(ctx, "expunge", err)
	}
	return nil
}
