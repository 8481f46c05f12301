package imapsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// Store is what the sync engine needs of the cache; *mailaccess.Store has it.
type Store interface {
	Mailboxes(ctx context.Context, accountID int64) ([]mailaccess.Mailbox, error)
	MailboxByName(ctx context.Context, accountID int64, name string) (mailaccess.Mailbox, error)
	UpsertMailbox(ctx context.Context, m mailaccess.Mailbox) (mailaccess.Mailbox, error)
	DeleteMailbox(ctx context.Context, accountID, id int64) error
	ResetMailbox(ctx context.Context, accountID, id int64, uidvalidity mailaccess.UIDValidity) error
	SaveMailboxState(ctx context.Context, accountID, id int64, st mailaccess.MailboxState) error
	SetSyncError(ctx context.Context, accountID, id int64, msg string) error
	StoreMessages(ctx context.Context, accountID, mailboxID int64, msgs []mailaccess.Message, checkpoint mailaccess.UID) error
	MailboxUIDs(ctx context.Context, accountID, mailboxID int64) ([]mailaccess.UID, error)
	MailboxFlags(ctx context.Context, accountID, mailboxID int64) (map[mailaccess.UID]string, error)
	UpdateFlags(ctx context.Context, accountID, mailboxID int64, updates []mailaccess.FlagUpdate) error
	DeleteMessages(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID) error
	Message(ctx context.Context, accountID, id int64) (mailaccess.Message, error)
	Mailbox(ctx context.Context, accountID, id int64) (mailaccess.Mailbox, error)
	PutMessageBody(ctx context.Context, accountID, messageID int64, raw []byte, truncated bool) error
}

// Progress is told how far a folder sync is: done of total new messages.
type Progress func(done, total int)

// MailboxResult summarises one folder sync.
type MailboxResult struct {
	Name     string        `json:"name"`
	Messages int           `json:"messages"` // on the server after the sync
	Added    int           `json:"added"`
	Updated  int           `json:"updated"` // flag changes applied
	Vanished int           `json:"vanished"`
	Reset    bool          `json:"reset,omitempty"` // UIDVALIDITY changed: the cache was rebuilt
	Duration time.Duration `json:"-"`
}

// SyncFolders brings the account's folder list in step with the server's
// LIST: new folders are added with their special-use role, folders gone from
// the server are dropped with their messages. It returns the folders.
func (s *Syncer) SyncFolders(ctx context.Context, accountID int64) ([]mailaccess.Mailbox, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	c, err := s.login(ctx, accountID)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return s.syncFolders(ctx, c, accountID)
}

