package imapsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// maxIdlePerAccount bounds the warm connections kept for one account
// (Dovecot limits connections per user and address).
const maxIdlePerAccount = 2

// poolKeep is how long a connection may wait in the pool unused, kept alive
// by NOOPs, before it is closed: long enough to cover a user reading a
// message or waiting for a first sync, short enough not to hold server
// connections of users who left.
const poolKeep = 2 * time.Minute

// pool keeps logged-in connections of the short calls (opening a message,
// flags, moves, server searches) warm for reuse: a new connection costs a
// TCP handshake, the greeting, LOGIN and often TLS, and the server a new
// process. A connection is handed out only while it is well inside its read
// deadline (Config.Timeout from its last exchange); while it waits, a
// keeper sends it a NOOP often enough to stay so, for up to poolKeep.
type pool struct {
	mu      sync.Mutex
	idle    map[int64][]idleConn
	keeping bool // keepPool runs
	closed  bool // Close was called: nothing is pooled any more
}

type idleConn struct {
	c     *conn
	since time.Time // put in the pool
}

// selection is the folder a pooled connection has selected for the body
// reads, with the UIDVALIDITY the server reported when it was selected. Only
// acquireIn sets it; acquire clears it, because its callers select what
// they like without telling the pool.
type selection struct {
	name     string
	validity mailaccess.UIDValidity
}

// fresh reports whether a connection can still be handed out: its pending
// read has a deadline of Config.Timeout from when it started (after the
// server last sent something), and the call needs time for its commands.
func (s *Syncer) fresh(c *conn) bool {
	return time.Since(c.readSince()) < s.cfg.Timeout/2
}

// take removes and returns an idle connection of the account that is still
// usable, for which want is true, preferring one for which prefer is true
// (nil: the most recently used); nil when there is none.
func (s *Syncer) take(accountID int64, want, prefer func(*conn) bool) *conn {
	s.pool.mu.Lock()
	defer s.pool.mu.Unlock()
	list := s.pool.idle[accountID]
	if len(list) == 0 {
		return nil
	}
	// Drop the stale and the broken first.
	kept := list[:0]
	for _, ic := range list {
		if !s.fresh(ic.c) || isClosed(ic.c) {
			go ic.c.c.Close()
			continue
		}
		kept = append(kept, ic)
	}
	clear(list[len(kept):])
	list = kept
	s.pool.idle[accountID] = list
	pick := -1
	for i := len(list) - 1; i >= 0; i-- {
		if !want(list[i].c) {
			continue
		}
		if pick < 0 {
			pick = i
		}
		if prefer != nil && prefer(list[i].c) {
			pick = i
			break
		}
	}
	if pick < 0 {
		if len(list) == 0 {
			delete(s.pool.idle, accountID)
		}
		return nil
	}
	c := list[pick].c
	s.pool.idle[accountID] = append(list[:pick], list[pick+1:]...)
	return c
}

// acquire returns a logged-in connection of the account, warm when one is
// idle, bound to ctx (closed if ctx ends while it is in use). The caller may
// select any folder: the connection's selection is forgotten. It takes a
// connection without a selection when there is one, and leaves the last
// connection with a folder selected to the body reads (acquireIn), which
// would otherwise have to select the folder again after every flag change.
func (s *Syncer) acquire(ctx context.Context, accountID int64) (*conn, error) {
	c := s.take(accountID, func(c *conn) bool { return c.sel == selection{} }, nil)
	if c == nil {
		s.pool.mu.Lock()
		selected := len(s.pool.idle[accountID])
		s.pool.mu.Unlock()
		if selected > 1 {
			c = s.take(accountID, func(*conn) bool { return true }, nil)
		}
	}
	if c == nil {
		return s.login(ctx, accountID)
	}
	c.sel = selection{}
	c.bind(ctx)
	return c, nil
}

// acquireIn returns a logged-in connection of the account with the folder mb
// selected (read-write: the reads use BODY.PEEK, and MarkSeen stores flags
// on it) and checked against the cache's UIDVALIDITY. A warm connection that
// already has it selected is used without a new SELECT (reused is then
// true), unless fresh or unless uid (0: none) may be newer than what the
// connection has seen of the folder: selecting a large folder costs the
// server far more than fetching a few messages, and a folder's UIDVALIDITY
// cannot change while it stays selected (a server drops the connection of a
// folder deleted meanwhile).
func (s *Syncer) acquireIn(ctx context.Context, accountID int64, mb mailaccess.Mailbox, uid mailaccess.UID, fresh bool) (c *conn, reused bool, err error) {
	want := selection{name: mb.Name, validity: mb.UIDValidity}
	pooled := true
	if c = s.take(accountID, func(*conn) bool { return true }, func(c *conn) bool { return c.sel == want }); c == nil {
		if c, err = s.login(ctx, accountID); err != nil {
			return nil, false, err
		}
		pooled = false
	} else {
		c.bind(ctx)
	}
	if c.sel == want && !fresh && uid < c.selNext {
		if cur := c.c.Mailbox(); cur != nil && cur.Name == mb.Name {
			return c, true, nil
		}
	}
	c.sel = selection{}
	sel, err := c.c.Select(mb.Name, nil).Wait()
	if err != nil && pooled && connGone(err) && ctx.Err() == nil {
		// An idle connection can die at any moment (a server drops the
		// connection whose folder was deleted, and its goodbye may land
		// after the pool's check): once more on a new login.
		c.Close()
		if c, err = s.login(ctx, accountID); err != nil {
			return nil, false, err
		}
		sel, err = c.c.Select(mb.Name, nil).Wait()
	}
	if err != nil {
		s.release(accountID, c)
		return nil, false, s.connErr(ctx, fmt.Sprintf("select %q", mb.Name), err)
	}
	if mailaccess.UIDValidity(sel.UIDValidity) != mb.UIDValidity {
		s.release(accountID, c)
		return nil, false, fmt.Errorf("%w: folder %q was rebuilt on the server", ErrMailboxGone, mb.Name)
	}
	c.sel, c.selNext = want, mailaccess.UID(sel.UIDNext)
	return c, false, nil
}

