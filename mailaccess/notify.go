package mailaccess

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// JobWakeups returns a channel that receives a value soon after a job is
// enqueued, from any process (PostgreSQL LISTEN on JobsChannel; also after a
// reconnection, when notifications may have been missed). On SQLite it
// returns a nil channel: callers poll. The listener stops when ctx ends.
func (s *Store) JobWakeups(ctx context.Context) (<-chan struct{}, error) {
	if s.dialect != Postgres {
		return nil, nil
	}
	l := pq.NewListener(s.url, 100*time.Millisecond, 10*time.Second, nil)
	if err := l.Listen(JobsChannel); err != nil {
		l.Close()
		return nil, fmt.Errorf("listen for jobs: %w", err)
	}
	out := make(chan struct{}, 1)
	go func() {
		defer l.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case <-l.Notify: // a nil value means "reconnected": wake too
				select {
				case out <- struct{}{}:
				default:
				}
			}
		}
	}()
	return out, nil
}
