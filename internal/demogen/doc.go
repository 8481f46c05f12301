// Command demogen writes the demo and hostile e-mail corpora used by the
// built-in demo IMAP server (internal/demo) and by tests.
//
//	go run ./internal/demogen -out testdata/demo
//	go run ./internal/demogen -hostile testdata/hostile
//
// The demo corpus is the mailbox of Alex Morgan, an engineer at a fictional
// company in Lyon: about 330 RFC 5322 messages with CRLF line endings in
// INBOX, Sent, Drafts, Trash, Junk, Archive/2025 and Projects/mailaccess,
// written to <out>/<folder>/NNNN.eml (numbered by internal date) plus
// <out>/manifest.tsv with one line per message:
//
//	folder <TAB> relative-file <TAB> flags <TAB> internal-date (RFC 3339)
//
// It covers what a webmail has to render: a cast of about 30 people writing in
// English, French, German, Japanese, Russian, Greek and Spanish from clients
// with different habits (Thunderbird, Outlook, Gmail, Apple Mail, mutt,
// Becky!, The Bat!); bodies in us-ascii, UTF-8, ISO-8859-1/-7/-15,
// windows-1252, KOI8-R, ISO-2022-JP and Shift_JIS with 7bit, 8bit,
// quoted-printable and base64 encodings; RFC 2047 Q and B encoded words in
// several charsets; RFC 2231 file names with continuations;
// multipart/alternative, /mixed and /related (cid: images); a
// message/rfc822 forward; HTML newsletters with remote images and tracking
// pixels; calendar invitations; threads with In-Reply-To/References and
// "Re:", "AW:", "RE:", "Fwd:" prefixes; mailing-list and forge
// notifications; spam. Attachments (PDF, PNG, JPEG, CSV, ZIP, ICS) are
// generated in Go and stay small.
//
// The hostile corpus (-hostile) is about 30 broken or malicious messages
// (scripts, event handlers, javascript: and data: URLs, remote CSS, NUL
// bytes, unknown charsets, 40-level MIME nesting, a 100 KB header line, a
// 2 MiB attachment, ...) and a README.md describing each file.
//
// Output is deterministic: all randomness comes from a fixed seed, dates are
// relative to the fixed reference date 2026-11-20 (never time.Now), and time
// zones come from the embedded tzdata. The generator's tests fail when the
// files under testdata differ from what it produces.
package main
