package mailaccess

import (
	"bytes"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode every charset go-message knows
)

// MaxShownText bounds the text taken of one message part.
const MaxShownText = 1 << 20

// Bodies are the readable parts of a message, decoded to UTF-8.
type Bodies struct {
	Plain, HTML string
	Broken      bool        // the MIME structure could not be walked: show it raw
	Forwarded   []Forwarded // attached messages (message/rfc822), shown inline
}

// Forwarded is an attached message as the message page shows it.
type Forwarded struct {
	From, To, Subject, Date string
	Text                    string
}

// maxForwardDepth bounds how deep attached messages inside attached messages are shown.
const maxForwardDepth = 3

// ExtractBodies finds the first text/plain and text/html parts that are not
// attachments (inside attached messages too) and decodes them.
func ExtractBodies(raw []byte) Bodies { return extractBodiesDepth(raw, 0) }

func extractBodiesDepth(raw []byte, depth int) Bodies {
	var b Bodies
	ent, err := message.Read(bytes.NewReader(raw))
	if ent == nil || err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		b.Broken = true
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
			if b.Plain == "" {
				data, _ := io.ReadAll(io.LimitReader(part.Body, MaxShownText))
				b.Plain = string(data)
			}
		case "text/html":
			if b.HTML == "" {
				data, _ := io.ReadAll(io.LimitReader(part.Body, MaxShownText))
				b.HTML = strings.ToValidUTF8(string(data), "\uFFFD")
			}
		case "message/rfc822", "message/global":
			if depth < maxForwardDepth && len(b.Forwarded) < 10 {
				data, _ := io.ReadAll(io.LimitReader(part.Body, MaxShownText))
				inner := extractBodiesDepth(data, depth+1)
				f := Forwarded{Text: inner.Plain}
				if f.Text == "" && inner.HTML != "" {
					f.Text = HTMLToText(inner.HTML)
				}
				if h, err := message.Read(bytes.NewReader(data)); h != nil {
					dec := func(k string) string {
						v, err := h.Header.Text(k)
						if err != nil {
							v = h.Header.Get(k)
						}
						return Clip(v)
					}
					f.From, f.To, f.Subject, f.Date = dec("From"), dec("To"), dec("Subject"), dec("Date")
				} else if err != nil {
					f.Text = string(data)
				}
				f.Text = Clip(f.Text)
				b.Forwarded = append(b.Forwarded, f)
				b.Forwarded = append(b.Forwarded, inner.Forwarded...)
			}
		}
		return nil
	})
	if walkErr != nil && b.Plain == "" && b.HTML == "" {
		b.Broken = true
	}
	return b
}

var (
	blockTags = regexp.MustCompile(`(?i)<(br|/p|/div|/tr|/h[1-6]|/li)[^>]*>`)
	dropTags  = regexp.MustCompile(`(?is)<(script|style|head|title)[^>]*>.*?</(script|style|head|title)>`)
	anyTag    = regexp.MustCompile(`(?s)<[^>]*>`)
	blankRuns = regexp.MustCompile(`\n[ \t]*(\n[ \t]*)+`)
)

// HTMLToText reduces HTML to its readable text. The result is shown escaped,
// as text, so nothing of the HTML can act in the page.
func HTMLToText(s string) string {
	s = dropTags.ReplaceAllString(s, "")
	s = blockTags.ReplaceAllString(s, "\n")
	s = anyTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	return strings.TrimSpace(blankRuns.ReplaceAllString(s, "\n\n"))
}

// Clip makes text showable: valid UTF-8, no NUL, LF line ends, at most
// MaxShownText bytes.
func Clip(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if len(s) > MaxShownText {
		s = strings.ToValidUTF8(s[:MaxShownText], "") + "\n[…]"
	}
	return s
}
