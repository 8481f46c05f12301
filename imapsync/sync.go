package imapsync

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// Store is what the sync engine needs of the cache; *mailaccess.Store has it.
type Store interface {
	Mailboxes(ctx context.Context, accountID int64) ([]mailaccess.Mailbox, error)
	MailboxByName(ctx context.Context, accountID int64, name string) (mailaccess.Mailbox, error)
	UpsertMailbox(ctx context.Context, m mailaccess.Mailbox) (mailaccess.Mailbox, error)
	RenameMailbox(ctx context.Context, accountID, id int64, name string) error
	DeleteMailbox(ctx context.Context, accountID, id int64) error
	ResetMailbox(ctx context.Context, accountID, id int64, uidvalidity mailaccess.UIDValidity) error
	SaveMailboxState(ctx context.Context, accountID, id int64, st mailaccess.MailboxState) error
	TouchMailbox(ctx context.Context, accountID int64, ids ...int64) error
	SetSyncError(ctx context.Context, accountID, id int64, msg string) error
	StoreMessages(ctx context.Context, accountID, mailboxID int64, msgs []mailaccess.Message, checkpoint mailaccess.UID) error
	MailboxUIDs(ctx context.Context, accountID, mailboxID int64) ([]mailaccess.UID, error)
	MailboxFlagsRange(ctx context.Context, accountID, mailboxID int64, first, last mailaccess.UID) ([]mailaccess.UIDFlags, error)
	CountMessages(ctx context.Context, accountID, mailboxID int64) (int, error)
	UpdateFlags(ctx context.Context, accountID, mailboxID int64, updates []mailaccess.FlagUpdate) error
	DeleteMessages(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID) error
	DeleteMessageRanges(ctx context.Context, accountID, mailboxID int64, ranges []mailaccess.UIDRange) (int, error)
	KnownGaps(ctx context.Context, accountID, mailboxID int64, uidvalidity mailaccess.UIDValidity) ([]mailaccess.UIDRange, mailaccess.UID, error)
	SaveKnownGaps(ctx context.Context, accountID, mailboxID int64, uidvalidity mailaccess.UIDValidity, upto mailaccess.UID, gaps []mailaccess.UIDRange) error
	ForgetKnownGaps(ctx context.Context, accountID, mailboxID int64) error
	Message(ctx context.Context, accountID, id int64) (mailaccess.Message, error)
	MessagesByUID(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID) ([]mailaccess.Message, error)
	Mailbox(ctx context.Context, accountID, id int64) (mailaccess.Mailbox, error)
	PutMessageBody(ctx context.Context, accountID, messageID int64, raw []byte, truncated bool) error
	AcquireFolderSync(ctx context.Context, accountID, mailboxID int64, owner string, lease time.Duration) (mailaccess.Mailbox, error)
	RenewFolderSync(ctx context.Context, accountID, mailboxID int64, owner string, lease time.Duration) error
	ReleaseFolderSync(ctx context.Context, accountID, mailboxID int64, owner string, synced bool) error
	AnalyzeAfterLoad(ctx context.Context, added int) (bool, error)
}

// Progress is told how far a folder sync is: done of total new messages.
// It may be called from another goroutine than the sync's caller.
type Progress func(done, total int)

// MailboxResult summarises one folder sync.
type MailboxResult struct {
	Name     string `json:"name"`
	Messages int    `json:"messages"` // on the server after the sync
	Added    int    `json:"added"`
	Updated  int    `json:"updated"` // flag changes applied
	Vanished int    `json:"vanished"`
	Reset    bool   `json:"reset,omitempty"`   // UIDVALIDITY changed: the cache was rebuilt
	Skipped  bool   `json:"skipped,omitempty"` // proven unchanged without selecting it
	// Prefetched is how many of the added messages got their body kept
	// in the pass (Config.PrefetchRecent).
	Prefetched int           `json:"prefetched,omitempty"`
	Duration   time.Duration `json:"-"`
}

// flagChunk is how many messages' flags are compared with the cache at once.
const flagChunk = 2000

// SyncFolders brings the account's folder list in step with the server's
// LIST: new folders are added with their special-use role, renamed folders
// (same UIDVALIDITY under a new name) keep their cache, folders gone from
// the server are dropped with their messages. It returns the folders.
func (s *Syncer) SyncFolders(ctx context.Context, accountID int64) ([]mailaccess.Mailbox, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*s.cfg.Timeout)
	defer cancel()
	ss, err := s.open(ctx, accountID, true)
	if err != nil {
		return nil, err
	}
	defer ss.Close()
	folders, _, err := ss.syncFolders(ctx, false)
	return folders, err
}

