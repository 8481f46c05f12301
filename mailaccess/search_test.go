package mailaccess

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

func TestSearch(t *testing.T) {
	ctx := context.Background()
	forEachDialect(t, func(t *testing.T, s *Store) {
		alice, eve := mustAccount(t, s, "alice"), mustAccount(t, s, "eve")
		inbox := mustMailbox(t, s, alice.ID, "INBOX")
		sent := mustMailbox(t, s, alice.ID, "Sent")
		msgs := makeMessages(1, 4)
		msgs[0].Subject, msgs[0].FromName, msgs[0].Preview = "Réunion budget 2027", "Renée Dupont", "Ordre du jour"
		msgs[1].Subject, msgs[1].FromAddr = "Invoice INV-2026-10", "billing@acme.example"
		msgs[2].Subject, msgs[2].Preview = "Счёт за октябрь", "Добрый день"
		msgs[3].Subject = "Budget follow-up"
		if err := s.StoreMessages(ctx, alice.ID, inbox.ID, msgs[:3], 3); err != nil {
			t.Fatal(err)
		}
		if err := s.StoreMessages(ctx, alice.ID, sent.ID, msgs[3:], 4); err != nil {
			t.Fatal(err)
		}
		other := mustMailbox(t, s, eve.ID, "INBOX")
		if err := s.StoreMessages(ctx, eve.ID, other.ID, makeMessages(1, 1), 1); err != nil {
			t.Fatal(err)
		}
		subjects := func(acc, mb int64, q string) []string {
			t.Helper()
			list, _, err := s.SearchMessages(ctx, acc, mb, q, nil, 10)
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			var out []string
			for _, m := range list {
				out = append(out, m.Subject)
			}
			return out
		}
		cases := []struct {
			q    string
			mb   int64
			want []string
		}{
			{"budget", 0, []string{"Budget follow-up", "Réunion budget 2027"}},
			{"budget", inbox.ID, []string{"Réunion budget 2027"}},
			{"BUDG", 0, []string{"Budget follow-up", "Réunion budget 2027"}}, // prefix, any case
			{"renée", 0, []string{"Réunion budget 2027"}},                    // sender
			{"acme", 0, []string{"Invoice INV-2026-10"}},                     // address
			{"октябрь", 0, []string{"Счёт за октябрь"}},
			{"добрый", 0, []string{"Счёт за октябрь"}}, // preview
			{"budget ordre", 0, []string{"Réunion budget 2027"}},
			{`" OR 1=1 --`, 0, nil}, // query syntax is never passed through
			{"message", 0, nil},     // eve's message is not alice's
		}
		for _, c := range cases {
			if got := subjects(alice.ID, c.mb, c.q); !slices.Equal(got, c.want) {
				t.Errorf("search %q: %q, want %q", c.q, got, c.want)
			}
		}
		// A cached body is searched too.
		list, _, _ := s.ListMessages(ctx, alice.ID, inbox.ID, nil, 10)
		if err := s.PutMessageBody(ctx, alice.ID, list[0].ID, []byte("Subject: x\r\nContent-Type: text/html\r\n\r\n<p>The <b>zanzibar</b> plan</p>"), false); err != nil {
			t.Fatal(err)
		}
		if got := subjects(alice.ID, 0, "zanzibar"); !slices.Equal(got, []string{list[0].Subject}) {
			t.Errorf("body search: %q", got)
		}
		if err := s.DeleteMessages(ctx, alice.ID, sent.ID, []UID{4}); err != nil {
			t.Fatal(err)
		}
		if got := subjects(alice.ID, 0, "budget"); !slices.Equal(got, []string{"Réunion budget 2027"}) {
			t.Errorf("after delete: %q", got)
		}
		// A batch stored again (a sync resumed after a cut) updates what it
		// replays, in the index too, and adds what is new.
		again := makeMessages(3, 5)
		again[0].Subject = "Счёт за ноябрь" // uid 3, cached as "Счёт за октябрь"
		again[1].Subject, again[2].Subject = "Quarterly zephyr review", "Zephyr minutes"
		if err := s.StoreMessages(ctx, alice.ID, inbox.ID, again, 5); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string][]string{
			"октябрь": nil,
			"ноябрь":  {"Счёт за ноябрь"},
			"zephyr":  {"Quarterly zephyr review", "Zephyr minutes"},
		} {
			got := subjects(alice.ID, inbox.ID, q)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("after a replayed batch, search %q: %q, want %q", q, got, want)
			}
		}
		if n, err := s.CountMessages(ctx, alice.ID, inbox.ID); err != nil || n != 5 {
			t.Errorf("after a replayed batch the folder holds %d messages (%v), want 5", n, err)
		}
	})
}

