package imapsync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// A folder pass holds the folder's sync lease (mailaccess.Store's
// AcquireFolderSync) while it runs, so that two passes of one folder never
// run at once, whoever starts them: a worker, `mailaccess sync`, the web's
// inline fallback. The lease is renewed every third of Config.FolderLease
// while the pass runs; a process that dies holding it loses it
// Config.FolderLease later.
const (
	folderWaitInitial = 50 * time.Millisecond
	folderWaitMax     = 250 * time.Millisecond
)

// leaseOwnerPrefix names this process in the leases it holds: host, pid and
// a random part (a pid is reused by a later process).
func leaseOwnerPrefix() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// lockFolder waits until the folder's sync lease is free and takes it. It
// returns the folder as stored now (a pass that waited continues from what
// the previous one stored) and the function that gives the lease back (with
// synced, recording a pass that found nothing to change in the same write). While
// another pass holds the lease it waits, with backoff, until ctx ends; the
// error then wraps both mailaccess.ErrFolderBusy and ctx's error.
func (ss *session) lockFolder(ctx context.Context, m mailaccess.Mailbox) (mailaccess.Mailbox, func(synced bool), error) {
	s := ss.s
	owner := fmt.Sprintf("%s#%d", s.leaseOwner, s.leases.Add(1))
	wait, logged := folderWaitInitial, false
	for {
		fresh, err := s.store.AcquireFolderSync(ctx, m.AccountID, m.ID, owner, s.cfg.FolderLease)
		if err == nil {
			m = fresh
			break
		}
		if errors.Is(err, mailaccess.ErrNotFound) {
			return m, nil, fmt.Errorf("sync %q: %w", m.Name, ErrMailboxGone)
		}
		var busy *mailaccess.FolderBusyError
		if !errors.As(err, &busy) {
			return m, nil, err
		}
		if !logged {
			s.log.Info("waiting for another sync of the folder", "account", m.AccountID, "mailbox", m.Name,
				"holder", busy.Owner, "lease_until", busy.Until)
			logged = true
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return m, nil, fmt.Errorf("sync %q: %w (%w)", m.Name, err, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, folderWaitMax)
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(s.cfg.FolderLease / 3)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.FolderLease/3)
				err := s.store.RenewFolderSync(rctx, m.AccountID, m.ID, owner, s.cfg.FolderLease)
				cancel()
				if err != nil {
					// Lost (this process stalled past the lease) or the
					// database failed: another pass may run alongside,
					// which stays correct (upserts, monotonic
					// checkpoints), only wasteful.
					s.log.Warn("renew the folder's sync lease", "account", m.AccountID, "mailbox", m.Name, "error", err)
				}
			}
		}
	}()
	release := func(synced bool) {
		close(stop)
		<-stopped
		// Even when the pass was cancelled; bounded, as a database that
		// does not answer must not hang the caller (the lease then runs
		// out by itself).
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Timeout)
		defer cancel()
		if err := s.store.ReleaseFolderSync(rctx, m.AccountID, m.ID, owner, synced); err != nil {
			s.log.Warn("release the folder's sync lease", "account", m.AccountID, "mailbox", m.Name, "error", err)
		}
	}
	return m, release, nil
}