// syncFolders lists the folders and applies the list to the cache. With
// withStatus and CONDSTORE it also returns the status of each synced folder
// by name, asked before the LIST in the same round trip (see
// statusBeforeList).
func (ss *session) syncFolders(ctx context.Context, withStatus bool) ([]mailaccess.Mailbox, map[string]*imap.StatusData, error) {
	s, accountID := ss.s, ss.accountID
	cached, err := s.store.Mailboxes(ctx, accountID)
	if err != nil {
		return nil, nil, err
	}
	var pending []*imapclient.StatusCommand
	if withStatus && ss.c.caps.Has(imap.CapCondStore) {
		pending = ss.statusBeforeList(cached)
	}
	opts := &imap.ListOptions{}
	if ss.c.caps.Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	list, err := ss.c.list(opts)
	status, serr := ss.waitStatus(ctx, pending)
	if err != nil {
		return nil, nil, s.connErr(ctx, "list folders", err)
	}
	if serr != nil {
		return nil, nil, serr
	}
	var listed []*imap.ListData
	seen := make(map[string]bool, len(list))
	for _, l := range list {
		name := sanitize(l.Mailbox)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		listed = append(listed, l)
	}
	known := make(map[string]bool, len(cached))
	byName := make(map[string]mailaccess.Mailbox, len(cached))
	var gone []mailaccess.Mailbox
	for _, m := range cached {
		known[m.Name] = true
		byName[m.Name] = m
		if !seen[m.Name] {
			gone = append(gone, m)
		}
	}
	// A folder renamed elsewhere keeps its UIDVALIDITY and UIDs: move its
	// cache to the new name instead of dropping and refetching it.
	if len(gone) > 0 {
		renamed, err := ss.findRenames(ctx, gone, listed, known, status)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range renamed {
			s.log.Info("folder renamed on the server; keeping its cache", "account", accountID, "mailbox", r.to, "old_name", r.from.Name)
			if err := s.store.RenameMailbox(ctx, accountID, r.from.ID, r.to); err != nil {
				return nil, nil, err
			}
			known[r.to] = true
			gone = slices.DeleteFunc(gone, func(m mailaccess.Mailbox) bool { return m.ID == r.from.ID })
		}
	}
	// Only what the LIST changed is written: an account sync that finds
	// the same folders writes nothing here (one write per folder before).
	written := len(gone) > 0
	for _, l := range listed {
		var attrs []string
		for _, a := range l.Attrs {
			attrs = append(attrs, string(a))
		}
		name := sanitize(l.Mailbox)
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
		if c, ok := byName[name]; ok && c.Role == m.Role && c.Attributes == m.Attributes &&
			c.Delimiter == m.Delimiter && c.Subscribed == m.Subscribed {
			continue
		}
		if _, err := s.store.UpsertMailbox(ctx, m); err != nil {
			return nil, nil, err
		}
		written = true
	}
	for _, m := range gone {
		s.log.Info("folder gone from the server; dropping its cache", "account", accountID, "mailbox", m.Name)
		if err := s.store.DeleteMailbox(ctx, accountID, m.ID); err != nil {
			return nil, nil, err
		}
	}
	if !written {
		return cached, status, nil
	}
	out, err := s.store.Mailboxes(ctx, accountID)
	if err != nil {
		return nil, nil, err
	}
	return out, status, nil
}

// statusBeforeList sends a STATUS for each synced folder of cached, to be
// read with waitStatus once the LIST that follows them is sent. This is
// what LIST-STATUS (RFC 5819) answers in one command, but asked before the
// LIST: on Dovecot (2.3, Maildir, with its default mailbox list index),
// the status of a large folder asked after a LIST in the same session
// rereads the folder's whole directory (about 100 ms at 100,000
// messages, every time), whereas before it, it comes from the index
// (1-4 ms). A server without LIST-STATUS answers it the same way.
func (ss *session) statusBeforeList(cached []mailaccess.Mailbox) []*imapclient.StatusCommand {
	var cmds []*imapclient.StatusCommand
	for _, m := range cached {
		if m.NoSelect() || m.SyncedAt.IsZero() {
			continue // no pass to skip
		}
		cmds = append(cmds, ss.c.c.Status(m.Name, &imap.StatusOptions{
			NumMessages: true, UIDNext: true, UIDValidity: true, HighestModSeq: true}))
	}
	return cmds
}

