package imapsync

import (
	"bufio"
	"bytes"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-message/textproto"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// The summary of a new message is read from these header fields, fetched
// raw (BODY.PEEK[HEADER.FIELDS (...)]), rather than from the server's
// ENVELOPE: Dovecot answers the fields from its cache faster than it
// builds envelopes (100k messages: 1.2 s against 1.7 s), and go-imap's
// envelope decoder was a third of the sync's CPU (about 12 µs a message,
// most of it net/mail.ParseDate trying layouts and allocating an error
// for each miss). The fields are parsed here with fast paths for the
// common forms, each proven equal to the standard parser it stands in for
// (see the Fuzz tests), and that parser for the rest.
var summaryFields = [...]string{"Date", "From", "To", "Cc", "Reply-To", "Subject", "Message-Id", "In-Reply-To", "References"}

// headerFields are the values of summaryFields in one raw header, as
// go-message's textproto.Header.Get returns them: the first field of each
// name, its lines unfolded.
type headerFields [len(summaryFields)]string

// Get returns the value of the field name (one of summaryFields, any case).
func (f *headerFields) Get(name string) string {
	if i := summaryField(name); i >= 0 {
		return f[i]
	}
	return ""
}

func summaryField(name string) int {
	for i, n := range summaryFields {
		if len(n) == len(name) && strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}

// fillHeaderFields sets the envelope and threading fields of m from the
// raw header fields of a summary fetch: the same result as fillHeader of
// the header textproto.ReadHeader reads from raw, without building it
// unless raw is unusual.
func fillHeaderFields(m *mailaccess.Message, raw []byte) {
	var f headerFields
	if scanHeaderFields(raw, &f) {
		fillHeader(m, f.Get)
		return
	}
	h, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	fillHeader(m, h.Get)
}

// scanHeaderFields reads the values of summaryFields from a raw header.
// It returns false, having read nothing usable, when raw is anything but
// well-formed "Name: value" lines (with folded continuations) up to a
// blank line or the end: a line without a colon, a name that is not a
// token, a header that starts with white space, or a CR that does not end
// a line. textproto.ReadHeader then decides what such a header holds.
func scanHeaderFields(raw []byte, out *headerFields) bool {
	var seen [len(summaryFields)]bool
	if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') {
		return false
	}
	for len(raw) > 0 {
		line, rest := cutLine(raw)
		if len(line) == 0 {
			return true // the blank line that ends a header
		}
		// The field runs on over the lines that start with white space.
		end := len(raw) - len(rest)
		for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			_, rest = cutLine(rest)
			end = len(raw) - len(rest)
		}
		field := raw[:end]
		raw = rest
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return false
		}
		name := bytes.TrimRight(line[:colon], " \t")
		if len(name) == 0 || len(bytes.TrimLeft(name, " \t")) != len(name) {
			return false
		}
		for _, c := range name {
			if c < 33 || c > 126 {
				return false
			}
		}
		i := summaryField(string(name))
		value := field[colon+1:]
		if bytes.IndexByte(value, '\r') >= 0 && !crOnlyBeforeLF(value) {
			return false
		}
		if i < 0 || seen[i] {
			continue
		}
		seen[i] = true
		out[i] = unfold(value)
	}
	return true
}

// cutLine splits raw after its first line: line is without its LF (and the
// CR before it), rest starts with the next line.
func cutLine(raw []byte) (line, rest []byte) {
	i := bytes.IndexByte(raw, '\n')
	if i < 0 {
		return bytes.TrimSuffix(raw, []byte("\r")), nil
	}
	line, rest = raw[:i], raw[i+1:]
	return bytes.TrimSuffix(line, []byte("\r")), rest
}

// crOnlyBeforeLF reports whether every CR of v is followed by an LF.
func crOnlyBeforeLF(v []byte) bool {
	for i, c := range v {
		if c == '\r' && (i+1 == len(v) || v[i+1] != '\n') {
			return false
		}
	}
	return true
}

