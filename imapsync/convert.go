package imapsync

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"mime/quotedprintable"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// referencesSection fetches the threading header the envelope lacks.
var referencesSection = &imap.FetchItemBodySection{
	Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"References"}, Peek: true,
}

const (
	previewFetchBytes = 2048 // bytes of the main text part fetched for a preview
	previewRunes      = 200  // length of a stored preview
)

// previewPart says where a message's main text is and how to decode it.
type previewPart struct {
	index    int   // position in the batch
	path     []int // IMAP section path
	html     bool
	encoding string
	charset  string
}

// convert turns one FETCH response into a cached message and says where to
// find its preview text. It never fails: what the server sent badly is left empty.
func convert(buf *imapclient.FetchMessageBuffer) (mailaccess.Message, *previewPart) {
	m := mailaccess.Message{
		UID:          mailaccess.UID(buf.UID),
		ModSeq:       mailaccess.ModSeq(buf.ModSeq),
		InternalDate: mailaccess.NewTime(buf.InternalDate),
		Size:         buf.RFC822Size,
	}
	m.SetFlags(flagStrings(buf.Flags))
	if env := buf.Envelope; env != nil {
		m.Subject = sanitize(env.Subject)
		if !env.Date.IsZero() && env.Date.Year() > 1900 && env.Date.Year() < 3000 {
			m.SentDate = mailaccess.NewTime(env.Date)
		}
		if len(env.From) > 0 {
			m.FromName = sanitize(env.From[0].Name)
			m.FromAddr = sanitize(env.From[0].Addr())
		}
		m.To = addressList(env.To)
		m.Cc = addressList(env.Cc)
		m.ReplyTo = addressList(env.ReplyTo)
		m.MessageID = sanitize(normalizeMsgID(env.MessageID))
		if len(env.InReplyTo) > 0 {
			m.InReplyTo = sanitize(normalizeMsgID(env.InReplyTo[0]))
		}
	}
	if m.InternalDate.IsZero() {
		m.InternalDate = m.SentDate
	}
	for _, sec := range buf.BodySection {
		if sec.Section.Specifier == imap.PartSpecifierHeader {
			m.References = parseReferences(sec.Bytes)
		}
	}
	var pp *previewPart
	if buf.BodyStructure != nil {
		root := convertStructure(buf.BodyStructure, nil)
		root.Walk(func(p *mailaccess.Part) {
			if p.IsAttachment() {
				m.HasAttachments = true
			}
		})
		if b, err := json.Marshal(root); err == nil {
			m.Structure = string(b)
		}
		pp = findText(buf.BodyStructure)
	}
	return m, pp
}

func addressList(list []imap.Address) string {
	var parts []string
	for _, a := range list {
		if a.IsGroupStart() || a.IsGroupEnd() {
			continue
		}
		addr := sanitize(a.Addr())
		if name := sanitize(a.Name); name != "" {
			parts = append(parts, name+" <"+addr+">")
		} else if addr != "" {
			parts = append(parts, addr)
		}
	}
	return strings.Join(parts, ", ")
}

func normalizeMsgID(id string) string {
	id = strings.TrimSpace(id)
	if id != "" && !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	return id
}

var msgIDPattern = regexp.MustCompile(`<[^<>\s]+>`)

// parseReferences extracts the message ids of a fetched References header.
func parseReferences(raw []byte) string {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(append(bytes.TrimRight(raw, "\r\n"), "\r\n\r\n"...))))
	if err != nil {
		return ""
	}
	ids := msgIDPattern.FindAllString(h.Get("References"), 100)
	return sanitize(strings.Join(ids, " "))
}

