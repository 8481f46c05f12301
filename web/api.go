package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// The JSON API under /api/v1/ serves the same data and actions as the pages,
// with the same sessions (log in with POST /api/v1/login or the login page).
// Errors are {"error": "words"} with a fitting status. docs/API.md has examples.

func (s *Server) apiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/login", s.apiLogin)
	mux.HandleFunc("POST /api/v1/logout", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(sessionCookie); err == nil {
			if err := s.store.DeleteSession(r.Context(), hashToken(c.Value)); err != nil {
				s.log.Error("api logout", "error", err)
				writeJSON(w, http.StatusInternalServerError, apiError{"internal error"})
				return
			}
		}
		s.clearCookie(w, r)
		writeJSON(w, http.StatusOK, map[string]any{"logged_out": true})
	})
	mux.HandleFunc("GET /api/v1/folders", s.api(s.apiFolders))
	mux.HandleFunc("GET /api/v1/folders/{id}", s.api(s.apiFolder))
	mux.HandleFunc("GET /api/v1/folders/{id}/events", s.authed(s.folderEvents))
	mux.HandleFunc("GET /api/v1/folders/{id}/messages", s.api(s.apiMessages))
	mux.HandleFunc("POST /api/v1/folders/{id}/sync", s.api(s.apiSync))
	mux.HandleFunc("GET /api/v1/messages/{id}", s.api(s.apiMessage))
	mux.HandleFunc("POST /api/v1/messages/{id}/flags", s.api(s.apiFlags))
	mux.HandleFunc("POST /api/v1/messages/{id}/move", s.api(s.apiMove))
	mux.HandleFunc("POST /api/v1/messages/{id}/delete", s.api(s.apiDelete))
	mux.HandleFunc("GET /api/v1/search", s.api(s.apiSearch))
	mux.HandleFunc("GET /api/v1/jobs/{id}", s.api(s.apiJob))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{"no such API endpoint"})
	})
}

type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// apiHandler returns the response value or an error to render.
type apiHandler func(r *http.Request, acc *mailaccess.Account) (any, error)

// httpError is an error with the status and words the client gets.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(msg string) error { return &httpError{http.StatusBadRequest, msg} }

// api authenticates by the session cookie (401 without one) and renders the
// handler's value or error as JSON.
func (s *Server) api(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acc, err := s.sessionAccount(r)
		if err != nil {
			if errors.Is(err, mailaccess.ErrNotFound) {
				writeJSON(w, http.StatusUnauthorized, apiError{"log in first: POST /api/v1/login"})
				return
			}
			s.log.Error("api session", "error", err)
			writeJSON(w, http.StatusInternalServerError, apiError{"internal error"})
			return
		}
		v, err := h(r.WithContext(context.WithValue(r.Context(), ctxKey{}, acc)), acc)
		if err != nil {
			s.apiError(w, r, acc, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

func (s *Server) apiError(w http.ResponseWriter, r *http.Request, acc *mailaccess.Account, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
		writeJSON(w, he.status, apiError{he.msg})
	case errors.Is(err, mailaccess.ErrNotFound):
		writeJSON(w, http.StatusNotFound, apiError{"not found"})
	case errors.Is(err, mailaccess.ErrRefused):
		writeJSON(w, http.StatusBadGateway, apiError{"the mail server refused this; nothing was changed: " + err.Error()})
	case imapError(err):
		writeJSON(w, http.StatusBadGateway, apiError{"nothing was changed: " + describe(err)})
	default:
		s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "account", acc.Username, "error", err)
		writeJSON(w, http.StatusInternalServerError, apiError{"internal error"})
	}
}

func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("the request body is not the JSON this endpoint takes: " + err.Error())
	}
	return nil
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeBody(r, &in); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
		return
	}
	acc, folders, status, msg := s.authenticate(w, r, strings.TrimSpace(in.Username), in.Password)
	if acc == nil {
		writeJSON(w, status, apiError{msg})
		return
	}
	s.afterLogin(r.Context(), acc, folders)
	writeJSON(w, http.StatusOK, map[string]any{"account": acc.Username, "folders": "/api/v1/folders"})
}