// waitStatus reads the answers to statusBeforeList, by folder name. A
// folder the server refuses (gone, or not selectable now) has no status.
func (ss *session) waitStatus(ctx context.Context, cmds []*imapclient.StatusCommand) (map[string]*imap.StatusData, error) {
	status := make(map[string]*imap.StatusData, len(cmds))
	var connErr error
	for _, cmd := range cmds {
		data, err := cmd.Wait()
		var imapErr *imap.Error
		switch {
		case err == nil:
			status[sanitize(data.Mailbox)] = data
		case errors.As(err, &imapErr):
		default:
			connErr = firstOf(connErr, err)
		}
	}
	if connErr != nil {
		return nil, ss.s.connErr(ctx, "folder status", connErr)
	}
	return status, nil
}

type rename struct {
	from mailaccess.Mailbox
	to   string
}

// findRenames pairs cached folders gone from the LIST with newly listed
// folders of the same UIDVALIDITY. Ambiguous pairs are not renames.
func (ss *session) findRenames(ctx context.Context, gone []mailaccess.Mailbox, listed []*imap.ListData, known map[string]bool, status map[string]*imap.StatusData) ([]rename, error) {
	byValidity := map[mailaccess.UIDValidity][]mailaccess.Mailbox{}
	for _, m := range gone {
		if m.UIDValidity != 0 {
			byValidity[m.UIDValidity] = append(byValidity[m.UIDValidity], m)
		}
	}
	if len(byValidity) == 0 {
		return nil, nil
	}
	var out []rename
	claimed := map[int64]int{}
	for _, l := range listed {
		name := sanitize(l.Mailbox)
		if known[name] || name != l.Mailbox || slices.Contains(l.Attrs, imap.MailboxAttrNoSelect) || slices.Contains(l.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		st := status[name]
		if st == nil || st.UIDValidity == 0 {
			data, err := ss.c.c.Status(l.Mailbox, &imap.StatusOptions{UIDValidity: true}).Wait()
			if err != nil {
				var imapErr *imap.Error
				if errors.As(err, &imapErr) {
					continue // cannot be asked: not a rename we can prove
				}
				return nil, ss.s.connErr(ctx, fmt.Sprintf("status %q", name), err)
			}
			st = data
		}
		cands := byValidity[mailaccess.UIDValidity(st.UIDValidity)]
		if len(cands) != 1 {
			continue
		}
		claimed[cands[0].ID]++
		out = append(out, rename{from: cands[0], to: name})
	}
	return slices.DeleteFunc(out, func(r rename) bool { return claimed[r.from.ID] != 1 }), nil
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

// SyncAccount syncs the folder list and then every selectable folder. With
// CONDSTORE, a folder whose status (see statusBeforeList) proves it
// unchanged is not even selected. A folder that fails is recorded with its
// error and the others still sync; the first error is returned.
func (s *Syncer) SyncAccount(ctx context.Context, accountID int64, progress Progress) ([]MailboxResult, error) {
	ls, err := s.open(ctx, accountID, true)
	if err != nil {
		return nil, err
	}
	folders, status, err := ls.syncFolders(ctx, true)
	condstore := ls.c.caps.Has(imap.CapCondStore)
	ls.Close() // not pooled: it ran LIST (see release)
	if err != nil {
		return nil, err
	}
	// The folders are synced on a pooled connection, taken when the
	// first folder needs a pass.
	var ss *session
	defer func() {
		if ss != nil {
			ss.Close()
		}
	}()
	// The folders proven unchanged are recorded as synced in one write.
	skipped := map[int64]bool{}
	var ids []int64
	for _, m := range folders {
		if st := status[m.Name]; !m.NoSelect() && st != nil && condstore && unchanged(m, st) {
			skipped[m.ID] = true
			ids = append(ids, m.ID)
		}
	}
	start := time.Now()
	if err := s.store.TouchMailbox(ctx, accountID, ids...); err != nil {
		return nil, err
	}
	var touched time.Duration
	if len(ids) > 0 {
		touched = time.Since(start) / time.Duration(len(ids))
	}
	var results []MailboxResult
	var firstErr error
	for _, m := range folders {
		if m.NoSelect() {
			continue
		}
		if skipped[m.ID] {
			results = append(results, MailboxResult{Name: m.Name, Messages: m.Total, Skipped: true, Duration: touched})
			continue
		}
		if ss == nil {
			if ss, err = s.open(ctx, accountID, false); err != nil {
				return results, err
			}
		}
		res, err := ss.syncMailbox(ctx, m, progress)
		results = append(results, res)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrUnreachable) {
				return results, err
			}
			firstErr = firstOf(firstErr, err)
		}
	}
	return results, firstErr
}

