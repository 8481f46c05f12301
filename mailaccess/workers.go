package mailaccess

import (
	"context"
	"fmt"
	"time"
)

// Worker is a sync-worker process as its heartbeat row describes it.
type Worker struct {
	ID          string `db:"id"`
	Name        string `db:"name"`
	Host        string `db:"host"`
	PID         int    `db:"pid"`
	Capacity    int    `db:"capacity"`
	Running     int    `db:"running"`
	StartedAt   Time   `db:"started_at"`
	HeartbeatAt Time   `db:"heartbeat_at"`
}

// Alive reports whether the worker's heartbeat is fresher than ttl at now.
func (w *Worker) Alive(now time.Time, ttl time.Duration) bool {
	return w.HeartbeatAt.After(now.Add(-ttl))
}

const workerColumns = `id, name, host, pid, capacity, running, started_at, heartbeat_at`

// RegisterWorker writes (or rewrites) a worker's row with a fresh heartbeat.
func (s *Store) RegisterWorker(ctx context.Context, w Worker) error {
	now := s.timeNow()
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO workers (`+workerColumns+`) VALUES (?, ?, ?, ?, ?, 0, ?, ?)
		ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, capacity = excluded.capacity`),
		w.ID, w.Name, w.Host, w.PID, w.Capacity, now, now)
	if err != nil {
		return fmt.Errorf("register worker %s: %w", w.Name, err)
	}
	return nil
}

// Heartbeat records that a worker is alive and how many jobs it runs.
func (s *Store) Heartbeat(ctx context.Context, id string, running int) error {
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE workers SET heartbeat_at = ?, running = ? WHERE id = ?`), s.timeNow(), running, id)
	if err != nil {
		return fmt.Errorf("heartbeat of worker %s: %w", id, err)
	}
	return nil
}

// DeregisterWorker removes a worker's row (clean shutdown).
func (s *Store) DeregisterWorker(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM workers WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("deregister worker %s: %w", id, err)
	}
	return nil
}

// Workers lists every registered worker, alive or not, by name.
func (s *Store) Workers(ctx context.Context) ([]Worker, error) {
	var list []Worker
	if err := s.db.SelectContext(ctx, &list, `SELECT `+workerColumns+` FROM workers ORDER BY name, id`); err != nil {
		return nil, fmt.Errorf("list workers: %w", err)
	}
	return list, nil
}

// LiveWorkers counts the workers whose heartbeat is fresher than ttl and
// their total capacity. It is one indexed-free scan of a tiny table: cheap
// enough for every dispatch.
func (s *Store) LiveWorkers(ctx context.Context, ttl time.Duration) (count, capacity int, err error) {
	var row struct {
		Count    int `db:"n"`
		Capacity int `db:"cap"`
	}
	err = s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT COUNT(*) AS n, COALESCE(SUM(capacity), 0) AS cap FROM workers WHERE heartbeat_at > ?`),
		NewTime(s.now().Add(-ttl)))
	if err != nil {
		return 0, 0, fmt.Errorf("count live workers: %w", err)
	}
	return row.Count, row.Capacity, nil
}

// DeleteDeadWorkers removes rows of workers silent since before cutoff.
func (s *Store) DeleteDeadWorkers(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM workers WHERE heartbeat_at < ?`), NewTime(cutoff))
	if err != nil {
		return 0, fmt.Errorf("delete dead workers: %w", err)
	}
	return res.RowsAffected()
}
