package mailaccess

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

func TestListMessagesBy(t *testing.T) {
	ctx := context.Background()
	forEachDialect(t, func(t *testing.T, s *Store) {
		acc := mustAccount(t, s, "sorter")
		mb := mustMailbox(t, s, acc.ID, "INBOX")
		msgs := makeMessages(1, 7)
		subjects := []string{"banana", "Apple", "cherry", "apple", "Date", "elder", "fig"}
		senders := []string{"Zed", "", "amy", "Bob", "carl", "Dora", "eve"}
		for i := range msgs {
			msgs[i].Subject = subjects[i]
			msgs[i].FromName = senders[i]
			msgs[i].FromAddr = fmt.Sprintf("x%d@example.org", i)
			msgs[i].Size = int64(100 * ((i*3)%7 + 1))
		}
		if err := s.StoreMessages(ctx, acc.ID, mb.ID, msgs, 7); err != nil {
			t.Fatal(err)
		}
		all := func(by Sort) []string {
			var out []string
			var after *SortCursor
			for {
				page, more, err := s.ListMessagesBy(ctx, acc.ID, mb.ID, by, after, 3)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range page {
					switch by {
					case SortSubject:
						out = append(out, m.Subject)
					case SortSender:
						out = append(out, m.Sender())
					case SortSize:
						out = append(out, fmt.Sprint(m.Size))
					}
				}
				if !more {
					return out
				}
				last := page[len(page)-1]
				after = &SortCursor{Key: SortKey(by, last), ID: last.ID}
			}
		}
		if got := all(SortSubject); !slices.Equal(got, []string{"Apple", "apple", "banana", "cherry", "Date", "elder", "fig"}) {
			t.Errorf("by subject: %q", got)
		}
		if got := all(SortSender); !slices.Equal(got, []string{"amy", "Bob", "carl", "Dora", "eve", "x1@example.org", "Zed"}) {
			t.Errorf("by sender: %q", got)
		}
		if got := all(SortSize); !slices.Equal(got, []string{"700", "600", "500", "400", "300", "200", "100"}) {
			t.Errorf("by size: %q", got)
		}
	})
}
