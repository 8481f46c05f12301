// Package asyncdispatch decides where a long piece of work — a full mailbox
// sync — runs: on a pool of sync workers, or inline in the caller. It knows
// job kinds and their handlers, not IMAP.
//
// The web layer calls Dispatch for every sync it wants; the dispatcher is the
// one seam between "a page needs fresher data" and "someone syncs it".
//
// Limits (at this stage): the worker pool, the job queue and the liveness
// checks of the design (section 3) are not built yet, so every dispatch runs
// inline, under Config.InlineBudget, whatever async.mode says. Callers
// already use the final entry point, so the pool can arrive without changing them.
package asyncdispatch
