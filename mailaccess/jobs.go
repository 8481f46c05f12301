package mailaccess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// JobState is where a job is in its life.
type JobState string

// Job states. A job is active while queued or running; at most one active
// job exists per DedupeKey.
const (
	JobQueued  JobState = "queued"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed"
)

// Job is one unit of long work (a mailbox sync) and its progress.
type Job struct {
	ID            int64    `db:"id"`
	Kind          string   `db:"kind"`
	AccountID     int64    `db:"account_id"`
	Mailbox       string   `db:"mailbox"`
	DedupeKey     string   `db:"dedupe_key"`
	Payload       string   `db:"payload"`
	State         JobState `db:"state"`
	Attempts      int      `db:"attempts"`
	MaxAttempts   int      `db:"max_attempts"`
	RunAfter      Time     `db:"run_after"`
	LeaseOwner    string   `db:"lease_owner"` // who holds it (running) or finished it (done, failed)
	LeaseExpires  Time     `db:"lease_expires"`
	ProgressDone  int64    `db:"progress_done"`
	ProgressTotal int64    `db:"progress_total"`
	Error         string   `db:"error"`
	CreatedAt     Time     `db:"created_at"`
	StartedAt     Time     `db:"started_at"`
	FinishedAt    Time     `db:"finished_at"`
}

// Active reports whether the job is queued or running.
func (j *Job) Active() bool { return j.State == JobQueued || j.State == JobRunning }

const jobColumns = `id, kind, account_id, mailbox, dedupe_key, payload, state, attempts, max_attempts,
	run_after, lease_owner, lease_expires, progress_done, progress_total, error, created_at, started_at, finished_at`

// JobsChannel is the PostgreSQL NOTIFY channel on which new jobs are announced.
const JobsChannel = "mailaccess_jobs"

// ErrLeaseLost is returned when a job (or a folder's sync lease) is no
// longer held by the caller: its lease expired and it was given to someone
// else, or the job finished.
var ErrLeaseLost = errors.New("lease lost")

// EnqueueJob inserts a queued job, unless an active job with the same
// DedupeKey exists: then that job is returned and created is false. On
// PostgreSQL idle workers are woken by a NOTIFY sent on commit.
func (s *Store) EnqueueJob(ctx context.Context, j Job) (job Job, created bool, err error) {
	now := s.timeNow()
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = 5
	}
	if j.RunAfter.IsZero() {
		j.RunAfter = now
	}
	for range 3 { // an active job may finish between the insert and the read
		err = s.inTx(ctx, func(tx *sqlx.Tx) error {
			err := tx.GetContext(ctx, &job, tx.Rebind(`INSERT INTO jobs (kind, account_id, mailbox, dedupe_key, payload, state, max_attempts, run_after, created_at)
				VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)
				ON CONFLICT (dedupe_key) WHERE state IN ('queued', 'running') DO NOTHING
				RETURNING `+jobColumns),
				j.Kind, j.AccountID, j.Mailbox, j.DedupeKey, j.Payload, j.MaxAttempts, j.RunAfter, now)
			if err == nil {
				created = true
				if s.dialect == Postgres {
					if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, JobsChannel, j.Kind); err != nil {
						return fmt.Errorf("notify workers: %w", err)
					}
				}
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			created = false
			return tx.GetContext(ctx, &job, tx.Rebind(`SELECT `+jobColumns+` FROM jobs WHERE dedupe_key = ? AND state IN ('queued', 'running')`), j.DedupeKey)
		})
		if !errors.Is(err, sql.ErrNoRows) {
			break
		}
	}
	if err != nil {
		return Job{}, false, fmt.Errorf("enqueue %s job: %w", j.Kind, err)
	}
	return job, created, nil
}

