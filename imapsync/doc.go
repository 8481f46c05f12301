// Package imapsync keeps the cache (package mailaccess) in step with an IMAP
// server. Its units of work are plain methods — SyncFolders, SyncMailbox,
// SyncAccount, FetchBody — that a worker, the inline fallback of the
// dispatcher and the command line all call the same way.
//
// Invariants:
//   - a folder whose UIDVALIDITY changed is dropped from the cache and rebuilt;
//   - new messages are streamed from the server in batches of Config.BatchSize
//     and each batch is stored together with its checkpoint, so memory does not
//     grow with the mailbox and a cut connection or a cancelled context leaves
//     a consistent cache that the next pass continues;
//   - HIGHESTMODSEQ is recorded only after every change it covers is stored;
//   - the cache holds valid UTF-8 without NUL bytes whatever the server sends;
//   - passwords are never logged.
//
// Limits (at this stage): one IMAP connection per call, closed at its end;
// no guard yet against two processes syncing one folder at once (the
// dispatcher's per-folder job uniqueness provides it).
package imapsync