// apiFolder is a folder with its sync state.
type apiFolder struct {
	ID       int64      `json:"id"`
	Name     string     `json:"name"`
	Role     string     `json:"role,omitempty"`
	Total    int        `json:"total"`
	Unseen   int        `json:"unseen"`
	NoSelect bool       `json:"noselect,omitempty"`
	SyncedAt *time.Time `json:"synced_at,omitempty"`
	Error    string     `json:"sync_error,omitempty"`
	Sync     *apiJob    `json:"sync,omitempty"`
	Messages string     `json:"messages_url"`
	LastUID  uint32     `json:"last_uid,omitempty"`
}

type apiJob struct {
	ID       int64  `json:"id"`
	State    string `json:"state"`
	Done     int64  `json:"done"`
	Total    int64  `json:"total"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error,omitempty"`
	URL      string `json:"url"`
}

func jobJSON(j mailaccess.Job) *apiJob {
	if j.ID == 0 {
		return nil
	}
	return &apiJob{ID: j.ID, State: string(j.State), Done: j.ProgressDone, Total: j.ProgressTotal, Attempts: j.Attempts, Error: j.Error, URL: fmt.Sprintf("/api/v1/jobs/%d", j.ID)}
}

func folderJSON(m mailaccess.Mailbox) apiFolder {
	f := apiFolder{ID: m.ID, Name: m.Name, Role: string(m.Role), Total: m.Total, Unseen: m.Unseen, NoSelect: m.NoSelect(),
		Error: m.SyncError, Messages: fmt.Sprintf("/api/v1/folders/%d/messages", m.ID)}
	if !m.SyncedAt.IsZero() {
		t := m.SyncedAt.Time
		f.SyncedAt = &t
	}
	return f
}

func (s *Server) apiFolders(r *http.Request, acc *mailaccess.Account) (any, error) {
	list, err := s.store.Mailboxes(r.Context(), acc.ID)
	if err != nil {
		return nil, err
	}
	out := make([]apiFolder, 0, len(list))
	for _, m := range list {
		f := folderJSON(m)
		if j, err := s.syncs.LatestSync(r.Context(), acc.ID, m.Name); err == nil && j.Active() {
			f.Sync = jobJSON(j)
		}
		out = append(out, f)
	}
	return map[string]any{"folders": out}, nil
}

// apiFolder answers one folder's counts and sync state. It is what an open
// folder page polls: when the folder was last synced longer ago than
// Config.LiveInterval, a sync is asked for in the background (one job per
// folder, whatever the number of pages polling), so new mail shows up
// without a reload.
func (s *Server) apiFolder(r *http.Request, acc *mailaccess.Account) (any, error) {
	mb, err := s.apiMailboxOf(r, acc)
	if err != nil {
		return nil, err
	}
	if !mb.NoSelect() && time.Since(mb.SyncedAt.Time) > s.cfg.LiveInterval {
		// With workers this only queues (or finds) the folder's job; without,
		// the quick incremental sync runs here, in a request no user waits on.
		if _, err := s.syncs.SyncMailbox(r.Context(), acc.ID, mb.Name); err != nil {
			s.log.Debug("live refresh", "account", acc.Username, "mailbox", mb.Name, "error", err)
		}
		if mb, err = s.store.Mailbox(r.Context(), acc.ID, mb.ID); err != nil {
			return nil, err
		}
	}
	f := folderJSON(mb)
	f.LastUID = uint32(mb.LastUID)
	if j, err := s.syncs.LatestSync(r.Context(), acc.ID, mb.Name); err == nil && j.Active() {
		f.Sync = jobJSON(j)
	}
	return f, nil
}

// apiMessage is a message summary.
type apiMessage struct {
	ID             int64     `json:"id"`
	FolderID       int64     `json:"folder_id"`
	UID            uint32    `json:"uid"`
	Subject        string    `json:"subject"`
	FromName       string    `json:"from_name,omitempty"`
	FromAddr       string    `json:"from_addr"`
	To             string    `json:"to,omitempty"`
	Cc             string    `json:"cc,omitempty"`
	Date           time.Time `json:"date"`
	Size           int64     `json:"size"`
	Seen           bool      `json:"seen"`
	Flagged        bool      `json:"flagged"`
	Answered       bool      `json:"answered"`
	HasAttachments bool      `json:"has_attachments"`
	Preview        string    `json:"preview,omitempty"`
	MessageID      string    `json:"message_id,omitempty"`
	InReplyTo      string    `json:"in_reply_to,omitempty"`
	URL            string    `json:"url"`
}

