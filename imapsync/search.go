package imapsync

import (
	"context"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// maxServerHits bounds the UIDs one server-side search returns.
const maxServerHits = 500

// SearchServer asks the IMAP server for the messages of one folder whose
// text (headers and body) contains every word, for what the cache cannot
// search: bodies never fetched. It returns the matching UIDs, newest
// (highest) first, at most 500. The folder's UIDVALIDITY must be the
// cache's, or the UIDs would name other messages.
func (s *Syncer) SearchServer(ctx context.Context, accountID, mailboxID int64, words []string) ([]mailaccess.UID, error) {
	if len(words) == 0 {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*s.cfg.Timeout)
	defer cancel()
	mb, err := s.store.Mailbox(ctx, accountID, mailboxID)
	if err != nil {
		return nil, err
	}
	c, err := s.acquire(ctx, accountID)
	if err != nil {
		return nil, err
	}
	defer s.release(accountID, c)
	sel, err := c.c.Select(mb.Name, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, s.connErr(ctx, fmt.Sprintf("select %q", mb.Name), err)
	}
	if mailaccess.UIDValidity(sel.UIDValidity) != mb.UIDValidity {
		return nil, fmt.Errorf("folder %q changed on the server; it will be refreshed: %w", mb.Name, ErrMailboxGone)
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	data, err := c.c.UIDSearch(&imap.SearchCriteria{Text: words}, nil).Wait()
	if err != nil {
		return nil, s.connErr(ctx, "search", err)
	}
	var uids []mailaccess.UID
	for _, u := range data.AllUIDs() {
		uids = append(uids, mailaccess.UID(u))
	}
	slices.Sort(uids)
	slices.Reverse(uids)
	return uids[:min(len(uids), maxServerHits)], nil
}
