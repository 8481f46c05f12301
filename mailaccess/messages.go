package mailaccess

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// messageInsertColumns are the columns written when a message enters the cache.
var messageInsertColumns = []string{
	"account_id", "mailbox_id", "uid", "modseq", "flags", "seen", "flagged", "answered", "draft",
	"internal_date", "sent_date", "size", "subject", "from_name", "from_addr", "to_addrs", "cc_addrs",
	"reply_to", "message_id", "in_reply_to", "refs", "structure", "has_attachments", "preview", "thread_key",
}

// insertColumnList and insertRow are messageInsertColumns as SQL: the
// column list and one row of placeholders.
var (
	insertColumnList = strings.Join(messageInsertColumns, ", ")
	insertRow        = "(" + strings.TrimSuffix(strings.Repeat("?, ", len(messageInsertColumns)), ", ") + ")"
)

func messageArgs(m *Message) []any {
	return []any{
		m.AccountID, m.MailboxID, m.UID, m.ModSeq, m.Flags, m.Seen, m.Flagged, m.Answered, m.Draft,
		m.InternalDate, m.SentDate, m.Size, m.Subject, m.FromName, m.FromAddr, m.To, m.Cc,
		m.ReplyTo, m.MessageID, m.InReplyTo, m.References, m.Structure, m.HasAttachments, m.Preview, m.ThreadKey(),
	}
}

// listColumns is what a message list needs: everything but the MIME structure.
const listColumns = `id, account_id, mailbox_id, uid, modseq, flags, seen, flagged, answered, draft,
	internal_date, sent_date, size, subject, from_name, from_addr, to_addrs, cc_addrs, reply_to,
	message_id, in_reply_to, refs, has_attachments, preview, thread_key`

// rowsPerInsert bounds one multi-row INSERT below both databases' limits on
// bound parameters (SQLite 32766, PostgreSQL 65535).
const rowsPerInsert = 500

// StoreMessages writes a batch of fetched messages of one folder and moves the
// folder's checkpoint to checkpoint, in one transaction: either the batch and
// its checkpoint are stored, or neither is. A message already cached (same
// mailbox and UID) is overwritten, so a replayed batch creates no duplicate.
// The checkpoint never moves backwards.
func (s *Store) StoreMessages(ctx context.Context, accountID, mailboxID int64, msgs []Message, checkpoint UID) error {
	msgs = lastOfEachUID(msgs, func(m *Message) UID { return m.UID })
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if s.dialect == SQLite {
			if err := s.insertMessagesSQLite(ctx, tx, accountID, mailboxID, msgs); err != nil {
				return err
			}
		} else if len(msgs) >= copyMinRows {
			if err := s.copyMessages(ctx, tx, accountID, mailboxID, msgs); err != nil {
				return err
			}
		} else if err := s.upsertMessages(ctx, tx, accountID, mailboxID, msgs); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE mailboxes SET last_uid = ? WHERE account_id = ? AND id = ? AND last_uid < ?`),
			checkpoint, accountID, mailboxID, checkpoint)
		if err != nil {
			return fmt.Errorf("move checkpoint of mailbox %d to %d: %w", mailboxID, checkpoint, err)
		}
		return nil
	})
}

// lastOfEachUID returns items with one item per UID, the last one given
// (uid names an item's UID): a batch can hold a message twice (fetched
// again after a failure), and one statement may not insert and then update
// the same row, nor change a row twice with any of its matches.
func lastOfEachUID[T any](items []T, uid func(*T) UID) []T {
	ascending := true
	for i := 1; i < len(items) && ascending; i++ {
		ascending = uid(&items[i]) > uid(&items[i-1])
	}
	if ascending {
		return items
	}
	last := make(map[UID]int, len(items))
	for i := range items {
		last[uid(&items[i])] = i
	}
	if len(last) == len(items) {
		return items
	}
	out := make([]T, 0, len(last))
	for i := range items {
		if last[uid(&items[i])] == i {
			out = append(out, items[i])
		}
	}
	return out
}

// upsertMessages writes msgs with multi-row INSERT ... ON CONFLICT DO UPDATE
// statements.
func (s *Store) upsertMessages(ctx context.Context, tx *sqlx.Tx, accountID, mailboxID int64, msgs []Message) error {
	for start := 0; start < len(msgs); start += rowsPerInsert {
		chunk := msgs[start:min(start+rowsPerInsert, len(msgs))]
		if err := s.upsertChunk(ctx, tx, accountID, mailboxID, chunk); err != nil {
			return err
		}
	}
	return nil
}

// insertMessagesSQLite writes msgs on SQLite with one prepared single-row
// INSERT per message. A statement that writes one row and fires no trigger
// needs no statement journal, whereas a multi-row INSERT first copies every
// existing page it changes into one (a temporary file): with the folder's
// sort indexes that was about 6 KB of journal per message, most of an
// initial sync's writing. The full-text index of the new rows is filled
// after them in one statement (the SQLite schema has no insert trigger for
// it since migration 0008). A message already cached (a replayed batch) is
// left to the upsert, whose update trigger keeps the full-text index.
func (s *Store) insertMessagesSQLite(ctx context.Context, tx *sqlx.Tx, accountID, mailboxID int64, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	// Rows inserted now get ids above every id in use (AUTOINCREMENT
	// never reuses one), and this transaction is the only writer.
	var before int64
	if err := tx.GetContext(ctx, &before, `SELECT COALESCE(MAX(id), 0) FROM messages`); err != nil {
		return fmt.Errorf("read the last message id: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, insertOneSQL)
	if err != nil {
		return fmt.Errorf("prepare message insert: %w", err)
	}
	defer stmt.Close()
	// Each row is a statement of microseconds, run without ctx's
	// cancellation: the driver watches a cancellable context with a
	// goroutine per statement, which cost about 5 µs of CPU per row. ctx is
	// checked before each row instead, and the transaction, which watches
	// it too, is rolled back when it ends.
	rowCtx := context.WithoutCancel(ctx)
	var cached []Message
	for i := range msgs {
		if err := ctx.Err(); err != nil {
			return err
		}
		m := &msgs[i]
		m.AccountID, m.MailboxID = accountID, mailboxID
		res, err := stmt.ExecContext(rowCtx, messageArgs(m)...)
		if err != nil {
			return fmt.Errorf("insert message uid %d: %w", m.UID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("insert message uid %d: %w", m.UID, err)
		} else if n == 0 {
			cached = append(cached, *m)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO message_search (rowid, subject, people, preview)
		SELECT id, subject, `+searchPeople+`, preview FROM messages WHERE id > ?`, before); err != nil {
		return fmt.Errorf("index %d messages for search: %w", len(msgs)-len(cached), err)
	}
	return s.upsertMessages(ctx, tx, accountID, mailboxID, cached)
}

