package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Folder names of the demo corpus, in manifest order.
const (
	fInbox    = "INBOX"
	fSent     = "Sent"
	fDrafts   = "Drafts"
	fTrash    = "Trash"
	fJunk     = "Junk"
	fArchive  = "Archive/2025"
	fProjects = "Projects/mailaccess"
)

var folderOrder = []string{fInbox, fSent, fDrafts, fTrash, fJunk, fArchive, fProjects}

// Reference "now" of the corpus. Every date is before it.
var refDate = time.Date(2026, 11, 20, 9, 30, 0, 0, locParis)

// att is an attachment or inline file.
type att struct {
	name  string
	ctype string
	data  []byte
	cid   string // inline (multipart/related) when set
}

// email is the input of gen.build: everything that decides one message.
type email struct {
	from     *person
	sender   string // optional Sender header value (already formatted)
	to, cc   []*person
	toRaw    []string // extra recipients, already formatted
	ccRaw    []string
	replyTo  string
	subject  string
	date     time.Time
	id       string // generated when empty
	inReply  string
	refs     []string
	text     string // plain-text body, complete (quotes, signature)
	html     string // explicit HTML document; derived from text when the client sends HTML
	noText   bool   // HTML only
	files    []att
	extra    header // extra fields (List-Id, ...), placed before the MIME fields
	body     *part  // explicit MIME body, overrides text/html/files
	incoming bool   // add trace headers (delivered to the owner)
	delivery time.Duration
	auth     string // Authentication-Results verdict; "pass" when empty
	bulkHost string // sending host for trace headers
	retPath  string // Return-Path address; From address when empty
	draft    bool
}

// mail is one generated message with its mailbox metadata.
type mail struct {
	folder   string
	flags    []string
	internal time.Time
	date     time.Time
	id       string
	raw      []byte
	text     string // plain text as composed, for quoting in replies
	e        *email
	answered bool
	flagged  bool
	seen     int // -1 force unseen, 1 force seen, 0 folder policy
}

type gen struct {
	r      *rng
	ids    map[string]bool
	mails  []*mail
	nbound int
}

func (g *gen) uniqueID(id string) string {
	if g.ids[id] {
		panic("duplicate Message-ID " + id)
	}
	g.ids[id] = true
	return id
}

// messageID shapes a Message-ID like the sender's client would.
func (g *gen) messageID(p *person, t time.Time) string {
	r := g.r
	d := p.domain()
	var id string
	style := "default"
	if p.mua != nil {
		style = p.mua.idStyle
	}
	switch style {
	case "uuid":
		id = fmt.Sprintf("<%s-%s-4%s-%s-%s@%s>", r.hex(8), r.hex(4), r.hex(3), pick(r, []string{"8", "9", "a", "b"})+r.hex(3), r.hex(12), d)
	case "apple":
		id = fmt.Sprintf("<%s-%s-%s-%s-%s@%s>", r.upperHex(8), r.upperHex(4), r.upperHex(4), r.upperHex(4), r.upperHex(12), d)
	case "outlook":
		host := "AM0PR" + fmt.Sprint(r.between(1, 9)) + "MB" + fmt.Sprint(r.between(1000, 9999))
		id = fmt.Sprintf("<%s%s@%s.eurprd0%d.prod.outlook.example>", host, r.upperHex(24), host, r.between(1, 9))
	case "gmail":
		id = fmt.Sprintf("<CA%s@mail.gmail.example>", r.alnum(44))
	case "mutt":
		id = fmt.Sprintf("<%s.GA%d@%s>", t.UTC().Format("20060102150405"), r.between(1000, 99999), "workstation."+d)
	case "becky":
		id = fmt.Sprintf("<%s.%s.%s@%s>", t.UTC().Format("20060102150405"), r.upperHex(4), r.upperHex(8), d)
	case "bat":
		id = fmt.Sprintf("<%d.%s@%s>", r.between(100000000, 1999999999), t.UTC().Format("20060102150405"), d)
	case "roundcube":
		id = fmt.Sprintf("<%s@%s>", r.hex(32), d)
	case "webmail":
		id = fmt.Sprintf("<%d%s@%s>", r.between(100000, 999999), r.alnum(10), "webmail."+d)
	default:
		id = fmt.Sprintf("<%s.%s@%s>", t.UTC().Format("20060102150405"), r.alnum(16), d)
	}
	return g.uniqueID(id)
}

