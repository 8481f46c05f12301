package mailaccess

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// UIDRange is an inclusive range of UIDs.
type UIDRange struct{ First, Last UID }

// DeleteMessageRanges removes the cached messages of a folder whose UID lies
// in one of ranges (inclusive), in one transaction, takes them off the
// folder's total and unread counts, and returns how many were removed.
// Each range is one indexed DELETE of a prepared statement: an OR of many
// ranges in one statement makes SQLite scan the whole folder.
func (s *Store) DeleteMessageRanges(ctx context.Context, accountID, mailboxID int64, ranges []UIDRange) (int, error) {
	if len(ranges) == 0 {
		return 0, nil
	}
	total := 0
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		total = 0
		unseen := 0
		// count adds up the read state of the deleted rows.
		count := func(rows *sql.Rows) error {
			defer rows.Close()
			for rows.Next() {
				var seen bool
				if err := rows.Scan(&seen); err != nil {
					return err
				}
				total++
				if !seen {
					unseen++
				}
			}
			return rows.Err()
		}
		stmt, err := tx.PrepareContext(ctx, tx.Rebind(`DELETE FROM messages WHERE account_id = ? AND mailbox_id = ? AND uid BETWEEN ? AND ? RETURNING seen`))
		if err != nil {
			return fmt.Errorf("prepare delete of messages: %w", err)
		}
		defer stmt.Close()
		// Single UIDs (the usual gap) go by lists: one indexed statement
		// for up to rowsPerInsert of them.
		var singles []UID
		for _, r := range ranges {
			if r.First == r.Last {
				singles = append(singles, r.First)
			}
		}
		for start := 0; start < len(singles); start += rowsPerInsert {
			chunk := singles[start:min(start+rowsPerInsert, len(singles))]
			q, args, err := sqlx.In(`DELETE FROM messages WHERE account_id = ? AND mailbox_id = ? AND uid IN (?) RETURNING seen`, accountID, mailboxID, chunk)
			if err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, tx.Rebind(q), args...)
			if err == nil {
				err = count(rows)
			}
			if err != nil {
				return fmt.Errorf("delete %d messages of mailbox %d: %w", len(chunk), mailboxID, err)
			}
		}
		for _, r := range ranges {
			if r.First == r.Last {
				continue
			}
			rows, err := stmt.QueryContext(ctx, accountID, mailboxID, r.First, r.Last)
			if err == nil {
				err = count(rows)
			}
			if err != nil {
				return fmt.Errorf("delete messages %d-%d of mailbox %d: %w", r.First, r.Last, mailboxID, err)
			}
		}
		if total == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE mailboxes SET
			total = CASE WHEN total > ? THEN total - ? ELSE 0 END,
			unseen = CASE WHEN unseen > ? THEN unseen - ? ELSE 0 END
			WHERE account_id = ? AND id = ?`), total, total, unseen, unseen, accountID, mailboxID)
		if err != nil {
			return fmt.Errorf("counts of mailbox %d: %w", mailboxID, err)
		}
		return nil
	})
	return total, err
}

// CountMessages returns how many messages of a folder are cached.
func (s *Store) CountMessages(ctx context.Context, accountID, mailboxID int64) (int, error) {
	var n int
	// By mailbox alone, so that the (mailbox_id, uid) index answers it; the
	// account is checked on the mailbox row.
	err := s.db.GetContext(ctx, &n, s.db.Rebind(`SELECT COUNT(*) FROM messages
		WHERE mailbox_id = (SELECT id FROM mailboxes WHERE id = ? AND account_id = ?)`), mailboxID, accountID)
	if err != nil {
		return 0, fmt.Errorf("count messages of mailbox %d: %w", mailboxID, err)
	}
	return n, nil
}

// UIDFlags is the cached flag list of one message.
type UIDFlags struct {
	UID   UID    `db:"uid"`
	Flags string `db:"flags"`
}

// MailboxFlagsRange returns the cached flags of a folder's messages whose UID
// lies in [first, last], ascending by UID: one chunk of a flag comparison with
// a server that has no CONDSTORE, so memory stays bounded by the chunk.
func (s *Store) MailboxFlagsRange(ctx context.Context, accountID, mailboxID int64, first, last UID) ([]UIDFlags, error) {
	var out []UIDFlags
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT uid, flags FROM messages
		WHERE account_id = ? AND mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid`), accountID, mailboxID, first, last)
	if err != nil {
		return nil, fmt.Errorf("read flags of mailbox %d uids %d-%d: %w", mailboxID, first, last, err)
	}
	return out, nil
}

// TouchMailbox records a sync pass that found nothing to change: the folder's
// sync time moves and its error is cleared; counts and checkpoints stay.
func (s *Store) TouchMailbox(ctx context.Context, accountID, id int64) error {
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE mailboxes SET synced_at = ?, sync_error = '' WHERE account_id = ? AND id = ?`),
		s.timeNow(), accountID, id)
	if err != nil {
		return fmt.Errorf("touch mailbox %d: %w", id, err)
	}
	return nil
}