// ClaimJobs marks up to limit queued jobs that are due as running under
// owner's lease, counts the attempt, and returns them. Concurrent claimers
// never get the same job: PostgreSQL skips rows another claimer has locked;
// SQLite runs one writer at a time.
func (s *Store) ClaimJobs(ctx context.Context, owner string, limit int, lease time.Duration) ([]Job, error) {
	if limit <= 0 {
		return nil, nil
	}
	now := s.timeNow()
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var jobs []Job
	err := s.db.SelectContext(ctx, &jobs, s.db.Rebind(`UPDATE jobs SET state = 'running', lease_owner = ?, lease_expires = ?,
		attempts = attempts + 1, started_at = ?, error = ''
		WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_after <= ? ORDER BY run_after, id LIMIT ?`+lock+`)
		RETURNING `+jobColumns),
		owner, NewTime(now.Add(lease)), now, now, limit)
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	return jobs, nil
}

// ClaimJob claims one queued job by id, due or not (the inline fallback
// claims the job it just created). ErrLeaseLost when it is not queued.
func (s *Store) ClaimJob(ctx context.Context, id int64, owner string, lease time.Duration) (Job, error) {
	now := s.timeNow()
	var j Job
	err := s.db.GetContext(ctx, &j, s.db.Rebind(`UPDATE jobs SET state = 'running', lease_owner = ?, lease_expires = ?,
		attempts = attempts + 1, started_at = ?, error = ''
		WHERE id = ? AND state = 'queued' RETURNING `+jobColumns), owner, NewTime(now.Add(lease)), now, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, fmt.Errorf("claim job %d: %w", id, ErrLeaseLost)
	}
	if err != nil {
		return Job{}, fmt.Errorf("claim job %d: %w", id, err)
	}
	return j, nil
}

// held runs an UPDATE on a running job that only applies while owner holds
// it; ErrLeaseLost when it does not.
func (s *Store) held(ctx context.Context, op string, id int64, owner, set string, args ...any) error {
	args = append(args, id, owner)
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE jobs SET `+set+` WHERE id = ? AND lease_owner = ? AND state = 'running'`), args...)
	if err != nil {
		return fmt.Errorf("%s job %d: %w", op, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s job %d: %w", op, id, ErrLeaseLost)
	}
	return nil
}

// RenewLease extends owner's lease on a running job.
func (s *Store) RenewLease(ctx context.Context, id int64, owner string, lease time.Duration) error {
	return s.held(ctx, "renew lease of", id, owner, `lease_expires = ?`, NewTime(s.now().Add(lease)))
}

// UpdateJobProgress records how far a running job is.
func (s *Store) UpdateJobProgress(ctx context.Context, id int64, owner string, done, total int64) error {
	return s.held(ctx, "record progress of", id, owner, `progress_done = ?, progress_total = ?`, done, total)
}

// CompleteJob marks a job owner holds as done. The owner stays recorded as
// the one who finished it.
func (s *Store) CompleteJob(ctx context.Context, id int64, owner string) error {
	return s.held(ctx, "complete", id, owner, `state = 'done', lease_expires = NULL, error = '', finished_at = ?`, s.timeNow())
}

// FailJob marks a job owner holds as failed for good, with a message in words.
func (s *Store) FailJob(ctx context.Context, id int64, owner, msg string) error {
	return s.held(ctx, "fail", id, owner, `state = 'failed', lease_expires = NULL, error = ?, finished_at = ?`, msg, s.timeNow())
}

// RetryJob puts a job owner holds back in the queue, due at runAfter, with
// the message of the failed attempt.
func (s *Store) RetryJob(ctx context.Context, id int64, owner, msg string, runAfter time.Time) error {
	return s.held(ctx, "retry", id, owner, `state = 'queued', lease_owner = '', lease_expires = NULL, error = ?, run_after = ?`, msg, NewTime(runAfter))
}

// ReleaseJob puts a job owner holds back in the queue at once without
// counting the attempt (graceful shutdown, or an inline pass that used its
// time budget). Its progress is kept: the next run continues from its checkpoint.
func (s *Store) ReleaseJob(ctx context.Context, id int64, owner string) error {
	return s.held(ctx, "release", id, owner, `state = 'queued', lease_owner = '', lease_expires = NULL,
		attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, run_after = ?`, s.timeNow())
}

// RescueExpiredJobs returns running jobs whose lease expired (their worker
// died) to the queue, or fails them when they used all their attempts. It is
// idempotent and safe to run from every process at once.
func (s *Store) RescueExpiredJobs(ctx context.Context) (int64, error) {
	now := s.timeNow()
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE jobs SET
		state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
		finished_at = CASE WHEN attempts >= max_attempts THEN CAST(? AS BIGINT) ELSE NULL END,
		error = 'The worker running this sync stopped answering.',
		lease_owner = '', lease_expires = NULL, run_after = ?
		WHERE state = 'running' AND lease_expires < ?`), now, now, now)
	if err != nil {
		return 0, fmt.Errorf("rescue expired jobs: %w", err)
	}
	return res.RowsAffected()
}