// unchanged reports whether a folder's STATUS proves a synced folder
// unchanged since its last complete pass.
func unchanged(m mailaccess.Mailbox, st *imap.StatusData) bool {
	return !m.SyncedAt.IsZero() && m.HighestModSeq != 0 &&
		st.UIDValidity == uint32(m.UIDValidity) && st.UIDNext == imap.UID(m.UIDNext) &&
		st.NumMessages != nil && int(*st.NumMessages) == m.Total &&
		st.HighestModSeq == uint64(m.HighestModSeq)
}

func firstOf(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// SyncMailbox syncs one folder of the account, by name. progress may be nil.
func (s *Syncer) SyncMailbox(ctx context.Context, accountID int64, name string, progress Progress) (MailboxResult, error) {
	// The folder is looked up before the connection is taken: a login
	// in progress (a predialed one) goes on meanwhile.
	m, err := s.store.MailboxByName(ctx, accountID, name)
	if errors.Is(err, mailaccess.ErrNotFound) {
		// Not listed yet (first login, or created elsewhere): list first,
		// on a fresh connection (see open).
		if _, err := s.SyncFolders(ctx, accountID); err != nil {
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
	ss, err := s.open(ctx, accountID, false)
	if err != nil {
		return MailboxResult{Name: name}, err
	}
	defer ss.Close()
	return ss.syncMailbox(ctx, m, progress)
}

func (ss *session) syncMailbox(ctx context.Context, m mailaccess.Mailbox, progress Progress) (res MailboxResult, err error) {
	s := ss.s
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
	// The EXAMINE goes out before the folder's lease is taken and is read
	// after it, so that the server opens the folder while the database
	// records the lease. It is sent again when the cached state changed
	// meanwhile (another pass ran, e.g. one this pass waited for): the
	// pass compares the server with the cache as of its own lease.
	selCmd := ss.startSelect(m.Name)
	before := m
	m, release, err := ss.lockFolder(ctx, m)
	if err != nil {
		selCmd.Wait() // no command left pending on the connection
		return res, err
	}
	synced := false // nothing to change: recorded when the lease is given back
	defer func() { release(synced) }()
	sel, err := ss.waitSelect(ctx, m.Name, selCmd)
	if err == nil && !sameSyncState(before, m) {
		sel, err = ss.selectMailbox(ctx, m.Name)
	}
	if err != nil {
		return res, err
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
		m.SyncedAt = mailaccess.Time{}
	}
	condstore := ss.condstore && sel.HighestModSeq != 0
	sameSet := !m.SyncedAt.IsZero() && m.UIDNext == mailaccess.UID(sel.UIDNext) && m.Total == int(sel.NumMessages)
	// Nothing changed: same UIDNEXT, same count, same HIGHESTMODSEQ.
	if condstore && sameSet && m.HighestModSeq == mailaccess.ModSeq(sel.HighestModSeq) {
		synced = true
		return res, nil
	}

	// Flag changes of the cached messages, then the server's UID set: the
	// FETCH of flags goes first, then the UID SEARCH the diff needs (with
	// the same UIDNEXT and count nothing was added, since UIDNEXT would
	// have moved, and so nothing vanished either, since the count would
	// have dropped: no search). The flags are applied while the server
	// searches, and the search is read after them. A CHANGEDSINCE answer
	// is read before the SEARCH is sent (readAhead): Dovecot answers
	// pipelined commands together, so the flags would wait for the
	// search. The flags cover only what was cached: new messages come
	// after.
	tSelect := time.Since(start)
	var flags *flagFetch
	if m.LastUID > 0 {
		flags = ss.startFlags(m, condstore)
		if flags.changedOnly && !sameSet {
			if err := flags.readAhead(ctx); err != nil {
				return res, err
			}
		}
	}
	var diff *serverDiff
	if !sameSet {
		if diff, err = ss.startDiff(ctx, m, sel.NumMessages, mailaccess.UID(sel.UIDNext)); err != nil {
			if flags != nil {
				ss.c.dropFetch(flags.cmd)
			}
			return res, err
		}
	}
	if flags != nil {
		n, err := flags.apply(ctx)
		if err != nil {
			if diff != nil {
				diff.drop() // the connection goes back to the pool with no command pending
			}
			return res, err
		}
		res.Updated = n
	}
	tFlags := time.Since(start)
	var added []mailaccess.UID
	serverCount := int(sel.NumMessages)
	if diff != nil {
		added, serverCount, res.Vanished, err = diff.finish(ctx)
		if err != nil {
			return res, err
		}
	}

	tUIDs := time.Since(start)
	if len(added) > 0 {
		n, err := ss.fetchNew(ctx, m, added, progress)
		res.Added = n
		if err != nil {
			return res, err
		}
	}

	// The folder's total, known without counting when the set is unchanged.
	st := mailaccess.MailboxState{UIDNext: mailaccess.UID(sel.UIDNext), Total: m.Total, TotalKnown: sameSet, TotalAt: m.LastUID}
	if !sameSet {
		// Self-check: the cache must now hold exactly the server's set.
		// When it does not (a gap left by an older engine, a message
		// expunged while we fetched), repair by a full comparison.
		var n int
		if len(added) == 0 && m.LastUID > 0 && m.CountedUID == m.LastUID && !m.SyncedAt.IsZero() {
			// Nothing was fetched: the total counted at the checkpoint,
			// less the rows the diff deleted, is the count. (A total
			// made stale meanwhile, e.g. by a delete from the web, shows
			// as a difference below, and the repair counts.)
			n = m.Total - res.Vanished
		} else if n, err = s.store.CountMessages(ctx, m.AccountID, m.ID); err != nil {
			return res, err
		} else {
			st.TotalAt = 0 // counted now
		}
		st.Total, st.TotalKnown = n, true
		repaired := n != serverCount
		diff.recordGaps(ctx, repaired)
		if repaired {
			a, v, err := ss.repair(ctx, m)
			res.Added += a
			res.Vanished += v
			if err != nil {
				return res, err
			}
			st.TotalKnown = false // SaveMailboxState counts again
		}
	}

	tNew := time.Since(start)
	if condstore {
		st.HighestModSeq = mailaccess.ModSeq(sel.HighestModSeq)
	}
	if err := s.store.SaveMailboxState(ctx, m.AccountID, m.ID, st); err != nil {
		return res, err
	}
	// Last, once the pass's state is saved: the bodies of the newest new
	// messages.
	res.Prefetched = ss.prefetchBodies(ctx, m, added)
	// A large load leaves the database's statistics behind the folder
	// (see Store.AnalyzeAfterLoad); a failure there does not fail the pass.
	if res.Added > 0 {
		if _, err := s.store.AnalyzeAfterLoad(ctx, res.Added); err != nil {
			s.log.Warn("refresh the database's statistics after a large sync", "account", m.AccountID, "mailbox", m.Name, "added", res.Added, "error", err)
		}
	}
	s.log.Debug("folder synced", "account", m.AccountID, "mailbox", m.Name, "added", res.Added, "updated", res.Updated,
		"vanished", res.Vanished, "select", tSelect, "flags", tFlags-tSelect, "uids", tUIDs-tFlags, "new", tNew-tUIDs,
		"state", time.Since(start)-tNew)
	return res, nil
}

// sameSyncState reports whether a and b record the same sync state of a
// folder: no pass (and no delete from the web) wrote it between them.
func sameSyncState(a, b mailaccess.Mailbox) bool {
	return a.UIDValidity == b.UIDValidity && a.UIDNext == b.UIDNext && a.HighestModSeq == b.HighestModSeq &&
		a.LastUID == b.LastUID && a.Total == b.Total && a.CountedUID == b.CountedUID && a.SyncedAt.Equal(b.SyncedAt.Time)
}

// serverDiff finds what changed in the folder's UID set: the new UIDs to
// fetch (ascending), the server's message count and how many cached
// messages vanished (deleted from the cache by finish). startDiff sends
// the UID SEARCH it needs; finish reads it, so that other commands can be
// answered in between.
//
// It relies on the engine's invariant: every server UID up to the folder's
// checkpoint (LastUID) is cached, because UIDs only grow and batches are
// stored in UID order with their checkpoint. So the new messages are the
// server's UIDs above the checkpoint, and when the server's count equals
// the cache's count plus the new ones, nothing vanished (the cheap path:
// one UID SEARCH of the range above the checkpoint). Otherwise the server's
// whole UID set (ESEARCH compact ranges where offered) is fetched and every
// cached UID outside it is deleted, by ranges. When UIDNEXT has not moved
// since the last complete pass, no UID above the checkpoint can exist: the
// search of that range is skipped, and when the count differs the whole
// set is asked for at once.
//
// The gaps in the server's set that the cache was known not to hold at the
// last such comparison (Store.KnownGaps) are left out: only the new gaps
// are looked up. Without that, every gap of the folder's history costs a
// lookup at every pass that finds a message gone (30,000 gaps: ~100 ms).
type serverDiff struct {
	ss     *session
	m      mailaccess.Mailbox
	count  uint32
	cached int                       // cached messages up to the checkpoint
	above  *imapclient.SearchCommand // UIDs above the checkpoint, or nil
	all    *imapclient.SearchCommand // the whole UID set, or nil

	known     []mailaccess.UIDRange // gaps known from the last comparison
	knownUpto mailaccess.UID
	// After a comparison with the whole set (compared): the server's gaps
	// below its largest UID, upto.
	compared bool
	gaps     []mailaccess.UIDRange
	upto     mailaccess.UID
}

// searchAll sends the UID SEARCH of the whole set and, while the server
// searches, reads the gaps known from the last comparison. Not reading
// them only costs time, so a failure is logged and the pass goes on.
func (d *serverDiff) searchAll(ctx context.Context) {
	d.all = d.ss.startSearch(&imap.SearchCriteria{})
	if d.m.LastUID == 0 {
		return // nothing cached
	}
	var err error
	d.known, d.knownUpto, err = d.ss.s.store.KnownGaps(ctx, d.m.AccountID, d.m.ID, d.m.UIDValidity)
	if err != nil {
		d.ss.s.log.Warn("known gaps not read; every gap is looked up", "account", d.m.AccountID, "mailbox", d.m.Name, "error", err)
	}
}

// recordGaps records the gaps of a comparison that left the cache equal to
// the server's set, or forgets them when it did not (repaired).
func (d *serverDiff) recordGaps(ctx context.Context, repaired bool) {
	if !d.compared {
		return
	}
	s, m := d.ss.s, d.m
	var err error
	switch {
	case repaired:
		err = s.store.ForgetKnownGaps(ctx, m.AccountID, m.ID)
	case d.upto != d.knownUpto || !slices.Equal(d.gaps, d.known):
		err = s.store.SaveKnownGaps(ctx, m.AccountID, m.ID, m.UIDValidity, d.upto, d.gaps)
	}
	if err != nil {
		s.log.Warn("known gaps not recorded", "account", m.AccountID, "mailbox", m.Name, "error", err)
	}
}

func (ss *session) startDiff(ctx context.Context, m mailaccess.Mailbox, count uint32, uidNext mailaccess.UID) (*serverDiff, error) {
	d := &serverDiff{ss: ss, m: m, count: count}
	if count == 0 {
		return d, nil
	}
	if m.LastUID == 0 {
		d.searchAll(ctx)
		return d, nil
	}
	// The cached count up to the checkpoint: the total of the last
	// complete pass while the checkpoint has not moved since (no partial
	// pass stored more), else counted.
	d.cached = m.Total
	if m.CountedUID != m.LastUID || m.SyncedAt.IsZero() {
		var err error
		if d.cached, err = ss.s.store.CountMessages(ctx, m.AccountID, m.ID); err != nil {
			return nil, err
		}
	}
	switch {
	case m.SyncedAt.IsZero() || m.UIDNext != uidNext:
		// UIDNEXT recorded by the last complete pass (SaveMailboxState),
		// which stored every UID below it: new UIDs only when it moved.
		d.above = ss.startSearch(&imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: imap.UID(m.LastUID + 1), Stop: 0}}}})
	case int(count) != d.cached:
		d.searchAll(ctx)
	}
	return d, nil
}

