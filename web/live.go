package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// New mail on an open folder page: the page subscribes to the folder's
// events (GET /api/v1/folders/{id}/events, server-sent events). While a
// folder of an account has subscribers, one IMAP connection of this process
// IDLEs on it (Mail.Watch, shared by every page showing it); when the
// server reports a change, the folder's sync is asked for like any other
// (a worker runs it when one is alive), and once it is done every page is
// told, and reloads its list. Pages keep polling at Config.LiveInterval as
// well, for servers without IDLE and for events lost with a connection.

// liveKey names one folder of one account.
type liveKey struct {
	account int64
	mailbox string
}

// liveFolder is a folder being watched for its pages.
type liveFolder struct {
	subs   map[chan struct{}]struct{}
	cancel context.CancelFunc
	linger *time.Timer // stops the watch a while after the last page left
}

// liveHub keeps one watch per folder with subscribers.
type liveHub struct {
	mu      sync.Mutex
	folders map[liveKey]*liveFolder
	closed  chan struct{} // closed at shutdown: streams end
	once    sync.Once
	linger  time.Duration  // watchLinger
	wg      sync.WaitGroup // the watches' goroutines
}

// maxWatchesPerAccount bounds the IMAP connections one account's open pages
// hold in one process (Dovecot allows 10 per user and address by default);
// the pages of further folders poll.
const maxWatchesPerAccount = 3

// watchLinger is how long a watch outlives its last page: a page that
// reloads (as it does to show new mail) finds it still in place.
const watchLinger = 30 * time.Second

func newLiveHub() *liveHub {
	return &liveHub{folders: map[liveKey]*liveFolder{}, closed: make(chan struct{}), linger: watchLinger}
}

// subscribe adds a page to the folder's subscribers, starting its watch
// (run) for the first one unless the account has maxWatchesPerAccount
// folders watched already (then the channel never receives); the channel
// receives a value after each change is synced. unsubscribe lets the watch
// stop watchLinger after the last page left.
func (h *liveHub) subscribe(key liveKey, run func(ctx context.Context, notify func())) (ch chan struct{}, unsubscribe func()) {
	ch = make(chan struct{}, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.folders[key]
	if f == nil {
		n := 0
		for k := range h.folders {
			if k.account == key.account {
				n++
			}
		}
		if n >= maxWatchesPerAccount {
			return ch, func() {}
		}
		ctx, cancel := context.WithCancel(context.Background())
		f = &liveFolder{subs: map[chan struct{}]struct{}{}, cancel: cancel}
		h.folders[key] = f
		h.wg.Go(func() { run(ctx, func() { h.notify(key) }) })
	}
	if f.linger != nil {
		f.linger.Stop()
		f.linger = nil
	}
	f.subs[ch] = struct{}{}
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(f.subs, ch)
		if len(f.subs) == 0 && h.folders[key] == f {
			f.linger = time.AfterFunc(h.linger, func() { h.stop(key, f) })
		}
	}
}

// stop ends the watch of a folder left without pages.
func (h *liveHub) stop(key liveKey, f *liveFolder) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(f.subs) == 0 && h.folders[key] == f {
		f.cancel()
		delete(h.folders, key)
	}
}

// close ends every watch (shutdown).
func (h *liveHub) close() {
	h.once.Do(func() { close(h.closed) })
	h.mu.Lock()
	defer h.mu.Unlock()
	for key, f := range h.folders {
		if f.linger != nil {
			f.linger.Stop()
		}
		f.cancel()
		delete(h.folders, key)
	}
}

