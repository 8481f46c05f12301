package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// The generator writes MIME by hand instead of through go-message's writer so
// that every byte (charset labels, encoded-word splitting, RFC 2231
// continuations, folding, boundaries) is under its control and can mimic the
// habits of different mail clients.

var charsetEncodings = map[string]encoding.Encoding{
	"iso-8859-1":   charmap.ISO8859_1,
	"iso-8859-7":   charmap.ISO8859_7,
	"iso-8859-15":  charmap.ISO8859_15,
	"windows-1252": charmap.Windows1252,
	"koi8-r":       charmap.KOI8R,
	"iso-2022-jp":  japanese.ISO2022JP,
	"shift_jis":    japanese.ShiftJIS,
}

// encodeCharset converts UTF-8 text to the named charset. It panics when the
// text is not representable: that is a bug in the corpus, not a runtime error.
func encodeCharset(cs, s string) []byte {
	switch strings.ToLower(cs) {
	case "utf-8":
		return []byte(s)
	case "us-ascii":
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				panic(fmt.Sprintf("text is not us-ascii: %q", s))
			}
		}
		return []byte(s)
	}
	enc, ok := charsetEncodings[strings.ToLower(cs)]
	if !ok {
		panic("unknown charset " + cs)
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(fmt.Sprintf("cannot encode %q as %s: %v", s, cs, err))
	}
	return b
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// RFC 2047 encoded words

// qSafe reports whether b may appear literally in a Q-encoded word used in a
// phrase (RFC 2047 section 5 (3)).
func qSafe(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
		b == '!' || b == '*' || b == '+' || b == '-' || b == '/'
}

func qEncode(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == ' ':
			sb.WriteByte('_')
		case qSafe(c):
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, "=%02X", c)
		}
	}
	return sb.String()
}

// encodeWords encodes s as one or more encoded words (separated by a space,
// which decoders drop between adjacent encoded words). label is written as
// given, so callers can reproduce clients that write "UTF-8" or "utf-8".
// Words are split on character boundaries and are at most 75 bytes long, and
// every word is a complete, self-contained charset sequence (important for
// ISO-2022-JP, whose escape sequences must not straddle words).
func encodeWords(label string, q bool, s string) string {
	enc := "B"
	if q {
		enc = "Q"
	}
	prefix := "=?" + label + "?" + enc + "?"
	word := func(chunk string) string {
		b := encodeCharset(label, chunk)
		if q {
			return prefix + qEncode(b) + "?="
		}
		return prefix + base64.StdEncoding.EncodeToString(b) + "?="
	}
	var words []string
	runes := []rune(s)
	start := 0
	for start < len(runes) {
		end := start + 1
		for end < len(runes) && len(word(string(runes[start:end+1]))) <= 75 {
			end++
		}
		words = append(words, word(string(runes[start:end])))
		start = end
	}
	return strings.Join(words, " ")
}

// encodeText encodes unstructured header text (e.g. Subject) only when needed.
func encodeText(label string, q bool, s string) string {
	if isASCII(s) {
		return s
	}
	return encodeWords(label, q, s)
}

// nameEnc says how a client encodes non-ASCII display names and subjects.
type nameEnc struct {
	label string // charset label as the client writes it
	q     bool   // Q encoding (else B)
}

func (e nameEnc) text(s string) string { return encodeText(e.label, e.q, s) }

// formatAddr renders a mailbox (display name and address).
func formatAddr(name, addr string, e nameEnc) string {
	if name == "" {
		return addr
	}
	if !isASCII(name) {
		return e.text(name) + " <" + addr + ">"
	}
	if strings.ContainsAny(name, "()<>[]:;@\\,.\"") {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `" <` + addr + ">"
	}
	return name + " <" + addr + ">"
}

// ---------------------------------------------------------------------------
// RFC 2231 parameters

func rfc2231Escape(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "%%%02X", c)
		}
	}
	return sb.String()
}

