package mailaccess

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestAnalyzeAfterLoad(t *testing.T) {
	ctx := context.Background()
	forEachDialect(t, func(t *testing.T, s *Store) {
		acc := mustAccount(t, s, "alice")
		mb := mustMailbox(t, s, acc.ID, "INBOX")
		mustStore(t, s, acc.ID, mb.ID, makeMessages(1, AnalyzeMinAdded))
		if did, err := s.AnalyzeAfterLoad(ctx, AnalyzeMinAdded-1); err != nil || did {
			t.Fatalf("after %d messages: analyzed %v, %v; want not", AnalyzeMinAdded-1, did, err)
		}
		did, err := s.AnalyzeAfterLoad(ctx, AnalyzeMinAdded)
		if err != nil || did != (s.dialect == Postgres) {
			t.Fatalf("after %d messages: analyzed %v, %v; want %v", AnalyzeMinAdded, did, err, s.dialect == Postgres)
		}
		if s.dialect != Postgres {
			return
		}
		// The planner now knows the folder's size.
		var estimate float64
		if err := s.db.GetContext(ctx, &estimate, `SELECT reltuples FROM pg_class WHERE oid = 'messages'::regclass`); err != nil {
			t.Fatal(err)
		}
		if estimate != AnalyzeMinAdded {
			t.Fatalf("the statistics count %v messages, want %d", estimate, AnalyzeMinAdded)
		}
		// And reads the first page of the folder from its list index, not
		// by sorting all of it.
		var plan []string
		if err := s.db.SelectContext(ctx, &plan, `EXPLAIN SELECT id FROM messages WHERE account_id = $1 AND mailbox_id = $2
			ORDER BY internal_date DESC, uid DESC LIMIT 51`, acc.ID, mb.ID); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(plan, "\n"), "Index Scan using messages_list") {
			t.Fatalf("the first page is not read from the list index:\n%s", strings.Join(plan, "\n"))
		}
	})
}

// A flag change on PostgreSQL writes the row's new version into its own
// page (a HOT update: no index gets a new entry), because the pages of
// messages keep room for it (fillfactor, migration 0012). Rows as large as
// real mail's fill a page with 8 or 9 of them; every tenth message is
// changed, so each change has a page of its own.
func TestFlagChangesStayInTheirPage(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, Postgres)
	acc := mustAccount(t, s, "alice")
	mb := mustMailbox(t, s, acc.ID, "INBOX")
	mustStore(t, s, acc.ID, mb.ID, benchMessages(1000))
	type where struct {
		UID   UID    `db:"uid"`
		Block string `db:"block"`
	}
	blocks := func() []where {
		var out []where
		if err := s.db.SelectContext(ctx, &out, `SELECT uid, (ctid::text::point)[0]::text AS block FROM messages
			WHERE mailbox_id = $1 AND uid % 10 = 0 ORDER BY uid`, mb.ID); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := blocks()
	var updates []FlagUpdate
	for uid := UID(10); uid <= 1000; uid += 10 {
		updates = append(updates, FlagUpdate{UID: uid, Flags: []string{`\Flagged`}, ModSeq: 2})
	}
	if err := s.UpdateFlags(ctx, acc.ID, mb.ID, updates); err != nil {
		t.Fatal(err)
	}
	after := blocks()
	if len(after) != 100 || !slices.Equal(before, after) {
		t.Fatalf("rows moved to other pages:\nbefore %v\nafter  %v", before, after)
	}
	var flagged int
	if err := s.db.GetContext(ctx, &flagged, `SELECT COUNT(*) FROM messages WHERE mailbox_id = $1 AND flagged`, mb.ID); err != nil || flagged != 100 {
		t.Fatalf("%d messages flagged, %v; want 100", flagged, err)
	}
}