func messageJSON(m mailaccess.Message) apiMessage {
	return apiMessage{ID: m.ID, FolderID: m.MailboxID, UID: uint32(m.UID), Subject: m.Subject, FromName: m.FromName, FromAddr: m.FromAddr,
		To: m.To, Cc: m.Cc, Date: m.InternalDate.Time, Size: m.Size, Seen: m.Seen, Flagged: m.Flagged, Answered: m.Answered,
		HasAttachments: m.HasAttachments, Preview: m.Preview, MessageID: m.MessageID, InReplyTo: m.InReplyTo,
		URL: fmt.Sprintf("/api/v1/messages/%d", m.ID)}
}

func pageArgs(r *http.Request) (*mailaccess.Cursor, int, error) {
	after, ok := parseCursor(r.URL.Query().Get("after"))
	if !ok {
		return nil, 0, badRequest("after: not a cursor from a previous page")
	}
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return nil, 0, badRequest("limit: a number from 1 to 500")
		}
		limit = n
	}
	return after, limit, nil
}

func (s *Server) apiMessages(r *http.Request, acc *mailaccess.Account) (any, error) {
	mb, err := s.apiMailboxOf(r, acc)
	if err != nil {
		return nil, err
	}
	after, limit, err := pageArgs(r)
	if err != nil {
		return nil, err
	}
	msgs, more, err := s.store.ListMessages(r.Context(), acc.ID, mb.ID, after, limit)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"folder": folderJSON(mb), "messages": messagesJSON(msgs)}
	if more {
		out["next"] = fmt.Sprintf("/api/v1/folders/%d/messages?limit=%d&after=%s", mb.ID, limit, formatCursor(msgs[len(msgs)-1]))
	}
	return out, nil
}

func messagesJSON(msgs []mailaccess.Message) []apiMessage {
	out := make([]apiMessage, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, messageJSON(m))
	}
	return out
}

func (s *Server) apiMessage(r *http.Request, acc *mailaccess.Account) (any, error) {
	msg, err := s.apiMessageOf(r, acc)
	if err != nil {
		return nil, err
	}
	out := struct {
		apiMessage
		References  string           `json:"references,omitempty"`
		Text        string           `json:"text"`
		HTMLURL     string           `json:"html_url,omitempty"`
		SourceURL   string           `json:"source_url"`
		Attachments []map[string]any `json:"attachments"`
		Note        string           `json:"note,omitempty"`
	}{apiMessage: messageJSON(msg), References: msg.References, SourceURL: fmt.Sprintf("/message/%d/source", msg.ID), Attachments: []map[string]any{}}
	var root mailaccess.Part
	if json.Unmarshal([]byte(msg.Structure), &root) == nil {
		root.Walk(func(p *mailaccess.Part) {
			if p.IsAttachment() {
				out.Attachments = append(out.Attachments, map[string]any{"filename": p.Filename, "type": p.Type, "size": p.Size,
					"url": fmt.Sprintf("/message/%d/part/%s", msg.ID, p.Path)})
			}
		})
	}
	raw, _, err := s.rawBody(r.Context(), acc.ID, msg.ID)
	if err != nil {
		if !imapError(err) {
			return nil, err
		}
		out.Note = "the text could not be fetched: " + describe(err)
		return out, nil
	}
	b := mailaccess.ExtractBodies(raw)
	out.Text, out.Note = bodyText(raw)
	if b.HTML != "" {
		out.HTMLURL = fmt.Sprintf("/message/%d/html", msg.ID)
	}
	return out, nil
}

func (s *Server) apiFlags(r *http.Request, acc *mailaccess.Account) (any, error) {
	msg, err := s.apiMessageOf(r, acc)
	if err != nil {
		return nil, err
	}
	var in struct {
		Seen    *bool `json:"seen"`
		Flagged *bool `json:"flagged"`
	}
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	for flag, v := range map[string]*bool{`\Seen`: in.Seen, `\Flagged`: in.Flagged} {
		if v != nil {
			if err := s.mail.StoreFlags(r.Context(), acc.ID, msg.MailboxID, []mailaccess.UID{msg.UID}, []string{flag}, *v); err != nil {
				return nil, err
			}
		}
	}
	if msg, err = s.store.Message(r.Context(), acc.ID, msg.ID); err != nil {
		return nil, err
	}
	return messageJSON(msg), nil
}

