package imapsync

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// Limits of the local parser: what a hostile message can make it do.
const (
	parseMaxDepth = 50  // nesting of multiparts followed
	parseMaxParts = 500 // parts recorded per message
)

// ParseMessage parses a raw message (RFC 5322 bytes, possibly cut short)
// locally into a cached summary: envelope fields, threading headers, MIME
// structure, attachment flag and preview. It is the sync engine's fallback for
// a message whose FETCH the server or go-imap cannot deliver, and it never
// fails: whatever cannot be parsed is left empty. UID, flags, dates and size
// are left for the caller. Every string it returns is valid UTF-8 without NUL.
func ParseMessage(raw []byte) mailaccess.Message {
	var m mailaccess.Message
	br := bufio.NewReader(bytes.NewReader(raw))
	h, err := textproto.ReadHeader(br)
	if err != nil && h.Len() == 0 {
		// Not even a header (empty, or garbage): show the message as one
		// text part so that it can still be opened raw.
		m.Structure = structureJSON(&mailaccess.Part{Path: "1", Type: "text/plain", Size: int64(len(raw))})
		m.Preview = previewOfText(raw, "", "", false)
		return m
	}
	fillHeader(&m, h.Get)
	body, _ := io.ReadAll(br)
	var count int
	root, text := parsePart(h, body, nil, 0, &count)
	root.Walk(func(p *mailaccess.Part) {
		if p.IsAttachment() {
			m.HasAttachments = true
		}
	})
	m.Structure = structureJSON(root)
	if text != nil {
		m.Preview = previewOfText(text.body, text.encoding, text.charset, text.html)
	}
	return m
}

// fillHeader copies the envelope and threading fields of a header (get
// returns the value of a field by name).
func fillHeader(m *mailaccess.Message, get func(string) string) {
	m.Subject = decodeWords(get("Subject"))
	if t, err := parseDate(get("Date")); err == nil && t.Year() > 1900 && t.Year() < 3000 {
		m.SentDate = mailaccess.NewTime(t)
	}
	if from := parseAddresses(get("From")); len(from) > 0 {
		m.FromName, m.FromAddr = sanitize(from[0].Name), sanitize(from[0].Address)
	} else {
		m.FromAddr = sanitize(strings.TrimSpace(get("From")))
	}
	m.To = formatAddresses(get("To"))
	m.Cc = formatAddresses(get("Cc"))
	m.ReplyTo = formatAddresses(get("Reply-To"))
	m.MessageID = sanitize(messageID(get("Message-Id")))
	m.InReplyTo = sanitize(messageID(get("In-Reply-To")))
	var refs strings.Builder
	appendMsgIDs(&refs, get("References"), maxReferences)
	m.References = sanitize(refs.String())
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// decodeWords decodes RFC 2047 encoded words, keeping the raw text when they
// are broken, and makes the result storable.
func decodeWords(s string) string {
	if out, err := wordDecoder.DecodeHeader(s); err == nil {
		s = out
	}
	return sanitize(strings.TrimSpace(s))
}

var addressParser = &mail.AddressParser{WordDecoder: wordDecoder}

func parseAddresses(s string) []*mail.Address {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if list, ok := parseSimpleAddressList(s); ok {
		return list
	}
	list, err := addressParser.ParseList(s)
	if err != nil {
		return nil
	}
	return list
}

func formatAddresses(s string) string {
	return formatAddressList(s, parseAddresses(s))
}

// formatAddressList writes the addresses parsed of the header value s as
// "Name <address>, address", or s decoded when none could be parsed.
func formatAddressList(s string, list []*mail.Address) string {
	if list == nil {
		return decodeWords(s)
	}
	parts := make([]string, 0, len(list))
	for _, a := range list {
		if a.Name != "" {
			parts = append(parts, sanitize(a.Name)+" <"+sanitize(a.Address)+">")
		} else {
			parts = append(parts, sanitize(a.Address))
		}
	}
	return strings.Join(parts, ", ")
}

// textBody is the main text part found while parsing.
type textBody struct {
	body     []byte
	encoding string
	charset  string
	html     bool
}

// parsePart builds the part tree of an entity (header h, body) at path, and
// returns the first text part fit for a preview.
func parsePart(h textproto.Header, body []byte, path []int, depth int, count *int) (*mailaccess.Part, *textBody) {
	*count++
	p := &mailaccess.Part{Path: pathString(path), Size: int64(len(body))}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mediaType == "" {
		mediaType, params = "text/plain", map[string]string{}
		if ct := strings.TrimSpace(h.Get("Content-Type")); ct != "" {
			// Keep what the sender said when it is merely malformed.
			if t, _, _ := strings.Cut(ct, ";"); strings.Contains(t, "/") {
				mediaType = strings.ToLower(strings.TrimSpace(t))
			}
		}
	}
	p.Type = sanitize(mediaType)
	if strings.HasPrefix(mediaType, "multipart/") {
		p.Path = pathString(path)
		boundary := params["boundary"]
		if boundary == "" || depth >= parseMaxDepth {
			// No way to split it: one opaque part.
			return p, nil
		}
		p.Size = 0
		var text *textBody
		mr := multipart.NewReader(bytes.NewReader(body), boundary)
		for i := 1; *count < parseMaxParts; i++ {
			part, err := mr.NextRawPart()
			if err != nil {
				break
			}
			data, _ := io.ReadAll(part) // a part cut short keeps what arrived
			ph := textproto.Header{}
			for k, vs := range part.Header {
				for _, v := range vs {
					ph.Add(k, v)
				}
			}
			child, t := parsePart(ph, data, appendPath(path, i), depth+1, count)
			p.Parts = append(p.Parts, child)
			if text == nil || text.html && t != nil && !t.html {
				if t != nil {
					text = t
				}
			}
		}
		return p, text
	}
	if len(path) == 0 {
		p.Path = "1"
	}
	p.Charset = sanitize(strings.ToLower(params["charset"]))
	p.Encoding = sanitize(strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))))
	if p.Encoding == "" {
		p.Encoding = "7bit"
	}
	p.ContentID = sanitize(strings.Trim(h.Get("Content-Id"), "<> "))
	disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	p.Disposition = sanitize(strings.ToLower(disposition))
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	p.Filename = decodeWords(filename)
	if p.Disposition == "attachment" || !strings.HasPrefix(mediaType, "text/") {
		return p, nil
	}
	switch mediaType {
	case "text/plain", "text/html":
		return p, &textBody{body: body, encoding: p.Encoding, charset: p.Charset, html: mediaType == "text/html"}
	}
	return p, nil
}

func structureJSON(p *mailaccess.Part) string {
	b, err := json.Marshal(p)
	if err != nil {
		return ""
	}
	return string(b)
}

// messageFromHeader fills a fallback message from its parsed raw prefix and
// the attributes the server did deliver.
func messageFromRaw(uid mailaccess.UID, raw []byte, flags []string, internal time.Time, size int64) mailaccess.Message {
	m := ParseMessage(raw)
	m.UID = uid
	m.SetFlags(flags)
	m.InternalDate = mailaccess.NewTime(internal)
	if m.InternalDate.IsZero() {
		m.InternalDate = m.SentDate
	}
	if m.InternalDate.IsZero() {
		m.InternalDate = mailaccess.NewTime(time.Unix(0, 0))
	}
	m.Size = size
	return m
}
