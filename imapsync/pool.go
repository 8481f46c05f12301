package imapsync

import (
	"context"
	"sync"
	"time"
)

// maxIdlePerAccount bounds the warm connections kept for one account
// (Dovecot limits connections per user and address).
const maxIdlePerAccount = 2

// pool keeps logged-in connections of the short calls (opening a message,
// flags, moves, server searches) warm for reuse: a new connection costs a
// TCP handshake, the greeting, LOGIN and often TLS. A connection is reused
// only while it is well inside its read deadline (Config.Timeout).
type pool struct {
	mu   sync.Mutex
	idle map[int64][]idleConn
}

type idleConn struct {
	c     *conn
	since time.Time
}

// acquire returns a logged-in connection of the account, warm when one is
// idle, bound to ctx (closed if ctx ends while it is in use).
func (s *Syncer) acquire(ctx context.Context, accountID int64) (*conn, error) {
	maxIdle := s.cfg.Timeout / 3
	s.pool.mu.Lock()
	for list := s.pool.idle[accountID]; len(list) > 0; list = s.pool.idle[accountID] {
		ic := list[len(list)-1]
		s.pool.idle[accountID] = list[:len(list)-1]
		if time.Since(ic.since) > maxIdle || isClosed(ic.c) {
			go ic.c.c.Close()
			continue
		}
		s.pool.mu.Unlock()
		c := ic.c
		c.stop = context.AfterFunc(ctx, func() { c.c.Close() })
		return c, nil
	}
	s.pool.mu.Unlock()
	return s.login(ctx, accountID)
}

// release gives a connection back for reuse, or closes it when it is broken
// or the account has enough idle ones.
func (s *Syncer) release(accountID int64, c *conn) {
	if !c.stop() || isClosed(c) { // its call's context ended: it was closed
		c.c.Close()
		return
	}
	s.pool.mu.Lock()
	defer s.pool.mu.Unlock()
	if s.pool.idle == nil {
		s.pool.idle = map[int64][]idleConn{}
	}
	if len(s.pool.idle[accountID]) >= maxIdlePerAccount {
		go c.c.Close()
		return
	}
	s.pool.idle[accountID] = append(s.pool.idle[accountID], idleConn{c: c, since: time.Now()})
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