// connGone reports whether err says that the connection itself is gone
// (closed by either side), not that the server refused or is slow.
func connGone(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// list runs LIST "" "*" and marks the connection as one that listed, which
// release then logs out instead of pooling.
func (c *conn) list(opts *imap.ListOptions) ([]*imap.ListData, error) {
	c.listed = true
	return c.c.List("", "*", opts).Collect()
}

// release gives a connection back for reuse, or closes it when it is broken
// or the account has enough idle ones.
func (s *Syncer) release(accountID int64, c *conn) {
	if !c.stop() || isClosed(c) { // its call's context ended: it was closed
		c.c.Close()
		return
	}
	if c.listed { // see list
		// A Dovecot session that ran LIST selects a large Maildir folder
		// slowly from then on (it reads the whole folder's directory
		// again at every SELECT: 100-115 ms at 100,000 messages, against
		// 1-3 ms on a session that did not LIST). Such a connection is
		// not kept for the passes and short calls that follow.
		go func() {
			c.c.Logout().Wait()
			c.c.Close()
		}()
		return
	}
	s.pool.mu.Lock()
	defer s.pool.mu.Unlock()
	now := time.Now()
	if !s.pool.put(accountID, idleConn{c: c, since: now}) {
		go c.c.Close()
		return
	}
	if !s.pool.keeping {
		s.pool.keeping = true
		go s.keepPool()
	}
}

// put adds an idle connection unless the account has enough or the pool is
// closed; p.mu must be held.
func (p *pool) put(accountID int64, ic idleConn) bool {
	if p.closed || len(p.idle[accountID]) >= maxIdlePerAccount {
		return false
	}
	if p.idle == nil {
		p.idle = map[int64][]idleConn{}
	}
	p.idle[accountID] = append(p.idle[accountID], ic)
	return true
}

// Close logs out the pooled connections and pools none from now on.
func (s *Syncer) Close() {
	s.pool.mu.Lock()
	idle := s.pool.idle
	s.pool.idle, s.pool.closed = nil, true
	s.pool.mu.Unlock()
	var wg sync.WaitGroup
	s.predialMu.Lock()
	pre := s.predial
	s.predial = nil
	s.predialMu.Unlock()
	wg.Go(pre.Close) // if no login took it
	for _, list := range idle {
		for _, ic := range list {
			wg.Go(func() {
				ic.c.stop()
				ic.c.c.Logout().Wait()
				ic.c.c.Close()
			})
		}
	}
	wg.Wait()
}

// keepPool runs while connections are pooled: it sends each idle
// connection a NOOP before it stops being fresh, and closes those idle for
// longer than poolKeep. A connection kept for the body reads stays in its
// folder; any other leaves the folder its last call selected (UNSELECT
// instead of the NOOP): a selected folder costs the server a look at its
// changes on every NOOP, and its updates are of no use.
func (s *Syncer) keepPool() {
	// A connection gets its NOOP when a third of Config.Timeout idle,
	// checked every twelfth: at most five twelfths when it gets it, before
	// it stops being fresh (a half).
	every := max(s.cfg.Timeout/12, 10*time.Millisecond)
	due := s.cfg.Timeout / 3
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		type idleDue struct {
			account int64
			ic      idleConn
		}
		var noop []idleDue
		s.pool.mu.Lock()
		for id, list := range s.pool.idle {
			kept := list[:0]
			for _, ic := range list {
				switch {
				case time.Since(ic.since) > poolKeep || isClosed(ic.c):
					go ic.c.c.Close()
				case time.Since(ic.c.readSince()) >= due:
					noop = append(noop, idleDue{id, ic}) // out of the pool while it runs
				default:
					kept = append(kept, ic)
				}
			}
			clear(list[len(kept):])
			if len(kept) == 0 {
				delete(s.pool.idle, id)
			} else {
				s.pool.idle[id] = kept
			}
		}
		s.pool.mu.Unlock()
		var wg sync.WaitGroup
		slots := make(chan struct{}, 8)
		for _, d := range noop {
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots }()
				if !s.keepAlive(d.ic.c) {
					d.ic.c.c.Close()
					return
				}
				s.pool.mu.Lock()
				defer s.pool.mu.Unlock()
				if !s.pool.put(d.account, d.ic) {
					go d.ic.c.c.Close()
				}
			})
		}
		wg.Wait()
		s.pool.mu.Lock()
		if len(s.pool.idle) == 0 {
			s.pool.keeping = false // the next release starts it again
			s.pool.mu.Unlock()
			return
		}
		s.pool.mu.Unlock()
	}
}

// keepAlive sends an idle connection a NOOP, or an UNSELECT when it has a
// folder selected that no body read asked for; false when it failed.
func (s *Syncer) keepAlive(c *conn) bool {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout/3)
	defer cancel()
	c.bind(ctx)
	stop := c.stop
	var err error
	if c.sel == (selection{}) && c.c.Mailbox() != nil && (c.caps.Has(imap.CapUnselect) || c.caps.Has(imap.CapIMAP4rev2)) {
		err = c.c.Unselect().Wait()
	} else {
		err = c.c.Noop().Wait()
	}
	return stop() && err == nil && !isClosed(c)
}

func isClosed(c *conn) bool {
	if c.dead.Load() {
		return true
	}
	select {
	case <-c.c.Closed():
		return true
	default:
		return false
	}
}
