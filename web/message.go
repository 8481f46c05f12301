package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/mailaccess/mailaccess/mailaccess"
)

type messageView struct {
	view
	FolderView
	Message      mailaccess.Message
	Mailbox      mailaccess.Mailbox
	Body         string // the text view
	BodyNote     string
	Attachments  []*mailaccess.Part
	HTML         bool // show the sanitized HTML in a sandboxed frame
	HasHTML      bool
	HasText      bool
	Images       bool // remote images are shown
	RemoteImages int
	Forwarded    []mailaccess.Forwarded
}

// rawBody returns a message's raw bytes: from the cache, else fetched once
// from the IMAP server (and kept).
func (s *Server) rawBody(ctx context.Context, accountID, messageID int64) ([]byte, bool, error) {
	raw, truncated, err := s.store.MessageBody(ctx, accountID, messageID)
	if errors.Is(err, mailaccess.ErrNotFound) {
		return s.mail.FetchBody(ctx, accountID, messageID)
	}
	return raw, truncated, err
}

// imapError reports whether err comes from the IMAP side (shown in words)
// rather than from us (a 500).
func imapError(err error) bool {
	return errors.Is(err, mailaccess.ErrUnreachable) || errors.Is(err, mailaccess.ErrMessageGone) ||
		errors.Is(err, mailaccess.ErrMailboxGone) || errors.Is(err, mailaccess.ErrAuth)
}

// loadMessage reads the {id} message of the session's account, answering
// 404 itself when it is not there.
func (s *Server) loadMessage(w http.ResponseWriter, r *http.Request) (mailaccess.Message, bool) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return mailaccess.Message{}, false
	}
	msg, err := s.store.Message(r.Context(), accountFrom(r.Context()).ID, id)
	if err != nil {
		s.storeError(w, r, err, "message")
		return mailaccess.Message{}, false
	}
	return msg, true
}

func (s *Server) messagePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	acc := accountFrom(ctx)
	msg, ok := s.loadMessage(w, r)
	if !ok {
		return
	}
	folders, err := s.store.Mailboxes(ctx, acc.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	mb, ok := findMailbox(folders, msg.MailboxID)
	if !ok {
		s.storeError(w, r, mailaccess.ErrNotFound, "folder")
		return
	}
	v := messageView{view: view{Title: msg.Subject, Account: acc, IsAdmin: s.isAdmin(acc)}, Message: msg, Mailbox: mb}
	v.Folders, v.Current = folders, mb.ID
	if msg.Structure != "" {
		var root mailaccess.Part
		if json.Unmarshal([]byte(msg.Structure), &root) == nil {
			root.Walk(func(p *mailaccess.Part) {
				if p.IsAttachment() {
					v.Attachments = append(v.Attachments, p)
				}
			})
		}
	}
	raw, truncated, err := s.store.MessageBody(ctx, acc.ID, msg.ID)
	if errors.Is(err, mailaccess.ErrNotFound) {
		raw, truncated, err = s.mail.OpenBody(ctx, acc.ID, msg, mb)
	}
	if !msg.Seen {
		// After the body is read: the flag change makes the server rescan
		// the folder, which the body's fetch need not wait for.
		s.markSeen(msg, mb)
		v.Message.Seen = true
	}
	switch {
	case err != nil && imapError(err):
		v.BodyNote = "The text of this message could not be fetched: " + describe(err)
	case err != nil:
		s.serverError(w, r, err)
		return
	default:
		b := mailaccess.ExtractBodies(raw)
		v.Forwarded = b.Forwarded
		v.HasHTML, v.HasText = b.HTML != "", b.Plain != ""
		v.HTML = v.HasHTML && r.URL.Query().Get("view") != "text"
		if v.HTML {
			_, v.RemoteImages = sanitizeHTML(b.HTML, false)
			v.Images = r.URL.Query().Get("images") == "1"
		} else {
			v.Body, v.BodyNote = bodyText(raw)
		}
		if truncated {
			v.BodyNote = strings.TrimSpace(v.BodyNote + " This message is larger than the cache keeps; only its beginning is shown.")
		}
	}
	s.render(w, r, http.StatusOK, "message", v)
}

// bodyText extracts the text to show from a raw message: the first text/plain
// part that is not an attachment, else the first HTML part reduced to text.
// A message go-message cannot parse is shown raw. It never fails.
func bodyText(raw []byte) (text, note string) {
	b := mailaccess.ExtractBodies(raw)
	switch {
	case b.Plain != "":
		return mailaccess.Clip(b.Plain), ""
	case b.HTML != "":
		return mailaccess.Clip(mailaccess.HTMLToText(b.HTML)), "This message was written in HTML; it is shown as plain text."
	case b.Broken:
		return mailaccess.Clip(string(raw)), "This message could not be decoded; it is shown as received."
	}
	return "", "This message has no text."
}
