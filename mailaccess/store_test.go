package mailaccess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/mailaccess/mailaccess/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// forEachDialect runs the same behaviour test on SQLite and PostgreSQL.
func forEachDialect(t *testing.T, f func(t *testing.T, s *Store)) {
	t.Helper()
	for _, d := range []Dialect{SQLite, Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s := openTestStore(t, d)
			f(t, s)
		})
	}
}

func openTestStore(t testing.TB, d Dialect) *Store {
	t.Helper()
	var url string
	if d == SQLite {
		url = "sqlite:" + filepath.Join(t.TempDir(), "cache.db")
	} else {
		url = testenv.PostgresDB(t)
	}
	s, err := Open(context.Background(), url, Options{Migrate: true})
	if err != nil {
		t.Fatalf("open %s store: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	ctx := context.Background()

	t.Run("a schema that is behind is refused until migrated", func(t *testing.T) {
		for _, d := range []Dialect{SQLite, Postgres} {
			t.Run(string(d), func(t *testing.T) {
				var url string
				if d == SQLite {
					url = "sqlite:" + filepath.Join(t.TempDir(), "cache.db")
				} else {
					url = testenv.PostgresDB(t)
				}
				_, err := Open(ctx, url, Options{})
				if !errors.Is(err, ErrSchemaBehind) {
					t.Fatalf("open of an empty database: got %v, want ErrSchemaBehind", err)
				}
				s, err := Open(ctx, url, Options{Migrate: true})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Migrate(ctx, nil); err != nil {
					t.Fatalf("second migrate is not idempotent: %v", err)
				}
				s.Close()
				s, err = Open(ctx, url, Options{})
				if err != nil {
					t.Fatalf("open of a migrated database: %v", err)
				}
				s.Close()
			})
		}
	})

	t.Run("accounts are created once and keep their id", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			a, err := s.UpsertAccount(ctx, "alice@example.org", []byte("sealed-1"))
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.UpsertAccount(ctx, "alice@example.org", []byte("sealed-2"))
			if err != nil {
				t.Fatal(err)
			}
			if a.ID != b.ID || string(b.PasswordEnc) != "sealed-2" {
				t.Fatalf("second login: id %d→%d, password %q", a.ID, b.ID, b.PasswordEnc)
			}
			got, err := s.AccountByUsername(ctx, "alice@example.org")
			if err != nil || got.ID != a.ID {
				t.Fatalf("by username: %+v, %v", got, err)
			}
			if _, err := s.AccountByUsername(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown account: %v, want ErrNotFound", err)
			}
		})
	})

	t.Run("folders list special folders first and children after parents", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "bob")
			for _, m := range []Mailbox{
				{Name: "Trash", Role: RoleTrash}, {Name: "Archive/2025", Delimiter: "/"}, {Name: "Archive", Delimiter: "/", Role: RoleArchive},
				{Name: "Sent", Role: RoleSent}, {Name: "INBOX", Role: RoleInbox}, {Name: "Projects", Delimiter: "/"}, {Name: "Drafts", Role: RoleDrafts},
				{Name: "Archive/2024", Delimiter: "/"}, {Name: "Archive-old", Delimiter: "/"}, {Name: "INBOX/Receipts", Delimiter: "/"},
			} {
				m.AccountID = acc.ID
				if _, err := s.UpsertMailbox(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			list, err := s.Mailboxes(ctx, acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range list {
				names = append(names, m.Name)
			}
			want := []string{"INBOX", "INBOX/Receipts", "Drafts", "Sent", "Archive", "Archive/2024", "Archive/2025", "Trash", "Archive-old", "Projects"}
			if !slices.Equal(names, want) {
				t.Fatalf("order: %v, want %v", names, want)
			}
		})
	})

	t.Run("a schema migrated by a newer binary is refused", func(t *testing.T) {
		for _, d := range []Dialect{SQLite, Postgres} {
			t.Run(string(d), func(t *testing.T) {
				url := "sqlite:" + filepath.Join(t.TempDir(), "cache.db")
				if d == Postgres {
					url = testenv.PostgresDB(t)
				}
				s, err := Open(ctx, url, Options{Migrate: true})
				if err != nil {
					t.Fatal(err)
				}
				_, err = s.db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, true)`)
				s.Close()
				if err != nil {
					t.Fatal(err)
				}
				if _, err := Open(ctx, url, Options{}); !errors.Is(err, ErrSchemaAhead) {
					t.Fatalf("open of a database at version 9999: got %v, want ErrSchemaAhead", err)
				}
			})
		}
	})

	t.Run("a stored batch moves the checkpoint and a replay makes no duplicate", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "carol")
			mb := mustMailbox(t, s, acc.ID, "INBOX")
			batch := makeMessages(1, 700) // more than one INSERT statement
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, batch, 700); err != nil {
				t.Fatal(err)
			}
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, makeMessages(650, 700), 690); err != nil {
				t.Fatalf("replay: %v", err)
			}
			// A big replay (COPY on PostgreSQL) overwrites what it replays;
			// a message given twice in one batch is stored as given last.
			big := append(makeMessages(300, 700), makeMessages(700, 700)...)
			for i := range big {
				big[i].Subject = "replayed"
			}
			big[len(big)-1].Subject = "fetched again"
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, big, 700); err != nil {
				t.Fatalf("big replay: %v", err)
			}
			if list, _, err := s.ListMessages(ctx, acc.ID, mb.ID, nil, 2); err != nil || len(list) != 2 || list[0].Subject != "fetched again" || list[1].Subject != "replayed" {
				t.Fatalf("after the big replay the newest messages are %+v (%v), want subjects %q, %q", list, err, "fetched again", "replayed")
			}
			uids, err := s.MailboxUIDs(ctx, acc.ID, mb.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(uids) != 700 || uids[0] != 1 || uids[699] != 700 {
				t.Fatalf("cached %d uids (%v…), want 1..700", len(uids), uids[:min(3, len(uids))])
			}
			got, err := s.Mailbox(ctx, acc.ID, mb.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.LastUID != 700 {
				t.Fatalf("checkpoint %d, want 700 (it must never move back)", got.LastUID)
			}
		})
	})

	t.Run("message lists page by keyset, newest first, stable across arrivals", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "dave")
			mb := mustMailbox(t, s, acc.ID, "INBOX")
			msgs := makeMessages(1, 25)
			msgs[10].InternalDate = msgs[11].InternalDate // a tie on date is broken by UID
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, msgs, 25); err != nil {
				t.Fatal(err)
			}
			page1, more, err := s.ListMessages(ctx, acc.ID, mb.ID, nil, 10)
			if err != nil || !more || len(page1) != 10 || page1[0].UID != 25 {
				t.Fatalf("page 1: %d messages, more=%v, first uid %v, err %v", len(page1), more, uidsOf(page1), err)
			}
			// New mail arrives between page loads: page 2 is unaffected.
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, makeMessages(26, 30), 30); err != nil {
				t.Fatal(err)
			}
			last := page1[len(page1)-1]
			var all []UID
			all = append(all, uidsOf(page1)...)
			cur := &Cursor{Date: last.InternalDate, UID: last.UID}
			for {
				page, more, err := s.ListMessages(ctx, acc.ID, mb.ID, cur, 10)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, uidsOf(page)...)
				if !more {
					break
				}
				cur = &Cursor{Date: page[len(page)-1].InternalDate, UID: page[len(page)-1].UID}
			}
			want := []UID{25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
			want[13], want[14] = 12, 11 // uid 11 and 12 share a date: higher UID first
			if !slices.Equal(all, want) {
				t.Fatalf("pages: %v\nwant:  %v", all, want)
			}
		})
	})

	t.Run("another account's message is not found", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			alice, eve := mustAccount(t, s, "alice"), mustAccount(t, s, "eve")
			mb := mustMailbox(t, s, alice.ID, "INBOX")
			if err := s.StoreMessages(ctx, alice.ID, mb.ID, makeMessages(1, 1), 1); err != nil {
				t.Fatal(err)
			}
			list, _, err := s.ListMessages(ctx, alice.ID, mb.ID, nil, 10)
			if err != nil || len(list) != 1 {
				t.Fatal(list, err)
			}
			id := list[0].ID
			if _, err := s.Message(ctx, alice.ID, id); err != nil {
				t.Fatalf("owner cannot read: %v", err)
			}
			if _, err := s.Message(ctx, eve.ID, id); !errors.Is(err, ErrNotFound) {
				t.Fatalf("other account reads message: %v", err)
			}
			if _, err := s.Mailbox(ctx, eve.ID, mb.ID); !errors.Is(err, ErrNotFound) {
				t.Fatalf("other account reads mailbox: %v", err)
			}
			if l, _, _ := s.ListMessages(ctx, eve.ID, mb.ID, nil, 10); len(l) != 0 {
				t.Fatalf("other account lists %d messages", len(l))
			}
			if err := s.PutMessageBody(ctx, eve.ID, id, []byte("x"), false); !errors.Is(err, ErrNotFound) {
				t.Fatalf("other account writes body: %v", err)
			}
			if err := s.PutMessageBody(ctx, alice.ID, id, []byte("Subject: hi\r\n\r\nbody"), false); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.MessageBody(ctx, eve.ID, id); !errors.Is(err, ErrNotFound) {
				t.Fatalf("other account reads body: %v", err)
			}
			raw, trunc, err := s.MessageBody(ctx, alice.ID, id)
			if err != nil || string(raw) != "Subject: hi\r\n\r\nbody" || trunc {
				t.Fatalf("body: %q %v %v", raw, trunc, err)
			}
		})
	})

	t.Run("flags, expunges and counts are applied", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "frank")
			mb := mustMailbox(t, s, acc.ID, "INBOX")
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, makeMessages(1, 10), 10); err != nil {
				t.Fatal(err)
			}
			err := s.UpdateFlags(ctx, acc.ID, mb.ID, []FlagUpdate{{UID: 2, Flags: []string{`\Seen`, `\Flagged`}, ModSeq: 9}, {UID: 3, Flags: []string{`\Seen`}}})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteMessages(ctx, acc.ID, mb.ID, []UID{4, 5, 99}); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveMailboxState(ctx, acc.ID, mb.ID, MailboxState{UIDNext: 11, HighestModSeq: 9}); err != nil {
				t.Fatal(err)
			}
			got, err := s.Mailbox(ctx, acc.ID, mb.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != 8 || got.Unseen != 6 || got.UIDNext != 11 || got.HighestModSeq != 9 || got.SyncedAt.IsZero() {
				t.Fatalf("state: total %d unseen %d uidnext %d modseq %d synced %v", got.Total, got.Unseen, got.UIDNext, got.HighestModSeq, got.SyncedAt)
			}
			list, _, _ := s.ListMessages(ctx, acc.ID, mb.ID, nil, 100)
			for _, m := range list {
				if m.UID == 2 && !(m.Seen && m.Flagged && m.Flags == `\Seen \Flagged`) {
					t.Fatalf("uid 2 flags: %+v", m)
				}
			}
		})
	})

	t.Run("deleting messages takes them off the folder's counts", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "henk")
			mb := mustMailbox(t, s, acc.ID, "INBOX")
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, makeMessages(1, 10), 10); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveMailboxState(ctx, acc.ID, mb.ID, MailboxState{UIDNext: 11}); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteMessages(ctx, acc.ID, mb.ID, []UID{4, 5, 99}); err != nil {
				t.Fatal(err)
			}
			got, err := s.Mailbox(ctx, acc.ID, mb.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != 8 || got.Unseen != 8 {
				t.Fatalf("after deleting 2 unread messages of 10: total %d unseen %d, want 8 and 8", got.Total, got.Unseen)
			}
		})
	})

	t.Run("a total derived at an older checkpoint is not stored", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "jules")
			mb := mustMailbox(t, s, acc.ID, "INBOX")
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, makeMessages(1, 10), 10); err != nil {
				t.Fatal(err)
			}
			total := func(st MailboxState) int {
				t.Helper()
				if err := s.SaveMailboxState(ctx, acc.ID, mb.ID, st); err != nil {
					t.Fatal(err)
				}
				got, err := s.Mailbox(ctx, acc.ID, mb.ID)
				if err != nil {
					t.Fatal(err)
				}
				return got.Total
			}
			// Another pass stored messages up to 10 after this one read the
			// folder at checkpoint 7: its total is counted instead.
			if n := total(MailboxState{UIDNext: 11, Total: 3, TotalKnown: true, TotalAt: 7}); n != 10 {
				t.Fatalf("total derived at checkpoint 7 of a folder now at 10: stored %d, want the count 10", n)
			}
			if n := total(MailboxState{UIDNext: 11, Total: 9, TotalKnown: true, TotalAt: 10}); n != 9 {
				t.Fatalf("total derived at the current checkpoint: stored %d, want 9", n)
			}
		})
	})

	t.Run("flag changes move the folder's unread count", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "ines")
			mb := mustMailbox(t, s, acc.ID, "INBOX")
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, makeMessages(1, 10), 10); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveMailboxState(ctx, acc.ID, mb.ID, MailboxState{UIDNext: 11}); err != nil {
				t.Fatal(err)
			}
			unseen := func() int {
				t.Helper()
				got, err := s.Mailbox(ctx, acc.ID, mb.ID)
				if err != nil {
					t.Fatal(err)
				}
				return got.Unseen
			}
			// Three read, one flagged but still unread, one not cached.
			err := s.UpdateFlags(ctx, acc.ID, mb.ID, []FlagUpdate{
				{UID: 1, Flags: []string{`\Seen`}}, {UID: 2, Flags: []string{`\Seen`, `\Flagged`}}, {UID: 3, Flags: []string{`\Seen`}},
				{UID: 4, Flags: []string{`\Flagged`}}, {UID: 99, Flags: []string{`\Seen`}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if n := unseen(); n != 7 {
				t.Fatalf("after reading 3 of 10: unseen %d, want 7", n)
			}
			// Read again (no change) and one back to unread.
			err = s.UpdateFlags(ctx, acc.ID, mb.ID, []FlagUpdate{{UID: 1, Flags: []string{`\Seen`}}, {UID: 2, Flags: []string{`\Flagged`}}})
			if err != nil {
				t.Fatal(err)
			}
			if n := unseen(); n != 8 {
				t.Fatalf("after marking one unread again: unseen %d, want 8", n)
			}
			// A UID changed twice in one call: the last change wins.
			err = s.UpdateFlags(ctx, acc.ID, mb.ID, []FlagUpdate{{UID: 5, Flags: []string{`\Seen`}}, {UID: 6, Flags: []string{`\Seen`}}, {UID: 5, Flags: []string{`\Answered`}, ModSeq: 12}})
			if err != nil {
				t.Fatal(err)
			}
			if n := unseen(); n != 7 {
				t.Fatalf("after reading uid 6 and changing uid 5 twice (read, then unread): unseen %d, want 7", n)
			}
			list, _, err := s.ListMessages(ctx, acc.ID, mb.ID, nil, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range list {
				if m.UID == 5 && (m.Seen || !m.Answered || m.Flags != `\Answered` || m.ModSeq != 12) {
					t.Fatalf("uid 5 after two changes: %+v, want only \\Answered at modseq 12", m)
				}
			}
			// Two syncs apply the same change at once (a worker and the
			// CLI, say): the messages become read once, and so count once.
			same := []FlagUpdate{{UID: 7, Flags: []string{`\Seen`}}, {UID: 8, Flags: []string{`\Seen`}}, {UID: 9, Flags: []string{`\Seen`}}}
			errs := make(chan error, 2)
			for range 2 {
				go func() { errs <- s.UpdateFlags(ctx, acc.ID, mb.ID, same) }()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if n := unseen(); n != 4 {
				t.Fatalf("after the same 3 messages were read by two concurrent updates: unseen %d, want 4", n)
			}
		})
	})

	t.Run("vanished ranges leave the folder's counts exact without a recount", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "karel")
			mb := mustMailbox(t, s, acc.ID, "INBOX")
			msgs := makeMessages(1, 20)
			for i := range msgs {
				if i%2 == 0 {
					msgs[i].SetFlags([]string{`\Seen`})
				}
			}
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, msgs, 20); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveMailboxState(ctx, acc.ID, mb.ID, MailboxState{UIDNext: 21}); err != nil {
				t.Fatal(err)
			}
			counts := func() (int, int) {
				t.Helper()
				got, err := s.Mailbox(ctx, acc.ID, mb.ID)
				if err != nil {
					t.Fatal(err)
				}
				return got.Total, got.Unseen
			}
			if total, unseen := counts(); total != 20 || unseen != 10 {
				t.Fatalf("after the first pass: total %d unseen %d, want 20 and 10", total, unseen)
			}
			// UIDs 1 (read), 2 (unread), 4-7 (2 read, 2 unread), and the
			// range above 18 (19 read, 20 unread) vanished.
			n, err := s.DeleteMessageRanges(ctx, acc.ID, mb.ID, []UIDRange{{1, 1}, {2, 2}, {4, 7}, {19, math.MaxUint32}})
			if err != nil {
				t.Fatal(err)
			}
			if n != 8 {
				t.Fatalf("deleted %d, want 8", n)
			}
			if total, unseen := counts(); total != 12 || unseen != 6 {
				t.Fatalf("after the delete: total %d unseen %d, want 12 and 6", total, unseen)
			}
			// The pass ends: its total is known at the checkpoint and the
			// unread count is kept; both match the rows.
			if err := s.SaveMailboxState(ctx, acc.ID, mb.ID, MailboxState{UIDNext: 21, Total: 12, TotalKnown: true, TotalAt: 20}); err != nil {
				t.Fatal(err)
			}
			if total, unseen := counts(); total != 12 || unseen != 6 {
				t.Fatalf("after saving the state: total %d unseen %d, want 12 and 6", total, unseen)
			}
			// Another pass stored messages meanwhile (checkpoint 22): both
			// counts are taken from the rows.
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, makeMessages(21, 22), 22); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveMailboxState(ctx, acc.ID, mb.ID, MailboxState{UIDNext: 23, Total: 12, TotalKnown: true, TotalAt: 20}); err != nil {
				t.Fatal(err)
			}
			if total, unseen := counts(); total != 14 || unseen != 8 {
				t.Fatalf("after a state derived at an older checkpoint: total %d unseen %d, want the counts 14 and 8", total, unseen)
			}
		})
	})

	t.Run("a new UIDVALIDITY drops the folder's messages", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "gina")
			mb := mustMailbox(t, s, acc.ID, "INBOX")
			if err := s.StoreMessages(ctx, acc.ID, mb.ID, makeMessages(1, 5), 5); err != nil {
				t.Fatal(err)
			}
			if err := s.ResetMailbox(ctx, acc.ID, mb.ID, 777); err != nil {
				t.Fatal(err)
			}
			got, _ := s.Mailbox(ctx, acc.ID, mb.ID)
			uids, _ := s.MailboxUIDs(ctx, acc.ID, mb.ID)
			if got.UIDValidity != 777 || got.LastUID != 0 || len(uids) != 0 {
				t.Fatalf("after reset: uidvalidity %d checkpoint %d uids %v", got.UIDValidity, got.LastUID, uids)
			}
		})
	})

	t.Run("sessions expire when idle and at their absolute end", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "hank")
			clock := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
			s.now = func() time.Time { return clock }
			if err := s.CreateSession(ctx, "h1", acc.ID, clock.Add(24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Session(ctx, "h1", time.Hour); err != nil {
				t.Fatalf("fresh session: %v", err)
			}
			clock = clock.Add(50 * time.Minute)
			if err := s.TouchSession(ctx, "h1"); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(50 * time.Minute)
			if _, err := s.Session(ctx, "h1", time.Hour); err != nil {
				t.Fatalf("touched session expired: %v", err)
			}
			clock = clock.Add(61 * time.Minute)
			if _, err := s.Session(ctx, "h1", time.Hour); !errors.Is(err, ErrNotFound) {
				t.Fatalf("idle session still valid: %v", err)
			}
			if err := s.CreateSession(ctx, "h2", acc.ID, clock.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(2 * time.Minute)
			if _, err := s.Session(ctx, "h2", time.Hour); !errors.Is(err, ErrNotFound) {
				t.Fatalf("session past absolute expiry still valid: %v", err)
			}
			if n, err := s.DeleteExpiredSessions(ctx, time.Hour); err != nil || n != 2 {
				t.Fatalf("expired sessions deleted: %d, %v", n, err)
			}
		})
	})
}

func mustAccount(t testing.TB, s *Store, name string) Account {
	t.Helper()
	a, err := s.UpsertAccount(context.Background(), name, []byte("sealed"))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustMailbox(t testing.TB, s *Store, accountID int64, name string) Mailbox {
	t.Helper()
	m, err := s.UpsertMailbox(context.Background(), Mailbox{AccountID: accountID, Name: name, Delimiter: "/"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func makeMessages(from, to UID) []Message {
	var out []Message
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for u := from; u <= to; u++ {
		m := Message{
			UID:          u,
			InternalDate: NewTime(base.Add(time.Duration(u) * time.Hour)),
			Size:         int64(1000 + u),
			Subject:      fmt.Sprintf("Message %d — ünïcødé", u),
			FromName:     "Zoë", FromAddr: "zoe@example.org",
			MessageID: fmt.Sprintf("<%d@example.org>", u),
			Preview:   "Hello",
		}
		m.SetFlags(nil)
		out = append(out, m)
	}
	return out
}

func uidsOf(list []Message) []UID {
	var out []UID
	for _, m := range list {
		out = append(out, m.UID)
	}
	return out
}

func TestSealer(t *testing.T) {
	key, err := LoadOrCreateKeyFile(filepath.Join(t.TempDir(), "keys", "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.Seal("hunter2", "alice")
	if slices.Contains([]string{string(sealed)}, "hunter2") {
		t.Fatal("sealed value contains the password")
	}
	if got, err := s.Open(sealed, "alice"); err != nil || got != "hunter2" {
		t.Fatalf("open: %q, %v", got, err)
	}
	if _, err := s.Open(sealed, "mallory"); err == nil {
		t.Fatal("a password sealed for alice opened for mallory")
	}
	other, _ := NewSealer(make([]byte, KeySize))
	if _, err := other.Open(sealed, "alice"); err == nil {
		t.Fatal("opened with the wrong key")
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	k1, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	k2, err := LoadOrCreateKeyFile(path)
	if err != nil || !slices.Equal(k1, k2) {
		t.Fatalf("reloaded key differs: %v", err)
	}
	os.Chmod(path, 0o644)
	if _, err := LoadOrCreateKeyFile(path); err == nil {
		t.Fatal("a world-readable key file was accepted")
	}
}

func TestParseURL(t *testing.T) {
	for _, bad := range []string{"", "mysql://x", "sqlite:", "file.db"} {
		if _, _, err := ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		}
	}
	if d, _, err := ParseURL("sqlite:data/x.db"); err != nil || d != SQLite {
		t.Errorf("sqlite url: %v %v", d, err)
	}
	if d, dsn, err := ParseURL("postgres://u:p@127.0.0.1:5432/db?sslmode=disable"); err != nil || d != Postgres ||
		dsn != "postgres://u:p@127.0.0.1:5432/db?binary_parameters=yes&sslmode=disable" {
		t.Errorf("postgres url: %v %q %v", d, dsn, err)
	}
	if _, dsn, _ := ParseURL("postgres://h/db?binary_parameters=no"); dsn != "postgres://h/db?binary_parameters=no" {
		t.Errorf("an explicit binary_parameters was overridden: %q", dsn)
	}
}

// Two processes' pools work through PgBouncer in transaction pooling
// mode, as two cron syncs do (README, deployment step 7): each statement
// with arguments goes in one round trip, so no statement is looked for on
// another server connection than the one it was parsed on. Before, about
// 1 in 400 of these failed with "unnamed prepared statement does not
// exist".
func TestStoresThroughATransactionPooler(t *testing.T) {
	url := testenv.PgBouncerFor(t, testenv.PostgresDB(t))
	ctx := context.Background()
	var stores []*Store
	for i := range 2 {
		s, err := Open(ctx, url, Options{Migrate: i == 0})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	acc := mustAccount(t, stores[0], "pooled@example.org")
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for _, s := range stores {
		for range 8 {
			wg.Go(func() {
				for range 400 {
					got, err := s.AccountByUsername(ctx, "pooled@example.org")
					if err == nil && got.ID != acc.ID {
						err = fmt.Errorf("account %d, want %d", got.ID, acc.ID)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A write whose context ends before it commits is rolled back, and its
// error says that the context ended (not "transaction has already been
// committed or rolled back"): what a log reader needs to tell a pass
// stopped at its time budget from a failing database.
func TestAWriteCutShortByItsContextSaysSo(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		acc := mustAccount(t, s, "cut@example.org")
		for range 20 { // the rollback races the commit: both orders
			ctx, cancel := context.WithCancel(context.Background())
			err := s.inTx(ctx, func(tx *sqlx.Tx) error {
				_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE accounts SET last_login_at = ? WHERE id = ?`), 1, acc.ID)
				cancel()
				return err
			})
			if !errors.Is(err, context.Canceled) || errors.Is(err, sql.ErrTxDone) {
				t.Fatalf("err = %v, want the context's end", err)
			}
		}
		got, err := s.AccountByUsername(context.Background(), "cut@example.org")
		if err != nil || !got.LastLoginAt.Equal(acc.LastLoginAt.Time) {
			t.Fatalf("account after the cut writes: %+v, %v; want the login time of before, %v", got, err, acc.LastLoginAt)
		}
	})
}