func (g *gen) boundary(m *mua, kind string) string {
	g.nbound++
	r := g.r
	style := "default"
	if m != nil {
		style = m.idStyle
	}
	switch style {
	case "uuid":
		return "------------" + r.alnum(24)
	case "outlook":
		codes := map[string]string{"alternative": "000", "mixed": "004", "related": "006"}
		return fmt.Sprintf("_%s_AM0PR%dMB%d%s_", codes[kind], r.between(1, 9), r.between(1000, 9999), r.upperHex(20))
	case "gmail":
		return "0000000000" + r.hex(16)
	case "apple":
		return fmt.Sprintf("Apple-Mail=_%s-%s-%s-%s-%s", r.upperHex(8), r.upperHex(4), r.upperHex(4), r.upperHex(4), r.upperHex(12))
	case "mutt":
		return r.alnum(16)
	case "becky", "bat":
		return "----=_NextPart_" + r.upperHex(8) + "_" + r.upperHex(4)
	}
	return "=_" + r.hex(12) + "_" + fmt.Sprint(g.nbound)
}

// canEncode reports whether s is representable in the charset label.
func canEncode(label, s string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	encodeCharset(label, s)
	return true
}

func (g *gen) addr(m *mua, p *person) string {
	enc := m.names
	if !canEncode(enc.label, p.name) {
		enc = nameEnc{"UTF-8", false}
	}
	return formatAddr(p.name, p.addr, enc)
}

func (g *gen) subject(m *mua, s string) string {
	enc := m.names
	if !canEncode(enc.label, s) {
		enc = nameEnc{"UTF-8", false}
	}
	return enc.text(s)
}

func formatDate(t time.Time, zeroDay bool) string {
	if zeroDay {
		return t.Format("Mon, 02 Jan 2006 15:04:05 -0700")
	}
	return t.Format("Mon, 2 Jan 2006 15:04:05 -0700")
}

