// Package imapsync keeps the cache (package mailaccess) in step with an IMAP
// server. Its units of work are plain methods — SyncFolders, SyncMailbox,
// SyncAccount, FetchBody, Check — that a worker, the inline fallback of the
// dispatcher and the command line all call the same way.
//
// A folder pass (SyncMailbox):
//  1. SELECT read-only, with CONDSTORE where offered. A new UIDVALIDITY drops
//     the folder's cache and starts a new generation. It is sent before the
//     folder's lease is taken and read after (sent again when the stored
//     state changed meanwhile), so the server works while the lease is
//     written.
//  2. Same UIDNEXT, count and HIGHESTMODSEQ as the last complete pass: done,
//     after one command. (SyncAccount, with a STATUS of each folder sent
//     before its LIST, does not even SELECT such folders.)
//  3. Flags of the cached messages: FETCH … (CHANGEDSINCE) with CONDSTORE,
//     else every message's flags streamed and compared with the cache in
//     chunks. The UID SEARCH of step 4 follows this FETCH: the server
//     searches while the flags are applied, and the search is read after
//     them. A CHANGEDSINCE answer (up to one chunk) is read before the
//     search is sent, since Dovecot answers pipelined commands together,
//     after the last; the full comparison is pipelined with it.
//  4. Vanished and new messages. New ones are the server's UIDs above the
//     checkpoint; when the server's count is the cache's plus the new ones,
//     nothing vanished (one UID SEARCH of the range above the checkpoint, not
//     even that when UIDNEXT has not moved since the last complete pass).
//     The cache's count is the total of the last complete pass while the
//     checkpoint has not moved since (Mailbox.CountedUID), else counted.
//     Otherwise the server's whole UID set (ESEARCH compact ranges) is
//     compared with the cache by ranges (asked for at once when UIDNEXT has
//     not moved and the count differs). Only the gaps of the server's set
//     that are new since the last such comparison are looked up in the
//     cache (Store.KnownGaps). A final count check falls back to a
//     UID-by-UID comparison if the cache still differs (and forgets the
//     known gaps).
//  5. New messages: one streamed UID FETCH (flags, dates, size,
//     BODYSTRUCTURE, the raw header fields of the summary, parsed here
//     rather than taken from the server's ENVELOPE, see header.go; the
//     first bytes of the body of the newest
//     Config.PreviewRecent for previews; a UID set too long for one command
//     line goes in several), stored by a writer goroutine in
//     batches of Config.BatchSize, each batch with its checkpoint. Batches
//     that wait for the writer are committed together (group commit); the
//     first batch always goes alone.
//  6. UIDNEXT and HIGHESTMODSEQ recorded, only now that every change is in,
//     with the folder's counts: a pass that stored no new message keeps the
//     unread count its flag changes and deletes kept exact; one that stored
//     messages counts it.
//  7. The bodies of the newest new messages (Config.PrefetchRecent, none
//     larger than Config.PrefetchMaxBytes), kept so that opening new mail
//     needs no round trip; a failure there does not fail the pass.
//  8. After a large load, the database's statistics refreshed
//     (Store.AnalyzeAfterLoad: PostgreSQL's planner would otherwise read and
//     sort the whole new folder for its first list pages), and once mid-way
//     through it, since the folder is listed while it fills; a failure
//     there does not fail the pass either.
//
// Invariants:
//   - every server UID up to a folder's checkpoint (LastUID) is cached: UIDs
//     only grow, batches are stored in UID order and the checkpoint moves
//     only past UIDs that were stored; so a cut connection or a cancelled
//     context leaves a consistent cache that the next pass continues, with
//     no duplicate (the upsert key is mailbox + UID) and no gap;
//   - memory does not grow with the mailbox: responses are streamed, flags
//     compared in chunks (only the list of new UIDs is held, 4 bytes each);
//   - HIGHESTMODSEQ is recorded only after every change it covers is stored;
//   - a message that the server or go-imap cannot deliver (go-imap v2 beta.8
//     drops a BODYSTRUCTURE it cannot parse, or closes the connection; Dovecot
//     may drop a connection on a FETCH failure) never stops a pass: the
//     session reconnects, isolates the message, parses its raw first bytes
//     locally (ParseMessage), and stores what could be read;
//   - the cache holds valid UTF-8 without NUL bytes whatever the server sends;
//   - every read and write on the connection has a deadline (Config.Timeout):
//     a server that stops answering fails the pass instead of hanging it;
//   - passwords are never logged.
//
// Connections: the account's warm logged-in connections (at most two idle)
// serve SyncMailbox passes and the short calls (FetchBody, StoreFlags, Move,
// Expunge, SearchServer); a pass gives its connection back with its folder
// closed. Passes that LIST (SyncAccount, SyncFolders, Check, Login) log in
// afresh, because a long-lived Dovecot session can list a folder that is
// gone, and their connection is logged out afterwards, never pooled: on a
// Dovecot session that ran LIST every SELECT of a large Maildir folder
// rereads its directory (about 100 ms at 100,000 messages). SyncAccount
// syncs its folders on a pooled connection.
//
// One pass of a folder at a time: a pass holds the folder's sync lease
// (Store.AcquireFolderSync: the mailboxes row's sync_owner and sync_until)
// from before it reads its SELECT to its end, renewing it every third of
// Config.FolderLease; another pass of that folder, in any process (a
// worker, `mailaccess sync`, the web's inline fallback), waits for it with
// backoff (up to 250 ms between tries) and then continues from what the first
// one stored. A process that dies holding a lease loses it FolderLease
// later (`mailaccess` sets it to the dispatcher's job lease, 10 s by
// default, so a job taken over from a killed worker finds its folder free). The dispatcher's per-folder job
// uniqueness keeps workers from even queueing two passes of one folder.
// Were two passes to run at once anyway (a holder stalled past its lease),
// they stay correct (upserts, monotonic checkpoints), only wasteful.
//
// Limits: older mail of a large initial sync has no preview.
package imapsync
