package mailaccess

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotFound is returned when a row does not exist or belongs to another account.
var ErrNotFound = errors.New("not found")

// Errors of the IMAP side, shared by the sync engine (which returns them) and
// its callers (which tell them apart with errors.Is).
var (
	// ErrAuth: the server refused the login. Permanent: retrying will not help.
	ErrAuth = errors.New("the IMAP server refused the user name or password")
	// ErrUnreachable: the server could not be reached or dropped the connection. Transient.
	ErrUnreachable = errors.New("the IMAP server cannot be reached")
	// ErrMailboxGone: the folder no longer exists on the server. Permanent.
	ErrMailboxGone = errors.New("the folder no longer exists on the IMAP server")
	// ErrMessageGone: the message was deleted on the server since the last sync. Permanent.
	ErrMessageGone = errors.New("the message is no longer on the IMAP server")
	// ErrRefused: the server answered NO or BAD to a change the user asked for.
	ErrRefused = errors.New("the IMAP server refused the change")
	// ErrNoIdle: the server does not offer IDLE, so it cannot report changes
	// as they happen. Permanent.
	ErrNoIdle = errors.New("the IMAP server does not offer IDLE")
)

// UID is an IMAP unique identifier, valid within one mailbox and UIDVALIDITY.
type UID uint32

// UIDValidity identifies one generation of a mailbox's UIDs.
type UIDValidity uint32

// ModSeq is a CONDSTORE modification sequence.
type ModSeq uint64

// Time is a point in time stored as Unix milliseconds (UTC) in both databases.
// The zero Time is stored as NULL.
type Time struct{ time.Time }

// NewTime returns t as a storable Time, truncated to milliseconds.
func NewTime(t time.Time) Time {
	if t.IsZero() {
		return Time{}
	}
	return Time{t.UTC().Truncate(time.Millisecond)}
}

// Value implements driver.Valuer.
func (t Time) Value() (driver.Value, error) {
	if t.IsZero() {
		return nil, nil
	}
	return t.UnixMilli(), nil
}

// Scan implements sql.Scanner.
func (t *Time) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*t = Time{}
	case int64:
		*t = Time{time.UnixMilli(v).UTC()}
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}

// Role is the special use of a mailbox (RFC 6154), or RoleNone.
type Role string

// Special-use roles, in the order the folder list shows them.
const (
	RoleNone    Role = ""
	RoleInbox   Role = "inbox"
	RoleDrafts  Role = "drafts"
	RoleSent    Role = "sent"
	RoleArchive Role = "archive"
	RoleJunk    Role = "junk"
	RoleTrash   Role = "trash"
)

// Rank orders mailboxes: special folders first, in a fixed order.
func (r Role) Rank() int {
	switch r {
	case RoleInbox:
		return 0
	case RoleDrafts:
		return 1
	case RoleSent:
		return 2
	case RoleArchive:
		return 3
	case RoleJunk:
		return 4
	case RoleTrash:
		return 5
	}
	return 10
}

// Account is a user of the webmail: an IMAP login with its sealed password.
type Account struct {
	ID          int64  `db:"id"`
	Username    string `db:"username"`
	PasswordEnc []byte `db:"password_enc"`
	CreatedAt   Time   `db:"created_at"`
	LastLoginAt Time   `db:"last_login_at"`
}

// Mailbox is one cached IMAP folder and its sync state.
type Mailbox struct {
	ID            int64       `db:"id"`
	AccountID     int64       `db:"account_id"`
	Name          string      `db:"name"`
	Delimiter     string      `db:"delimiter"`
	Role          Role        `db:"role"`
	Attributes    string      `db:"attributes"`
	Subscribed    bool        `db:"subscribed"`
	UIDValidity   UIDValidity `db:"uidvalidity"`
	UIDNext       UID         `db:"uidnext"`
	HighestModSeq ModSeq      `db:"highestmodseq"`
	LastUID       UID         `db:"last_uid"`
	Total         int         `db:"total"`
	// CountedUID is LastUID as it was when Total was last counted at the
	// end of a complete sync pass; while the two are equal, Total is the
	// number of the server's messages up to LastUID as of that pass.
	CountedUID UID    `db:"counted_uid"`
	Unseen     int    `db:"unseen"`
	SyncedAt   Time   `db:"synced_at"`
	SyncError  string `db:"sync_error"`
}

// NoSelect reports whether the folder cannot hold messages (\Noselect, \NonExistent).
func (m *Mailbox) NoSelect() bool {
	a := strings.ToLower(m.Attributes)
	return strings.Contains(a, `\noselect`) || strings.Contains(a, `\nonexistent`)
}