// drop reads the search sent and leaves it unused.
func (d *serverDiff) drop() {
	for _, cmd := range []*imapclient.SearchCommand{d.above, d.all} {
		if cmd != nil {
			cmd.Wait()
		}
	}
}

// finish reads the search, and deletes the cached messages that vanished.
func (d *serverDiff) finish(ctx context.Context) (added []mailaccess.UID, serverCount, vanished int, err error) {
	ss, m := d.ss, d.m
	s := ss.s
	if d.count == 0 {
		n, err := s.store.DeleteMessageRanges(ctx, m.AccountID, m.ID, []mailaccess.UIDRange{{First: 1, Last: math.MaxUint32}})
		return nil, 0, n, err
	}
	if d.above != nil {
		above, err := ss.waitSearch(ctx, d.above)
		if err != nil {
			return nil, 0, 0, err
		}
		for _, r := range above {
			for u := max(r.Start, imap.UID(m.LastUID+1)); u <= r.Stop && u != 0; u++ {
				added = append(added, mailaccess.UID(u))
			}
		}
		if int(d.count) == d.cached+len(added) {
			return added, int(d.count), 0, nil
		}
		added = added[:0]
		d.searchAll(ctx)
	}
	if d.all == nil { // the same count, with no new UIDs: nothing changed
		return nil, int(d.count), 0, nil
	}
	all, err := ss.waitSearch(ctx, d.all)
	if err != nil {
		return nil, 0, 0, err
	}
	// Cached UIDs outside the server's set have vanished.
	var gaps []mailaccess.UIDRange
	next := mailaccess.UID(1)
	for _, r := range all {
		if mailaccess.UID(r.Start) > next {
			gaps = append(gaps, mailaccess.UIDRange{First: next, Last: mailaccess.UID(r.Start) - 1})
		}
		next = mailaccess.UID(r.Stop) + 1
		serverCount += int(r.Stop - r.Start + 1)
		for u := max(r.Start, imap.UID(m.LastUID+1)); u <= r.Stop && u != 0; u++ {
			added = append(added, mailaccess.UID(u))
		}
	}
	d.gaps, d.upto = slices.Clip(gaps), next-1
	if next != 0 { // not past the largest UID
		gaps = append(gaps, mailaccess.UIDRange{First: next, Last: math.MaxUint32})
	}
	if vanished, err = s.store.DeleteMessageRanges(ctx, m.AccountID, m.ID, mailaccess.WithoutKnownGaps(gaps, d.known)); err != nil {
		return nil, 0, 0, err
	}
	d.compared = true
	return added, serverCount, vanished, nil
}