// notify tells every page of the folder (without blocking: a page that has
// not taken the last one needs no second).
func (h *liveHub) notify(key liveKey) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f := h.folders[key]; f != nil {
		for ch := range f.subs {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}

// Shutdown ends the event streams and the folder watches, so that the HTTP
// server's graceful shutdown does not wait for them (register it with
// http.Server.RegisterOnShutdown), and cancels the background work of
// requests (a sync stops at a checkpoint).
func (s *Server) Shutdown() {
	s.live.close()
	s.bgCancel()
}

// Wait waits for the work requests left running in the background (marking
// a message read, a refresh, the folder watches and their syncs): call it
// after the HTTP server has shut down, before closing the store.
func (s *Server) Wait() {
	s.Shutdown()
	s.live.wg.Wait()
	s.bg.Wait()
}

// Retry delays of a folder watch that failed (the server has no IDLE, is
// down, or dropped the connection).
const (
	watchRetryMin = 2 * time.Second
	watchRetryMax = 5 * time.Minute
)

// watchFolder runs while a folder has pages: it keeps an IDLE watch on it
// and syncs the folder after every change the server reports, then calls
// notify. Changes reported while a sync runs are covered by one more sync.
func (s *Server) watchFolder(ctx context.Context, accountID int64, username, mailbox string, notify func()) {
	kick := make(chan struct{}, 1)
	var watching sync.WaitGroup
	defer watching.Wait()
	watching.Go(func() {
		delay := watchRetryMin
		for {
			start := time.Now()
			err := s.mail.Watch(ctx, accountID, mailbox, func() {
				select {
				case kick <- struct{}{}:
				default:
				}
			})
			if ctx.Err() != nil {
				return
			}
			if errors.Is(err, mailaccess.ErrAuth) || errors.Is(err, mailaccess.ErrMailboxGone) || errors.Is(err, mailaccess.ErrNoIdle) {
				// Retrying cannot help (and repeated refused logins could
				// get this host banned): pages keep polling.
				s.log.Warn("new-mail watch stopped for good; pages poll", "account", username, "mailbox", mailbox, "error", err)
				return
			}
			if time.Since(start) > watchRetryMax {
				delay = watchRetryMin // it worked for a good while
			}
			s.log.Warn("new-mail watch stopped; pages poll until it is back", "account", username, "mailbox", mailbox, "error", err, "retry_in", delay)
			select {
			case <-ctx.Done():
				return
			case <-time.After(delay):
			}
			delay = min(2*delay, watchRetryMax)
		}
	})
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		}
		if err := s.syncAndWait(ctx, accountID, mailbox); err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Warn("sync after a change on the server", "account", username, "mailbox", mailbox, "error", err)
		}
		notify()
	}
}

// syncAndWait asks for the folder's sync and waits until it has run (here,
// inline, or on a worker), up to a minute.
func (s *Server) syncAndWait(ctx context.Context, accountID int64, mailbox string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	job, err := s.syncs.SyncMailbox(ctx, accountID, mailbox)
	if err != nil {
		return err
	}
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for job.Active() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if job, err = s.syncs.LatestSync(ctx, accountID, mailbox); err != nil {
			return err
		}
	}
	return nil
}

// folderEvents streams a folder's changes to its page: an event "changed"
// after each change on the server has been synced into the cache.
func (s *Server) folderEvents(w http.ResponseWriter, r *http.Request) {
	acc := accountFrom(r.Context())
	mb, ok := s.loadMailbox(w, r)
	if !ok {
		return
	}
	if mb.NoSelect() {
		http.Error(w, "This folder holds no messages.", http.StatusBadRequest)
		return
	}
	rc := http.NewResponseController(w)
	// The stream outlives the server's write timeout.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		http.Error(w, "Live updates are not available.", http.StatusNotImplemented)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	key := liveKey{acc.ID, mb.Name}
	ch, unsubscribe := s.live.subscribe(key, func(ctx context.Context, notify func()) {
		s.watchFolder(ctx, acc.ID, acc.Username, mb.Name, notify)
	})
	defer unsubscribe()
	// retry: how long the browser waits before reconnecting a broken stream.
	if _, err := fmt.Fprint(w, "retry: 5000\n\n"); err != nil || rc.Flush() != nil {
		return
	}
	ping := time.NewTicker(25 * time.Second) // keeps proxies from closing an idle stream
	defer ping.Stop()
	for {
		var msg string
		select {
		case <-r.Context().Done():
			return
		case <-s.live.closed:
			return
		case <-ch:
			msg = "event: changed\ndata: {}\n\n"
		case <-ping.C:
			msg = ": ping\n\n"
		}
		if _, err := fmt.Fprint(w, msg); err != nil || rc.Flush() != nil {
			return
		}
	}
}
