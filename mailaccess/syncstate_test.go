package mailaccess

import (
	"context"
	"slices"
	"testing"
)

func TestSyncState(t *testing.T) {
	ctx := context.Background()
	forEachDialect(t, func(t *testing.T, s *Store) {
		acc := mustAccount(t, s, "alice")
		other := mustAccount(t, s, "mallory")
		mb := mustMailbox(t, s, acc.ID, "INBOX")
		if err := s.StoreMessages(ctx, acc.ID, mb.ID, makeMessages(1, 20), 20); err != nil {
			t.Fatal(err)
		}
		t.Run("vanished_ranges_and_single_uids_are_deleted_and_counted", func(t *testing.T) {
			n, err := s.DeleteMessageRanges(ctx, acc.ID, mb.ID, []UIDRange{{3, 3}, {5, 7}, {19, 4294967295}})
			if err != nil || n != 6 {
				t.Fatalf("deleted %d, %v; want 6", n, err)
			}
			uids, _ := s.MailboxUIDs(ctx, acc.ID, mb.ID)
			if want := []UID{1, 2, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}; !slices.Equal(uids, want) {
				t.Fatalf("left %v, want %v", uids, want)
			}
		})
		t.Run("another_account_deletes_and_counts_nothing", func(t *testing.T) {
			if n, err := s.DeleteMessageRanges(ctx, other.ID, mb.ID, []UIDRange{{1, 100}}); err != nil || n != 0 {
				t.Fatalf("deleted %d, %v", n, err)
			}
			if n, err := s.DeleteMessageRanges(ctx, other.ID, mb.ID, []UIDRange{{1, 1}, {2, 2}, {4, 4}}); err != nil || n != 0 {
				t.Fatalf("deleted %d single UIDs, %v", n, err)
			}
			if n, err := s.CountMessages(ctx, other.ID, mb.ID); err != nil || n != 0 {
				t.Fatalf("counted %d, %v", n, err)
			}
			if n, err := s.CountMessages(ctx, acc.ID, mb.ID); err != nil || n != 14 {
				t.Fatalf("counted %d, %v; want 14", n, err)
			}
		})
		t.Run("flags_are_read_by_uid_range_in_order", func(t *testing.T) {
			list, err := s.MailboxFlagsRange(ctx, acc.ID, mb.ID, 8, 10)
			if err != nil || len(list) != 3 || list[0].UID != 8 || list[2].UID != 10 {
				t.Fatalf("%+v, %v", list, err)
			}
		})
		t.Run("a_touched_folder_keeps_its_counts", func(t *testing.T) {
			before, _ := s.Mailbox(ctx, acc.ID, mb.ID)
			if err := s.TouchMailbox(ctx, acc.ID, mb.ID); err != nil {
				t.Fatal(err)
			}
			got, _ := s.Mailbox(ctx, acc.ID, mb.ID)
			if got.SyncedAt.IsZero() || got.Total != before.Total || got.Unseen != before.Unseen || got.LastUID != before.LastUID {
				t.Fatalf("after touch %+v, before %+v: want synced_at set and the counts and checkpoint kept", got, before)
			}
		})
		t.Run("touching_several_folders_is_scoped_to_the_account", func(t *testing.T) {
			second, err := s.UpsertMailbox(ctx, Mailbox{AccountID: acc.ID, Name: "Touched too", Subscribed: true})
			if err != nil {
				t.Fatal(err)
			}
			foreign, err := s.UpsertMailbox(ctx, Mailbox{AccountID: other.ID, Name: "Not mine", Subscribed: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.TouchMailbox(ctx, acc.ID, second.ID, foreign.ID); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Mailbox(ctx, acc.ID, second.ID); got.SyncedAt.IsZero() {
				t.Error("the account's second folder was not touched")
			}
			if got, _ := s.Mailbox(ctx, other.ID, foreign.ID); !got.SyncedAt.IsZero() {
				t.Error("another account's folder was touched")
			}
		})
	})
}
