package mailaccess

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Sort is an order of a folder's message list other than the default
// (newest first, see ListMessages).
type Sort string

// The orders ListMessagesBy knows.
const (
	SortSubject Sort = "subject" // A → Z, case-insensitive
	SortSender  Sort = "from"    // by sender name (or address), A → Z
	SortSize    Sort = "size"    // largest first
)

// sortExpr is the SQL of each order's key; each has an index (migration 3).
var sortExpr = map[Sort]string{
	SortSubject: `lower(subject)`,
	SortSender:  `lower(CASE WHEN from_name <> '' THEN from_name ELSE from_addr END)`,
	SortSize:    `size`,
}

// SortCursor marks a position in a list sorted by a Sort: the sort key and
// the message id of the last message shown.
type SortCursor struct {
	Key string
	ID  int64
}

// String encodes the cursor for a URL.
func (c SortCursor) String() string { return strconv.FormatInt(c.ID, 10) + "." + c.Key }

// ParseSortCursor reads a cursor written by SortCursor.String.
func ParseSortCursor(s string) (*SortCursor, bool) {
	if s == "" {
		return nil, true
	}
	id, key, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 {
		return nil, false
	}
	return &SortCursor{Key: key, ID: n}, true
}

// SortKey returns the cursor key of m in order by.
func SortKey(by Sort, m Message) string {
	switch by {
	case SortSubject:
		return strings.ToLower(m.Subject)
	case SortSender:
		if m.FromName != "" {
			return strings.ToLower(m.FromName)
		}
		return strings.ToLower(m.FromAddr)
	}
	return strconv.FormatInt(m.Size, 10)
}

// ListMessagesBy returns a page of a folder's messages in another order than
// the date, keyset-paged like ListMessages.
func (s *Store) ListMessagesBy(ctx context.Context, accountID, mailboxID int64, by Sort, after *SortCursor, limit int) ([]Message, bool, error) {
	expr, ok := sortExpr[by]
	if !ok {
		return nil, false, fmt.Errorf("unknown sort %q", by)
	}
	q := `SELECT ` + listColumns + ` FROM messages WHERE account_id = ? AND mailbox_id = ?`
	args := []any{accountID, mailboxID}
	order := ` ORDER BY ` + expr + `, id`
	if by == SortSize {
		order = ` ORDER BY size DESC, id DESC`
	}
	if after != nil {
		if by == SortSize {
			size, err := strconv.ParseInt(after.Key, 10, 64)
			if err != nil {
				return nil, false, fmt.Errorf("size cursor %q: %w", after.Key, ErrNotFound)
			}
			q += ` AND (size, id) < (?, ?)`
			args = append(args, size, after.ID)
		} else {
			q += ` AND (` + expr + `, id) > (?, ?)`
			args = append(args, after.Key, after.ID)
		}
	}
	q += order + ` LIMIT ?`
	args = append(args, limit+1)
	var list []Message
	if err := s.db.SelectContext(ctx, &list, s.db.Rebind(q), args...); err != nil {
		return nil, false, fmt.Errorf("list messages of mailbox %d by %s: %w", mailboxID, by, err)
	}
	more := len(list) > limit
	if more {
		list = list[:limit]
	}
	return list, more, nil
}