func (s *Syncer) syncFolders(ctx context.Context, c *conn, accountID int64) ([]mailaccess.Mailbox, error) {
	opts := &imap.ListOptions{}
	if c.caps.Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	list, err := c.c.List("", "*", opts).Collect()
	if err != nil {
		return nil, s.connErr(ctx, "list folders", err)
	}
	seen := make(map[string]bool, len(list))
	for _, l := range list {
		name := sanitize(l.Mailbox)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		var attrs []string
		for _, a := range l.Attrs {
			attrs = append(attrs, string(a))
		}
		m := mailaccess.Mailbox{
			AccountID:  accountID,
			Name:       name,
			Role:       roleOf(name, l.Attrs),
			Attributes: strings.Join(attrs, " "),
			Subscribed: true,
		}
		if l.Delim != 0 {
			m.Delimiter = string(l.Delim)
		}
		if _, err := s.store.UpsertMailbox(ctx, m); err != nil {
			return nil, err
		}
	}
	cached, err := s.store.Mailboxes(ctx, accountID)
	if err != nil {
		return nil, err
	}
	var out []mailaccess.Mailbox
	for _, m := range cached {
		if !seen[m.Name] {
			s.log.Info("folder gone from the server; dropping its cache", "account", accountID, "mailbox", m.Name)
			if err := s.store.DeleteMailbox(ctx, accountID, m.ID); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// roleOf derives a folder's special use from its SPECIAL-USE attributes, or
// from well-known names when the server has none (go-imap's demo server).
func roleOf(name string, attrs []imap.MailboxAttr) mailaccess.Role {
	for _, a := range attrs {
		switch a {
		case imap.MailboxAttrDrafts:
			return mailaccess.RoleDrafts
		case imap.MailboxAttrSent:
			return mailaccess.RoleSent
		case imap.MailboxAttrTrash:
			return mailaccess.RoleTrash
		case imap.MailboxAttrJunk:
			return mailaccess.RoleJunk
		case imap.MailboxAttrArchive:
			return mailaccess.RoleArchive
		}
	}
	switch strings.ToLower(name) {
	case "inbox":
		return mailaccess.RoleInbox
	case "drafts":
		return mailaccess.RoleDrafts
	case "sent", "sent messages", "sent items":
		return mailaccess.RoleSent
	case "trash", "deleted messages", "deleted items":
		return mailaccess.RoleTrash
	case "junk", "spam":
		return mailaccess.RoleJunk
	case "archive":
		return mailaccess.RoleArchive
	}
	return mailaccess.RoleNone
}

// SyncAccount syncs the folder list and then every selectable folder, on one
// connection. A folder that fails is recorded with its error and the others
// still sync; the first error is returned.
func (s *Syncer) SyncAccount(ctx context.Context, accountID int64, progress Progress) ([]MailboxResult, error) {
	c, err := s.login(ctx, accountID)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	folders, err := s.syncFolders(ctx, c, accountID)
	if err != nil {
		return nil, err
	}
	var results []MailboxResult
	var firstErr error
	for _, m := range folders {
		if m.NoSelect() {
			continue
		}
		res, err := s.syncMailbox(ctx, c, m, progress)
		results = append(results, res)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrUnreachable) {
				return results, err
			}
			firstErr = cmpErr(firstErr, err)
		}
	}
	return results, firstErr
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// SyncMailbox syncs one folder of the account, by name. progress may be nil.
func (s *Syncer) SyncMailbox(ctx context.Context, accountID int64, name string, progress Progress) (MailboxResult, error) {
	c, err := s.login(ctx, accountID)
	if err != nil {
		return MailboxResult{Name: name}, err
	}
	defer c.Close()
	m, err := s.store.MailboxByName(ctx, accountID, name)
	if errors.Is(err, mailaccess.ErrNotFound) {
		// Not listed yet (first login, or created elsewhere): list first.
		if _, err := s.syncFolders(ctx, c, accountID); err != nil {
			return MailboxResult{Name: name}, err
		}
		m, err = s.store.MailboxByName(ctx, accountID, name)
		if errors.Is(err, mailaccess.ErrNotFound) {
			return MailboxResult{Name: name}, fmt.Errorf("sync %q: %w", name, ErrMailboxGone)
		}
	}
	if err != nil {
		return MailboxResult{Name: name}, err
	}
	return s.syncMailbox(ctx, c, m, progress)
}

func (s *Syncer) syncMailbox(ctx context.Context, c *conn, m mailaccess.Mailbox, progress Progress) (res MailboxResult, err error) {
	start := time.Now()
	res.Name = m.Name
	defer func() {
		res.Duration = time.Since(start)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("folder sync failed", "account", m.AccountID, "mailbox", m.Name, "error", err)
			if serr := s.store.SetSyncError(context.WithoutCancel(ctx), m.AccountID, m.ID, Describe(err)); serr != nil {
				s.log.Error("record sync error", "account", m.AccountID, "mailbox", m.Name, "error", serr)
			}
		}
	}()
	condstore := c.caps.Has(imap.CapCondStore)
	sel, err := c.c.Select(m.Name, &imap.SelectOptions{ReadOnly: true, CondStore: condstore}).Wait()
	if err != nil {
		var imapErr *imap.Error
		if errors.As(err, &imapErr) && imapErr.Type == imap.StatusResponseTypeNo {
			return res, fmt.Errorf("select %q: %w: %v", m.Name, ErrMailboxGone, err)
		}
		return res, s.connErr(ctx, fmt.Sprintf("select %q", m.Name), err)
	}
	res.Messages = int(sel.NumMessages)
	if mailaccess.UIDValidity(sel.UIDValidity) != m.UIDValidity {
		if m.UIDValidity != 0 {
			s.log.Info("UIDVALIDITY changed; rebuilding the folder's cache", "account", m.AccountID, "mailbox", m.Name,
				"old", m.UIDValidity, "new", sel.UIDValidity)
			res.Reset = true
		}
		if err := s.store.ResetMailbox(ctx, m.AccountID, m.ID, mailaccess.UIDValidity(sel.UIDValidity)); err != nil {
			return res, err
		}
		m.UIDValidity, m.LastUID, m.HighestModSeq, m.UIDNext, m.Total = mailaccess.UIDValidity(sel.UIDValidity), 0, 0, 0, 0
	}
	if !condstore || sel.HighestModSeq == 0 {
		condstore = false
	}
	// Nothing changed: same UIDNEXT, same count, same HIGHESTMODSEQ.
	if condstore && m.HighestModSeq == mailaccess.ModSeq(sel.HighestModSeq) &&
		m.UIDNext == mailaccess.UID(sel.UIDNext) && m.Total == int(sel.NumMessages) && !m.SyncedAt.IsZero() {
		return res, s.store.SaveMailboxState(ctx, m.AccountID, m.ID, mailaccess.MailboxState{
			UIDNext: m.UIDNext, HighestModSeq: m.HighestModSeq})
	}

	serverUIDs, err := s.serverUIDs(ctx, c, sel.NumMessages)
	if err != nil {
		return res, err
	}
	cachedUIDs, err := s.store.MailboxUIDs(ctx, m.AccountID, m.ID)
	if err != nil {
		return res, err
	}
	added, vanished := diffUIDs(serverUIDs, cachedUIDs)
	if err := s.store.DeleteMessages(ctx, m.AccountID, m.ID, vanished); err != nil {
		return res, err
	}
	res.Vanished = len(vanished)

	// Flags of messages already cached, before fetching new ones so that the
	// comparison covers only what was cached.
	if len(cachedUIDs) > len(vanished) {
		n, err := s.syncFlags(ctx, c, m, condstore, cachedUIDs)
		if err != nil {
			return res, err
		}
		res.Updated = n
	}

	for start := 0; start < len(added); start += s.cfg.BatchSize {
		batch := added[start:min(start+s.cfg.BatchSize, len(added))]
		msgs, err := s.fetchMessages(ctx, c, batch)
		if err != nil {
			return res, err
		}
		if err := s.store.StoreMessages(ctx, m.AccountID, m.ID, msgs, slices.Max(batch)); err != nil {
			return res, err
		}
		res.Added += len(msgs)
		if progress != nil {
			progress(res.Added, len(added))
		}
	}

	st := mailaccess.MailboxState{UIDNext: mailaccess.UID(sel.UIDNext)}
	if condstore {
		st.HighestModSeq = mailaccess.ModSeq(sel.HighestModSeq)
	}
	if err := s.store.SaveMailboxState(ctx, m.AccountID, m.ID, st); err != nil {
		return res, err
	}
	return res, nil
}

// serverUIDs returns every UID of the selected folder, ascending.
func (s *Syncer) serverUIDs(ctx context.Context, c *conn, count uint32) ([]mailaccess.UID, error) {
	if count == 0 {
		return nil, nil
	}
	var opts *imap.SearchOptions
	if c.caps.Has(imap.CapESearch) {
		opts = &imap.SearchOptions{ReturnAll: true}
	}
	data, err := c.c.UIDSearch(&imap.SearchCriteria{}, opts).Wait()
	if err != nil {
		return nil, s.connErr(ctx, "search uids", err)
	}
	raw := data.AllUIDs()
	out := make([]mailaccess.UID, len(raw))
	for i, u := range raw {
		out[i] = mailaccess.UID(u)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// diffUIDs compares two ascending UID lists: UIDs only on the server are
// added, UIDs only in the cache have vanished.
func diffUIDs(server, cached []mailaccess.UID) (added, vanished []mailaccess.UID) {
	i, j := 0, 0
	for i < len(server) || j < len(cached) {
		switch {
		case j == len(cached) || i < len(server) && server[i] < cached[j]:
			added = append(added, server[i])
			i++
		case i == len(server) || cached[j] < server[i]:
			vanished = append(vanished, cached[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, vanished
}

// syncFlags applies flag changes made elsewhere to cached messages: with
// CONDSTORE only those changed since the recorded HIGHESTMODSEQ, otherwise a
// comparison of every message's flags.
// Only messages in cached (ascending) are considered: new ones are fetched whole.
func (s *Syncer) syncFlags(ctx context.Context, c *conn, m mailaccess.Mailbox, condstore bool, cached []mailaccess.UID) (int, error) {
	opts := &imap.FetchOptions{UID: true, Flags: true}
	var cachedFlags map[mailaccess.UID]string
	if condstore && m.HighestModSeq > 0 {
		opts.ModSeq = true
		opts.ChangedSince = uint64(m.HighestModSeq)
	} else {
		var err error
		if cachedFlags, err = s.store.MailboxFlags(ctx, m.AccountID, m.ID); err != nil {
			return 0, err
		}
	}
	upTo := imap.UIDSet{imap.UIDRange{Start: 1, Stop: imap.UID(cached[len(cached)-1])}}
	cmd := c.c.Fetch(upTo, opts)
	var updates []mailaccess.FlagUpdate
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		buf, err := msg.Collect()
		if err != nil {
			cmd.Close()
			return 0, s.connErr(ctx, "fetch flags", err)
		}
		flags := flagStrings(buf.Flags)
		if _, ok := slices.BinarySearch(cached, mailaccess.UID(buf.UID)); !ok {
			continue
		}
		if cachedFlags != nil && cachedFlags[mailaccess.UID(buf.UID)] == strings.Join(flags, " ") {
			continue
		}
		updates = append(updates, mailaccess.FlagUpdate{UID: mailaccess.UID(buf.UID), Flags: flags, ModSeq: mailaccess.ModSeq(buf.ModSeq)})
	}
	if err := cmd.Close(); err != nil {
		return 0, s.connErr(ctx, "fetch flags", err)
	}
	if err := s.store.UpdateFlags(ctx, m.AccountID, m.ID, updates); err != nil {
		return 0, err
	}
	return len(updates), nil
}

func flagStrings(flags []imap.Flag) []string {
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		if strings.EqualFold(string(f), `\Recent`) {
			continue // session state, not a property of the message
		}
		out = append(out, sanitize(string(f)))
	}
	return out
}

// fetchMessages fetches the summaries of a batch of UIDs, streaming the
// responses, then the first bytes of each message's text for its preview.
func (s *Syncer) fetchMessages(ctx context.Context, c *conn, uids []mailaccess.UID) ([]mailaccess.Message, error) {
	set := uidSet(uids)
	opts := &imap.FetchOptions{
		UID: true, Flags: true, InternalDate: true, RFC822Size: true, Envelope: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
		BodySection:   []*imap.FetchItemBodySection{referencesSection},
	}
	cmd := c.c.Fetch(set, opts)
	msgs := make([]mailaccess.Message, 0, len(uids))
	var previews []previewPart
	for {
		data := cmd.Next()
		if data == nil {
			break
		}
		buf, err := data.Collect()
		if err != nil {
			cmd.Close()
			return nil, s.connErr(ctx, "fetch messages", err)
		}
		m, pp := convert(buf)
		if pp != nil {
			pp.index = len(msgs)
			previews = append(previews, *pp)
		}
		msgs = append(msgs, m)
	}
	if err := cmd.Close(); err != nil {
		return nil, s.connErr(ctx, "fetch messages", err)
	}
	if err := s.fetchPreviews(ctx, c, msgs, previews); err != nil {
		return nil, err
	}
	return msgs, nil
}

func uidSet(uids []mailaccess.UID) imap.UIDSet {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	return set
}

// fetchPreviews fetches the first bytes of each message's main text part,
// one command per distinct part path (most messages share "1" or "1.1").
func (s *Syncer) fetchPreviews(ctx context.Context, c *conn, msgs []mailaccess.Message, parts []previewPart) error {
	byPath := map[string][]previewPart{}
	var paths []string
	for _, p := range parts {
		key := fmt.Sprint(p.path)
		if _, ok := byPath[key]; !ok {
			paths = append(paths, key)
		}
		byPath[key] = append(byPath[key], p)
	}
	for _, key := range paths {
		group := byPath[key]
		index := make(map[imap.UID]previewPart, len(group))
		var set imap.UIDSet
		for _, p := range group {
			uid := imap.UID(msgs[p.index].UID)
			set.AddNum(uid)
			index[uid] = p
		}
		section := &imap.FetchItemBodySection{Part: group[0].path, Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: previewFetchBytes}}
		cmd := c.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		for {
			data := cmd.Next()
			if data == nil {
				break
			}
			buf, err := data.Collect()
			if err != nil {
				cmd.Close()
				return s.connErr(ctx, "fetch previews", err)
			}
			p, ok := index[buf.UID]
			if !ok || len(buf.BodySection) == 0 {
				continue
			}
			msgs[p.index].Preview = makePreview(buf.BodySection[0].Bytes, p)
		}
		if err := cmd.Close(); err != nil {
			return s.connErr(ctx, "fetch previews", err)
		}
	}
	return nil
}