var urlRE = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)]`)

// htmlFromText renders a plain-text body like the sender's client would
// render the HTML alternative.
func htmlFromText(m *mua, text string) string {
	type block struct {
		kind  string // "p", "quote", "sig", "hdr"
		lines []string
	}
	var blocks []block
	lines := strings.Split(text, "\n")
	inSig := false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case l == "-- ":
			inSig = true
			blocks = append(blocks, block{kind: "sig"})
			continue
		case inSig:
			blocks[len(blocks)-1].lines = append(blocks[len(blocks)-1].lines, l)
			continue
		case strings.HasPrefix(l, ">"):
			l = strings.TrimPrefix(strings.TrimPrefix(l, ">"), " ")
			if n := len(blocks); n > 0 && blocks[n-1].kind == "quote" {
				blocks[n-1].lines = append(blocks[n-1].lines, l)
			} else {
				blocks = append(blocks, block{kind: "quote", lines: []string{l}})
			}
			continue
		case strings.HasPrefix(l, "-----") && strings.HasSuffix(l, "-----"):
			blocks = append(blocks, block{kind: "hdr", lines: []string{l}})
			for i+1 < len(lines) && lines[i+1] != "" {
				i++
				blocks[len(blocks)-1].lines = append(blocks[len(blocks)-1].lines, lines[i])
			}
			continue
		case l == "":
			blocks = append(blocks, block{kind: "gap"})
			continue
		}
		if n := len(blocks); n > 0 && blocks[n-1].kind == "p" {
			blocks[n-1].lines = append(blocks[n-1].lines, l)
		} else {
			blocks = append(blocks, block{kind: "p", lines: []string{l}})
		}
	}
	esc := func(s string) string {
		s = html.EscapeString(s)
		return urlRE.ReplaceAllStringFunc(s, func(u string) string {
			return `<a href="` + u + `">` + u + `</a>`
		})
	}
	var sb strings.Builder
	switch m.htmlStyle {
	case "outlook":
		cs := m.charset
		sb.WriteString(`<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">` + "\n")
		sb.WriteString(`<head>` + "\n" + `<meta http-equiv="Content-Type" content="text/html; charset=` + strings.ToLower(cs) + `">` + "\n")
		sb.WriteString(`<meta name="Generator" content="Microsoft Word 15 (filtered medium)">` + "\n")
		sb.WriteString("<style><!--\n/* Font Definitions */\n@font-face\n\t{font-family:\"Cambria Math\";\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\n@font-face\n\t{font-family:Calibri;\n\tpanose-1:2 15 5 2 2 2 4 3 2 4;}\n/* Style Definitions */\np.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n\tfont-size:11.0pt;\n\tfont-family:\"Calibri\",sans-serif;}\na:link, span.MsoHyperlink\n\t{mso-style-priority:99;\n\tcolor:#0563C1;\n\ttext-decoration:underline;}\nspan.E-MailFormatvorlage18\n\t{mso-style-type:personal-reply;\n\tfont-family:\"Calibri\",sans-serif;\n\tcolor:windowtext;}\n@page WordSection1\n\t{size:612.0pt 792.0pt;\n\tmargin:70.85pt 70.85pt 2.0cm 70.85pt;}\ndiv.WordSection1\n\t{page:WordSection1;}\n--></style>\n")
		sb.WriteString("</head>\n<body lang=\"DE\" link=\"#0563C1\" vlink=\"#954F72\" style=\"word-wrap:break-word\">\n<div class=\"WordSection1\">\n")
		for _, b := range blocks {
			switch b.kind {
			case "gap":
				sb.WriteString("<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\n")
			case "hdr":
				sb.WriteString("<div style=\"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm\">\n")
				for i, l := range b.lines {
					if i == 0 {
						continue
					}
					k, v, ok := strings.Cut(l, ":")
					if ok {
						sb.WriteString("<p class=\"MsoNormal\"><b>" + esc(k) + ":</b>" + esc(v) + "<o:p></o:p></p>\n")
					}
				}
				sb.WriteString("</div>\n")
			case "quote":
				sb.WriteString("<blockquote style=\"border:none;border-left:solid #CCCCCC 1.0pt;padding:0cm 0cm 0cm 6.0pt;margin-left:4.8pt\">\n")
				for _, l := range b.lines {
					sb.WriteString("<p class=\"MsoNormal\">" + esc(l) + "<o:p></o:p></p>\n")
				}
				sb.WriteString("</blockquote>\n")
			default:
				for _, l := range b.lines {
					sb.WriteString("<p class=\"MsoNormal\">" + esc(l) + "<o:p></o:p></p>\n")
				}
			}
		}
		sb.WriteString("</div>\n</body>\n</html>\n")
	case "apple":
		sb.WriteString(`<html aria-label="message body"><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">`)
		for _, b := range blocks {
			switch b.kind {
			case "gap":
				sb.WriteString("<div><br></div>")
			case "quote":
				sb.WriteString(`<blockquote type="cite"><div>`)
				sb.WriteString(strings.Join(mapStrings(b.lines, esc), "<br>"))
				sb.WriteString("</div></blockquote>")
			default:
				for _, l := range b.lines {
					sb.WriteString("<div>" + esc(l) + "</div>")
				}
			}
			sb.WriteString("\n")
		}
		sb.WriteString("</body></html>\n")
	default: // gmail and web mailers
		sb.WriteString(`<div dir="ltr">`)
		for _, b := range blocks {
			switch b.kind {
			case "gap":
				sb.WriteString("<div><br></div>")
			case "quote":
				sb.WriteString(`<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">`)
				sb.WriteString(strings.Join(mapStrings(b.lines, esc), "<br>"))
				sb.WriteString("</blockquote>")
			case "sig":
				sb.WriteString(`<span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature">`)
				sb.WriteString(strings.Join(mapStrings(b.lines, esc), "<br>"))
				sb.WriteString("</div>")
			default:
				sb.WriteString("<div>" + strings.Join(mapStrings(b.lines, esc), "<br>") + "</div>")
			}
			sb.WriteString("\n")
		}
		sb.WriteString("</div>\n")
	}
	return sb.String()
}

