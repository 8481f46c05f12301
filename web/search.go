package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mailaccess/mailaccess/mailaccess"
)

type searchView struct {
	view
	FolderView
	Query    string
	In       int64 // folder searched, 0 for all
	Messages []mailaccess.Message
	Names    map[int64]string // folder names by id
	Next     string
	Server   bool   // the results come from the IMAP server's SEARCH (bodies included)
	Note     string // why a server search gave nothing
}

// searchPage searches the cache: subject, sender, recipients and preview.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	acc := accountFrom(ctx)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 200 {
		s.errorPage(w, r, http.StatusBadRequest, "That search is too long.")
		return
	}
	var in int64
	if v := r.URL.Query().Get("in"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.notFound(w, r)
			return
		}
		if _, err := s.store.Mailbox(ctx, acc.ID, id); err != nil {
			s.storeError(w, r, err, "folder")
			return
		}
		in = id
	}
	after, ok := parseCursor(r.URL.Query().Get("after"))
	if !ok {
		s.errorPage(w, r, http.StatusBadRequest, "That page position is not valid.")
		return
	}
	v := searchView{view: view{Title: "Search", Account: acc, IsAdmin: s.isAdmin(acc)}, Query: q, In: in, Names: map[int64]string{}}
	var err error
	if v.Folders, err = s.store.Mailboxes(ctx, acc.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, f := range v.Folders {
		v.Names[f.ID] = f.Name
	}
	if q != "" && r.URL.Query().Get("server") == "1" {
		// Bodies the cache never fetched: ask the IMAP server, one folder.
		v.Server = true
		if in == 0 {
			for _, f := range v.Folders {
				if f.Role == mailaccess.RoleInbox {
					in = f.ID
				}
			}
			v.In = in
		}
		uids, err := s.mail.SearchServer(ctx, acc.ID, in, mailaccess.SearchWords(q))
		switch {
		case err != nil && imapError(err):
			v.Note = "The mail server could not search: " + describe(err)
		case err != nil && !errors.Is(err, mailaccess.ErrNotFound):
			s.serverError(w, r, err)
			return
		default:
			if v.Messages, err = s.store.MessagesByUID(ctx, acc.ID, in, uids); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
		s.render(w, r, http.StatusOK, "search", v)
		return
	}
	if q != "" {
		msgs, more, err := s.store.SearchMessages(ctx, acc.ID, in, q, after, s.cfg.PageSize)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Messages = msgs
		if more {
			last := msgs[len(msgs)-1]
			v.Next = fmt.Sprintf("/search?q=%s&in=%d&after=%d.%d", url.QueryEscape(q), in, last.InternalDate.UnixMilli(), last.ID)
		}
	}
	s.render(w, r, http.StatusOK, "search", v)
}