// Depth is the nesting level of the folder (0 for top level).
func (m *Mailbox) Depth() int {
	if m.Delimiter == "" {
		return 0
	}
	return strings.Count(m.Name, m.Delimiter)
}

// Leaf is the last component of the folder name.
func (m *Mailbox) Leaf() string {
	if m.Delimiter == "" {
		return m.Name
	}
	return m.Name[strings.LastIndex(m.Name, m.Delimiter)+len(m.Delimiter):]
}

// Message is the cached summary of one message: what a list or a header view
// needs without fetching the body.
type Message struct {
	ID             int64  `db:"id"`
	AccountID      int64  `db:"account_id"`
	MailboxID      int64  `db:"mailbox_id"`
	UID            UID    `db:"uid"`
	ModSeq         ModSeq `db:"modseq"`
	Flags          string `db:"flags"` // space-separated, as IMAP sends them
	Seen           bool   `db:"seen"`
	Flagged        bool   `db:"flagged"`
	Answered       bool   `db:"answered"`
	Draft          bool   `db:"draft"`
	InternalDate   Time   `db:"internal_date"`
	SentDate       Time   `db:"sent_date"`
	Size           int64  `db:"size"`
	Subject        string `db:"subject"`
	FromName       string `db:"from_name"`
	FromAddr       string `db:"from_addr"`
	To             string `db:"to_addrs"` // "Name <addr>, …", decoded
	Cc             string `db:"cc_addrs"`
	ReplyTo        string `db:"reply_to"`
	MessageID      string `db:"message_id"`
	InReplyTo      string `db:"in_reply_to"`
	References     string `db:"refs"`
	Structure      string `db:"structure"` // JSON of the MIME part tree (see Part)
	HasAttachments bool   `db:"has_attachments"`
	Preview        string `db:"preview"`
	Thread         string `db:"thread_key"` // as stored; see ThreadKey
}

// ThreadKey is the root of the message's conversation: the first id of its
// References, else its In-Reply-To, else its own Message-ID (or its UID when
// it has none). Messages of one conversation share it when their senders'
// clients kept References, as nearly all do.
func (m *Message) ThreadKey() string {
	switch {
	case m.References != "":
		first, _, _ := strings.Cut(m.References, " ")
		return first
	case m.InReplyTo != "":
		return m.InReplyTo
	case m.MessageID != "":
		return m.MessageID
	}
	return fmt.Sprintf("uid:%d", m.UID)
}

// SetFlags fills Flags and the boolean system flags from an IMAP flag list.
func (m *Message) SetFlags(flags []string) {
	m.Seen, m.Flagged, m.Answered, m.Draft = false, false, false, false
	for _, f := range flags {
		switch strings.ToLower(f) {
		case `\seen`:
			m.Seen = true
		case `\flagged`:
			m.Flagged = true
		case `\answered`:
			m.Answered = true
		case `\draft`:
			m.Draft = true
		}
	}
	m.Flags = strings.Join(flags, " ")
}

// Sender is the display form of the sender: the name, else the address.
func (m *Message) Sender() string {
	if m.FromName != "" {
		return m.FromName
	}
	return m.FromAddr
}

// Part is one node of a message's MIME tree, as stored in Message.Structure.
type Part struct {
	Path        string  `json:"path"` // IMAP section path: "1", "1.2", … ("" for the root of a multipart)
	Type        string  `json:"type"` // lower-case "text/plain"
	Charset     string  `json:"charset,omitempty"`
	Encoding    string  `json:"encoding,omitempty"`
	Disposition string  `json:"disposition,omitempty"`
	Filename    string  `json:"filename,omitempty"`
	ContentID   string  `json:"cid,omitempty"`
	Size        int64   `json:"size,omitempty"`
	Parts       []*Part `json:"parts,omitempty"`
}

// IsAttachment reports whether the part is shown as a downloadable attachment.
func (p *Part) IsAttachment() bool {
	if len(p.Parts) > 0 || strings.HasPrefix(p.Type, "multipart/") {
		return false
	}
	if p.Disposition == "attachment" {
		return true
	}
	return p.Filename != "" && !strings.HasPrefix(p.Type, "text/") || p.Disposition == "inline" && p.Filename != "" && p.ContentID == ""
}

// Walk calls f for p and every part below it, depth first.
func (p *Part) Walk(f func(*Part)) {
	if p == nil {
		return
	}
	f(p)
	for _, c := range p.Parts {
		c.Walk(f)
	}
}