func mapStrings(xs []string, f func(string) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// wrapText hard-wraps unquoted lines at width columns; with flowed, wrapped
// lines end in a space (RFC 3676 soft line breaks).
func wrapText(text string, width int, flowed bool) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line != "-- " {
			line = strings.TrimRight(line, " ")
		}
		if strings.HasPrefix(line, ">") || line == "-- " || strings.HasPrefix(line, " ") ||
			utf8.RuneCountInString(line) <= width || !strings.Contains(line, " ") {
			if flowed && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "From ")) {
				line = " " + line // RFC 3676 space-stuffing
			}
			out = append(out, line)
			continue
		}
		cur := ""
		for _, w := range strings.Split(line, " ") {
			switch {
			case cur == "":
				cur = w
			case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > width:
				if flowed {
					cur += " "
				}
				out = append(out, cur)
				cur = w
			default:
				cur += " " + w
			}
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}

// build renders an email into raw RFC 5322 bytes with CRLF line endings.
func (g *gen) build(e *email) (raw []byte, id string) {
	m := e.from.mua
	r := g.r
	if e.id == "" {
		e.id = g.messageID(e.from, e.date)
	} else {
		g.uniqueID(e.id)
	}
	if e.date.After(refDate) {
		panic(fmt.Sprintf("date %v after the reference date (%q)", e.date, e.subject))
	}

	body := e.body
	if body == nil {
		body = g.bodyPart(e)
	}

	var h header
	if e.incoming {
		g.traceHeaders(&h, e)
	}
	dateStr := formatDate(e.date, m.zeroDay)
	var tos, ccs []string
	for _, p := range e.to {
		tos = append(tos, g.addr(m, p))
	}
	tos = append(tos, e.toRaw...)
	for _, p := range e.cc {
		ccs = append(ccs, g.addr(m, p))
	}
	ccs = append(ccs, e.ccRaw...)
	from := g.addr(m, e.from)
	subj := g.subject(m, e.subject)
	refs := strings.Join(e.refs, " ")

	if m.tbOrder {
		h.add("Message-ID", e.id)
		h.add("Date", dateStr)
		h.add("MIME-Version", "1.0")
		if m.uaHeader != "" {
			h.add(m.uaHeader, m.uaValue)
		}
		if e.draft {
			h.add("X-Mozilla-Draft-Info", "internal/draft; vcard=0; receipt=0; DSN=0; uuencode=0; attachmentreminder=0; deliveryformat=0")
		}
		h.add("Content-Language", contentLanguage(e.from.lang))
		if subj != "" || !e.draft {
			h.add("Subject", subj)
		}
		if len(tos) > 0 {
			h.add("To", strings.Join(tos, ", "))
		}
		if len(ccs) > 0 {
			h.add("Cc", strings.Join(ccs, ", "))
		}
		if refs != "" {
			h.add("References", refs)
		}
		h.add("From", from)
		if e.replyTo != "" {
			h.add("Reply-To", e.replyTo)
		}
		if e.inReply != "" {
			h.add("In-Reply-To", e.inReply)
		}
		h = append(h, e.extra...)
	} else {
		h.add("From", from)
		if e.sender != "" {
			h.add("Sender", e.sender)
		}
		if len(tos) > 0 {
			h.add("To", strings.Join(tos, ", "))
		}
		if len(ccs) > 0 {
			h.add("Cc", strings.Join(ccs, ", "))
		}
		if e.replyTo != "" {
			h.add("Reply-To", e.replyTo)
		}
		h.add("Subject", subj)
		if m.idStyle == "outlook" {
			h.add("Thread-Topic", subj)
			h.add("Thread-Index", base64.StdEncoding.EncodeToString(r.bytes(22)))
		}
		h.add("Date", dateStr)
		h.add("Message-ID", e.id)
		if e.inReply != "" {
			h.add("In-Reply-To", e.inReply)
		}
		if refs != "" {
			h.add("References", refs)
		}
		if m.idStyle == "outlook" {
			lang := map[string]string{"de": "de-DE", "fr": "fr-FR", "es": "es-ES", "ja": "ja-JP"}[e.from.lang]
			if lang == "" {
				lang = "en-US"
			}
			h.add("Accept-Language", lang+", en-US")
			h.add("Content-Language", lang)
			if len(e.files) > 0 {
				h.add("X-MS-Has-Attach", "yes")
			} else {
				h.add("X-MS-Has-Attach", "")
			}
		}
		h = append(h, e.extra...)
		if m.uaHeader != "" {
			h.add(m.uaHeader, m.uaValue)
		}
		h.add("MIME-Version", "1.0")
	}

	var buf bytes.Buffer
	for _, f := range h {
		buf.WriteString(fold(f.name, f.value))
	}
	body.write(&buf)
	return buf.Bytes(), e.id
}

