package asyncdispatch

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// progressInterval is how often a running job's progress reaches the database.
const progressInterval = 500 * time.Millisecond

// leaseKeeper renews the lease of a running job and records its progress.
// When the lease is lost, it cancels the job's context with ErrLeaseLost so
// the handler stops: no two processes work on one job.
type leaseKeeper struct {
	store Store
	id    int64
	owner string

	mu          sync.Mutex
	done, total int
	dirty       bool

	stopc chan struct{}
	wg    sync.WaitGroup
}

func keepLease(ctx context.Context, store Store, id int64, owner string, cfg Config, cancel context.CancelCauseFunc, log *slog.Logger) *leaseKeeper {
	k := &leaseKeeper{store: store, id: id, owner: owner, stopc: make(chan struct{})}
	k.wg.Go(func() {
		tick := time.NewTicker(min(progressInterval, cfg.HeartbeatInterval))
		defer tick.Stop()
		lastRenew := time.Now()
		for {
			select {
			case <-k.stopc:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			k.flush(ctx, log)
			if time.Since(lastRenew) < cfg.HeartbeatInterval {
				continue
			}
			lastRenew = time.Now()
			err := store.RenewLease(ctx, id, owner, cfg.Lease)
			if errors.Is(err, mailaccess.ErrLeaseLost) {
				log.Warn("lease lost; stopping the job", "job_id", id, "owner", owner)
				cancel(mailaccess.ErrLeaseLost)
				return
			}
			if err != nil && ctx.Err() == nil {
				log.Warn("renew lease", "job_id", id, "error", err)
			}
		}
	})
	return k
}

func (k *leaseKeeper) progress(done, total int) {
	k.mu.Lock()
	k.done, k.total, k.dirty = done, total, true
	k.mu.Unlock()
}

func (k *leaseKeeper) flush(ctx context.Context, log *slog.Logger) {
	k.mu.Lock()
	done, total, dirty := k.done, k.total, k.dirty
	k.dirty = false
	k.mu.Unlock()
	if !dirty {
		return
	}
	if err := k.store.UpdateJobProgress(ctx, k.id, k.owner, int64(done), int64(total)); err != nil {
		k.mu.Lock()
		if !k.dirty { // keep it for the next flush (stop writes the last one)
			k.done, k.total, k.dirty = done, total, true
		}
		k.mu.Unlock()
		if ctx.Err() == nil && !errors.Is(err, mailaccess.ErrLeaseLost) {
			log.Warn("record job progress", "job_id", k.id, "error", err)
		}
	}
}

// stop ends renewal and writes the last progress.
func (k *leaseKeeper) stop() {
	close(k.stopc)
	k.wg.Wait()
	k.flush(context.Background(), slog.New(slog.DiscardHandler))
}
