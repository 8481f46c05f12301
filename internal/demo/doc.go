// Package demo runs go-imap's in-memory IMAP server (imapmemserver) seeded from a corpus directory.
//
// The built-in demo lets mailaccess run without a real mail account: Start
// loads a corpus (by default testdata/demo, produced by internal/demogen),
// creates one user with the folders and messages listed in its manifest.tsv,
// and serves IMAP on a loopback address with plain-text LOGIN allowed.
//
// # Seed directory
//
// The seed directory holds manifest.tsv and the message files it names. Each
// non-empty manifest line that does not start with '#' has four
// tab-separated fields:
//
//	folder <TAB> relative-file <TAB> flags <TAB> internal-date
//
// folder is a mailbox name with '/' as hierarchy delimiter ("INBOX",
// "Archive/2025"); relative-file is a slash path below the seed directory
// ("INBOX/0001.eml", no ".." and not absolute); flags are space-separated
// IMAP flags (\Seen \Answered \Flagged \Deleted \Draft or keywords) and may
// be empty; internal-date is RFC 3339. Messages are appended in manifest
// order, so UIDs follow it. Folders are created in order of first appearance;
// INBOX always exists. Any problem (missing manifest, malformed line,
// unreadable file) makes Start fail with an error naming the file and line.
//
// # What the server supports
//
// The server is imapmemserver from github.com/emersion/go-imap/v2 with a thin
// session wrapper that adds what imapmemserver lacks for a webmail demo:
//
//   - SPECIAL-USE (RFC 6154) attributes: Sent, Drafts, Trash and Junk get
//     \Sent, \Drafts, \Trash and \Junk, Archive and its children \Archive;
//     they are returned on every LIST. CREATE ... (USE (...)) is honoured.
//     (imapmemserver keeps a special-use field per mailbox but never sets it:
//     its Create ignores CreateOptions.SpecialUse.)
//   - CHILDREN attributes, and \Noselect placeholders for missing parents
//     ("Archive" for "Archive/2025"), which imapmemserver does not create.
//
// Limitations inherited from imapmemserver (go-imap v2.0.0-beta.8):
//
//   - No CONDSTORE/QRESYNC (no MODSEQ, no HIGHESTMODSEQ), no NOTIFY, no
//     QUOTA, no ACL, no METADATA, no SORT/THREAD, no COMPRESS, no ID.
//   - Flags are stored lower-cased: the wire shows \seen, \answered and
//     keywords lose their case. go-imap's client maps system flags back to
//     their canonical spelling; other clients must compare case-insensitively.
//   - The \Recent flag is never set and RECENT is always 0.
//   - Everything lives in memory: changes (STORE, APPEND, EXPUNGE, CREATE)
//     are lost when the server stops. UIDVALIDITY is 1..n in creation order.
//   - SEARCH with text criteria decodes charsets through go-message; this
//     package imports github.com/emersion/go-message/charset so that
//     ENVELOPE subjects and names in KOI8-R, ISO-2022-JP, Shift_JIS and other
//     non-UTF-8 charsets are decoded on the server side. That import sets
//     go-message's global CharsetReader for the whole process.
//
// Plain-text LOGIN over an unencrypted connection is allowed
// (imapserver.Options.InsecureAuth), so the listener must stay on loopback.
package demo
