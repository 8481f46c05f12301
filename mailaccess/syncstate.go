package mailaccess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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
		// Single UIDs (the usual gap) go by lists (deleteSinglesByList), on
		// SQLite one row per statement (deleteSinglesSQLite).
		var singles []UID
		for _, r := range ranges {
			if r.First == r.Last {
				singles = append(singles, r.First)
			}
		}
		deleteSingles := deleteSinglesByList
		if s.dialect == SQLite {
			deleteSingles = deleteSinglesSQLite
		}
		if err := deleteSingles(ctx, tx, accountID, mailboxID, singles, count); err != nil {
			return err
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

// deleteSinglesByList deletes the cached messages of uids with one indexed
// statement for up to rowsPerInsert of them.
func deleteSinglesByList(ctx context.Context, tx *sqlx.Tx, accountID, mailboxID int64, uids []UID, count func(*sql.Rows) error) error {
	for start := 0; start < len(uids); start += rowsPerInsert {
		chunk := uids[start:min(start+rowsPerInsert, len(uids))]
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
	return nil
}

// deleteSinglesSQLite deletes the cached messages of uids, one row per
// statement, after one look-up per chunk of which of them are cached (most
// UIDs a pass checks are old gaps, long gone). On SQLite a statement that
// deletes several rows (here with the search-purge trigger and the bodies'
// foreign key) first copies every page it changes into a statement
// journal, a temporary file, so that it could be undone alone: 100
// expunged messages of a 100k folder wrote 1.5 MB there, in about 700
// writes. A statement that deletes one row needs none (100 deletes of
// BenchmarkDeleteScattered: about 1 ms, 5%, faster).
func deleteSinglesSQLite(ctx context.Context, tx *sqlx.Tx, accountID, mailboxID int64, uids []UID, count func(*sql.Rows) error) error {
	var stmt *sql.Stmt
	for start := 0; start < len(uids); start += rowsPerInsert {
		chunk := uids[start:min(start+rowsPerInsert, len(uids))]
		q, args, err := sqlx.In(`SELECT uid FROM messages WHERE account_id = ? AND mailbox_id = ? AND uid IN (?)`, accountID, mailboxID, chunk)
		if err != nil {
			return err
		}
		var cached []UID
		if err := tx.SelectContext(ctx, &cached, q, args...); err != nil {
			return fmt.Errorf("look up %d messages of mailbox %d: %w", len(chunk), mailboxID, err)
		}
		for _, uid := range cached {
			if stmt == nil {
				if stmt, err = tx.PrepareContext(ctx, `DELETE FROM messages WHERE account_id = ? AND mailbox_id = ? AND uid = ? RETURNING seen`); err != nil {
					return fmt.Errorf("prepare delete of a message: %w", err)
				}
				defer stmt.Close()
			}
			rows, err := stmt.QueryContext(ctx, accountID, mailboxID, uid)
			if err == nil {
				err = count(rows)
			}
			if err != nil {
				return fmt.Errorf("delete message uid %d of mailbox %d: %w", uid, mailboxID, err)
			}
		}
	}
	return nil
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

// TouchMailbox records sync passes that found nothing to change, for the
// folders ids of the account, in one statement: each folder's sync time
// moves and its error is cleared; counts and checkpoints stay.
func (s *Store) TouchMailbox(ctx context.Context, accountID int64, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	q, args, err := sqlx.In(`UPDATE mailboxes SET synced_at = ?, sync_error = '' WHERE account_id = ? AND id IN (?)`,
		s.timeNow(), accountID, ids)
	if err == nil {
		_, err = s.db.ExecContext(ctx, s.db.Rebind(q), args...)
	}
	if err != nil {
		return fmt.Errorf("touch mailboxes %v: %w", ids, err)
	}
	return nil
}

// ErrFolderBusy is returned by AcquireFolderSync while another sync holds
// the folder's lease.
var ErrFolderBusy = errors.New("another sync of the folder is running")

// FolderBusyError says who holds a folder's sync lease, and until when
// unless renewed. It wraps ErrFolderBusy.
type FolderBusyError struct {
	Owner string
	Until time.Time
}

func (e *FolderBusyError) Error() string {
	return fmt.Sprintf("%v (%s, lease until %s)", ErrFolderBusy, e.Owner, e.Until.Format(time.RFC3339))
}

func (e *FolderBusyError) Unwrap() error { return ErrFolderBusy }

// AcquireFolderSync takes the sync lease of a folder for owner (a token no
// other acquisition uses) for lease, and returns the folder as it is now:
// a sync that had to wait sees what the previous one stored. It fails with
// a *FolderBusyError while another owner holds an unexpired lease, and
// with ErrNotFound when the folder is gone.
func (s *Store) AcquireFolderSync(ctx context.Context, accountID, mailboxID int64, owner string, lease time.Duration) (Mailbox, error) {
	now := s.now()
	var m Mailbox
	err := s.db.GetContext(ctx, &m, s.db.Rebind(`UPDATE mailboxes SET sync_owner = ?, sync_until = ?
		WHERE account_id = ? AND id = ? AND (sync_owner = '' OR sync_until < ?)
		RETURNING `+mailboxColumns), owner, NewTime(now.Add(lease)), accountID, mailboxID, NewTime(now))
	if err == nil {
		return m, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Mailbox{}, fmt.Errorf("take the sync lease of mailbox %d: %w", mailboxID, err)
	}
	var held struct {
		Owner string `db:"sync_owner"`
		Until Time   `db:"sync_until"`
	}
	err = s.db.GetContext(ctx, &held, s.db.Rebind(`SELECT sync_owner, sync_until FROM mailboxes WHERE account_id = ? AND id = ?`), accountID, mailboxID)
	if err != nil {
		return Mailbox{}, notFound(err)
	}
	return Mailbox{}, &FolderBusyError{Owner: held.Owner, Until: held.Until.Time}
}

// RenewFolderSync extends owner's sync lease of a folder; ErrLeaseLost
// when owner no longer holds it (it expired and another sync took it).
func (s *Store) RenewFolderSync(ctx context.Context, accountID, mailboxID int64, owner string, lease time.Duration) error {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE mailboxes SET sync_until = ? WHERE account_id = ? AND id = ? AND sync_owner = ?`),
		NewTime(s.now().Add(lease)), accountID, mailboxID, owner)
	if err != nil {
		return fmt.Errorf("renew the sync lease of mailbox %d: %w", mailboxID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("sync lease of mailbox %d: %w", mailboxID, ErrLeaseLost)
	}
	return nil
}

// ReleaseFolderSync gives owner's sync lease of a folder back (nothing when
// owner no longer holds it). With synced, the pass found nothing to change
// and is recorded as TouchMailbox records it, in the same write.
func (s *Store) ReleaseFolderSync(ctx context.Context, accountID, mailboxID int64, owner string, synced bool) error {
	q := `UPDATE mailboxes SET sync_owner = '', sync_until = 0 WHERE account_id = ? AND id = ? AND sync_owner = ?`
	args := []any{accountID, mailboxID, owner}
	if synced {
		q = `UPDATE mailboxes SET sync_owner = '', sync_until = 0, synced_at = ?, sync_error = '' WHERE account_id = ? AND id = ? AND sync_owner = ?`
		args = append([]any{s.timeNow()}, args...)
	}
	_, err := s.db.ExecContext(ctx, s.db.Rebind(q), args...)
	if err != nil {
		return fmt.Errorf("release the sync lease of mailbox %d: %w", mailboxID, err)
	}
	return nil
}
