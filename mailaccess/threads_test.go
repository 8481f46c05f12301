package mailaccess

import (
	"context"
	"slices"
	"testing"
)

func TestThreads(t *testing.T) {
	ctx := context.Background()
	forEachDialect(t, func(t *testing.T, s *Store) {
		acc := mustAccount(t, s, "threads")
		mb := mustMailbox(t, s, acc.ID, "INBOX")
		msgs := makeMessages(1, 6)
		// 1 ← 3 ← 5 is one conversation; 2 ← 4 another; 6 alone.
		msgs[0].MessageID = "<a@x>"
		msgs[2].MessageID, msgs[2].InReplyTo, msgs[2].References = "<c@x>", "<a@x>", "<a@x>"
		msgs[4].MessageID, msgs[4].InReplyTo, msgs[4].References = "<e@x>", "<c@x>", "<a@x> <c@x>"
		msgs[1].MessageID = "<b@x>"
		msgs[3].MessageID, msgs[3].InReplyTo = "<d@x>", "<b@x>"
		msgs[5].MessageID = "<f@x>"
		if err := s.StoreMessages(ctx, acc.ID, mb.ID, msgs, 6); err != nil {
			t.Fatal(err)
		}
		threads, more, err := s.ListThreads(ctx, acc.ID, mb.ID, nil, 2)
		if err != nil || !more || len(threads) != 2 {
			t.Fatalf("page 1: %d threads, more=%v, %v", len(threads), more, err)
		}
		if threads[0].Key != "<f@x>" || threads[0].Count != 1 || threads[1].Key != "<a@x>" || threads[1].Count != 3 || threads[1].Latest.UID != 5 {
			t.Fatalf("page 1: %+v", threads)
		}
		page2, more, err := s.ListThreads(ctx, acc.ID, mb.ID, &ThreadCursor{Date: threads[1].Latest.InternalDate, Key: threads[1].Key}, 2)
		if err != nil || more || len(page2) != 1 || page2[0].Key != "<b@x>" || page2[0].Count != 2 || page2[0].Unseen != 2 {
			t.Fatalf("page 2: %+v more=%v %v", page2, more, err)
		}
		conv, err := s.ThreadMessages(ctx, acc.ID, mb.ID, "<a@x>")
		if err != nil {
			t.Fatal(err)
		}
		if got := uidsOf(conv); !slices.Equal(got, []UID{1, 3, 5}) {
			t.Fatalf("conversation: %v", got)
		}
	})
}
