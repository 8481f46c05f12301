package asyncdispatch

import (
	"context"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// Status reads the dispatcher's view from the database: workers (alive or
// not, load), queue depth, oldest queued job, running jobs, recent failures.
func (d *Dispatcher) Status(ctx context.Context) (mailaccess.DispatchStatus, error) {
	ttl := d.cfg.LivenessTTL
	st := mailaccess.DispatchStatus{Mode: d.cfg.Mode, LivenessTTL: ttl.String(), Workers: []mailaccess.WorkerStatus{}, RunningJobs: []mailaccess.JobStatus{}, RecentFailures: []mailaccess.JobStatus{}}
	workers, err := d.store.Workers(ctx)
	if err != nil {
		return st, err
	}
	now := time.Now()
	for _, w := range workers {
		ws := mailaccess.WorkerStatus{Name: w.Name, Host: w.Host, PID: w.PID, Alive: w.Alive(now, ttl), Running: w.Running, Capacity: w.Capacity, LastHeartbeat: w.HeartbeatAt.Time}
		if ws.Alive {
			st.LiveWorkers++
			st.LiveCapacity += w.Capacity
		}
		st.Workers = append(st.Workers, ws)
	}
	q, err := d.store.QueueStats(ctx, 10)
	if err != nil {
		return st, err
	}
	st.Queued, st.Running, st.Done, st.Failed = q.Queued, q.Running, q.Done, q.Failed
	if !q.OldestQueued.IsZero() {
		t := q.OldestQueued.Time
		st.OldestQueued = &t
	}
	for _, j := range q.RunningJobs {
		st.RunningJobs = append(st.RunningJobs, mailaccess.NewJobStatus(j))
	}
	for _, j := range q.RecentFailures {
		st.RecentFailures = append(st.RecentFailures, mailaccess.NewJobStatus(j))
	}
	return st, nil
}
