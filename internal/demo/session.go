package demo

import (
	"sort"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// defaultSpecialUse returns the RFC 6154 attribute of a seeded folder.
func defaultSpecialUse(name string) []imap.MailboxAttr {
	switch name {
	case "Sent":
		return []imap.MailboxAttr{imap.MailboxAttrSent}
	case "Drafts":
		return []imap.MailboxAttr{imap.MailboxAttrDrafts}
	case "Trash":
		return []imap.MailboxAttr{imap.MailboxAttrTrash}
	case "Junk":
		return []imap.MailboxAttr{imap.MailboxAttrJunk}
	case "Archive":
		return []imap.MailboxAttr{imap.MailboxAttrArchive}
	}
	if strings.HasPrefix(name, "Archive/") {
		return []imap.MailboxAttr{imap.MailboxAttrArchive}
	}
	return nil
}

var knownSpecialUse = map[imap.MailboxAttr]bool{
	imap.MailboxAttrAll: true, imap.MailboxAttrArchive: true, imap.MailboxAttrDrafts: true,
	imap.MailboxAttrFlagged: true, imap.MailboxAttrJunk: true, imap.MailboxAttrSent: true,
	imap.MailboxAttrTrash: true,
}

// directory mirrors the user's mailbox names with the metadata imapmemserver
// cannot report (special use) or does not expose (subscriptions). Every
// mailbox change goes through session, which keeps it in sync.
type directory struct {
	mu    sync.Mutex
	boxes map[string]*boxInfo
}

type boxInfo struct {
	specialUse []imap.MailboxAttr
	subscribed bool
}

func newDirectory() *directory { return &directory{boxes: map[string]*boxInfo{}} }

func (d *directory) exists(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.boxes[name] != nil
}

func (d *directory) add(name string, specialUse []imap.MailboxAttr) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.boxes[name] = &boxInfo{specialUse: specialUse}
}

func (d *directory) remove(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.boxes, name)
}

func (d *directory) rename(from, to string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if b := d.boxes[from]; b != nil {
		delete(d.boxes, from)
		d.boxes[to] = b
	}
}

func (d *directory) subscribe(name string, on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if b := d.boxes[name]; b != nil {
		b.subscribed = on
	}
}

// listEntry is one mailbox or hierarchy placeholder in a LIST response.
type listEntry struct {
	name        string
	info        boxInfo
	placeholder bool // a missing parent, e.g. "Archive" for "Archive/2025"
	children    bool
}

// snapshot returns all mailboxes plus \Noselect placeholders for missing
// parents, sorted by name.
func (d *directory) snapshot() []listEntry {
	d.mu.Lock()
	defer d.mu.Unlock()
	all := map[string]*listEntry{}
	for name, b := range d.boxes {
		all[name] = &listEntry{name: name, info: boxInfo{specialUse: b.specialUse, subscribed: b.subscribed}}
	}
	for name := range d.boxes {
		for i := strings.LastIndexByte(name, Delimiter); i > 0; i = strings.LastIndexByte(name[:i], Delimiter) {
			parent := name[:i]
			if all[parent] == nil {
				all[parent] = &listEntry{name: parent, placeholder: true}
			}
			all[parent].children = true
		}
	}
	out := make([]listEntry, 0, len(all))
	for _, e := range all {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// session wraps imapmemserver's UserSession to add SPECIAL-USE, CHILDREN and
// hierarchy placeholders to LIST, and to honour CREATE ... USE (...).
type session struct {
	*imapmemserver.UserSession // nil until LOGIN succeeds

	user *imapmemserver.User
	dir  *directory
}

var _ imapserver.SessionIMAP4rev2 = (*session)(nil)

func (s *session) Login(username, password string) error {
	if err := s.user.Login(username, password); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(s.user)
	return nil
}

func (s *session) Close() error {
	if s.UserSession == nil {
		return nil
	}
	return s.UserSession.Close()
}

func (s *session) Create(name string, options *imap.CreateOptions) error {
	name = strings.TrimRight(name, string(Delimiter))
	var use []imap.MailboxAttr
	if options != nil {
		for _, a := range options.SpecialUse {
			if !knownSpecialUse[a] {
				return &imap.Error{
					Type: imap.StatusResponseTypeNo,
					Code: "USEATTR",
					Text: "Unsupported special-use attribute " + string(a),
				}
			}
		}
		use = options.SpecialUse
	}
	if err := s.UserSession.Create(name, options); err != nil {
		return err
	}
	s.dir.add(name, use)
	return nil
}

func (s *session) Delete(name string) error {
	if err := s.UserSession.Delete(name); err != nil {
		return err
	}
	s.dir.remove(name)
	return nil
}

func (s *session) Rename(from, to string, options *imap.RenameOptions) error {
	to = strings.TrimRight(to, string(Delimiter))
	if err := s.UserSession.Rename(from, to, options); err != nil {
		return err
	}
	s.dir.rename(from, to)
	if from == "INBOX" {
		// RFC 3501: renaming INBOX moves its messages and leaves an empty
		// INBOX behind; imapmemserver just renames the mailbox.
		if err := s.UserSession.Create("INBOX", nil); err == nil {
			s.dir.add("INBOX", nil)
		}
	}
	return nil
}

func (s *session) Subscribe(name string) error {
	if err := s.UserSession.Subscribe(name); err != nil {
		return err
	}
	s.dir.subscribe(name, true)
	return nil
}

func (s *session) Unsubscribe(name string) error {
	if err := s.UserSession.Unsubscribe(name); err != nil {
		return err
	}
	s.dir.subscribe(name, false)
	return nil
}

// List answers LIST and LSUB. Special-use attributes are always returned (RFC
// 6154 allows it without RETURN (SPECIAL-USE)), as are \HasChildren and
// \HasNoChildren (RFC 3348).
func (s *session) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 {
		// LIST "" "": hierarchy delimiter only.
		return s.UserSession.List(w, ref, patterns, options)
	}
	if options == nil {
		options = &imap.ListOptions{}
	}
	for _, e := range s.dir.snapshot() {
		match := false
		for _, p := range patterns {
			if imapserver.MatchList(e.name, Delimiter, ref, p) {
				match = true
				break
			}
		}
		if !match ||
			(options.SelectSubscribed && !e.info.subscribed) ||
			(options.SelectSpecialUse && len(e.info.specialUse) == 0) {
			continue
		}
		data := imap.ListData{Mailbox: e.name, Delim: Delimiter}
		if e.placeholder {
			data.Attrs = append(data.Attrs, imap.MailboxAttrNoSelect)
		}
		if e.children {
			data.Attrs = append(data.Attrs, imap.MailboxAttrHasChildren)
		} else {
			data.Attrs = append(data.Attrs, imap.MailboxAttrHasNoChildren)
		}
		if e.info.subscribed {
			data.Attrs = append(data.Attrs, imap.MailboxAttrSubscribed)
		}
		data.Attrs = append(data.Attrs, e.info.specialUse...)
		if options.ReturnStatus != nil && !e.placeholder {
			st, err := s.UserSession.Status(e.name, options.ReturnStatus)
			if err != nil {
				continue // deleted concurrently
			}
			data.Status = st
		}
		if err := w.WriteList(&data); err != nil {
			return err
		}
	}
	return nil
}
