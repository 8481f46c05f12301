package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode every charset go-message knows

	"github.com/mailaccess/mailaccess/mailaccess"
)

type messageView struct {
	view
	FolderView
	Message     mailaccess.Message
	Mailbox     mailaccess.Mailbox
	Body        string
	BodyNote    string
	Attachments []*mailaccess.Part
}

// maxShownText bounds the text shown of one message.
const maxShownText = 1 << 20

func (s *Server) messagePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	acc := accountFrom(ctx)
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	msg, err := s.store.Message(ctx, acc.ID, id)
	if err != nil {
		s.storeError(w, r, err, "message")
		return
	}
	mb, err := s.store.Mailbox(ctx, acc.ID, msg.MailboxID)
	if err != nil {
		s.storeError(w, r, err, "folder")
		return
	}
	v := messageView{view: view{Title: msg.Subject, Account: acc}, Message: msg, Mailbox: mb}
	if v.Folders, err = s.store.Mailboxes(ctx, acc.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Current = mb.ID
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
		raw, truncated, err = s.mail.FetchBody(ctx, acc.ID, msg.ID)
	}
	switch {
	case err != nil && (errors.Is(err, mailaccess.ErrUnreachable) || errors.Is(err, mailaccess.ErrMessageGone) ||
		errors.Is(err, mailaccess.ErrMailboxGone) || errors.Is(err, mailaccess.ErrAuth)):
		v.BodyNote = "The text of this message could not be fetched: " + describe(err)
	case err != nil:
		s.serverError(w, r, err)
		return
	default:
		v.Body, v.BodyNote = bodyText(raw)
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
	ent, err := message.Read(bytes.NewReader(raw))
	if ent == nil {
		return clip(string(raw)), "This message could not be decoded; it is shown as received."
	}
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return clip(string(raw)), "This message could not be decoded; it is shown as received."
	}
	var plain, htmlText string
	walkErr := ent.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil {
			return nil // a broken part: keep what the others give
		}
		if disp, _, _ := part.Header.ContentDisposition(); disp == "attachment" {
			return nil
		}
		mt, _, _ := part.Header.ContentType()
		if mt == "" && len(path) == 0 {
			mt = "text/plain"
		}
		switch mt {
		case "text/plain":
			if plain == "" {
				b, _ := io.ReadAll(io.LimitReader(part.Body, maxShownText))
				plain = string(b)
			}
		case "text/html":
			if htmlText == "" {
				b, _ := io.ReadAll(io.LimitReader(part.Body, maxShownText))
				htmlText = htmlToText(string(b))
			}
		}
		return nil
	})
	switch {
	case plain != "":
		return clip(plain), ""
	case htmlText != "":
		return clip(htmlText), "This message was written in HTML; it is shown as plain text."
	case walkErr != nil:
		return clip(string(raw)), "This message could not be decoded; it is shown as received."
	}
	return "", "This message has no text."
}

var (
	blockTags = regexp.MustCompile(`(?i)<(br|/p|/div|/tr|/h[1-6]|/li)[^>]*>`)
	dropTags  = regexp.MustCompile(`(?is)<(script|style|head|title)[^>]*>.*?</(script|style|head|title)>`)
	anyTag    = regexp.MustCompile(`(?s)<[^>]*>`)
	blankRuns = regexp.MustCompile(`\n[ \t]*(\n[ \t]*)+`)
)

// htmlToText reduces HTML to its readable text. The result is shown escaped,
// as text, so nothing of the HTML can act in the page.
func htmlToText(s string) string {
	s = dropTags.ReplaceAllString(s, "")
	s = blockTags.ReplaceAllString(s, "\n")
	s = anyTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	return strings.TrimSpace(blankRuns.ReplaceAllString(s, "\n\n"))
}

func clip(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if len(s) > maxShownText {
		s = strings.ToValidUTF8(s[:maxShownText], "") + "\n[…]"
	}
	return s
}