func contentLanguage(lang string) string {
	switch lang {
	case "fr", "el", "ja", "ru":
		return lang
	case "de":
		return "de-DE"
	case "es":
		return "es-ES"
	}
	return "en-US"
}

func (g *gen) bodyPart(e *email) *part {
	m := e.from.mua
	text := e.text
	if m.wrap && !e.noText {
		text = wrapText(text, 72, m.flowed)
	}
	var textP *part
	if !e.noText {
		label, cte := m.charset, m.cte
		switch {
		case isASCII(text):
			label, cte = m.asciiAs, "7bit"
		case !canEncode(label, text):
			// Clients switch to UTF-8 when the text does not fit their
			// default charset (e.g. an emoji quoted in a us-ascii reply).
			label, cte = "UTF-8", "quoted-printable"
		}
		if strings.EqualFold(label, "iso-2022-jp") {
			cte = "7bit"
		}
		var params []string
		if m.flowed {
			params = append(params, "format=flowed")
		}
		textP = textPart("plain", label, cte, text, params...)
	}
	htmlDoc := e.html
	if htmlDoc == "" && m.html && !e.noText {
		htmlDoc = htmlFromText(m, e.text)
	}
	var htmlP *part
	if htmlDoc != "" {
		label, cte := m.charset, m.cte
		if !canEncode(label, htmlDoc) {
			label, cte = "UTF-8", "quoted-printable"
		}
		if isASCII(htmlDoc) {
			label = m.asciiAs
			if cte == "base64" || cte == "8bit" {
				cte = "7bit"
			}
		}
		if cte == "7bit" || cte == "8bit" {
			// HTML alternatives are long-lined; clients QP-encode them.
			cte = "quoted-printable"
		}
		htmlP = textPart("html", label, cte, htmlDoc)
	}
	var inline, files []att
	for _, f := range e.files {
		if f.cid != "" {
			inline = append(inline, f)
		} else {
			files = append(files, f)
		}
	}
	if htmlP != nil && len(inline) > 0 {
		kids := []*part{htmlP}
		for _, f := range inline {
			kids = append(kids, filePart(f.ctype, f.name, f.data, "inline", m.fnStyle, f.cid))
		}
		htmlP = multipart("related", g.boundary(m, "related"), kids...)
	}
	var main *part
	switch {
	case textP != nil && htmlP != nil:
		main = multipart("alternative", g.boundary(m, "alternative"), textP, htmlP)
	case htmlP != nil:
		main = htmlP
	default:
		main = textP
	}
	if len(files) == 0 {
		return main
	}
	kids := []*part{main}
	for _, f := range files {
		if f.ctype == "message/rfc822" {
			kids = append(kids, rfc822Part(f.data, f.name))
			continue
		}
		disp := "attachment"
		if strings.HasPrefix(f.ctype, "image/") && m.htmlStyle == "apple" {
			disp = "inline"
		}
		kids = append(kids, filePart(f.ctype, f.name, f.data, disp, m.fnStyle, ""))
	}
	mixed := multipart("mixed", g.boundary(m, "mixed"), kids...)
	if m.idStyle == "outlook" || m.idStyle == "uuid" {
		mixed.preamble = "This is a multi-part message in MIME format."
	}
	return mixed
}

