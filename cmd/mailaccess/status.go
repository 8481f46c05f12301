package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// Status is what `mailaccess status` reports (and the admin page shows).
type Status struct {
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

func jobStatus(j mailaccess.Job) JobStatus {
	when := j.StartedAt.Time
	if !j.FinishedAt.IsZero() {
		when = j.FinishedAt.Time
	}
	return JobStatus{ID: j.ID, Account: j.AccountID, Mailbox: j.Mailbox, Attempts: j.Attempts,
		Done: j.ProgressDone, Total: j.ProgressTotal, Worker: j.LeaseOwner, Error: j.Error, When: when}
}

// status reads the dispatcher's view from the database.
func (a *app) status(ctx context.Context) (Status, error) {
	ttl := a.dispatcher.LivenessTTL()
	st := Status{Mode: a.dispatcher.Mode(), LivenessTTL: ttl.String(), Workers: []WorkerStatus{}, RunningJobs: []JobStatus{}, RecentFailures: []JobStatus{}}
	workers, err := a.store.Workers(ctx)
	if err != nil {
		return st, err
	}
	now := time.Now()
	for _, w := range workers {
		ws := WorkerStatus{Name: w.Name, Host: w.Host, PID: w.PID, Alive: w.Alive(now, ttl), Running: w.Running, Capacity: w.Capacity, LastHeartbeat: w.HeartbeatAt.Time}
		if ws.Alive {
			st.LiveWorkers++
			st.LiveCapacity += w.Capacity
		}
		st.Workers = append(st.Workers, ws)
	}
	q, err := a.store.QueueStats(ctx, 10)
	if err != nil {
		return st, err
	}
	st.Queued, st.Running, st.Done, st.Failed = q.Queued, q.Running, q.Done, q.Failed
	if !q.OldestQueued.IsZero() {
		t := q.OldestQueued.Time
		st.OldestQueued = &t
	}
	for _, j := range q.RunningJobs {
		st.RunningJobs = append(st.RunningJobs, jobStatus(j))
	}
	for _, j := range q.RecentFailures {
		st.RecentFailures = append(st.RecentFailures, jobStatus(j))
	}
	return st, nil
}

func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var asJSON *bool
	cfg, _, err := commandConfig("status", args, stderr, getenv, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print one JSON object")
	})
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, newLogger(cfg, stderr), false)
	if err != nil {
		return err
	}
	defer a.Close()
	st, err := a.status(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "mode:\t%s\n", st.Mode)
	fmt.Fprintf(w, "live workers:\t%d (capacity %d; alive = heartbeat within %s)\n", st.LiveWorkers, st.LiveCapacity, st.LivenessTTL)
	fmt.Fprintf(w, "queue:\t%d queued, %d running, %d done, %d failed\n", st.Queued, st.Running, st.Done, st.Failed)
	if st.OldestQueued != nil {
		fmt.Fprintf(w, "oldest queued:\t%s ago\n", time.Since(*st.OldestQueued).Round(time.Second))
	}
	w.Flush()
	if len(st.Workers) > 0 {
		fmt.Fprintln(stdout, "\nworkers:")
		fmt.Fprintln(w, "  NAME\tHOST\tPID\tSTATE\tLOAD\tLAST HEARTBEAT")
		for _, ws := range st.Workers {
			state := "alive"
			if !ws.Alive {
				state = "dead"
			}
			fmt.Fprintf(w, "  %s\t%s\t%d\t%s\t%d/%d\t%s ago\n", ws.Name, ws.Host, ws.PID, state, ws.Running, ws.Capacity, time.Since(ws.LastHeartbeat).Round(time.Millisecond))
		}
		w.Flush()
	}
	if len(st.RunningJobs) > 0 {
		fmt.Fprintln(stdout, "\nrunning jobs:")
		for _, j := range st.RunningJobs {
			fmt.Fprintf(w, "  #%d\taccount %d\t%s\t%d/%d\ton %s\tattempt %d\n", j.ID, j.Account, j.Mailbox, j.Done, j.Total, j.Worker, j.Attempts)
		}
		w.Flush()
	}
	if len(st.RecentFailures) > 0 {
		fmt.Fprintln(stdout, "\nrecent failures:")
		for _, j := range st.RecentFailures {
			fmt.Fprintf(w, "  #%d\taccount %d\t%s\t%s\t%s\n", j.ID, j.Account, j.Mailbox, j.When.Format(time.RFC3339), j.Error)
		}
		w.Flush()
	}
	return nil
}
