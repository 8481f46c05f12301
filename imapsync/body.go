package imapsync

import (
	"context"
	"fmt"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// bodyKey names one message of one account: a body fetched for an account
// is only ever handed to a call of the same account.
type bodyKey struct{ account, message int64 }

// bodyCall is one fetch of a message's body from the server. Other calls
// for the same message (the page and its HTML frame, say) wait for it
// instead of fetching the body a second time. It stays registered after
// its result is known until the body is in the cache, so that a call in
// between gets the bytes from memory.
type bodyCall struct {
	done      chan struct{} // closed when raw, truncated and err are set
	raw       []byte
	truncated bool
	err       error
}

// bodies coordinates the body fetches of a Syncer.
type bodies struct {
	mu      sync.Mutex
	calls   map[bodyKey]*bodyCall
	storing sync.WaitGroup // bodies OpenBody stores in the background
}

// Wait waits until the bodies that OpenBody stores in the background are
// stored (or failed to be): call it before closing the store.
func (s *Syncer) Wait() { s.bodies.storing.Wait() }

// join returns the call fetching key, registering a new one when there is
// none; leader reports whether the caller must fetch the body itself.
func (b *bodies) join(key bodyKey) (call *bodyCall, leader bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.calls[key]; ok {
		return c, false
	}
	if b.calls == nil {
		b.calls = map[bodyKey]*bodyCall{}
	}
	c := &bodyCall{done: make(chan struct{})}
	b.calls[key] = c
	return c, true
}

// finish records the result of a call and wakes its waiters. A failed call
// is forgotten at once (the next caller tries again); a successful one
// stays until its body is stored (forget).
func (b *bodies) finish(key bodyKey, c *bodyCall, raw []byte, truncated bool, err error) {
	c.raw, c.truncated, c.err = raw, truncated, err
	close(c.done)
	if err != nil {
		b.forget(key, c)
	}
}

func (b *bodies) forget(key bodyKey, c *bodyCall) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.calls[key] == c {
		delete(b.calls, key)
	}
}

// FetchBody fetches the raw message (RFC 5322 bytes) of a cached message from
// the server and keeps it in the cache, cut at Config.BodyMaxBytes. It returns
// the bytes and whether they were cut. When the body is already being
// fetched for another call, it waits for that fetch.
func (s *Syncer) FetchBody(ctx context.Context, accountID, messageID int64) ([]byte, bool, error) {
	return s.body(ctx, accountID, messageID, func(ctx context.Context) (mailaccess.Message, mailaccess.Mailbox, error) {
		msg, err := s.store.Message(ctx, accountID, messageID)
		if err != nil {
			return msg, mailaccess.Mailbox{}, err
		}
		mb, err := s.store.Mailbox(ctx, accountID, msg.MailboxID)
		return msg, mb, err
	}, true)
}

// OpenBody is FetchBody for showing a message the caller has just read from
// the cache with its folder (both of the account): it returns as soon as the
// bytes are here and keeps them in the cache in the background. Until they
// are stored, FetchBody and OpenBody of the message get the same bytes
// without asking the server again.
func (s *Syncer) OpenBody(ctx context.Context, accountID int64, msg mailaccess.Message, mb mailaccess.Mailbox) ([]byte, bool, error) {
	if msg.AccountID != accountID || mb.AccountID != accountID || msg.MailboxID != mb.ID {
		return nil, false, fmt.Errorf("open body of message %d: %w", msg.ID, mailaccess.ErrNotFound)
	}
	return s.body(ctx, accountID, msg.ID, func(context.Context) (mailaccess.Message, mailaccess.Mailbox, error) {
		return msg, mb, nil
	}, false)
}

// body returns a message's body from a fetch under way, or fetches it (load
// gives the message and its folder) and stores it in the cache, before
// returning when stored is true, else in the background.
func (s *Syncer) body(ctx context.Context, accountID, messageID int64, load func(context.Context) (mailaccess.Message, mailaccess.Mailbox, error), stored bool) ([]byte, bool, error) {
	key := bodyKey{accountID, messageID}
	for range 2 {
		call, leader := s.bodies.join(key)
		if !leader {
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, false, ctx.Err()
			}
			if call.err == nil {
				return call.raw, call.truncated, nil
			}
			// That fetch failed (perhaps only its caller's context
			// ended): fetch it here.
			continue
		}
		msg, mb, err := load(ctx)
		var raw []byte
		var truncated bool
		if err == nil {
			raw, truncated, err = s.fetchBody(ctx, accountID, msg, mb)
		}
		s.bodies.finish(key, call, raw, truncated, err)
		if err != nil {
			return nil, false, err
		}
		if !stored {
			s.bodies.storing.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 3*s.cfg.Timeout)
				defer cancel()
				err := s.store.PutMessageBody(ctx, accountID, messageID, raw, truncated)
				s.bodies.forget(key, call)
				if err != nil {
					s.log.Warn("keep a message body", "account", accountID, "message", messageID, "error", err)
				}
			})
			return raw, truncated, nil
		}
		err = s.store.PutMessageBody(ctx, accountID, messageID, raw, truncated)
		s.bodies.forget(key, call)
		if err != nil {
			return nil, false, err
		}
		return raw, truncated, nil
	}
	msg, mb, err := load(ctx)
	if err != nil {
		return nil, false, err
	}
	return s.fetchBody(ctx, accountID, msg, mb)
}