// Deleted messages leave search results at once and the SQLite index when
// the purge queue is drained, whichever way they were deleted; messages
// stored after a purge are found as usual.
func TestSearchPurge(t *testing.T) {
	ctx := context.Background()
	forEachDialect(t, func(t *testing.T, s *Store) {
		alice := mustAccount(t, s, "alice")
		inbox := mustMailbox(t, s, alice.ID, "INBOX")
		trash := mustMailbox(t, s, alice.ID, "Trash")
		msgs := makeMessages(1, 6)
		for i := range msgs {
			msgs[i].Subject = fmt.Sprintf("quokka report %d", i+1)
		}
		if err := s.StoreMessages(ctx, alice.ID, inbox.ID, msgs, 6); err != nil {
			t.Fatal(err)
		}
		if err := s.StoreMessages(ctx, alice.ID, trash.ID, makeMessages(1, 3), 3); err != nil {
			t.Fatal(err)
		}
		found := func() []UID {
			t.Helper()
			list, _, err := s.SearchMessages(ctx, alice.ID, 0, "quokka", nil, 20)
			if err != nil {
				t.Fatal(err)
			}
			var uids []UID
			for _, m := range list {
				uids = append(uids, m.UID)
			}
			slices.Sort(uids)
			return uids
		}
		// Vanished on the server (a resync), deleted from the web, and a
		// whole folder rebuilt (new UIDVALIDITY).
		if _, err := s.DeleteMessageRanges(ctx, alice.ID, inbox.ID, []UIDRange{{First: 2, Last: 3}}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteMessages(ctx, alice.ID, inbox.ID, []UID{5}); err != nil {
			t.Fatal(err)
		}
		if err := s.ResetMailbox(ctx, alice.ID, trash.ID, 77); err != nil {
			t.Fatal(err)
		}
		if got := found(); !slices.Equal(got, []UID{1, 4, 6}) {
			t.Fatalf("search after deletes: uids %v, want [1 4 6]", got)
		}
		backlog, err := s.SearchPurgeBacklog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Dialect() == Postgres {
			if backlog != 0 {
				t.Fatalf("PostgreSQL purge backlog %d, want 0", backlog)
			}
			return
		}
		if backlog != 6 { // 3 from INBOX, the 3 of Trash
			t.Fatalf("purge backlog %d, want 6", backlog)
		}
		if n, err := s.DrainSearchPurge(ctx, 7); err != nil || n != 0 {
			t.Fatalf("drain below its minimum removed %d (%v), want 0", n, err)
		}
		if n, more, err := s.PurgeSearch(ctx, 4); err != nil || n != 4 || !more {
			t.Fatalf("purge of 4: %d, more %v (%v); want 4, true", n, more, err)
		}
		if n, err := s.DrainSearchPurge(ctx, 1); err != nil || n != 2 {
			t.Fatalf("drain: %d (%v), want 2", n, err)
		}
		var indexed, cached int
		if err := s.db.GetContext(ctx, &indexed, `SELECT COUNT(*) FROM message_search`); err != nil {
			t.Fatal(err)
		}
		if err := s.db.GetContext(ctx, &cached, `SELECT COUNT(*) FROM messages`); err != nil {
			t.Fatal(err)
		}
		if indexed != cached || cached != 3 {
			t.Fatalf("after the purge the index holds %d rows for %d messages, want 3 and 3", indexed, cached)
		}
		if err := s.db.GetContext(ctx, &indexed, `SELECT COUNT(*) FROM message_search WHERE message_search MATCH 'quokka'`); err != nil || indexed != 3 {
			t.Fatalf("index matches %d rows for quokka (%v), want 3", indexed, err)
		}
		if n, more, err := s.PurgeSearch(ctx, 10); err != nil || n != 0 || more {
			t.Fatalf("purge of an empty queue: %d, more %v (%v)", n, more, err)
		}
		// New messages in the rebuilt folder are indexed as usual.
		again := makeMessages(1, 2)
		again[0].Subject, again[1].Subject = "quokka again", "other"
		if err := s.StoreMessages(ctx, alice.ID, trash.ID, again, 2); err != nil {
			t.Fatal(err)
		}
		if got := found(); !slices.Equal(got, []UID{1, 1, 4, 6}) {
			t.Fatalf("search after new messages: uids %v, want [1 1 4 6]", got)
		}
	})
}
