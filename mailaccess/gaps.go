package mailaccess

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
)

// KnownGaps returns the UID ranges up to upto that a folder's cache was
// known not to hold at its last complete comparison with the server (see
// SaveKnownGaps), for the folder's generation uidvalidity. It returns no
// ranges and upto 0 when none were recorded, or for another generation.
func (s *Store) KnownGaps(ctx context.Context, accountID, mailboxID int64, uidvalidity UIDValidity) (gaps []UIDRange, upto UID, err error) {
	var row struct {
		UIDValidity UIDValidity `db:"uidvalidity"`
		Upto        UID         `db:"upto"`
		Gaps        []byte      `db:"gaps"`
	}
	err = s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT uidvalidity, upto, gaps FROM mailbox_gaps WHERE account_id = ? AND mailbox_id = ?`), accountID, mailboxID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && row.UIDValidity != uidvalidity) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read the known gaps of mailbox %d: %w", mailboxID, err)
	}
	gaps, err = decodeGaps(row.Gaps, row.Upto)
	if err != nil {
		return nil, 0, fmt.Errorf("the known gaps of mailbox %d: %w", mailboxID, err)
	}
	return gaps, row.Upto, nil
}

// SaveKnownGaps records that the folder's cache holds no UID of gaps
// (ascending, disjoint, none above upto) and, below upto, every UID the
// server had at the pass that compared them. Only a pass that checked the
// cache against the server's whole UID set records them.
func (s *Store) SaveKnownGaps(ctx context.Context, accountID, mailboxID int64, uidvalidity UIDValidity, upto UID, gaps []UIDRange) error {
	blob, err := encodeGaps(gaps, upto)
	if err != nil {
		return fmt.Errorf("record the known gaps of mailbox %d: %w", mailboxID, err)
	}
	_, err = s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO mailbox_gaps (mailbox_id, account_id, uidvalidity, upto, gaps)
		SELECT id, account_id, ?, ?, ? FROM mailboxes WHERE account_id = ? AND id = ?
		ON CONFLICT (mailbox_id) DO UPDATE SET uidvalidity = excluded.uidvalidity, upto = excluded.upto, gaps = excluded.gaps`),
		uidvalidity, upto, blob, accountID, mailboxID)
	if err != nil {
		return fmt.Errorf("record the known gaps of mailbox %d: %w", mailboxID, err)
	}
	return nil
}

// ForgetKnownGaps drops the record of a folder's gaps: the next comparison
// with the server looks in every gap.
func (s *Store) ForgetKnownGaps(ctx context.Context, accountID, mailboxID int64) error {
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM mailbox_gaps WHERE account_id = ? AND mailbox_id = ?`), accountID, mailboxID)
	if err != nil {
		return fmt.Errorf("forget the known gaps of mailbox %d: %w", mailboxID, err)
	}
	return nil
}

// encodeGaps writes each range as two unsigned varints: its distance from
// the end of the previous one (from 0 for the first) and its length less
// one. A folder's gaps are mostly single UIDs a few apart: 2-4 bytes each.
func encodeGaps(gaps []UIDRange, upto UID) ([]byte, error) {
	buf := make([]byte, 0, 3*len(gaps))
	prev := UID(0)
	for _, g := range gaps {
		if g.First <= prev || g.Last < g.First || g.Last > upto {
			return nil, fmt.Errorf("range %d-%d after %d, up to %d: not ascending and disjoint", g.First, g.Last, prev, upto)
		}
		buf = binary.AppendUvarint(buf, uint64(g.First-prev))
		buf = binary.AppendUvarint(buf, uint64(g.Last-g.First))
		prev = g.Last
	}
	return buf, nil
}

func decodeGaps(buf []byte, upto UID) ([]UIDRange, error) {
	var gaps []UIDRange
	prev := uint64(0)
	for len(buf) > 0 {
		d, n := binary.Uvarint(buf)
		if n <= 0 {
			return nil, errors.New("corrupt record")
		}
		buf = buf[n:]
		l, n := binary.Uvarint(buf)
		if n <= 0 {
			return nil, errors.New("corrupt record")
		}
		buf = buf[n:]
		first := prev + d
		last := first + l
		if d == 0 || first < prev || last < first || last > uint64(upto) {
			return nil, errors.New("corrupt record")
		}
		gaps = append(gaps, UIDRange{First: UID(first), Last: UID(last)})
		prev = last
	}
	return gaps, nil
}

// WithoutKnownGaps returns the parts of gaps that may still hold cached
// messages: those outside known. Both lists are ascending and disjoint;
// so is the result.
func WithoutKnownGaps(gaps, known []UIDRange) []UIDRange {
	if len(known) == 0 {
		return gaps
	}
	var out []UIDRange
	k := 0
	for _, g := range gaps {
		first := g.First
		for first <= g.Last {
			for k < len(known) && known[k].Last < first {
				k++
			}
			if k == len(known) || known[k].First > g.Last {
				out = append(out, UIDRange{First: first, Last: g.Last})
				break
			}
			if known[k].First > first {
				out = append(out, UIDRange{First: first, Last: known[k].First - 1})
			}
			if known[k].Last >= g.Last {
				break
			}
			first = known[k].Last + 1
		}
	}
	return out
}
