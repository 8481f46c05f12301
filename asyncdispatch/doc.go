// Package asyncdispatch decides where long work — a full mailbox sync — runs:
// on a pool of sync workers (separate processes on any host, or goroutines of
// `serve --workers N`), or inline in the caller when no worker answers. It
// knows job kinds and their handlers, not IMAP.
//
// The protocol, coordinated entirely through the database (package mailaccess):
//
//   - Liveness is a heartbeat each worker writes into the workers table. A
//     worker is alive while its heartbeat is fresher than Config.LivenessTTL.
//     The dispatcher reads that (cached for Config.LivenessCache) on each
//     dispatch; it never pings and never sleeps in a request.
//   - Dispatch inserts a job row. At most one queued-or-running job exists per
//     key (a mailbox), so a second request for the same folder returns the
//     existing job. On PostgreSQL a NOTIFY wakes idle workers; polling with
//     jitter is the safety net (and SQLite's only path).
//   - A worker claims jobs only while it has free capacity, so work spreads by
//     real load at claim time; of the workers one notification wakes, the
//     least loaded claims first (a busy one waits in proportion to its load,
//     Config.ClaimStagger). A claimed job holds a lease that the worker
//     renews; a worker that loses a lease stops that job (fencing).
//   - Inline fallback is one code path: whenever the async path is not
//     available (mode "off", mode "auto" with no live worker, or the queue
//     unreachable), the caller claims the very job row it created and runs the
//     same handler itself, under Config.InlineBudget. A pass that runs out of
//     budget releases the job with its progress kept; the next dispatch (or a
//     worker) continues from the checkpoint.
//   - Rescue: every process periodically returns jobs whose lease expired to
//     the queue (attempt counted) or fails them when attempts are used up.
//     Transient errors retry with exponential backoff and jitter up to a cap;
//     permanent ones (Config.Permanent) fail at once with a message in words.
//   - Shutdown of a pool is two-phase: stop claiming; let running jobs reach a
//     checkpoint within Config.ShutdownGrace; then cancel them, release their
//     leases and deregister.
package asyncdispatch