// copyMinRows is the smallest batch that PostgreSQL gets by COPY: below it
// the temporary table costs more than it saves.
const copyMinRows = 256

// copyMessages writes msgs on PostgreSQL by COPY into a temporary table
// dropped at commit, then one INSERT ... SELECT with the same upsert as
// upsertMessages. A multi-row INSERT binds 25 parameters per message and
// makes the server parse and plan a 12,500-parameter statement per 500
// rows; COPY streams the rows (100k messages: 8.2 s -> 5.8 s of writing).
func (s *Store) copyMessages(ctx context.Context, tx *sqlx.Tx, accountID, mailboxID int64, msgs []Message) error {
	cols := insertColumnList
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE messages_in ON COMMIT DROP AS SELECT `+cols+` FROM messages WITH NO DATA`); err != nil {
		return fmt.Errorf("create the staging table: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `COPY messages_in (`+cols+`) FROM STDIN`)
	if err != nil {
		return fmt.Errorf("start copying %d messages: %w", len(msgs), err)
	}
	defer stmt.Close()
	for i := range msgs {
		m := &msgs[i]
		m.AccountID, m.MailboxID = accountID, mailboxID
		if _, err := stmt.ExecContext(ctx, messageArgs(m)...); err != nil {
			return fmt.Errorf("copy message uid %d: %w", m.UID, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy %d messages (uid %d-%d): %w", len(msgs), msgs[0].UID, msgs[len(msgs)-1].UID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO messages (`+cols+`) SELECT `+cols+` FROM messages_in`+upsertClause); err != nil {
		return fmt.Errorf("insert %d messages (uid %d-%d): %w", len(msgs), msgs[0].UID, msgs[len(msgs)-1].UID, err)
	}
	return nil
}

// upsertClause makes an insert of a message already cached (same folder and
// UID) overwrite it.
var upsertClause = func() string {
	var b strings.Builder
	b.WriteString(" ON CONFLICT (mailbox_id, uid) DO UPDATE SET ")
	for i, c := range messageInsertColumns[3:] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = excluded." + c)
	}
	return b.String()
}()

// searchPeople is the "people" column of SQLite's full-text index: sender
// and recipients (the triggers of migration 0002 say the same).
const searchPeople = `from_name || ' ' || from_addr || ' ' || to_addrs || ' ' || cc_addrs`

