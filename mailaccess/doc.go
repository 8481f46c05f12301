// Package mailaccess holds the domain types of the webmail cache (Account,
// Mailbox, Message and the IMAP identities UID, UIDValidity, ModSeq) and the
// cache Store, the only package that speaks SQL.
//
// The store runs unchanged on PostgreSQL (production) and SQLite (the embedded
// default). Queries are written once with '?' placeholders and rebound by sqlx;
// the few real differences between the databases live in a dialect value.
// Times are stored as Unix milliseconds computed in Go, so both databases
// compare and sort them the same way.
//
// Invariants:
//   - every query that reads or changes user data is scoped to one account;
//     an id that belongs to another account is ErrNotFound, never its data;
//   - a mailbox's messages belong to its current UIDVALIDITY: when it changes
//     the cached messages are dropped before any new one is stored;
//   - a mailbox's checkpoint (LastUID) only moves in the transaction that
//     stores the messages it covers;
//   - IMAP passwords are stored sealed with AES-GCM (see Sealer), never in clear;
//   - the store refuses to open a database whose schema is behind the
//     migrations embedded in this binary (run `mailaccess migrate`).
package mailaccess