func (s *Server) apiMove(r *http.Request, acc *mailaccess.Account) (any, error) {
	msg, err := s.apiMessageOf(r, acc)
	if err != nil {
		return nil, err
	}
	var in struct {
		To int64 `json:"to"`
	}
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	dest, err := s.store.Mailbox(r.Context(), acc.ID, in.To)
	if err != nil {
		return nil, badRequest("to: not one of your folders")
	}
	if err := s.mail.Move(r.Context(), acc.ID, msg.MailboxID, []mailaccess.UID{msg.UID}, dest.Name); err != nil {
		return nil, err
	}
	s.refresh(acc.ID, dest.Name)
	return map[string]any{"moved": msg.ID, "to": dest.ID}, nil
}

func (s *Server) apiDelete(r *http.Request, acc *mailaccess.Account) (any, error) {
	msg, err := s.apiMessageOf(r, acc)
	if err != nil {
		return nil, err
	}
	if err := s.delete(r.Context(), acc.ID, msg.MailboxID, []mailaccess.UID{msg.UID}); err != nil {
		return nil, err
	}
	return map[string]any{"deleted": msg.ID}, nil
}

func (s *Server) apiSearch(r *http.Request, acc *mailaccess.Account) (any, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" || len(q) > 200 {
		return nil, badRequest("q: 1 to 200 characters")
	}
	var in int64
	if v := r.URL.Query().Get("in"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, badRequest("in: a folder id")
		}
		if _, err := s.store.Mailbox(r.Context(), acc.ID, id); err != nil {
			return nil, err
		}
		in = id
	}
	if r.URL.Query().Get("server") == "1" {
		if in == 0 {
			return nil, badRequest("in: a server search needs a folder id")
		}
		uids, err := s.mail.SearchServer(r.Context(), acc.ID, in, mailaccess.SearchWords(q))
		if err != nil {
			return nil, err
		}
		msgs, err := s.store.MessagesByUID(r.Context(), acc.ID, in, uids)
		if err != nil {
			return nil, err
		}
		return map[string]any{"messages": messagesJSON(msgs), "server": true}, nil
	}
	after, limit, err := pageArgs(r)
	if err != nil {
		return nil, err
	}
	msgs, more, err := s.store.SearchMessages(r.Context(), acc.ID, in, q, after, limit)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"messages": messagesJSON(msgs)}
	if more {
		last := msgs[len(msgs)-1]
		out["next"] = fmt.Sprintf("/api/v1/search?q=%s&in=%d&limit=%d&after=%d.%d", url.QueryEscape(q), in, limit, last.InternalDate.UnixMilli(), last.ID)
	}
	return out, nil
}

func (s *Server) apiSync(r *http.Request, acc *mailaccess.Account) (any, error) {
	mb, err := s.apiMailboxOf(r, acc)
	if err != nil {
		return nil, err
	}
	job, err := s.syncs.SyncMailbox(r.Context(), acc.ID, mb.Name)
	if err != nil && job.ID == 0 {
		return nil, err
	}
	return map[string]any{"job": jobJSON(job)}, nil
}

func (s *Server) apiJob(r *http.Request, acc *mailaccess.Account) (any, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, mailaccess.ErrNotFound
	}
	job, err := s.store.Job(r.Context(), acc.ID, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"job": jobJSON(job)}, nil
}

// apiMessageOf reads the {id} message of the account.
func (s *Server) apiMessageOf(r *http.Request, acc *mailaccess.Account) (mailaccess.Message, error) {
	id, ok := pathID(r)
	if !ok {
		return mailaccess.Message{}, mailaccess.ErrNotFound
	}
	return s.store.Message(r.Context(), acc.ID, id)
}

// apiMailboxOf reads the {id} folder of the account.
func (s *Server) apiMailboxOf(r *http.Request, acc *mailaccess.Account) (mailaccess.Mailbox, error) {
	id, ok := pathID(r)
	if !ok {
		return mailaccess.Mailbox{}, mailaccess.ErrNotFound
	}
	return s.store.Mailbox(r.Context(), acc.ID, id)
}
