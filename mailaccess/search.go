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