// endsAfter is a context that ends at its n-th call of Done or Err, as if
// it were cancelled in the middle of whatever watches it.
type endsAfter struct {
	context.Context
	n    atomic.Int64
	done chan struct{}
	once sync.Once
}

func newEndsAfter(n int64) *endsAfter {
	c := &endsAfter{Context: context.Background(), done: make(chan struct{})}
	c.n.Store(n)
	return c
}

func (c *endsAfter) tick() {
	if c.n.Add(-1) <= 0 {
		c.once.Do(func() { close(c.done) })
	}
}

func (c *endsAfter) Done() <-chan struct{} {
	c.tick()
	return c.done
}

func (c *endsAfter) Err() error {
	c.tick()
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

func TestABatchCutShortStoresNothing(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		acc := mustAccount(t, s, "batchcut@example.org")
		mb := mustMailbox(t, s, acc.ID, "INBOX")
		mustStore(t, s, acc.ID, mb.ID, makeMessages(1, 10))
		// The batch (300 messages: SQLite's row inserts, PostgreSQL's COPY)
		// is cut at ever later points of its writing until it is stored
		// whole. Each cut stores neither a message of it nor its checkpoint.
		cuts, n := 0, int64(1)
		for ; ; n += 1 + n/4 {
			err := s.StoreMessages(newEndsAfter(n), acc.ID, mb.ID, makeMessages(11, 310), 310)
			uids, uerr := s.MailboxUIDs(context.Background(), acc.ID, mb.ID)
			got, merr := s.Mailbox(context.Background(), acc.ID, mb.ID)
			if uerr != nil || merr != nil {
				t.Fatal(uerr, merr)
			}
			if err == nil {
				if len(uids) != 310 || got.LastUID != 310 {
					t.Fatalf("stored at the %d-th check: %d cached uids, checkpoint %d; want 310 and 310", n, len(uids), got.LastUID)
				}
				break
			}
			cuts++
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cut at the %d-th check: err = %v, want the context's end", n, err)
			}
			if len(uids) != 10 || uids[9] != 10 || got.LastUID != 10 {
				t.Fatalf("cut at the %d-th check: cached uids %v, checkpoint %d; want 1-10 and 10", n, uids, got.LastUID)
			}
		}
		// Each of the 300 rows must watch the context at least once.
		if n < 300 {
			t.Fatalf("stored whole at the %d-th check, after %d cuts: the write does not watch its context at every row", n, cuts)
		}
	})
}
