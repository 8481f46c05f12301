package mailaccess

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Thread is one conversation of a folder: its newest message and counts.
type Thread struct {
	Key    string
	Count  int
	Unseen int
	Latest Message
}

// ThreadCursor marks a position in a folder's conversation list.
type ThreadCursor struct {
	Date Time
	Key  string
}

// ListThreads returns a page of a folder's conversations, the one with the
// newest message first, keyset-paged.
func (s *Store) ListThreads(ctx context.Context, accountID, mailboxID int64, after *ThreadCursor, limit int) ([]Thread, bool, error) {
	q := `SELECT thread_key, COUNT(*) AS n, SUM(CASE WHEN seen THEN 0 ELSE 1 END) AS unseen, MAX(internal_date) AS last
		FROM messages WHERE account_id = ? AND mailbox_id = ? GROUP BY thread_key`
	args := []any{accountID, mailboxID}
	if after != nil {
		q += ` HAVING (MAX(internal_date), thread_key) < (?, ?)`
		args = append(args, after.Date, after.Key)
	}
	q += ` ORDER BY last DESC, thread_key DESC LIMIT ?`
	args = append(args, limit+1)
	var rows []struct {
		Key    string `db:"thread_key"`
		N      int    `db:"n"`
		Unseen int    `db:"unseen"`
		Last   Time   `db:"last"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, false, fmt.Errorf("list threads of mailbox %d: %w", mailboxID, err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if len(rows) == 0 {
		return nil, false, nil
	}
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Key
	}
	latest, err := s.threadMessages(ctx, accountID, mailboxID, keys, "DESC")
	if err != nil {
		return nil, false, err
	}
	out := make([]Thread, 0, len(rows))
	for _, r := range rows {
		t := Thread{Key: r.Key, Count: r.N, Unseen: r.Unseen}
		if msgs := latest[r.Key]; len(msgs) > 0 {
			t.Latest = msgs[0]
		}
		out = append(out, t)
	}
	return out, more, nil
}

// ThreadMessages returns the messages of one conversation of a folder, oldest first.
func (s *Store) ThreadMessages(ctx context.Context, accountID, mailboxID int64, key string) ([]Message, error) {
	m, err := s.threadMessages(ctx, accountID, mailboxID, []string{key}, "ASC")
	if err != nil {
		return nil, err
	}
	return m[key], nil
}

func (s *Store) threadMessages(ctx context.Context, accountID, mailboxID int64, keys []string, order string) (map[string][]Message, error) {
	q, args, err := sqlx.In(`SELECT `+listColumns+` FROM messages WHERE account_id = ? AND mailbox_id = ? AND thread_key IN (?)
		ORDER BY internal_date `+order+`, uid `+order, accountID, mailboxID, keys)
	if err != nil {
		return nil, err
	}
	var list []Message
	if err := s.db.SelectContext(ctx, &list, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("thread messages of mailbox %d: %w", mailboxID, err)
	}
	out := make(map[string][]Message, len(keys))
	for _, m := range list {
		out[m.Thread] = append(out[m.Thread], m)
	}
	return out, nil
}
