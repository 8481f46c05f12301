package imapsync

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"mime/quotedprintable"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// summarySection fetches the header fields a message's summary is made of
// (see summaryFields), whole: the server sends them in the message's order,
// so a cut would lose whatever follows a long field (a To of thousands of
// recipients before the Subject), as the ENVELOPE never did.
var summarySection = &imap.FetchItemBodySection{
	Specifier: imap.PartSpecifierHeader, HeaderFields: summaryFields[:], Peek: true,
}

const (
	previewFetchBytes = 2048 // bytes of the main text part fetched for a preview
	previewRunes      = 200  // length of a stored preview
)

// previewPart says where a message's main text is and how to decode it.
type previewPart struct {
	path     []int // IMAP section path
	html     bool
	encoding string
	charset  string
}

// convert turns one FETCH response into a cached message, its preview made
// from the first bytes of the body (BODY[TEXT]) when they were fetched. It
// never fails: what the server sent badly is left empty.
func convert(buf *imapclient.FetchMessageBuffer) mailaccess.Message {
	m := mailaccess.Message{
		UID:          mailaccess.UID(buf.UID),
		ModSeq:       mailaccess.ModSeq(buf.ModSeq),
		InternalDate: mailaccess.NewTime(buf.InternalDate),
		Size:         buf.RFC822Size,
	}
	m.SetFlags(flagStrings(buf.Flags))
	var text []byte
	for _, sec := range buf.BodySection {
		switch sec.Section.Specifier {
		case imap.PartSpecifierHeader:
			fillHeaderFields(&m, sec.Bytes)
		case imap.PartSpecifierText:
			text = sec.Bytes
		}
	}
	if m.InternalDate.IsZero() {
		m.InternalDate = m.SentDate
	}
	if m.InternalDate.IsZero() { // the column is NOT NULL
		m.InternalDate = mailaccess.NewTime(time.Unix(0, 0))
	}
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
		if pp := findText(buf.BodyStructure); pp != nil && text != nil {
			if part, ok := sectionPrefix(buf.BodyStructure, pp.path, text); ok {
				m.Preview = makePreview(part, *pp)
			}
		}
	}
	return m
}

// sectionPrefix cuts the bytes of the part at path out of the first bytes
// of a message's body (BODY[TEXT]), following the multipart boundaries of
// its structure. ok is false when the part does not begin within them.
func sectionPrefix(bs imap.BodyStructure, path []int, data []byte) ([]byte, bool) {
	cur := bs
	if _, single := cur.(*imap.BodyStructureSinglePart); single {
		return data, true
	}
	for _, n := range path {
		mp, ok := cur.(*imap.BodyStructureMultiPart)
		if !ok || n < 1 || n > len(mp.Children) || mp.Extended == nil || mp.Extended.Params["boundary"] == "" {
			return nil, false
		}
		if data, ok = nthPart(data, mp.Extended.Params["boundary"], n); !ok {
			return nil, false
		}
		cur = mp.Children[n-1]
	}
	return data, true
}

// nthPart returns the content (after its header) of the n-th part of a
// multipart body, up to the next delimiter or the end of data.
func nthPart(data []byte, boundary string, n int) ([]byte, bool) {
	delim := []byte("--" + boundary)
	pos := 0
	for i := 0; i < n; i++ {
		at := indexDelimiter(data[pos:], delim)
		if at < 0 {
			return nil, false
		}
		pos += at + len(delim)
	}
	// Skip the rest of the delimiter line, then the part's header.
	nl := bytes.IndexByte(data[pos:], '\n')
	if nl < 0 {
		return nil, false
	}
	pos += nl + 1
	body := data[pos:]
	if len(body) > 0 && (body[0] == '\n' || body[0] == '\r' && len(body) > 1 && body[1] == '\n') {
		// No header: the content starts at once.
		if body[0] == '\r' {
			body = body[2:]
		} else {
			body = body[1:]
		}
	} else if end := bytes.Index(body, []byte("\n\r\n")); end >= 0 && (!bytes.Contains(body, []byte("\n\n")) || end < bytes.Index(body, []byte("\n\n"))) {
		body = body[end+3:]
	} else if end := bytes.Index(body, []byte("\n\n")); end >= 0 {
		body = body[end+2:]
	} else {
		return nil, false
	}
	if at := indexDelimiter(body, delim); at >= 0 {
		body = body[:at]
	}
	return body, true
}

// indexDelimiter finds delim at the start of a line of data.
func indexDelimiter(data, delim []byte) int {
	from := 0
	for {
		i := bytes.Index(data[from:], delim)
		if i < 0 {
			return -1
		}
		i += from
		if i == 0 || data[i-1] == '\n' {
			return i
		}
		from = i + 1
	}
}

// maxReferences bounds the ids kept of a References header.
const maxReferences = 100

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' }

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

// makePreview decodes the first bytes of a text part into a one-line preview.
func makePreview(raw []byte, p previewPart) string {
	return previewOfText(raw, p.encoding, p.charset, p.html)
}

// previewOfText decodes the first bytes of a text part (in its transfer
// encoding and charset) into a one-line preview.
func previewOfText(raw []byte, encoding, cset string, isHTML bool) string {
	var r io.Reader = bytes.NewReader(raw)
	switch strings.ToLower(strings.TrimSpace(encoding)) {
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
	if cset != "" && !strings.EqualFold(cset, "utf-8") && !strings.EqualFold(cset, "us-ascii") {
		if cr, err := charset.Reader(cset, bytes.NewReader(decoded)); err == nil {
			if out, err := io.ReadAll(cr); err == nil || len(out) > 0 {
				decoded = out
			}
		}
	}
	text := string(decoded)
	if isHTML {
		text = html.UnescapeString(stripTags(text))
	}
	// One line: quoted lines dropped, runs of ASCII white space made one
	// space, cut after previewRunes runes.
	var b strings.Builder
	runes := 0
	space := false
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, ">") {
			continue // quoted text says little about this message
		}
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			space = true
		}
		for _, r := range line {
			if r == ' ' || r == '\t' || r == '\r' || r == '\f' || r == '\v' {
				space = b.Len() > 0
				continue
			}
			if space {
				b.WriteByte(' ')
				runes++
				space = false
			}
			b.WriteRune(r)
			runes++
		}
		if runes > previewRunes+1 {
			break
		}
	}
	text = sanitize(b.String())
	if utf8.RuneCountInString(text) > previewRunes {
		text = string([]rune(text)[:previewRunes]) + "…"
	}
	return text
}

// stripTags replaces the HTML tags of s (and the content of script, style
// and head elements) by spaces.
func stripTags(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		rest := s[i:]
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			b.WriteString(rest)
			return b.String()
		}
		for _, name := range [...]string{"script", "style", "head"} {
			if len(rest) > len(name) && strings.EqualFold(rest[1:1+len(name)], name) {
				if j := indexFold(rest[end:], "</"+name); j >= 0 {
					if k := strings.IndexByte(rest[end+j:], '>'); k >= 0 {
						end += j + k
					}
				}
				break
			}
		}
		b.WriteByte(' ')
		s = rest[end+1:]
	}
}

// indexFold is strings.Index ignoring ASCII case of sub (lower case).
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i] == '<' && strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
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