// Job returns one job of the account, or ErrNotFound.
func (s *Store) Job(ctx context.Context, accountID, id int64) (Job, error) {
	var j Job
	err := s.db.GetContext(ctx, &j, s.db.Rebind(`SELECT `+jobColumns+` FROM jobs WHERE account_id = ? AND id = ?`), accountID, id)
	if err != nil {
		return Job{}, fmt.Errorf("job %d: %w", id, notFound(err))
	}
	return j, nil
}

// LatestJob returns the newest job for a dedupe key of the account, or ErrNotFound.
func (s *Store) LatestJob(ctx context.Context, accountID int64, dedupeKey string) (Job, error) {
	var j Job
	err := s.db.GetContext(ctx, &j, s.db.Rebind(`SELECT `+jobColumns+` FROM jobs WHERE account_id = ? AND dedupe_key = ? ORDER BY id DESC LIMIT 1`), accountID, dedupeKey)
	if err != nil {
		return Job{}, fmt.Errorf("latest job %q: %w", dedupeKey, notFound(err))
	}
	return j, nil
}

// QueueStats is the dispatcher's view of the queue.
type QueueStats struct {
	Queued, Running, Done, Failed int64
	OldestQueued                  Time // creation time of the oldest queued job
	RunningJobs                   []Job
	RecentFailures                []Job
}

// QueueStats counts jobs by state and lists running jobs and recent failures.
func (s *Store) QueueStats(ctx context.Context, failures int) (QueueStats, error) {
	var st QueueStats
	rows, err := s.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return st, fmt.Errorf("queue stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return st, fmt.Errorf("queue stats: %w", err)
		}
		switch JobState(state) {
		case JobQueued:
			st.Queued = n
		case JobRunning:
			st.Running = n
		case JobDone:
			st.Done = n
		case JobFailed:
			st.Failed = n
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("queue stats: %w", err)
	}
	if err := s.db.GetContext(ctx, &st.OldestQueued, `SELECT MIN(created_at) FROM jobs WHERE state = 'queued'`); err != nil {
		return st, fmt.Errorf("oldest queued job: %w", err)
	}
	if err := s.db.SelectContext(ctx, &st.RunningJobs, `SELECT `+jobColumns+` FROM jobs WHERE state = 'running' ORDER BY id`); err != nil {
		return st, fmt.Errorf("running jobs: %w", err)
	}
	if err := s.db.SelectContext(ctx, &st.RecentFailures, s.db.Rebind(`SELECT `+jobColumns+` FROM jobs WHERE state = 'failed' ORDER BY finished_at DESC LIMIT ?`), failures); err != nil {
		return st, fmt.Errorf("failed jobs: %w", err)
	}
	return st, nil
}

// DeleteFinishedJobs removes done and failed jobs that finished before cutoff.
func (s *Store) DeleteFinishedJobs(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM jobs WHERE state IN ('done', 'failed') AND finished_at < ?`), NewTime(cutoff))
	if err != nil {
		return 0, fmt.Errorf("delete finished jobs: %w", err)
	}
	return res.RowsAffected()
}