func (g *gen) traceHeaders(h *header, e *email) {
	r := g.r
	delivered := e.date.Add(e.delivery)
	local := delivered.In(locParis)
	ret := e.retPath
	if ret == "" {
		ret = e.from.addr
	}
	h.add("Return-Path", "<"+ret+">")
	h.add("Delivered-To", owner.addr)
	h.add("Received", fmt.Sprintf("from mx1.lumen.example (mx1.lumen.example [192.0.2.25]) by imap.lumen.example (Postfix) with ESMTPS id %s for <%s>; %s (%s)",
		r.alnum(12), owner.addr, formatDate(local, false), local.Format("MST")))
	if e.from.domain() == "lumen.example" {
		return
	}
	host := e.bulkHost
	if host == "" {
		host = "mail." + e.from.domain()
	}
	sent := e.date.Add(e.delivery / 3)
	h.add("Received", fmt.Sprintf("from %s (%s [198.51.100.%d]) by mx1.lumen.example (Postfix) with ESMTPS id %s for <%s>; %s",
		host, host, 10+r.intn(200), r.alnum(12), owner.addr, formatDate(sent.In(locParis), false)))
	verdict := e.auth
	if verdict == "" {
		verdict = "pass"
	}
	d := e.from.domain()
	h.add("Authentication-Results", fmt.Sprintf("mx1.lumen.example; dkim=%s header.d=%s; spf=%s smtp.mailfrom=%s; dmarc=%s header.from=%s",
		verdict, d, verdict, d, verdict, d))
}

// quoteText prefixes a body with "> " for a reply, dropping the signature and
// anything quoted more than three levels deep.
func quoteText(body string) string {
	if i := strings.Index(body, "\n-- \n"); i >= 0 {
		body = body[:i]
	}
	body = strings.TrimRight(body, "\n ")
	var out []string
	for _, l := range strings.Split(body, "\n") {
		depth := 0
		for _, c := range l {
			if c == '>' {
				depth++
			} else if c != ' ' {
				break
			}
		}
		if depth >= 3 {
			continue
		}
		switch {
		case l == "":
			out = append(out, ">")
		case strings.HasPrefix(l, ">"):
			out = append(out, ">"+l)
		default:
			out = append(out, "> "+l)
		}
	}
	return strings.Join(out, "\n")
}

func sigBlock(p *person) string {
	s := p.signature()
	if s == "" {
		return ""
	}
	switch p.mua.quote {
	case "outlook":
		return "\n\n" + s
	}
	if p == mum {
		return "\n\n" + s
	}
	return "\n\n-- \n" + s
}

// add records a finished message in a folder.
func (g *gen) add(folder string, e *email, flags ...string) *mail {
	raw, id := g.build(e)
	internal := e.date.Add(e.delivery)
	if !e.incoming && e.delivery == 0 {
		internal = e.date.Add(time.Duration(1+g.r.intn(3)) * time.Second)
	}
	m := &mail{folder: folder, flags: flags, internal: internal, date: e.date, id: id, raw: raw, text: e.text, e: e}
	g.mails = append(g.mails, m)
	return m
}

func sortedMails(ms []*mail) []*mail {
	out := append([]*mail(nil), ms...)
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].internal.Equal(out[j].internal) {
			return out[i].internal.Before(out[j].internal)
		}
		return out[i].id < out[j].id
	})
	return out
}