// insertOneSQL inserts one message unless the folder already caches its UID.
var insertOneSQL = "INSERT INTO messages (" + insertColumnList + ") VALUES " + insertRow +
	" ON CONFLICT (mailbox_id, uid) DO NOTHING"

func (s *Store) upsertChunk(ctx context.Context, tx *sqlx.Tx, accountID, mailboxID int64, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("INSERT INTO messages (")
	b.WriteString(insertColumnList)
	b.WriteString(") VALUES ")
	args := make([]any, 0, len(msgs)*len(messageInsertColumns))
	for i := range msgs {
		m := &msgs[i]
		m.AccountID, m.MailboxID = accountID, mailboxID
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(insertRow)
		args = append(args, messageArgs(m)...)
	}
	b.WriteString(upsertClause)
	if _, err := tx.ExecContext(ctx, tx.Rebind(b.String()), args...); err != nil {
		return fmt.Errorf("insert %d messages (uid %d-%d): %w", len(msgs), msgs[0].UID, msgs[len(msgs)-1].UID, err)
	}
	return nil
}

// MailboxUIDs returns the UIDs cached for a folder, ascending.
func (s *Store) MailboxUIDs(ctx context.Context, accountID, mailboxID int64) ([]UID, error) {
	var uids []UID
	err := s.db.SelectContext(ctx, &uids, s.db.Rebind(`SELECT uid FROM messages WHERE account_id = ? AND mailbox_id = ? ORDER BY uid`), accountID, mailboxID)
	if err != nil {
		return nil, fmt.Errorf("list uids of mailbox %d: %w", mailboxID, err)
	}
	return uids, nil
}

// FlagUpdate is a new flag list for a cached message.
type FlagUpdate struct {
	UID    UID
	Flags  []string
	ModSeq ModSeq
}

// UpdateFlags applies flag changes to cached messages of one folder in one
// transaction, and moves the folder's unread count by as many messages as
// became read or unread, so that the folder list is right before the next
// sync. UIDs not in the cache are ignored.
func (s *Store) UpdateFlags(ctx context.Context, accountID, mailboxID int64, updates []FlagUpdate) error {
	if len(updates) == 0 {
		return nil
	}
	if s.dialect == Postgres {
		return s.updateFlagsPostgres(ctx, accountID, mailboxID, updates)
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		stmt, err := tx.PreparexContext(ctx, `UPDATE messages SET flags = ?, seen = ?, flagged = ?, answered = ?, draft = ?, modseq = ?
			WHERE account_id = ? AND mailbox_id = ? AND uid = ?`)
		if err != nil {
			return fmt.Errorf("prepare flag update: %w", err)
		}
		defer stmt.Close()
		unread := func(uids []UID) (int, error) {
			q, args, err := sqlx.In(`SELECT COUNT(*) FROM messages WHERE account_id = ? AND mailbox_id = ? AND uid IN (?) AND NOT seen`, accountID, mailboxID, uids)
			if err != nil {
				return 0, err
			}
			var n int
			if err := tx.GetContext(ctx, &n, q, args...); err != nil {
				return 0, fmt.Errorf("count unread messages of mailbox %d: %w", mailboxID, err)
			}
			return n, nil
		}
		delta := 0
		for start := 0; start < len(updates); start += rowsPerInsert {
			chunk := updates[start:min(start+rowsPerInsert, len(updates))]
			uids := make([]UID, len(chunk))
			for i, u := range chunk {
				uids[i] = u.UID
			}
			before, err := unread(uids)
			if err != nil {
				return err
			}
			for _, u := range chunk {
				var m Message
				m.SetFlags(u.Flags)
				if _, err := stmt.ExecContext(ctx, m.Flags, m.Seen, m.Flagged, m.Answered, m.Draft, u.ModSeq, accountID, mailboxID, u.UID); err != nil {
					return fmt.Errorf("update flags of uid %d: %w", u.UID, err)
				}
			}
			after, err := unread(uids)
			if err != nil {
				return err
			}
			delta += after - before
		}
		return moveUnread(ctx, tx, accountID, mailboxID, delta)
	})
}

