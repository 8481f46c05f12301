package imapsync

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// FetchBody fetches the raw message (RFC 5322 bytes) of a cached message from
// the server and keeps it in the cache, cut at Config.BodyMaxBytes. It returns
// the bytes and whether they were cut.
func (s *Syncer) FetchBody(ctx context.Context, accountID, messageID int64) ([]byte, bool, error) {
	msg, err := s.store.Message(ctx, accountID, messageID)
	if err != nil {
		return nil, false, err
	}
	mb, err := s.store.Mailbox(ctx, accountID, msg.MailboxID)
	if err != nil {
		return nil, false, err
	}
	// One message: bounded by a few command deadlines, whatever the caller's context.
	ctx, cancel := context.WithTimeout(ctx, 3*s.cfg.Timeout)
	defer cancel()
	c, err := s.acquire(ctx, accountID)
	if err != nil {
		return nil, false, err
	}
	defer s.release(accountID, c)
	sel, err := c.c.Select(mb.Name, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, false, s.connErr(ctx, fmt.Sprintf("select %q", mb.Name), err)
	}
	if mailaccess.UIDValidity(sel.UIDValidity) != mb.UIDValidity {
		return nil, false, fmt.Errorf("fetch body: %w: folder %q was rebuilt on the server", ErrMailboxGone, mb.Name)
	}
	truncated := msg.Size > s.cfg.BodyMaxBytes
	section := &imap.FetchItemBodySection{Peek: true}
	if truncated {
		section.Partial = &imap.SectionPartial{Offset: 0, Size: s.cfg.BodyMaxBytes}
	}
	var set imap.UIDSet
	set.AddNum(imap.UID(msg.UID))
	cmd := c.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	var raw []byte
	found := false
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
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && !found {
				found = true
				raw, err = readLiteral(body.Literal, s.cfg.BodyMaxBytes)
				if err != nil {
					c.abandon() // see collect: the command must be left alone
					return nil, false, s.connErr(ctx, "fetch body", err)
				}
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return nil, false, s.connErr(ctx, "fetch body", err)
	}
	if !found {
		return nil, false, fmt.Errorf("fetch body of uid %d: %w", msg.UID, ErrMessageGone)
	}
	if err := s.store.PutMessageBody(ctx, accountID, messageID, raw, truncated); err != nil {
		return nil, false, err
	}
	return raw, truncated, nil
}