// rfc2231Param renders name*=charset”value, splitting into name*0*, name*1*
// ... continuations when the value is long.
func rfc2231Param(name, label, value string) string {
	esc := rfc2231Escape(encodeCharset(label, value))
	if len(esc) <= 50 {
		return name + "*=" + label + "''" + esc
	}
	var parts []string
	for i := 0; len(esc) > 0; i++ {
		n := 45
		if n > len(esc) {
			n = len(esc)
		}
		// do not split a %XX escape, nor a multi-byte UTF-8 sequence
		// (some decoders convert each segment on its own)
		if k := strings.LastIndexByte(esc[:n], '%'); k >= 0 && k > n-3 {
			n = k
		}
		for n < len(esc) && n >= 3 && esc[n] == '%' && isContinuationEscape(esc[n:]) {
			n = strings.LastIndexByte(esc[:n], '%')
		}
		chunk := esc[:n]
		esc = esc[n:]
		if i == 0 {
			chunk = label + "''" + chunk
		}
		parts = append(parts, fmt.Sprintf("%s*%d*=%s", name, i, chunk))
	}
	return strings.Join(parts, "; ")
}

// isContinuationEscape reports whether s starts with %8X..%BX, a UTF-8
// continuation byte.
func isContinuationEscape(s string) bool {
	return len(s) >= 3 && s[0] == '%' && strings.IndexByte("89AB", s[1]) >= 0
}

