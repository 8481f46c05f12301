package web

import (
	"sync"
	"time"
)

// failureLimiter counts failed logins per key (an account, a client
// address) in a sliding window and refuses further attempts past a limit.
// It lives in one process's memory: with several web servers each one
// limits on its own, which still bounds guessing to a small multiple.
type failureLimiter struct {
	limit  int
	window time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
	sweep    time.Time
}

func newFailureLimiter(limit int, window time.Duration) *failureLimiter {
	return &failureLimiter{limit: limit, window: window, failures: map[string][]time.Time{}}
}

// blocked reports whether key has used up its failures, and until when.
func (l *failureLimiter) blocked(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.recent(key, now)
	if len(recent) < l.limit {
		return false, time.Time{}
	}
	return true, recent[0].Add(l.window)
}

// fail records a failed attempt for key.
func (l *failureLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures[key] = append(l.recent(key, now), now)
	if now.Sub(l.sweep) > l.window { // forget keys that went quiet
		for k := range l.failures {
			if len(l.recent(k, now)) == 0 {
				delete(l.failures, k)
			}
		}
		l.sweep = now
	}
}

// succeed forgets the failures of key (a successful login).
func (l *failureLimiter) succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

func (l *failureLimiter) recent(key string, now time.Time) []time.Time {
	list := l.failures[key]
	i := 0
	for i < len(list) && now.Sub(list[i]) >= l.window {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = list
	return list
}