// updateFlagsPostgres is UpdateFlags in one statement per chunk: the new
// flags go as arrays, and the statement locks the rows, updates them and
// returns each one's read state before and after. One round trip per
// chunk instead of one per message (and three per chunk), which is what a
// flag update cost on PostgreSQL, on loopback as on a network.
//
// Each UID is looked up on its own, through the (mailbox_id, uid) key
// (OFFSET 0 keeps the planner from folding the look-up into a join). As a
// join, its plan depended on the table's statistics: before the first
// ANALYZE of a freshly synced folder PostgreSQL took the folder for a few
// rows and compared every message with every UID (100 changes in a folder
// of 20,000: 390 ms instead of 6). Rows are locked in UID order, the order
// in which the other writes of a folder's messages take them.
func (s *Store) updateFlagsPostgres(ctx context.Context, accountID, mailboxID int64, updates []FlagUpdate) error {
	// The last change of a UID wins, as it would applied one by one.
	updates = lastOfEachUID(updates, func(u *FlagUpdate) UID { return u.UID })
	updates = slices.SortedStableFunc(slices.Values(updates), func(a, b FlagUpdate) int { return cmp.Compare(a.UID, b.UID) })
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		delta := 0
		n := len(updates)
		uids, flags, modseqs := make([]int64, 0, n), make([]string, 0, n), make([]int64, 0, n)
		seen, flagged, answered, draft := make([]bool, 0, n), make([]bool, 0, n), make([]bool, 0, n), make([]bool, 0, n)
		for _, u := range updates {
			var m Message
			m.SetFlags(u.Flags)
			uids, flags, modseqs = append(uids, int64(u.UID)), append(flags, m.Flags), append(modseqs, int64(u.ModSeq))
			seen, flagged, answered, draft = append(seen, m.Seen), append(flagged, m.Flagged), append(answered, m.Answered), append(draft, m.Draft)
		}
		for start := 0; start < len(uids); start += flagUpdateChunk {
			end := min(start+flagUpdateChunk, len(uids))
			rows, err := tx.QueryContext(ctx, `
				WITH v AS (
					SELECT * FROM unnest($3::bigint[], $4::text[], $5::bool[], $6::bool[], $7::bool[], $8::bool[], $9::bigint[])
						AS v(uid, flags, seen, flagged, answered, draft, modseq)
				), old AS (
					SELECT m.id, m.seen FROM v CROSS JOIN LATERAL (
						SELECT id, seen FROM messages
						WHERE mailbox_id = $2 AND uid = v.uid AND account_id = $1
						OFFSET 0
					) m
					FOR UPDATE OF m
				)
				UPDATE messages m SET flags = v.flags, seen = v.seen, flagged = v.flagged, answered = v.answered,
					draft = v.draft, modseq = v.modseq
				FROM v, old
				WHERE m.id = old.id AND m.uid = v.uid
				RETURNING old.seen, m.seen`,
				accountID, mailboxID, pq.Array(uids[start:end]), pq.Array(flags[start:end]), pq.Array(seen[start:end]),
				pq.Array(flagged[start:end]), pq.Array(answered[start:end]), pq.Array(draft[start:end]), pq.Array(modseqs[start:end]))
			if err != nil {
				return fmt.Errorf("update flags of mailbox %d: %w", mailboxID, err)
			}
			for rows.Next() {
				var was, is bool
				if err := rows.Scan(&was, &is); err != nil {
					rows.Close()
					return fmt.Errorf("update flags of mailbox %d: %w", mailboxID, err)
				}
				switch {
				case was && !is:
					delta++
				case !was && is:
					delta--
				}
			}
			if err := rows.Close(); err != nil {
				return fmt.Errorf("update flags of mailbox %d: %w", mailboxID, err)
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("update flags of mailbox %d: %w", mailboxID, err)
			}
		}
		return moveUnread(ctx, tx, accountID, mailboxID, delta)
	})
}

// flagUpdateChunk bounds the arrays of one flag update statement on
// PostgreSQL.
const flagUpdateChunk = 5000

