package mailaccess

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestFolderSyncLease: one sync of a folder at a time, whichever process
// runs it; a lease its holder stopped renewing (a process that died) can be
// taken once it ran out.
func TestFolderSyncLease(t *testing.T) {
	ctx := context.Background()
	forEachDialect(t, func(t *testing.T, s *Store) {
		clock := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		s.now = func() time.Time { return clock }
		acc := mustAccount(t, s, "lease")
		mb := mustMailbox(t, s, acc.ID, "INBOX")
		if err := s.SaveMailboxState(ctx, acc.ID, mb.ID, MailboxState{UIDNext: 7, Total: 0, TotalKnown: true}); err != nil {
			t.Fatal(err)
		}

		got, err := s.AcquireFolderSync(ctx, acc.ID, mb.ID, "worker-1", 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != mb.ID || got.UIDNext != 7 {
			t.Fatalf("acquired folder %+v, want the stored one (UIDNEXT 7)", got)
		}

		_, err = s.AcquireFolderSync(ctx, acc.ID, mb.ID, "cli-1", 30*time.Second)
		var busy *FolderBusyError
		if !errors.Is(err, ErrFolderBusy) || !errors.As(err, &busy) || busy.Owner != "worker-1" || !busy.Until.Equal(clock.Add(30*time.Second)) {
			t.Fatalf("second acquisition: %v, want ErrFolderBusy held by worker-1 until %s", err, clock.Add(30*time.Second))
		}
		other := mustAccount(t, s, "lease-other")
		if _, err := s.AcquireFolderSync(ctx, other.ID, mb.ID, "cli-1", time.Minute); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another account's folder: %v, want ErrNotFound", err)
		}

		// Renewed, it outlives its first term; not renewed, it runs out.
		clock = clock.Add(20 * time.Second)
		if err := s.RenewFolderSync(ctx, acc.ID, mb.ID, "worker-1", 30*time.Second); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(20 * time.Second)
		if _, err := s.AcquireFolderSync(ctx, acc.ID, mb.ID, "cli-1", 30*time.Second); !errors.Is(err, ErrFolderBusy) {
			t.Fatalf("after a renewal: %v, want ErrFolderBusy", err)
		}
		clock = clock.Add(11 * time.Second)
		if _, err := s.AcquireFolderSync(ctx, acc.ID, mb.ID, "cli-1", 30*time.Second); err != nil {
			t.Fatalf("after the lease ran out: %v, want it taken", err)
		}
		if err := s.RenewFolderSync(ctx, acc.ID, mb.ID, "worker-1", 30*time.Second); !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("renewal by the holder that lost it: %v, want ErrLeaseLost", err)
		}
		// The old holder's release leaves the new holder's lease alone.
		if err := s.ReleaseFolderSync(ctx, acc.ID, mb.ID, "worker-1", true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AcquireFolderSync(ctx, acc.ID, mb.ID, "worker-2", 30*time.Second); !errors.Is(err, ErrFolderBusy) {
			t.Fatalf("after a stale release: %v, want still held by cli-1", err)
		}
		// Recorded as synced by the holder's release only (the state was
		// saved 51 s earlier, at the start).
		if got, _ := s.Mailbox(ctx, acc.ID, mb.ID); got.SyncedAt.Equal(clock) {
			t.Fatal("a stale release recorded a pass as synced")
		}
		if err := s.ReleaseFolderSync(ctx, acc.ID, mb.ID, "cli-1", true); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Mailbox(ctx, acc.ID, mb.ID); !got.SyncedAt.Equal(clock) {
			t.Fatalf("the holder's release of a pass that changed nothing: synced at %v, want %v", got.SyncedAt, clock)
		}
		if _, err := s.AcquireFolderSync(ctx, acc.ID, mb.ID, "worker-2", 30*time.Second); err != nil {
			t.Fatalf("after the holder's release: %v, want it taken", err)
		}
	})
}