// search runs UID SEARCH and returns the matching UIDs as sorted, merged
// ranges (compact with ESEARCH).
func (ss *session) search(ctx context.Context, criteria *imap.SearchCriteria) ([]imap.UIDRange, error) {
	return ss.waitSearch(ctx, ss.startSearch(criteria))
}

// startSearch sends a UID SEARCH (returning ALL with ESEARCH) for
// waitSearch to read.
func (ss *session) startSearch(criteria *imap.SearchCriteria) *imapclient.SearchCommand {
	var opts *imap.SearchOptions
	if ss.c.caps.Has(imap.CapESearch) {
		opts = &imap.SearchOptions{ReturnAll: true}
	}
	return ss.c.c.UIDSearch(criteria, opts)
}

// waitSearch reads a search's UIDs as sorted, merged ranges.
func (ss *session) waitSearch(ctx context.Context, cmd *imapclient.SearchCommand) ([]imap.UIDRange, error) {
	data, err := cmd.Wait()
	if err != nil {
		return nil, ss.s.connErr(ctx, "search uids", err)
	}
	set, _ := data.All.(imap.UIDSet)
	ranges := slices.Clone([]imap.UIDRange(set))
	for i := range ranges {
		if ranges[i].Start > ranges[i].Stop {
			ranges[i].Start, ranges[i].Stop = ranges[i].Stop, ranges[i].Start
		}
	}
	slices.SortFunc(ranges, func(a, b imap.UIDRange) int {
		if a.Start < b.Start {
			return -1
		} else if a.Start > b.Start {
			return 1
		}
		return 0
	})
	out := ranges[:0]
	for _, r := range ranges {
		if n := len(out); n > 0 && r.Start <= out[n-1].Stop+1 {
			out[n-1].Stop = max(out[n-1].Stop, r.Stop)
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// repair compares the cached UIDs with the server's one by one: cached
// UIDs the server lacks are deleted, server UIDs the cache lacks fetched.
func (ss *session) repair(ctx context.Context, m mailaccess.Mailbox) (added, vanished int, err error) {
	s := ss.s
	s.log.Warn("cache differs from the server after a sync pass; comparing every UID", "account", m.AccountID, "mailbox", m.Name)
	all, err := ss.search(ctx, &imap.SearchCriteria{})
	if err != nil {
		return 0, 0, err
	}
	var server []mailaccess.UID
	for _, r := range all {
		for u := r.Start; u <= r.Stop && u != 0; u++ {
			server = append(server, mailaccess.UID(u))
		}
	}
	cached, err := s.store.MailboxUIDs(ctx, m.AccountID, m.ID)
	if err != nil {
		return 0, 0, err
	}
	missing, extra := diffUIDs(server, cached)
	if err := s.store.DeleteMessages(ctx, m.AccountID, m.ID, extra); err != nil {
		return 0, 0, err
	}
	n, err := ss.fetchNew(ctx, m, missing, nil)
	return n, len(extra), err
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

// flagFetch applies flag changes made elsewhere to cached messages up to
// the checkpoint: with CONDSTORE only those changed since the recorded
// HIGHESTMODSEQ, otherwise a comparison of every message's flags with the
// cache, chunk by chunk, streamed, so memory stays flat. startFlags sends
// the FETCH; readAhead may read the start of its answer; apply reads the
// rest and applies it.
type flagFetch struct {
	ss          *session
	m           mailaccess.Mailbox
	changedOnly bool
	cmd         *imapclient.FetchCommand
	chunk       []serverFlags // read, not applied yet
	done        bool          // the FETCH has completed
}

type serverFlags struct {
	uid    mailaccess.UID
	flags  []string
	modseq mailaccess.ModSeq
}

func (ss *session) startFlags(m mailaccess.Mailbox, condstore bool) *flagFetch {
	opts := &imap.FetchOptions{UID: true, Flags: true}
	changedOnly := condstore && m.HighestModSeq > 0
	if changedOnly {
		opts.ModSeq = true
		opts.ChangedSince = uint64(m.HighestModSeq)
	}
	upTo := imap.UIDSet{imap.UIDRange{Start: 1, Stop: imap.UID(m.LastUID)}}
	return &flagFetch{ss: ss, m: m, changedOnly: changedOnly, cmd: ss.c.c.Fetch(upTo, opts)}
}

// read reads one message's flags into f.chunk, or the end of the FETCH.
func (f *flagFetch) read(ctx context.Context) error {
	msg := f.cmd.Next()
	if msg == nil {
		f.done = true
		if err := f.cmd.Close(); err != nil {
			return f.ss.s.connErr(ctx, "fetch flags", err)
		}
		return nil
	}
	buf, err := f.ss.c.collect(msg)
	if err != nil {
		return f.ss.s.connErr(ctx, "fetch flags", err)
	}
	if buf.UID != 0 && buf.UID <= imap.UID(f.m.LastUID) {
		f.chunk = append(f.chunk, serverFlags{uid: mailaccess.UID(buf.UID), flags: flagStrings(buf.Flags), modseq: mailaccess.ModSeq(buf.ModSeq)})
	}
	return nil
}

// readAhead reads the answer up to its end or one chunk, without writing
// anything. A CHANGEDSINCE answer is usually whole by then: the next
// command (the UID SEARCH) is then sent after it, and the server searches
// while apply writes the flags. Sent together, Dovecot answers both at
// once, after the search: the flags could only be written after it.
func (f *flagFetch) readAhead(ctx context.Context) error {
	for !f.done && len(f.chunk) < flagChunk {
		if err := f.read(ctx); err != nil {
			return err
		}
	}
	return nil
}

// apply reads the flags and applies the changes, in chunks; it returns how
// many messages changed.
func (f *flagFetch) apply(ctx context.Context) (int, error) {
	s, m := f.ss.s, f.m
	updated := 0
	flush := func() error {
		chunk := f.chunk
		if len(chunk) == 0 {
			return nil
		}
		var updates []mailaccess.FlagUpdate
		if f.changedOnly {
			for _, c := range chunk {
				updates = append(updates, mailaccess.FlagUpdate{UID: c.uid, Flags: c.flags, ModSeq: c.modseq})
			}
		} else {
			slices.SortFunc(chunk, func(a, b serverFlags) int { return int(int64(a.uid) - int64(b.uid)) })
			cached, err := s.store.MailboxFlagsRange(ctx, m.AccountID, m.ID, chunk[0].uid, chunk[len(chunk)-1].uid)
			if err != nil {
				return err
			}
			j := 0
			for _, c := range chunk {
				for j < len(cached) && cached[j].UID < c.uid {
					j++
				}
				if j < len(cached) && cached[j].UID == c.uid && cached[j].Flags != strings.Join(c.flags, " ") {
					updates = append(updates, mailaccess.FlagUpdate{UID: c.uid, Flags: c.flags, ModSeq: c.modseq})
				}
			}
		}
		f.chunk = chunk[:0]
		if err := s.store.UpdateFlags(ctx, m.AccountID, m.ID, updates); err != nil {
			return err
		}
		updated += len(updates)
		return nil
	}
	for !f.done {
		if len(f.chunk) >= flagChunk {
			if err := flush(); err != nil {
				f.ss.c.dropFetch(f.cmd)
				return 0, err
			}
		}
		if err := f.read(ctx); err != nil {
			return 0, err
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	return updated, nil
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

// uidSet is ascending uids as one UID set, however long (see uidSets).
func uidSet(uids []mailaccess.UID) imap.UIDSet {
	if sets := uidSets(uids, math.MaxInt); len(sets) > 0 {
		return sets[0]
	}
	return nil
}
