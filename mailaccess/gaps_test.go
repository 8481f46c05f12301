package mailaccess

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestKnownGaps(t *testing.T) {
	ctx := context.Background()
	forEachDialect(t, func(t *testing.T, s *Store) {
		acc := mustAccount(t, s, "alice")
		other := mustAccount(t, s, "mallory")
		mb := mustMailbox(t, s, acc.ID, "INBOX")
		gaps := []UIDRange{{1, 1}, {3, 7}, {100, 100}, {70000, 99999}}
		t.Run("none_are_known_at_first", func(t *testing.T) {
			if got, upto, err := s.KnownGaps(ctx, acc.ID, mb.ID, 5); err != nil || got != nil || upto != 0 {
				t.Fatalf("%v up to %d, %v; want none", got, upto, err)
			}
		})
		t.Run("recorded_gaps_are_read_back_for_the_same_generation", func(t *testing.T) {
			if err := s.SaveKnownGaps(ctx, acc.ID, mb.ID, 5, 100000, gaps); err != nil {
				t.Fatal(err)
			}
			if got, upto, err := s.KnownGaps(ctx, acc.ID, mb.ID, 5); err != nil || !slices.Equal(got, gaps) || upto != 100000 {
				t.Fatalf("%v up to %d, %v; want %v up to 100000", got, upto, err, gaps)
			}
			if got, _, err := s.KnownGaps(ctx, acc.ID, mb.ID, 6); err != nil || got != nil {
				t.Fatalf("another UIDVALIDITY: %v, %v; want none", got, err)
			}
		})
		t.Run("a_new_record_replaces_the_old", func(t *testing.T) {
			if err := s.SaveKnownGaps(ctx, acc.ID, mb.ID, 5, 200, gaps[:2]); err != nil {
				t.Fatal(err)
			}
			if got, upto, err := s.KnownGaps(ctx, acc.ID, mb.ID, 5); err != nil || !slices.Equal(got, gaps[:2]) || upto != 200 {
				t.Fatalf("%v up to %d, %v", got, upto, err)
			}
		})
		t.Run("another_account_neither_reads_nor_writes_them", func(t *testing.T) {
			if got, _, err := s.KnownGaps(ctx, other.ID, mb.ID, 5); err != nil || got != nil {
				t.Fatalf("read by another account: %v, %v", got, err)
			}
			if err := s.SaveKnownGaps(ctx, other.ID, mb.ID, 5, 300, gaps[:1]); err != nil {
				t.Fatal(err)
			}
			if err := s.ForgetKnownGaps(ctx, other.ID, mb.ID); err != nil {
				t.Fatal(err)
			}
			if got, upto, err := s.KnownGaps(ctx, acc.ID, mb.ID, 5); err != nil || !slices.Equal(got, gaps[:2]) || upto != 200 {
				t.Fatalf("after another account's writes: %v up to %d, %v", got, upto, err)
			}
		})
		t.Run("ranges_out_of_order_are_refused", func(t *testing.T) {
			if err := s.SaveKnownGaps(ctx, acc.ID, mb.ID, 5, 100, []UIDRange{{5, 6}, {2, 3}}); err == nil {
				t.Fatal("saved ranges out of order")
			}
			if err := s.SaveKnownGaps(ctx, acc.ID, mb.ID, 5, 10, []UIDRange{{5, 60}}); err == nil {
				t.Fatal("saved a range past upto")
			}
		})
		t.Run("forgotten_gaps_are_gone", func(t *testing.T) {
			if err := s.ForgetKnownGaps(ctx, acc.ID, mb.ID); err != nil {
				t.Fatal(err)
			}
			if got, _, err := s.KnownGaps(ctx, acc.ID, mb.ID, 5); err != nil || got != nil {
				t.Fatalf("%v, %v; want none", got, err)
			}
		})
		t.Run("a_deleted_folder_takes_its_record_along", func(t *testing.T) {
			if err := s.SaveKnownGaps(ctx, acc.ID, mb.ID, 5, 100000, gaps); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteMailbox(ctx, acc.ID, mb.ID); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM mailbox_gaps`); err != nil || n != 0 {
				t.Fatalf("%d records left, %v", n, err)
			}
		})
	})
}

// A corrupt record is reported, not read as gaps.
func TestDecodeGapsRefusesCorruptRecords(t *testing.T) {
	for _, blob := range [][]byte{{0x80}, {0, 1}, {5}, {5, 3, 0x80, 0x80}, {10, 0, 0, 0}} {
		if got, err := decodeGaps(blob, 100); err == nil {
			t.Errorf("%x decoded as %v", blob, got)
		}
	}
	if got, err := decodeGaps([]byte{99, 5}, 100); err == nil {
		t.Errorf("a range past upto decoded as %v", got)
	}
}

func TestWithoutKnownGaps(t *testing.T) {
	for _, c := range []struct {
		gaps, known, want []UIDRange
	}{
		{[]UIDRange{{1, 1}, {5, 9}}, nil, []UIDRange{{1, 1}, {5, 9}}},
		{[]UIDRange{{1, 1}, {5, 9}}, []UIDRange{{1, 1}, {5, 9}}, nil},
		{[]UIDRange{{1, 10}}, []UIDRange{{3, 4}, {6, 6}}, []UIDRange{{1, 2}, {5, 5}, {7, 10}}},
		{[]UIDRange{{1, 3}, {5, 9}, {20, 4294967295}}, []UIDRange{{2, 6}, {8, 30}}, []UIDRange{{1, 1}, {7, 7}, {31, 4294967295}}},
		{[]UIDRange{{4, 4}, {8, 8}}, []UIDRange{{1, 2}, {10, 12}}, []UIDRange{{4, 4}, {8, 8}}},
	} {
		if got := WithoutKnownGaps(c.gaps, c.known); !slices.Equal(got, c.want) {
			t.Errorf("%v without %v = %v, want %v", c.gaps, c.known, got, c.want)
		}
	}
	// Against a set of UIDs, on random ranges.
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		gaps, known := randomRanges(r), randomRanges(r)
		got := WithoutKnownGaps(gaps, known)
		in := func(rs []UIDRange, u UID) bool {
			for _, x := range rs {
				if x.First <= u && u <= x.Last {
					return true
				}
			}
			return false
		}
		for u := UID(1); u <= 70; u++ {
			if want := in(gaps, u) && !in(known, u); in(got, u) != want {
				t.Fatalf("%v without %v = %v: uid %d in it is %v", gaps, known, got, u, !want)
			}
		}
		for i := 1; i < len(got); i++ {
			if got[i].First <= got[i-1].Last || got[i].Last < got[i].First {
				t.Fatalf("%v without %v = %v: not ascending and disjoint", gaps, known, got)
			}
		}
		if blob, err := encodeGaps(got, 70); err != nil {
			t.Fatal(err)
		} else if back, err := decodeGaps(blob, 70); err != nil || !slices.Equal(back, got) {
			t.Fatalf("%v encoded and decoded: %v, %v", got, back, err)
		}
	}
}

func randomRanges(r *rand.Rand) []UIDRange {
	var out []UIDRange
	u := UID(1)
	for {
		u += UID(r.IntN(6))
		l := UID(r.IntN(4))
		if u+l > 70 {
			return out
		}
		out = append(out, UIDRange{First: u, Last: u + l})
		u += l + 2
	}
}