// moveUnread moves a folder's unread count by delta (never below zero).
func moveUnread(ctx context.Context, tx *sqlx.Tx, accountID, mailboxID int64, delta int) error {
	if delta == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE mailboxes SET unseen = CASE WHEN unseen + ? > 0 THEN unseen + ? ELSE 0 END
		WHERE account_id = ? AND id = ?`), delta, delta, accountID, mailboxID)
	if err != nil {
		return fmt.Errorf("unread count of mailbox %d: %w", mailboxID, err)
	}
	return nil
}

// DeleteMessages removes messages of one folder from the cache by UID, and
// takes them off the folder's total and unread counts, so that a folder
// shows the right counts after a move or delete before its next sync.
func (s *Store) DeleteMessages(ctx context.Context, accountID, mailboxID int64, uids []UID) error {
	ranges := make([]UIDRange, len(uids))
	for i, u := range uids {
		ranges[i] = UIDRange{First: u, Last: u}
	}
	_, err := s.DeleteMessageRanges(ctx, accountID, mailboxID, ranges)
	return err
}

// Cursor marks a position in a folder's message list (newest first): the
// list continues with messages strictly older than it. Keyset paging stays
// stable when mail arrives or vanishes.
type Cursor struct {
	Date Time
	UID  UID
}

// ListMessages returns up to limit messages of a folder, newest first,
// starting after the cursor (nil for the first page). The second result
// reports whether more messages follow.
func (s *Store) ListMessages(ctx context.Context, accountID, mailboxID int64, after *Cursor, limit int) ([]Message, bool, error) {
	q := `SELECT ` + listColumns + ` FROM messages WHERE account_id = ? AND mailbox_id = ?`
	args := []any{accountID, mailboxID}
	if after != nil {
		q += ` AND (internal_date, uid) < (?, ?)` // a row comparison: one index range on both dialects
		args = append(args, after.Date, after.UID)
	}
	q += ` ORDER BY internal_date DESC, uid DESC LIMIT ?`
	args = append(args, limit+1)
	var list []Message
	if err := s.db.SelectContext(ctx, &list, s.db.Rebind(q), args...); err != nil {
		return nil, false, fmt.Errorf("list messages of mailbox %d: %w", mailboxID, err)
	}
	more := len(list) > limit
	if more {
		list = list[:limit]
	}
	return list, more, nil
}

// Message returns one cached message of the account, with its structure, or ErrNotFound.
func (s *Store) Message(ctx context.Context, accountID, id int64) (Message, error) {
	var m Message
	err := s.db.GetContext(ctx, &m, s.db.Rebind(`SELECT `+listColumns+`, structure FROM messages WHERE account_id = ? AND id = ?`), accountID, id)
	if err != nil {
		return Message{}, fmt.Errorf("message %d: %w", id, notFound(err))
	}
	return m, nil
}

// MessageBody returns the cached raw message (RFC 5322 bytes) and whether it
// was cut at the size cap, or ErrNotFound when it was never fetched.
func (s *Store) MessageBody(ctx context.Context, accountID, messageID int64) ([]byte, bool, error) {
	var row struct {
		Raw       []byte `db:"raw"`
		Truncated bool   `db:"truncated"`
	}
	err := s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT b.raw, b.truncated FROM message_bodies b
		JOIN messages m ON m.id = b.message_id WHERE m.account_id = ? AND b.message_id = ?`), accountID, messageID)
	if err != nil {
		return nil, false, fmt.Errorf("body of message %d: %w", messageID, notFound(err))
	}
	return row.Raw, row.Truncated, nil
}

// maxIndexedText bounds the body text kept for search.
const maxIndexedText = 64 << 10

// PutMessageBody caches the raw bytes of a message of the account, with its
// text for search.
func (s *Store) PutMessageBody(ctx context.Context, accountID, messageID int64, raw []byte, truncated bool) error {
	b := ExtractBodies(raw)
	text := b.Plain
	if text == "" {
		text = HTMLToText(b.HTML)
	}
	if len(text) > maxIndexedText {
		text = text[:maxIndexedText]
	}
	text = strings.ToValidUTF8(strings.ReplaceAll(text, "\x00", ""), "")
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO message_bodies (message_id, raw, truncated, fetched_at, text)
		SELECT id, ?, ?, ?, ? FROM messages WHERE account_id = ? AND id = ?
		ON CONFLICT (message_id) DO UPDATE SET raw = excluded.raw, truncated = excluded.truncated,
			fetched_at = excluded.fetched_at, text = excluded.text`),
		raw, truncated, s.timeNow(), text, accountID, messageID)
	if err != nil {
		return fmt.Errorf("store body of message %d: %w", messageID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store body of message %d: %w", messageID, ErrNotFound)
	}
	return nil
}

// MailboxFlags returns the cached flag list of every message of a folder, by
// UID (for comparing with a server that has no CONDSTORE).
func (s *Store) MailboxFlags(ctx context.Context, accountID, mailboxID int64) (map[UID]string, error) {
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(`SELECT uid, flags FROM messages WHERE account_id = ? AND mailbox_id = ?`), accountID, mailboxID)
	if err != nil {
		return nil, fmt.Errorf("read flags of mailbox %d: %w", mailboxID, err)
	}
	defer rows.Close()
	out := make(map[UID]string)
	for rows.Next() {
		var uid UID
		var flags string
		if err := rows.Scan(&uid, &flags); err != nil {
			return nil, fmt.Errorf("read flags of mailbox %d: %w", mailboxID, err)
		}
		out[uid] = flags
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read flags of mailbox %d: %w", mailboxID, err)
	}
	return out, nil
}
