package imapsync

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// prefetchBodies keeps the bodies of the newest messages a pass added
// (Config.PrefetchRecent of them, each of at most Config.PrefetchMaxBytes),
// so that opening new mail does not wait for the server: one FETCH on the
// pass's connection, its folder still selected, each body stored as it
// arrives. Larger messages, and older ones, are fetched when opened. It
// returns how many bodies it kept. A failure is logged and ends the
// prefetch, not the pass: what was added is stored already.
func (ss *session) prefetchBodies(ctx context.Context, m mailaccess.Mailbox, added []mailaccess.UID) int {
	s := ss.s
	n := s.cfg.PrefetchRecent
	if n <= 0 || len(added) == 0 {
		return 0
	}
	newest := added[max(0, len(added)-n):] // added is ascending
	msgs, err := s.store.MessagesByUID(ctx, m.AccountID, m.ID, newest)
	if err != nil {
		s.log.Warn("prefetch bodies", "account", m.AccountID, "mailbox", m.Name, "error", err)
		return 0
	}
	ids := make(map[imap.UID]int64, len(msgs))
	var set imap.UIDSet
	for _, msg := range msgs {
		// The cached size is the server's RFC822.SIZE (0 when the message
		// could not be fetched whole: left for its first view).
		if msg.Size > 0 && msg.Size <= s.cfg.PrefetchMaxBytes {
			ids[imap.UID(msg.UID)] = msg.ID
			set.AddNum(imap.UID(msg.UID))
		}
	}
	if len(ids) == 0 {
		return 0
	}
	section := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: s.cfg.PrefetchMaxBytes}}
	cmd := ss.c.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	kept := 0
	fail := func(err error) int {
		if ctx.Err() == nil {
			s.log.Warn("prefetch bodies", "account", m.AccountID, "mailbox", m.Name, "kept", kept, "error", err)
		}
		return kept
	}
	for {
		data := cmd.Next()
		if data == nil {
			break
		}
		buf, err := ss.c.collect(data)
		if err != nil {
			return fail(s.connErr(ctx, "prefetch bodies", err)) // the connection is abandoned
		}
		id, ok := ids[buf.UID]
		if !ok || len(buf.BodySection) == 0 || buf.BodySection[0].Bytes == nil {
			continue // expunged meanwhile, not asked for, or NIL: left for its first view
		}
		raw := buf.BodySection[0].Bytes
		if err := s.store.PutMessageBody(ctx, m.AccountID, id, raw, false); err != nil {
			if errors.Is(err, mailaccess.ErrNotFound) {
				continue // deleted from the cache meanwhile
			}
			ss.c.dropFetch(cmd)
			return fail(err)
		}
		kept++
	}
	if err := cmd.Close(); err != nil {
		return fail(s.connErr(ctx, "prefetch bodies", fmt.Errorf("fetch: %w", err)))
	}
	return kept
}