func quoteParam(v string) string {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?=`, c) >= 0 {
			return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
		}
	}
	return v
}

// ---------------------------------------------------------------------------
// Header and parts

type field struct{ name, value string }

type header []field

func (h *header) add(name, value string) { *h = append(*h, field{name, value}) }

// fold writes "Name: value" folded at spaces outside quoted strings so that
// lines stay within 78 characters where possible.
func fold(name, value string) string {
	var tokens []string
	inQuote, esc := false, false
	last := 0
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case esc:
			esc = false
		case c == '\\' && inQuote:
			esc = true
		case c == '"':
			inQuote = !inQuote
		case c == ' ' && !inQuote && i > last:
			tokens = append(tokens, value[last:i])
			last = i
		}
	}
	tokens = append(tokens, value[last:])
	var sb strings.Builder
	sb.WriteString(name)
	sb.WriteString(":")
	lineLen := len(name) + 1
	for i, t := range tokens {
		if i == 0 {
			if !strings.HasPrefix(t, " ") {
				t = " " + t
			}
		} else if lineLen+len(t) > 78 && lineLen > 1 {
			sb.WriteString("\r\n")
			lineLen = 0
		}
		sb.WriteString(t)
		lineLen += len(t)
	}
	sb.WriteString("\r\n")
	return sb.String()
}

// part is a MIME entity: a leaf with an already transfer-encoded body, or a
// multipart with children.
type part struct {
	h        header
	body     []byte
	children []*part
	boundary string
	preamble string
}

func (p *part) write(buf *bytes.Buffer) {
	for _, f := range p.h {
		buf.WriteString(fold(f.name, f.value))
	}
	buf.WriteString("\r\n")
	if p.children == nil {
		buf.Write(p.body)
		return
	}
	if p.preamble != "" {
		buf.WriteString(p.preamble)
		buf.WriteString("\r\n")
	}
	for _, c := range p.children {
		buf.WriteString("--" + p.boundary + "\r\n")
		c.write(buf)
		if b := buf.Bytes(); !bytes.HasSuffix(b, []byte("\r\n")) {
			buf.WriteString("\r\n")
		}
	}
	buf.WriteString("--" + p.boundary + "--\r\n")
}

func toCRLF(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

func encodeBase64Lines(data []byte) []byte {
	s := base64.StdEncoding.EncodeToString(data)
	var buf bytes.Buffer
	for len(s) > 76 {
		buf.WriteString(s[:76])
		buf.WriteString("\r\n")
		s = s[76:]
	}
	if s != "" {
		buf.WriteString(s)
		buf.WriteString("\r\n")
	}
	return buf.Bytes()
}

func encodeQP(data []byte) []byte {
	var buf bytes.Buffer
	w := quotedprintable.NewWriter(&buf)
	w.Write(data)
	w.Close()
	b := buf.Bytes()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		b = append(b, "\r\n"...)
	}
	return b
}

// transferEncode applies a Content-Transfer-Encoding to CRLF text or binary data.
func transferEncode(cte string, data []byte) []byte {
	switch strings.ToLower(cte) {
	case "7bit", "8bit", "":
		for _, line := range bytes.Split(data, []byte("\r\n")) {
			if len(line) > 998 {
				panic("line too long for " + cte)
			}
			if strings.EqualFold(cte, "7bit") {
				for _, c := range line {
					if c >= 0x80 {
						panic("8-bit data in 7bit part")
					}
				}
			}
		}
		if !bytes.HasSuffix(data, []byte("\r\n")) {
			data = append(data, "\r\n"...)
		}
		return data
	case "quoted-printable":
		return encodeQP(data)
	case "base64":
		return encodeBase64Lines(data)
	}
	panic("unknown transfer encoding " + cte)
}

// textPart builds a text/<subtype> leaf. label is the charset label written in
// the header; params are extra Content-Type parameters such as "format=flowed".
func textPart(subtype, label, cte, text string, params ...string) *part {
	data := toCRLF(encodeCharset(label, text))
	ct := "text/" + subtype + "; charset=" + quoteParam(label)
	for _, p := range params {
		ct += "; " + p
	}
	p := &part{}
	p.h.add("Content-Type", ct)
	if cte != "" {
		p.h.add("Content-Transfer-Encoding", cte)
	}
	p.body = transferEncode(cte, data)
	return p
}

// fileNameStyle says how a client writes a non-ASCII attachment file name.
type fileNameStyle int

const (
	// Thunderbird: name="=?UTF-8?B?...?=" in Content-Type, RFC 2231
	// filename*= in Content-Disposition.
	fnThunderbird fileNameStyle = iota
	// Pure RFC 2231 in both headers.
	fnRFC2231
	// Outlook / Gmail: RFC 2047 encoded words inside quoted strings.
	fnRFC2047
	// Apple Mail: RFC 2231 filename*= with a continuation for long names
	// and a plain name= fallback.
	fnApple
)

// filePart builds a base64 leaf with a file name. disposition is "attachment"
// or "inline"; cid, when set, becomes the Content-ID.
func filePart(ctype, name string, data []byte, disposition string, style fileNameStyle, cid string) *part {
	p := &part{}
	ct, cd := ctype, disposition
	if name != "" {
		if isASCII(name) {
			ct += "; name=" + quoteParam(name)
			cd += "; filename=" + quoteParam(name)
		} else {
			switch style {
			case fnThunderbird:
				ct += `; name="` + encodeWords("UTF-8", false, name) + `"`
				cd += "; " + rfc2231Param("filename", "UTF-8", name)
			case fnRFC2231:
				ct += "; " + rfc2231Param("name", "utf-8", name)
				cd += "; " + rfc2231Param("filename", "utf-8", name)
			case fnRFC2047:
				ct += `; name="` + encodeWords("utf-8", false, name) + `"`
				cd += `; filename="` + encodeWords("utf-8", false, name) + `"`
			case fnApple:
				ct += "; name=" + quoteParam(asciiFold(name))
				cd += "; " + rfc2231Param("filename", "utf-8", name)
			}
		}
	}
	p.h.add("Content-Type", ct)
	if disposition != "" {
		p.h.add("Content-Disposition", cd)
	}
	p.h.add("Content-Transfer-Encoding", "base64")
	if cid != "" {
		p.h.add("Content-ID", "<"+cid+">")
	}
	p.body = encodeBase64Lines(data)
	return p
}

// asciiFold transliterates common Latin letters so a fallback file name stays
// readable; other characters become '_'.
func asciiFold(s string) string {
	repl := map[rune]string{
		'ä': "ae", 'ö': "oe", 'ü': "ue", 'Ä': "Ae", 'Ö': "Oe", 'Ü': "Ue", 'ß': "ss",
		'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'É': "E", 'à': "a", 'â': "a", 'á': "a",
		'ç': "c", 'î': "i", 'ï': "i", 'í': "i", 'ô': "o", 'ó': "o", 'û': "u", 'ù': "u",
		'ú': "u", 'ñ': "n", 'Ñ': "N", '–': "-", '’': "'",
	}
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			sb.WriteRune(r)
		case repl[r] != "":
			sb.WriteString(repl[r])
		default:
			sb.WriteByte('_')
		}
	}
	return sb.String()
}

func multipart(subtype, boundary string, children ...*part) *part {
	p := &part{children: children, boundary: boundary}
	ct := "multipart/" + subtype + "; boundary=" + quoteParam(boundary)
	if subtype == "related" {
		ct = "multipart/related; type=\"text/html\"; boundary=" + quoteParam(boundary)
	}
	p.h.add("Content-Type", ct)
	return p
}

// rfc822Part wraps a complete message as a message/rfc822 attachment.
func rfc822Part(raw []byte, name string) *part {
	p := &part{}
	p.h.add("Content-Type", "message/rfc822; name="+quoteParam(name))
	p.h.add("Content-Disposition", "attachment; filename="+quoteParam(name))
	p.h.add("Content-Transfer-Encoding", "8bit")
	p.body = raw
	return p
}
