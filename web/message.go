package web

import (
	"bytes"
	"context"
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
	Forwarded    []forwarded
}

// maxShownText bounds the text shown of one message.
const maxShownText = 1 << 20

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
	mb, err := s.store.Mailbox(ctx, acc.ID, msg.MailboxID)
	if err != nil {
		s.storeError(w, r, err, "folder")
		return
	}
	if !msg.Seen {
		s.markSeen(msg)
		msg.Seen = true
	}
	v := messageView{view: view{Title: msg.Subject, Account: acc, IsAdmin: s.isAdmin(acc)}, Message: msg, Mailbox: mb}
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
	raw, truncated, err := s.rawBody(ctx, acc.ID, msg.ID)
	switch {
	case err != nil && imapError(err):
		v.BodyNote = "The text of this message could not be fetched: " + describe(err)
	case err != nil:
		s.serverError(w, r, err)
		return
	default:
		b := extractBodies(raw)
		v.Forwarded = b.forwarded
		v.HasHTML, v.HasText = b.html != "", b.plain != ""
		v.HTML = v.HasHTML && r.URL.Query().Get("view") != "text"
		if v.HTML {
			_, v.RemoteImages = sanitizeHTML(b.html, false)
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
	b := extractBodies(raw)
	switch {
	case b.plain != "":
		return clip(b.plain), ""
	case b.html != "":
		return clip(htmlToText(b.html)), "This message was written in HTML; it is shown as plain text."
	case b.broken:
		return clip(string(raw)), "This message could not be decoded; it is shown as received."
	}
	return "", "This message has no text."
}

// bodies are the readable parts of a message, decoded to UTF-8.
type bodies struct {
	plain, html string
	broken      bool        // the MIME structure could not be walked: show it raw
	forwarded   []forwarded // attached messages (message/rfc822), shown inline
}

// forwarded is an attached message as the message page shows it.
type forwarded struct {
	From, To, Subject, Date string
	Text                    string
}

// maxForwardDepth bounds how deep attached messages inside attached messages are shown.
const maxForwardDepth = 3

// extractBodies finds the first text/plain and text/html parts that are not
// attachments (inside attached messages too) and decodes them.
func extractBodies(raw []byte) bodies { return extractBodiesDepth(raw, 0) }

func extractBodiesDepth(raw []byte, depth int) bodies {
	var b bodies
	ent, err := message.Read(bytes.NewReader(raw))
	if ent == nil || err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		b.broken = true
		return b
	}
	walkErr := ent.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
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
			if b.plain == "" {
				data, _ := io.ReadAll(io.LimitReader(part.Body, maxShownText))
				b.plain = string(data)
			}
		case "text/html":
			if b.html == "" {
				data, _ := io.ReadAll(io.LimitReader(part.Body, maxShownText))
				b.html = strings.ToValidUTF8(string(data), "\uFFFD")
			}
		case "message/rfc822", "message/global":
			if depth < maxForwardDepth && len(b.forwarded) < 10 {
				data, _ := io.ReadAll(io.LimitReader(part.Body, maxShownText))
				inner := extractBodiesDepth(data, depth+1)
				f := forwarded{Text: inner.plain}
				if f.Text == "" && inner.html != "" {
					f.Text = htmlToText(inner.html)
				}
				if h, err := message.Read(bytes.NewReader(data)); h != nil {
					dec := func(k string) string {
						v, err := h.Header.Text(k)
						if err != nil {
							v = h.Header.Get(k)
						}
						return clip(v)
					}
					f.From, f.To, f.Subject, f.Date = dec("From"), dec("To"), dec("Subject"), dec("Date")
				} else if err != nil {
					f.Text = string(data)
				}
				f.Text = clip(f.Text)
				b.forwarded = append(b.forwarded, f)
				b.forwarded = append(b.forwarded, inner.forwarded...)
			}
		}
		return nil
	})
	if walkErr != nil && b.plain == "" && b.html == "" {
		b.broken = true
	}
	return b
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
