package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

type FolderView struct {
	Folders []mailaccess.Mailbox
	Current int64
}

type mailboxView struct {
	view
	FolderView
	Mailbox  mailaccess.Mailbox
	Messages []mailaccess.Message
	Next     string              // cursor of the next (older) page, "" on the last page
	First    bool                // this is the newest page
	Sort     string              // "" (date, newest first), "subject", "from" or "size"
	Threads  []mailaccess.Thread // the conversation view (?view=threads)
	Thread   string              // the conversation shown (?thread=KEY), all its messages
	View     string              // "" or "threads"
	Sync     *mailaccess.Job     // the folder's sync job while it is queued or running
	LiveMS   int64               // how often the page looks for new mail, in ms
}

// home sends the browser to the inbox (or the first folder).
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	acc := accountFrom(r.Context())
	list, err := s.store.Mailboxes(r.Context(), acc.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(list) == 0 {
		if list, err = s.mail.SyncFolders(r.Context(), acc.ID); err != nil {
			s.errorPage(w, r, http.StatusServiceUnavailable, "Your folders could not be read from the mail server: "+describe(err))
			return
		}
		mailaccess.SortMailboxes(list)
	}
	if len(list) == 0 {
		s.errorPage(w, r, http.StatusNotFound, "Your mailbox has no folders.")
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/mailbox/%d", list[0].ID), http.StatusSeeOther)
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// parseCursor reads "MILLIS.UID" as written by formatCursor.
func parseCursor(s string) (*mailaccess.Cursor, bool) {
	if s == "" {
		return nil, true
	}
	ms, uid, ok := strings.Cut(s, ".")
	if !ok {
		return nil, false
	}
	t, err1 := strconv.ParseInt(ms, 10, 64)
	u, err2 := strconv.ParseUint(uid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, false
	}
	return &mailaccess.Cursor{Date: mailaccess.NewTime(time.UnixMilli(t)), UID: mailaccess.UID(u)}, true
}

// parseThreadCursor reads "MILLIS.KEY" of the conversation view.
func parseThreadCursor(s string) (*mailaccess.ThreadCursor, bool) {
	if s == "" {
		return nil, true
	}
	ms, key, ok := strings.Cut(s, ".")
	t, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || key == "" {
		return nil, false
	}
	return &mailaccess.ThreadCursor{Date: mailaccess.NewTime(time.UnixMilli(t)), Key: key}, true
}

func formatCursor(m mailaccess.Message) string {
	return fmt.Sprintf("%d.%d", m.InternalDate.UnixMilli(), m.UID)
}

func (s *Server) mailboxPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	acc := accountFrom(ctx)
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	sort := mailaccess.Sort(r.URL.Query().Get("sort"))
	var after *mailaccess.Cursor
	var afterBy *mailaccess.SortCursor
	switch sort {
	case "", "date":
		sort = ""
		after, ok = parseCursor(r.URL.Query().Get("after"))
	case mailaccess.SortSubject, mailaccess.SortSender, mailaccess.SortSize:
		afterBy, ok = mailaccess.ParseSortCursor(r.URL.Query().Get("after"))
	default:
		ok = false
	}
	if !ok {
		s.errorPage(w, r, http.StatusBadRequest, "That page position or order is not valid.")
		return
	}
	folders, err := s.store.Mailboxes(ctx, acc.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	mb, found := findMailbox(folders, id)
	if !found {
		s.storeError(w, r, mailaccess.ErrNotFound, "folder")
		return
	}
	v := mailboxView{view: view{Title: mb.Name, Account: acc, IsAdmin: s.isAdmin(acc)}, First: after == nil && afterBy == nil, Sort: string(sort)}
	if !mb.NoSelect() && time.Since(mb.SyncedAt.Time) > s.cfg.RefreshAfter {
		// Stale or never synced: ask for a sync. With workers this returns at
		// once and the page shows the progress; inline, the dispatcher bounds
		// how long this request waits, and what is stored by then is shown.
		job, err := s.syncs.SyncMailbox(ctx, acc.ID, mb.Name)
		if err != nil {
			s.log.Warn("folder sync incomplete", "account", acc.Username, "mailbox", mb.Name, "error", err)
		}
		if job.Active() {
			v.Sync = &job
		}
		if job.State != mailaccess.JobRunning {
			// It may have run here, inline: show the folders as they are now.
			if folders, err = s.store.Mailboxes(ctx, acc.ID); err != nil {
				s.serverError(w, r, err)
				return
			}
			if mb, found = findMailbox(folders, id); !found {
				s.storeError(w, r, mailaccess.ErrNotFound, "folder")
				return
			}
		}
	} else if job, err := s.syncs.LatestSync(ctx, acc.ID, mb.Name); err == nil && job.Active() {
		v.Sync = &job
	}
	v.LiveMS = s.cfg.LiveInterval.Milliseconds()
	v.Folders = folders
	v.Mailbox = mb
	v.Current = mb.ID
	var msgs []mailaccess.Message
	var more bool
	if key := r.URL.Query().Get("thread"); key != "" {
		v.Thread, v.First = key, false
		if v.Messages, err = s.store.ThreadMessages(ctx, acc.ID, mb.ID, key); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "mailbox", v)
		return
	}
	if r.URL.Query().Get("view") == "threads" {
		v.View = "threads"
		tc, ok := parseThreadCursor(r.URL.Query().Get("after"))
		if !ok {
			s.errorPage(w, r, http.StatusBadRequest, "That page position is not valid.")
			return
		}
		v.First = tc == nil
		threads, more, err := s.store.ListThreads(ctx, acc.ID, mb.ID, tc, s.cfg.PageSize)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Threads = threads
		if more {
			last := threads[len(threads)-1]
			v.Next = fmt.Sprintf("%d.%s", last.Latest.InternalDate.UnixMilli(), last.Key)
		}
		s.render(w, r, http.StatusOK, "mailbox", v)
		return
	}
	if sort == "" {
		msgs, more, err = s.store.ListMessages(ctx, acc.ID, mb.ID, after, s.cfg.PageSize)
	} else {
		msgs, more, err = s.store.ListMessagesBy(ctx, acc.ID, mb.ID, sort, afterBy, s.cfg.PageSize)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Messages = msgs
	if more {
		last := msgs[len(msgs)-1]
		if sort == "" {
			v.Next = formatCursor(last)
		} else {
			v.Next = mailaccess.SortCursor{Key: mailaccess.SortKey(sort, last), ID: last.ID}.String()
		}
	}
	if mb.SyncError != "" {
		v.Error = mb.SyncError
	}
	s.render(w, r, http.StatusOK, "mailbox", v)
}

// findMailbox returns the folder with id from a list of the account's
// folders.
func findMailbox(list []mailaccess.Mailbox, id int64) (mailaccess.Mailbox, bool) {
	for _, m := range list {
		if m.ID == id {
			return m, true
		}
	}
	return mailaccess.Mailbox{}, false
}

// loadMailbox reads the {id} folder of the session's account, answering 404
// itself when it is not there.
func (s *Server) loadMailbox(w http.ResponseWriter, r *http.Request) (mailaccess.Mailbox, bool) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return mailaccess.Mailbox{}, false
	}
	mb, err := s.store.Mailbox(r.Context(), accountFrom(r.Context()).ID, id)
	if err != nil {
		s.storeError(w, r, err, "folder")
		return mailaccess.Mailbox{}, false
	}
	return mb, true
}

// syncNow asks for the folder to be synced and goes back to it.
func (s *Server) syncNow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	acc := accountFrom(ctx)
	mb, ok := s.loadMailbox(w, r)
	if !ok {
		return
	}
	if _, err := s.syncs.SyncMailbox(ctx, acc.ID, mb.Name); err != nil {
		s.log.Warn("sync now", "account", acc.Username, "mailbox", mb.Name, "error", err)
	}
	http.Redirect(w, r, fmt.Sprintf("/mailbox/%d", mb.ID), http.StatusSeeOther)
}

// describe renders an IMAP-side error in words.
func describe(err error) string {
	switch {
	case errors.Is(err, mailaccess.ErrAuth):
		return "the server refused your password; log out and in again."
	case errors.Is(err, mailaccess.ErrUnreachable):
		return "the server cannot be reached right now."
	case errors.Is(err, mailaccess.ErrMailboxGone):
		return "the folder no longer exists on the server."
	case errors.Is(err, mailaccess.ErrMessageGone):
		return "the message was deleted on the server."
	}
	return "the server did not answer as expected."
}