// unfold joins the lines of a field's value, each trimmed of spaces and
// tabs, with one space, leaving out the empty ones.
func unfold(v []byte) string {
	first, rest := cutLine(v)
	if len(rest) == 0 {
		return string(bytes.Trim(first, " \t"))
	}
	var b strings.Builder
	b.Grow(len(v))
	for line := first; ; line, rest = cutLine(rest) {
		if line = bytes.Trim(line, " \t"); len(line) > 0 {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.Write(line)
		}
		if len(rest) == 0 {
			return b.String()
		}
	}
}

// parseDate parses a Date header as net/mail.ParseDate does, with a fast
// path for its usual form, "[Mon, ]2 Jan 2006 15:04[:05] -0700".
func parseDate(s string) (time.Time, error) {
	if t, ok := parseCommonDate(s); ok {
		return t, nil
	}
	return mail.ParseDate(s)
}

var shortMonths = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
var shortDays = [...]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// parseCommonDate parses "[Ddd, ]D[D] Mmm YYYY HH:MM[:SS] ±HHMM", with
// runs of spaces between the parts and spaces around it. ok is false for
// anything else, valid or not; what it accepts, net/mail.ParseDate parses
// to the same instant.
func parseCommonDate(s string) (t time.Time, ok bool) {
	s = strings.TrimLeft(s, " \t")
	s = strings.TrimRight(s, " ")
	p := dateScanner{s: s}
	if len(p.s) >= 4 && p.s[3] == ',' {
		if !slices.Contains(shortDays[:], p.s[:3]) {
			return t, false
		}
		p.s = p.s[4:]
		if !p.spaces() {
			return t, false
		}
	}
	day, ok1 := p.digits(1, 2)
	ok2 := p.spaces()
	mon := 0 // none
	if len(p.s) >= 3 {
		mon = slices.Index(shortMonths[:], p.s[:3]) + 1
		p.s = p.s[3:]
	}
	ok3 := p.spaces()
	year, ok4 := p.digits(4, 4)
	ok5 := p.spaces()
	hour, ok6 := p.digits(2, 2)
	ok7 := p.byte(':')
	minute, ok8 := p.digits(2, 2)
	sec := 0
	ok9 := true
	if p.byte(':') {
		sec, ok9 = p.digits(2, 2)
	}
	ok10 := p.spaces()
	sign := 0
	if p.byte('+') {
		sign = 1
	} else if p.byte('-') {
		sign = -1
	}
	zone, ok11 := p.digits(4, 4)
	zh, zm := zone/100, zone%100
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8 && ok9 && ok10 && ok11) ||
		mon == 0 || sign == 0 || p.s != "" ||
		day < 1 || hour > 23 || minute > 59 || sec > 59 || zh > 23 || zm > 59 {
		return t, false
	}
	// time.Parse refuses a day past the month's end.
	if day > time.Date(year, time.Month(mon)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return t, false
	}
	offset := sign * (zh*60 + zm) * 60
	return time.Date(year, time.Month(mon), day, hour, minute, sec, 0, time.FixedZone("", offset)), true
}

type dateScanner struct{ s string }

// digits reads between min and max ASCII digits.
func (p *dateScanner) digits(min, max int) (int, bool) {
	n, i := 0, 0
	for i < max && i < len(p.s) && p.s[i] >= '0' && p.s[i] <= '9' {
		n = n*10 + int(p.s[i]-'0')
		i++
	}
	p.s = p.s[i:]
	return n, i >= min && (len(p.s) == 0 || p.s[0] < '0' || p.s[0] > '9')
}

// spaces reads one or more spaces.
func (p *dateScanner) spaces() bool {
	t := strings.TrimLeft(p.s, " ")
	ok := len(t) < len(p.s)
	p.s = t
	return ok
}

func (p *dateScanner) byte(c byte) bool {
	if len(p.s) > 0 && p.s[0] == c {
		p.s = p.s[1:]
		return true
	}
	return false
}