// fetchBody fetches one message's body, on a warm connection that has its
// folder selected when there is one.
func (s *Syncer) fetchBody(ctx context.Context, accountID int64, msg mailaccess.Message, mb mailaccess.Mailbox) ([]byte, bool, error) {
	// One message: bounded by a few command deadlines, whatever the caller's context.
	ctx, cancel := context.WithTimeout(ctx, 3*s.cfg.Timeout)
	defer cancel()
	truncated := msg.Size > s.cfg.BodyMaxBytes
	section := &imap.FetchItemBodySection{Peek: true}
	if truncated {
		section.Partial = &imap.SectionPartial{Offset: 0, Size: s.cfg.BodyMaxBytes}
	}
	for attempt := 0; ; attempt++ {
		c, reused, err := s.acquireIn(ctx, accountID, mb, msg.UID, attempt > 0)
		if err != nil {
			return nil, false, err
		}
		raw, whole, found, err := s.fetchSection(ctx, c, msg.UID, section)
		s.release(accountID, c)
		if !reused || attempt > 0 || ctx.Err() != nil {
			switch {
			case err != nil:
				return nil, false, err
			case !found:
				return nil, false, fmt.Errorf("fetch body of uid %d: %w", msg.UID, ErrMessageGone)
			}
		}
		if err == nil && found {
			// The cached size can be wrong (0 for a placeholder): the
			// literal's own says whether the bytes were cut.
			return raw, truncated || whole > int64(len(raw)), nil
		}
		// A folder selected a while ago may not show the newest messages
		// yet, and a server may drop a connection whose folder was deleted
		// meanwhile: select it afresh before calling the message gone.
	}
}

// fetchSection fetches one body section by UID on a connection with its folder
// selected, at most Config.BodyMaxBytes of it; whole is the size the server
// sent, found is false when the server has no such message.
func (s *Syncer) fetchSection(ctx context.Context, c *conn, uid mailaccess.UID, section *imap.FetchItemBodySection) (raw []byte, whole int64, found bool, err error) {
	var set imap.UIDSet
	set.AddNum(imap.UID(uid))
	cmd := c.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	for {
		data := cmd.Next()
		if data == nil {
			break
		}
		for {
			item := data.Next()
			if item == nil {
				break
			}
			// A NIL body (Dovecot's answer for a message expunged
			// meanwhile by another session) is no body: not found.
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && !found && body.Literal != nil {
				found = true
				whole = body.Literal.Size()
				raw, err = readLiteral(body.Literal, s.cfg.BodyMaxBytes)
				if err != nil {
					c.abandon() // see collect: the command must be left alone
					return nil, 0, false, s.connErr(ctx, "fetch body", err)
				}
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return nil, 0, false, s.connErr(ctx, "fetch body", err)
	}
	return raw, whole, found, nil
}

// MarkSeen marks a message read (\Seen), on the server first and then in the
// cache, as StoreFlags does, for a message the caller has just read from the
// cache with its folder (both of the account). It uses the connection that
// reads the folder's bodies: a flag change made on another connection makes
// the server look through the whole folder again before this one's next
// command (Maildir renames the message's file).
func (s *Syncer) MarkSeen(ctx context.Context, accountID int64, msg mailaccess.Message, mb mailaccess.Mailbox) error {
	if msg.AccountID != accountID || mb.AccountID != accountID || msg.MailboxID != mb.ID {
		return fmt.Errorf("mark message %d read: %w", msg.ID, mailaccess.ErrNotFound)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*s.cfg.Timeout)
	defer cancel()
	c, _, err := s.acquireIn(ctx, accountID, mb, msg.UID, false)
	if err != nil {
		return err
	}
	defer s.release(accountID, c)
	return s.storeFlags(ctx, c, accountID, mb.ID, []mailaccess.UID{msg.UID}, []string{`\Seen`}, true)
}
