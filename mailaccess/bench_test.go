package mailaccess

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkDeleteScattered is the store's part of a resync that finds 100
// messages expunged here and there in a large folder (DESIGN.md: resync
// after 100 flag changes and 100 expunges): one DeleteMessageRanges of
// 100 single UIDs. Between rounds the messages are stored again, untimed.
func BenchmarkDeleteScattered(b *testing.B) {
	const n, gone = 20000, 100
	for _, d := range []Dialect{SQLite, Postgres} {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			s, acc, m := benchFolder(b, d, n)
			all := benchMessages(n)
			round := 0
			for b.Loop() {
				// Every round other messages, spread over the folder.
				var ranges []UIDRange
				var back []Message
				for i := range gone {
					uid := UID(i*(n/gone) + 1 + round%(n/gone))
					ranges = append(ranges, UIDRange{uid, uid})
					back = append(back, all[uid-1])
				}
				round++
				deleted, err := s.DeleteMessageRanges(ctx, acc.ID, m.ID, ranges)
				if err != nil || deleted != gone {
					b.Fatalf("deleted %d of %d: %v", deleted, gone, err)
				}
				b.StopTimer()
				if err := s.StoreMessages(ctx, acc.ID, m.ID, back, n); err != nil {
					b.Fatal(err)
				}
				if d == SQLite {
					// The next round's delete then writes its own pages to
					// the log, not a checkpoint of these.
					if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
			}
		})
	}
}

// BenchmarkFlagChanges is the store's part of a resync that finds 100
// messages flagged (or unflagged) or read elsewhere in a large folder: one
// UpdateFlags of 100 scattered UIDs.
func BenchmarkFlagChanges(b *testing.B) {
	const n, changed = 20000, 100
	for _, d := range []Dialect{SQLite, Postgres} {
		for _, flag := range []string{`\Flagged`, `\Seen`} {
			b.Run(string(d)+"/"+strings.TrimPrefix(flag, `\`), func(b *testing.B) {
				ctx := context.Background()
				s, acc, m := benchFolder(b, d, n)
				round := 0
				for b.Loop() {
					// Every round other messages; every pass over the
					// folder sets or clears the flag.
					var flags []string
					if round/(n/changed)%2 == 0 {
						flags = []string{flag}
					}
					var updates []FlagUpdate
					for i := range changed {
						uid := UID(i*(n/changed) + 1 + round%(n/changed))
						updates = append(updates, FlagUpdate{UID: uid, Flags: flags, ModSeq: ModSeq(round + 2)})
					}
					round++
					if err := s.UpdateFlags(ctx, acc.ID, m.ID, updates); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// benchFolder opens a store on d with one folder of n cached messages.
func benchFolder(b *testing.B, d Dialect, n int) (*Store, Account, Mailbox) {
	b.Helper()
	s := openTestStore(b, d)
	acc := mustAccount(b, s, "bench")
	m := mustMailbox(b, s, acc.ID, "INBOX")
	mustStore(b, s, acc.ID, m.ID, benchMessages(n))
	return s, acc, m
}

// mustStore stores msgs (ascending UIDs) in batches of 2,000, each with its
// checkpoint, as a sync would.
func mustStore(t testing.TB, s *Store, accountID, mailboxID int64, msgs []Message) {
	t.Helper()
	for start := 0; start < len(msgs); start += 2000 {
		batch := msgs[start:min(start+2000, len(msgs))]
		if err := s.StoreMessages(context.Background(), accountID, mailboxID, batch, batch[len(batch)-1].UID); err != nil {
			t.Fatal(err)
		}
	}
}

// benchMessages makes n messages with UIDs 1 to n whose rows are about as
// large as those of real mail (DESIGN.md's bench mailbox: about 900 bytes
// on PostgreSQL).
func benchMessages(n int) []Message {
	all := makeMessages(1, UID(n))
	for i := range all {
		m := &all[i]
		m.Subject = fmt.Sprintf("Re: the quarterly report, draft %d, with the figures from the north office", m.UID)
		m.To = fmt.Sprintf("Alice Example <alice%d@example.org>, Bob Example <bob@example.com>, Carol <carol@example.net>", m.UID%50)
		m.Cc = "Dave <dave@example.org>"
		m.References = fmt.Sprintf("<%d.1@example.org> <%d.2@example.org> <%d.3@example.org>", m.UID, m.UID, m.UID)
		m.Structure = strings.Repeat(`{"type":"text/plain","charset":"utf-8","size":1234},`, 5)
		m.Preview = strings.Repeat(fmt.Sprintf("Hello, here are the numbers for week %d. ", m.UID%52), 5)
	}
	return all
}
