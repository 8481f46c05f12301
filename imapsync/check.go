package imapsync

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// Drift is one difference between the cache and the server.
type Drift struct {
	Mailbox string         `json:"mailbox"`
	Kind    string         `json:"kind"` // see the Drift* constants
	UID     mailaccess.UID `json:"uid,omitempty"`
	Server  string         `json:"server,omitempty"`
	Cache   string         `json:"cache,omitempty"`
}

// Kinds of drift.
const (
	DriftFolderMissing = "folder_missing"  // on the server, not in the cache
	DriftFolderExtra   = "folder_extra"    // in the cache, not on the server
	DriftUIDValidity   = "uidvalidity"     // the cache holds another generation
	DriftMessageMiss   = "message_missing" // on the server, not in the cache
	DriftMessageExtra  = "message_extra"   // in the cache, not on the server
	DriftFlags         = "flags"           // flags differ
	DriftCounts        = "counts"          // the folder's stored message or unread count is not the server's
)

// CheckReport is the result of comparing an account's cache with the server.
type CheckReport struct {
	Folders  int     `json:"folders"`
	Messages int     `json:"messages"` // on the server, in the folders compared
	Drift    []Drift `json:"drift"`
}

// checkChunk is how many messages are compared at once.
const checkChunk = 5000

// Check compares the cache of an account with the server: the folder list,
// each folder's UIDVALIDITY, its UIDs, every message's flags, and the
// message and unread counts stored for each synced folder (what the folder
// list shows). It changes nothing. Memory stays bounded: flags are streamed and compared in chunks.
func (s *Syncer) Check(ctx context.Context, accountID int64) (CheckReport, error) {
	var rep CheckReport
	// The folders are listed on a fresh connection and compared on another
	// (see SyncAccount): a Dovecot session that ran LIST selects a large
	// folder slowly from then on.
	ls, err := s.open(ctx, accountID, true)
	if err != nil {
		return rep, err
	}
	list, err := ls.c.list(nil)
	ls.Close()
	if err != nil {
		return rep, s.connErr(ctx, "list folders", err)
	}
	ss, err := s.open(ctx, accountID, false)
	if err != nil {
		return rep, err
	}
	defer ss.Close()
	cached, err := s.store.Mailboxes(ctx, accountID)
	if err != nil {
		return rep, err
	}
	byName := map[string]mailaccess.Mailbox{}
	for _, m := range cached {
		byName[m.Name] = m
	}
	onServer := map[string]bool{}
	for _, l := range list {
		name := sanitize(l.Mailbox)
		onServer[name] = true
		m, ok := byName[name]
		if !ok {
			rep.Drift = append(rep.Drift, Drift{Mailbox: name, Kind: DriftFolderMissing})
			continue
		}
		if m.NoSelect() {
			continue
		}
		rep.Folders++
		if err := ss.checkMailbox(ctx, m, &rep); err != nil {
			return rep, err
		}
	}
	for _, m := range cached {
		if !onServer[m.Name] {
			rep.Drift = append(rep.Drift, Drift{Mailbox: m.Name, Kind: DriftFolderExtra})
		}
	}
	return rep, nil
}

func (ss *session) checkMailbox(ctx context.Context, m mailaccess.Mailbox, rep *CheckReport) error {
	s := ss.s
	sel, err := ss.selectMailbox(ctx, m.Name)
	if err != nil {
		return err
	}
	if mailaccess.UIDValidity(sel.UIDValidity) != m.UIDValidity {
		rep.Drift = append(rep.Drift, Drift{Mailbox: m.Name, Kind: DriftUIDValidity,
			Server: fmt.Sprint(sel.UIDValidity), Cache: fmt.Sprint(m.UIDValidity)})
		return nil
	}
	rep.Messages += int(sel.NumMessages)
	unread := 0 // on the server
	type entry struct {
		uid   mailaccess.UID
		flags string
	}
	var chunk []entry
	next := mailaccess.UID(1) // cache UIDs below next were compared
	compare := func(last mailaccess.UID) error {
		cachedFlags, err := s.store.MailboxFlagsRange(ctx, m.AccountID, m.ID, next, last)
		if err != nil {
			return err
		}
		i, j := 0, 0
		for i < len(chunk) || j < len(cachedFlags) {
			switch {
			case j == len(cachedFlags) || i < len(chunk) && chunk[i].uid < cachedFlags[j].UID:
				rep.Drift = append(rep.Drift, Drift{Mailbox: m.Name, Kind: DriftMessageMiss, UID: chunk[i].uid, Server: chunk[i].flags})
				i++
			case i == len(chunk) || cachedFlags[j].UID < chunk[i].uid:
				rep.Drift = append(rep.Drift, Drift{Mailbox: m.Name, Kind: DriftMessageExtra, UID: cachedFlags[j].UID, Cache: cachedFlags[j].Flags})
				j++
			default:
				if chunk[i].flags != cachedFlags[j].Flags {
					rep.Drift = append(rep.Drift, Drift{Mailbox: m.Name, Kind: DriftFlags, UID: chunk[i].uid, Server: chunk[i].flags, Cache: cachedFlags[j].Flags})
				}
				i++
				j++
			}
		}
		chunk = chunk[:0]
		next = last + 1
		return nil
	}
	if sel.NumMessages > 0 {
		cmd := ss.c.c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true})
		for {
			msg := cmd.Next()
			if msg == nil {
				break
			}
			buf, err := ss.c.collect(msg)
			if err != nil {
				return s.connErr(ctx, "fetch flags", err)
			}
			uid := mailaccess.UID(buf.UID)
			if n := len(chunk); n > 0 && uid <= chunk[n-1].uid {
				// Out of order: compare what is collected first.
				if err := compare(chunk[n-1].uid); err != nil {
					ss.c.dropFetch(cmd)
					return err
				}
			}
			if !slices.ContainsFunc(buf.Flags, func(f imap.Flag) bool { return strings.EqualFold(string(f), string(imap.FlagSeen)) }) {
				unread++
			}
			chunk = append(chunk, entry{uid: uid, flags: strings.Join(flagStrings(buf.Flags), " ")})
			if len(chunk) >= checkChunk {
				if err := compare(uid); err != nil {
					ss.c.dropFetch(cmd)
					return err
				}
			}
		}
		if err := cmd.Close(); err != nil {
			return s.connErr(ctx, "fetch flags", err)
		}
	}
	if err := compare(math.MaxUint32); err != nil {
		return err
	}
	if !m.SyncedAt.IsZero() && (m.Total != int(sel.NumMessages) || m.Unseen != unread) {
		rep.Drift = append(rep.Drift, Drift{Mailbox: m.Name, Kind: DriftCounts,
			Server: fmt.Sprintf("%d messages, %d unread", sel.NumMessages, unread),
			Cache:  fmt.Sprintf("%d messages, %d unread", m.Total, m.Unseen)})
	}
	return nil
}