// parseSimpleAddressList parses an address list made only of plain
// mailboxes: "local@domain", "Display Name <local@domain>" or "\"Quoted
// Name\" <local@domain>", separated by commas, in printable ASCII. ok is
// false for anything else (comments, groups, encoded words, escapes,
// domain literals, non-ASCII text), valid or not; what it accepts,
// net/mail's address parser reads the same way.
func parseSimpleAddressList(s string) (list []*mail.Address, ok bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c > 0x7e || c == '(' || c == '\\' || c == '[' || c == ':' {
			return nil, false
		}
	}
	if strings.Contains(s, "=?") {
		return nil, false
	}
	p := s
	trim := func() { p = strings.TrimLeft(p, " \t") }
	for {
		trim()
		for len(p) > 0 && p[0] == ',' {
			p = p[1:]
			trim()
		}
		if p == "" {
			return list, len(list) > 0
		}
		var a mail.Address
		if spec, rest, ok := cutAddrSpec(p); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t' || rest[0] == ',') {
			a.Address, p = spec, rest
		} else {
			var words []string
			for p != "" && p[0] != '<' {
				var w string
				if p[0] == '"' {
					end := strings.IndexByte(p[1:], '"')
					if end < 0 {
						return nil, false
					}
					w, p = p[1:1+end], p[2+end:]
				} else {
					n := 0
					for n < len(p) && isAtextASCII(p[n]) {
						n++
					}
					if n == 0 {
						return nil, false
					}
					w, p = p[:n], p[n:]
				}
				words = append(words, w)
				trim()
			}
			if p == "" {
				return nil, false
			}
			spec, rest, ok := cutAddrSpec(p[1:])
			if !ok || rest == "" || rest[0] != '>' {
				return nil, false
			}
			a.Name, a.Address, p = strings.Join(words, " "), spec, rest[1:]
		}
		list = append(list, &a)
		trim()
		if p != "" && p[0] != ',' {
			return nil, false
		}
	}
}

// cutAddrSpec reads a dot-atom "@" dot-atom at the start of s.
func cutAddrSpec(s string) (spec, rest string, ok bool) {
	local, ok1 := dotAtomLen(s)
	if !ok1 || local >= len(s) || s[local] != '@' {
		return "", s, false
	}
	domain, ok2 := dotAtomLen(s[local+1:])
	if !ok2 {
		return "", s, false
	}
	n := local + 1 + domain
	return s[:n], s[n:], true
}

// dotAtomLen is the length of the dot-atom at the start of s: atoms of
// atext joined by single dots.
func dotAtomLen(s string) (int, bool) {
	n := 0
	for n < len(s) && (isAtextASCII(s[n]) || s[n] == '.') {
		n++
	}
	atom := s[:n]
	if n == 0 || atom[0] == '.' || atom[n-1] == '.' || strings.Contains(atom, "..") {
		return 0, false
	}
	return n, true
}

// isAtextASCII reports whether c is an RFC 5322 atext character.
func isAtextASCII(c byte) bool {
	if c <= ' ' || c > '~' {
		return false
	}
	return strings.IndexByte(`()<>[]:;@\,."`, c) < 0
}

// appendMsgIDs appends to b, space-separated, up to max message ids of v
// (<...> with no space or angle bracket inside).
func appendMsgIDs(b *strings.Builder, v string, max int) {
	n := 0
	for n < max {
		start := strings.IndexByte(v, '<')
		if start < 0 {
			break
		}
		end := start + 1
		for end < len(v) && v[end] != '>' && v[end] != '<' && !isSpace(v[end]) {
			end++
		}
		if end < len(v) && v[end] == '>' && end > start+1 {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(v[start : end+1])
			n++
			end++
		}
		v = v[end:]
	}
}

// firstMsgID returns the first message id of v, or "".
func firstMsgID(v string) string {
	var b strings.Builder
	appendMsgIDs(&b, v, 1)
	return b.String()
}

// messageID returns the message id a Message-ID or In-Reply-To field names:
// its first <...>, or, from a sender that left out the angle brackets, the
// whole value when it is one token with an @ ("id@host" -> "<id@host>"),
// as the server's ENVELOPE read it.
func messageID(v string) string {
	if id := firstMsgID(v); id != "" {
		return id
	}
	return bareMessageID(v)
}

// bareMessageID returns v in angle brackets when it is one token with an
// @, a message id whose sender left the brackets out; else "".
func bareMessageID(v string) string {
	v = strings.TrimSpace(v)
	if strings.Contains(v, "@") && !strings.ContainsAny(v, "<> \t\r\n\f") {
		return "<" + v + ">"
	}
	return ""
}