// convertStructure turns a BODYSTRUCTURE into the stored part tree.
func convertStructure(bs imap.BodyStructure, path []int) *mailaccess.Part {
	p := &mailaccess.Part{Path: pathString(path)}
	switch bs := bs.(type) {
	case *imap.BodyStructureMultiPart:
		p.Type = "multipart/" + strings.ToLower(bs.Subtype)
		for i, child := range bs.Children {
			p.Parts = append(p.Parts, convertStructure(child, appendPath(path, i+1)))
		}
	case *imap.BodyStructureSinglePart:
		p.Type = sanitize(strings.ToLower(bs.MediaType()))
		p.Charset = sanitize(strings.ToLower(bs.Params["charset"]))
		p.Encoding = sanitize(strings.ToLower(bs.Encoding))
		p.Size = int64(bs.Size)
		p.ContentID = sanitize(strings.Trim(bs.ID, "<> "))
		if d := bs.Disposition(); d != nil {
			p.Disposition = sanitize(strings.ToLower(d.Value))
		}
		p.Filename = sanitize(bs.Filename())
		if rfc := bs.MessageRFC822; rfc != nil && rfc.BodyStructure != nil {
			// The parts of an attached message are numbered below its own path.
			inner := convertStructure(rfc.BodyStructure, path)
			if len(inner.Parts) == 0 {
				inner.Path = pathString(appendPath(path, 1))
			}
			p.Parts = []*mailaccess.Part{inner}
		}
	}
	return p
}

func appendPath(path []int, n int) []int {
	out := make([]int, len(path)+1)
	copy(out, path)
	out[len(path)] = n
	return out
}

func pathString(path []int) string {
	var b strings.Builder
	for i, n := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(itoa(n))
	}
	return b.String()
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(buf[i:])
		}
	}
}

// findText returns the section of the first text/plain part that is not an
// attachment, or else the first such text/html part.
func findText(bs imap.BodyStructure) *previewPart {
	var plain, htmlPart *previewPart
	var walk func(bs imap.BodyStructure, path []int)
	walk = func(bs imap.BodyStructure, path []int) {
		switch bs := bs.(type) {
		case *imap.BodyStructureMultiPart:
			for i, c := range bs.Children {
				walk(c, appendPath(path, i+1))
			}
		case *imap.BodyStructureSinglePart:
			if d := bs.Disposition(); d != nil && strings.EqualFold(d.Value, "attachment") {
				return
			}
			if !strings.EqualFold(bs.Type, "text") {
				return
			}
			p := &previewPart{path: path, encoding: strings.ToLower(bs.Encoding), charset: bs.Params["charset"]}
			if len(path) == 0 {
				p.path = []int{1} // the body of a single-part message is section 1
			}
			switch strings.ToLower(bs.Subtype) {
			case "plain":
				if plain == nil {
					plain = p
				}
			case "html":
				if htmlPart == nil {
					p.html = true
					htmlPart = p
				}
			}
		}
	}
	walk(bs, nil)
	if plain != nil {
		return plain
	}
	return htmlPart
}

var (
	tagPattern   = regexp.MustCompile(`(?s)<(script|style|head)[^>]*>.*?</(script|style|head)>|<[^>]*>`)
	spacePattern = regexp.MustCompile(`\s+`)
)

// makePreview decodes the first bytes of a text part into a one-line preview.
func makePreview(raw []byte, p previewPart) string {
	var r io.Reader = bytes.NewReader(raw)
	switch p.encoding {
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, raw)
		clean = clean[:len(clean)/4*4] // a partial fetch may cut a quantum
		r = base64.NewDecoder(base64.StdEncoding, bytes.NewReader(clean))
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	}
	decoded, _ := io.ReadAll(r) // keep what decoded before an error
	if p.charset != "" && !strings.EqualFold(p.charset, "utf-8") && !strings.EqualFold(p.charset, "us-ascii") {
		if cr, err := charset.Reader(p.charset, bytes.NewReader(decoded)); err == nil {
			if out, err := io.ReadAll(cr); err == nil || len(out) > 0 {
				decoded = out
			}
		}
	}
	text := string(decoded)
	if p.html {
		text = html.UnescapeString(tagPattern.ReplaceAllString(text, " "))
	}
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, ">") {
			continue // quoted text says little about this message
		}
		lines = append(lines, line)
	}
	text = strings.TrimSpace(spacePattern.ReplaceAllString(strings.Join(lines, " "), " "))
	text = sanitize(text)
	if utf8.RuneCountInString(text) > previewRunes {
		text = string([]rune(text)[:previewRunes]) + "…"
	}
	return text
}

// sanitize makes s storable: valid UTF-8 and no NUL bytes.
func sanitize(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}
