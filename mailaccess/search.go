package mailaccess

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/jmoiron/sqlx"
)

// searchTerms splits a user's query into words, keeping letters, digits and
// the few characters addresses need; everything else separates words. The
// result is safe to quote into either database's search syntax.
func searchTerms(q string) []string {
	var terms []string
	for _, f := range strings.FieldsFunc(q, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '@' && r != '.' && r != '_' && r != '-'
	}) {
		f = strings.Trim(f, ".-_@")
		if f != "" && len(terms) < 10 {
			terms = append(terms, strings.ToLower(f))
		}
	}
	return terms
}

// SearchMessages returns the account's messages (in one folder, or in all
// when mailboxID is 0) whose subject, sender, recipients and preview — or,
// for bodies in the cache, whose text — contain every word of query (as a word or a word prefix), newest first, keyset-paged
// like ListMessages (the cursor's UID field carries the message id here).
func (s *Store) SearchMessages(ctx context.Context, accountID, mailboxID int64, query string, after *Cursor, limit int) ([]Message, bool, error) {
	terms := searchTerms(query)
	if len(terms) == 0 {
		return nil, false, nil
	}
	q := `SELECT ` + listColumns + ` FROM messages WHERE account_id = ?`
	args := []any{accountID}
	if s.dialect == Postgres {
		// Each word a prefix: 'word':*; terms hold no quote or operator.
		var tq []string
		for _, t := range terms {
			tq = append(tq, "'"+t+"':*")
		}
		q += ` AND id IN (SELECT id FROM messages WHERE search @@ to_tsquery('simple', ?)
			UNION SELECT message_id FROM message_bodies WHERE search @@ to_tsquery('simple', ?))`
		args = append(args, strings.Join(tq, " & "), strings.Join(tq, " & "))
	} else {
		var fq []string
		for _, t := range terms {
			fq = append(fq, `"`+t+`"*`)
		}
		q += ` AND id IN (SELECT rowid FROM message_search WHERE message_search MATCH ?
			UNION SELECT rowid FROM body_search WHERE body_search MATCH ?)`
		args = append(args, strings.Join(fq, " "), strings.Join(fq, " "))
	}
	if mailboxID != 0 {
		q += ` AND mailbox_id = ?`
		args = append(args, mailboxID)
	}
	if after != nil {
		q += ` AND (internal_date, id) < (?, ?)`
		args = append(args, after.Date, int64(after.UID))
	}
	q += ` ORDER BY internal_date DESC, id DESC LIMIT ?`
	args = append(args, limit+1)
	var list []Message
	if err := s.db.SelectContext(ctx, &list, s.db.Rebind(q), args...); err != nil {
		return nil, false, fmt.Errorf("search messages: %w", err)
	}
	more := len(list) > limit
	if more {
		list = list[:limit]
	}
	return list, more, nil
}

// MessagesByUID returns the cached messages of a folder with the given UIDs,
// newest first (UIDs not cached are skipped).
func (s *Store) MessagesByUID(ctx context.Context, accountID, mailboxID int64, uids []UID) ([]Message, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`SELECT `+listColumns+` FROM messages WHERE account_id = ? AND mailbox_id = ? AND uid IN (?)
		ORDER BY internal_date DESC, uid DESC`, accountID, mailboxID, uids)
	if err != nil {
		return nil, err
	}
	var list []Message
	if err := s.db.SelectContext(ctx, &list, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("messages by uid: %w", err)
	}
	return list, nil
}

// SearchWords is the query split as SearchMessages splits it, for a search
// on the IMAP server.
func SearchWords(query string) []string { return searchTerms(query) }

// PurgeSearch removes up to limit deleted messages from the full-text index
// (SQLite; a no-op on PostgreSQL, whose index lives in the rows) and reports
// how many it removed and whether more are waiting. Deleting a message only
// queues its id (migration 0009), so that deletes stay cheap on a sync's
// path; the long-lived processes call this in the background and
// `mailaccess sync` once the queue is long. Each call is one transaction:
// call it again while more is true.
func (s *Store) PurgeSearch(ctx context.Context, limit int) (int, bool, error) {
	if s.dialect != SQLite || limit <= 0 {
		return 0, false, nil
	}
	var n int
	var more bool
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `SELECT id FROM search_purge ORDER BY id LIMIT ?`, limit+1); err != nil {
			return fmt.Errorf("read the search index's purge queue: %w", err)
		}
		more = len(ids) > limit
		ids = ids[:min(len(ids), limit)]
		n = len(ids)
		if n == 0 {
			return nil
		}
		stmt, err := tx.PrepareContext(ctx, `DELETE FROM message_search WHERE rowid = ?`)
		if err != nil {
			return fmt.Errorf("prepare search index purge: %w", err)
		}
		defer stmt.Close()
		for _, id := range ids {
			if _, err := stmt.ExecContext(ctx, id); err != nil {
				return fmt.Errorf("remove message %d from the search index: %w", id, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_purge WHERE id <= ?`, ids[n-1]); err != nil {
			return fmt.Errorf("trim the search index's purge queue: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return n, more, nil
}

// purgeChunk is how many deleted messages one PurgeSearch transaction
// removes from the index when draining: about 70 ms of writing, so a
// sync waiting for the write lock waits little.
const purgeChunk = 2000

// DrainSearchPurge empties the search index's purge queue (see PurgeSearch),
// one transaction per purgeChunk, when at least minBacklog messages wait;
// it returns how many it removed. The serving processes call it every few
// seconds with a minimum of 1; `mailaccess sync` with a large one, so that
// a deployment that only runs one-shot syncs purges in big, cheap batches.
func (s *Store) DrainSearchPurge(ctx context.Context, minBacklog int) (int, error) {
	if s.dialect != SQLite {
		return 0, nil
	}
	if n, err := s.SearchPurgeBacklog(ctx); err != nil || n < max(minBacklog, 1) {
		return 0, err
	}
	total := 0
	for {
		n, more, err := s.PurgeSearch(ctx, purgeChunk)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

// OneShotPurgeBacklog is how many deleted messages make a one-shot process
// (`mailaccess sync`) drain the search index's purge queue after its pass:
// about 33 µs a message in bulk, against about 180 µs each inside a resync's
// delete.
const OneShotPurgeBacklog = 5000

// SearchPurgeBacklog returns how many deleted messages wait to leave the
// full-text index (0 on PostgreSQL).
func (s *Store) SearchPurgeBacklog(ctx context.Context) (int, error) {
	if s.dialect != SQLite {
		return 0, nil
	}
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM search_purge`); err != nil {
		return 0, fmt.Errorf("count the search index's purge queue: %w", err)
	}
	return n, nil
}
