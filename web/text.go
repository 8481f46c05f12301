package web

import (
	"html"
	"html/template"
	"regexp"
	"strconv"
	"strings"
)

// linkPattern finds web links and mail addresses in plain text.
var linkPattern = regexp.MustCompile(`\bhttps?://[^\s<>"'` + "`" + `]+[^\s<>"'` + "`" + `.,;:!?)\]]|\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b`)

// renderText turns a plain-text body into safe HTML: everything escaped,
// links made clickable (http, https and mail addresses only), and runs of
// quoted lines ("> …") folded under a summary the reader can open.
func renderText(text string) template.HTML {
	var b strings.Builder
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); {
		if isQuoted(lines[i]) {
			j := i
			for j < len(lines) && (isQuoted(lines[j]) || strings.TrimSpace(lines[j]) == "" && j+1 < len(lines) && isQuoted(lines[j+1])) {
				j++
			}
			b.WriteString(`<details class="quoted"><summary>Quoted text (` + strconv.Itoa(j-i) + ` lines)</summary>`)
			for _, l := range lines[i:j] {
				b.WriteString(linkify(l))
				b.WriteByte('\n')
			}
			b.WriteString("</details>")
			i = j
			continue
		}
		b.WriteString(linkify(lines[i]))
		if i < len(lines)-1 {
			b.WriteByte('\n')
		}
		i++
	}
	return template.HTML(b.String()) // every piece of text went through html.EscapeString
}

func isQuoted(line string) bool { return strings.HasPrefix(strings.TrimLeft(line, " "), ">") }

func linkify(line string) string {
	var b strings.Builder
	last := 0
	for _, m := range linkPattern.FindAllStringIndex(line, -1) {
		b.WriteString(html.EscapeString(line[last:m[0]]))
		target := line[m[0]:m[1]]
		href := target
		if !strings.HasPrefix(target, "http") {
			href = "mailto:" + target
		}
		b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="noopener noreferrer" target="_blank">` + html.EscapeString(target) + `</a>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(line[last:]))
	return b.String()
}
