package mailaccess

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestJobs(t *testing.T) {
	ctx := context.Background()

	t.Run("a second enqueue of an active key returns the existing job", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "ann")
			j1, created, err := s.EnqueueJob(ctx, Job{Kind: "sync", AccountID: acc.ID, Mailbox: "INBOX", DedupeKey: "k"})
			if err != nil || !created {
				t.Fatalf("first enqueue: %v created=%v", err, created)
			}
			j2, created, err := s.EnqueueJob(ctx, Job{Kind: "sync", AccountID: acc.ID, Mailbox: "INBOX", DedupeKey: "k"})
			if err != nil || created || j2.ID != j1.ID {
				t.Fatalf("second enqueue: id %d (first %d) created=%v err=%v", j2.ID, j1.ID, created, err)
			}
			claimed, err := s.ClaimJobs(ctx, "w1", 10, time.Minute)
			if err != nil || len(claimed) != 1 {
				t.Fatalf("claim: %v %v", claimed, err)
			}
			if err := s.CompleteJob(ctx, j1.ID, "w1"); err != nil {
				t.Fatal(err)
			}
			j3, created, err := s.EnqueueJob(ctx, Job{Kind: "sync", AccountID: acc.ID, Mailbox: "INBOX", DedupeKey: "k"})
			if err != nil || !created || j3.ID == j1.ID {
				t.Fatalf("enqueue after completion: %+v created=%v err=%v", j3, created, err)
			}
		})
	})

	t.Run("concurrent claimers never share a job", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "bea")
			for i := range 30 {
				if _, _, err := s.EnqueueJob(ctx, Job{Kind: "sync", AccountID: acc.ID, DedupeKey: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			var mu sync.Mutex
			seen := map[int64]string{}
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					owner := fmt.Sprint("w", w)
					for {
						jobs, err := s.ClaimJobs(ctx, owner, 3, time.Minute)
						if err != nil {
							t.Error(err)
							return
						}
						if len(jobs) == 0 {
							return
						}
						mu.Lock()
						for _, j := range jobs {
							if prev, dup := seen[j.ID]; dup {
								t.Errorf("job %d claimed by %s and %s", j.ID, prev, owner)
							}
							seen[j.ID] = owner
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(seen) != 30 {
				t.Fatalf("%d jobs claimed, want 30", len(seen))
			}
		})
	})

	t.Run("an expired lease is rescued and the old owner is fenced off", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "cid")
			clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			s.now = func() time.Time { return clock }
			j, _, _ := s.EnqueueJob(ctx, Job{Kind: "sync", AccountID: acc.ID, DedupeKey: "x", MaxAttempts: 2})
			if _, err := s.ClaimJobs(ctx, "dead", 1, 30*time.Second); err != nil {
				t.Fatal(err)
			}
			if err := s.UpdateJobProgress(ctx, j.ID, "dead", 10, 100); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(time.Minute)
			if n, err := s.RescueExpiredJobs(ctx); err != nil || n != 1 {
				t.Fatalf("rescued %d, %v", n, err)
			}
			if err := s.CompleteJob(ctx, j.ID, "dead"); !errors.Is(err, ErrLeaseLost) {
				t.Fatalf("the dead owner completed a rescued job: %v", err)
			}
			claimed, _ := s.ClaimJobs(ctx, "alive", 1, 30*time.Second)
			if len(claimed) != 1 || claimed[0].Attempts != 2 || claimed[0].ProgressDone != 10 {
				t.Fatalf("reclaimed: %+v", claimed)
			}
			clock = clock.Add(time.Minute)
			s.RescueExpiredJobs(ctx) // second lease lost: attempts used up
			got, _ := s.Job(ctx, acc.ID, j.ID)
			if got.State != JobFailed || got.Error == "" {
				t.Fatalf("after the last attempt: %s %q", got.State, got.Error)
			}
		})
	})

	t.Run("retry waits for its time and release does not count an attempt", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			acc := mustAccount(t, s, "dan")
			clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			s.now = func() time.Time { return clock }
			j, _, _ := s.EnqueueJob(ctx, Job{Kind: "sync", AccountID: acc.ID, DedupeKey: "y"})
			s.ClaimJobs(ctx, "w", 1, time.Minute)
			if err := s.RetryJob(ctx, j.ID, "w", "server unreachable", clock.Add(10*time.Second)); err != nil {
				t.Fatal(err)
			}
			if c, _ := s.ClaimJobs(ctx, "w", 1, time.Minute); len(c) != 0 {
				t.Fatal("a job was claimed before its retry time")
			}
			clock = clock.Add(11 * time.Second)
			c, _ := s.ClaimJobs(ctx, "w", 1, time.Minute)
			if len(c) != 1 || c[0].Attempts != 2 {
				t.Fatalf("retry claim: %+v", c)
			}
			if err := s.ReleaseJob(ctx, j.ID, "w"); err != nil {
				t.Fatal(err)
			}
			got, _ := s.Job(ctx, acc.ID, j.ID)
			if got.State != JobQueued || got.Attempts != 1 {
				t.Fatalf("after release: %s attempts %d", got.State, got.Attempts)
			}
			if _, err := s.ClaimJob(ctx, j.ID, "inline", time.Minute); err != nil {
				t.Fatalf("claim by id: %v", err)
			}
			if _, err := s.ClaimJob(ctx, j.ID, "other", time.Minute); !errors.Is(err, ErrLeaseLost) {
				t.Fatalf("second claim by id: %v", err)
			}
		})
	})

	t.Run("live workers are those with a fresh heartbeat", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			s.now = func() time.Time { return clock }
			s.RegisterWorker(ctx, Worker{ID: "a", Name: "a", Host: "h", PID: 1, Capacity: 4})
			s.RegisterWorker(ctx, Worker{ID: "b", Name: "b", Host: "h", PID: 2, Capacity: 1})
			clock = clock.Add(10 * time.Second)
			s.Heartbeat(ctx, "a", 2)
			n, capacity, err := s.LiveWorkers(ctx, 5*time.Second)
			if err != nil || n != 1 || capacity != 4 {
				t.Fatalf("live: %d workers, capacity %d, %v", n, capacity, err)
			}
			s.DeregisterWorker(ctx, "a")
			if n, _, _ := s.LiveWorkers(ctx, 5*time.Second); n != 0 {
				t.Fatalf("deregistered worker still alive")
			}
			list, _ := s.Workers(ctx)
			if len(list) != 1 || list[0].ID != "b" {
				t.Fatalf("workers: %+v", list)
			}
		})
	})
}
