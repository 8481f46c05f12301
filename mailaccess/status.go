package mailaccess

import "time"

// DispatchStatus is the dispatcher's view of workers and queue, as
// `mailaccess status` prints it and the admin page shows it.
type DispatchStatus struct {
	Mode           string         `json:"mode"`
	LivenessTTL    string         `json:"liveness_ttl"`
	Workers        []WorkerStatus `json:"workers"`
	LiveWorkers    int            `json:"live_workers"`
	LiveCapacity   int            `json:"live_capacity"`
	Queued         int64          `json:"queued"`
	Running        int64          `json:"running"`
	Done           int64          `json:"done"`
	Failed         int64          `json:"failed"`
	OldestQueued   *time.Time     `json:"oldest_queued,omitempty"`
	RunningJobs    []JobStatus    `json:"running_jobs"`
	RecentFailures []JobStatus    `json:"recent_failures"`
}

// WorkerStatus is one worker row as status shows it.
type WorkerStatus struct {
	Name          string    `json:"name"`
	Host          string    `json:"host"`
	PID           int       `json:"pid"`
	Alive         bool      `json:"alive"`
	Running       int       `json:"running"`
	Capacity      int       `json:"capacity"`
	LastHeartbeat time.Time `json:"last_heartbeat"`
}

// JobStatus is one job as status shows it.
type JobStatus struct {
	ID       int64     `json:"id"`
	Account  int64     `json:"account_id"`
	Mailbox  string    `json:"mailbox"`
	Attempts int       `json:"attempts"`
	Done     int64     `json:"done"`
	Total    int64     `json:"total"`
	Worker   string    `json:"worker,omitempty"`
	Error    string    `json:"error,omitempty"`
	When     time.Time `json:"when"`
}

// NewJobStatus summarises a job for status views.
func NewJobStatus(j Job) JobStatus {
	when := j.StartedAt.Time
	if !j.FinishedAt.IsZero() {
		when = j.FinishedAt.Time
	}
	return JobStatus{ID: j.ID, Account: j.AccountID, Mailbox: j.Mailbox, Attempts: j.Attempts,
		Done: j.ProgressDone, Total: j.ProgressTotal, Worker: j.LeaseOwner, Error: j.Error, When: when}
}
