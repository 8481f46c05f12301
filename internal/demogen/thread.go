package main

import (
	"fmt"
	"strings"
	"time"
)

// dur is days, hours, minutes.
func dur(d, h, m int) time.Duration {
	return time.Duration(d)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
}

// at returns a wall-clock time in loc.
func at(loc *time.Location, y int, mo time.Month, d, h, m int) time.Time {
	return time.Date(y, mo, d, h, m, 0, 0, loc)
}

// mlist is a mailing list that relays thread messages.
type mlist struct {
	p      *person // the list address
	id     string  // List-Id value
	tag    string  // subject tag, e.g. "[lumen-dev] "
	web    string
	domain string
	local  string
}

func (l *mlist) headers() header {
	var h header
	h.add("List-Id", l.id)
	h.add("List-Unsubscribe", "<mailto:"+l.local+"-leave@"+l.domain+">, <"+l.web+">")
	h.add("List-Archive", "<"+l.web+"archives/>")
	h.add("List-Post", "<mailto:"+l.p.addr+">")
	h.add("List-Help", "<mailto:"+l.local+"-request@"+l.domain+"?subject=help>")
	h.add("List-Subscribe", "<mailto:"+l.local+"-join@"+l.domain+">")
	h.add("Precedence", "list")
	h.add("X-Mailman-Version", "3.3.9")
	return h
}

// tmsg is one message of a thread script.
type tmsg struct {
	from  *person
	to    []*person // nil: reply to the parent's author
	cc    []*person
	all   bool // reply-all: copy the parent's other recipients
	re    int  // 1-based index of the parent; 0 = previous message
	after time.Duration
	text  string
	html  string
	files []att
	flag  bool
}

type thread struct {
	subject string
	folder  string // where the owner files incoming messages
	start   time.Time
	list    *mlist
	msgs    []tmsg
}

func stripPrefixes(s string, prefixes []string) string {
	for changed := true; changed; {
		changed = false
		for _, p := range prefixes {
			if p != "" && strings.HasPrefix(s, p) {
				s = s[len(p):]
				changed = true
			}
		}
	}
	return s
}

func replySubject(m *mua, parent string) string {
	return m.reply + stripPrefixes(parent, m.strip)
}

// composeReply builds the text of a reply in the replier's quoting style.
func composeReply(from *person, parent *mail, text string) string {
	sig := sigBlock(from)
	pe := parent.e
	switch from.mua.quote {
	case "outlook":
		hdr := outlookHeaderBlock(from, pe.from, pe.to, parent.date, pe.subject)
		return text + sig + "\n\n" + hdr + "\n\n" + strings.TrimRight(parent.text, "\n ")
	case "top":
		return text + sig + "\n\n" + attribution(from, pe.from, parent.date) + "\n" + quoteText(parent.text)
	}
	return attribution(from, pe.from, parent.date) + "\n" + quoteText(parent.text) + "\n\n" + text + sig
}

func without(ps []*person, drop ...*person) []*person {
	var out []*person
outer:
	for _, p := range ps {
		for _, d := range drop {
			if p == d {
				continue outer
			}
		}
		for _, o := range out {
			if o == p {
				continue outer
			}
		}
		out = append(out, p)
	}
	return out
}

// run renders a thread script; the owner's messages go to Sent, the others to
// t.folder. Parents the owner replied to get \Answered.
func (g *gen) runThread(t thread) []*mail {
	var out []*mail
	date := t.start
	for i, m := range t.msgs {
		date = date.Add(m.after)
		e := &email{from: m.from, date: date.In(m.from.tz), text: m.text, html: m.html, files: m.files}
		var parent *mail
		if i > 0 {
			pi := i - 1
			if m.re > 0 {
				pi = m.re - 1
			}
			parent = out[pi]
		}
		switch {
		case parent == nil:
			e.subject = t.subject
			if t.list != nil && m.from != owner {
				e.subject = t.list.tag + t.subject
			}
			e.to, e.cc = m.to, m.cc
			e.text = m.text + sigBlock(m.from)
		default:
			e.subject = replySubject(m.from.mua, parent.e.subject)
			if t.list != nil && !strings.Contains(e.subject, t.list.tag) {
				e.subject = m.from.mua.reply + t.list.tag + t.subject
			}
			e.inReply = parent.id
			e.refs = append(append([]string(nil), parent.e.refs...), parent.id)
			if len(e.refs) > 12 {
				e.refs = append(e.refs[:1], e.refs[len(e.refs)-11:]...)
			}
			switch {
			case m.to != nil:
				e.to, e.cc = m.to, m.cc
			case t.list != nil:
				e.to = []*person{t.list.p}
			default:
				e.to = []*person{parent.e.from}
				if m.all {
					e.cc = without(append(append([]*person(nil), parent.e.to...), parent.e.cc...), m.from, parent.e.from)
				}
				e.cc = without(append(e.cc, m.cc...), m.from)
			}
			e.text = composeReply(m.from, parent, m.text)
		}
		folder := t.folder
		if m.from == owner {
			folder = fSent
		} else {
			e.incoming = true
			e.delivery = g.r.duration(2*time.Second, 150*time.Second)
			if t.list != nil {
				e.extra = t.list.headers()
				e.sender = fmt.Sprintf("%s <%s-bounces@%s>", t.list.local, t.list.local, t.list.domain)
				e.retPath = t.list.local + "-bounces@" + t.list.domain
			}
		}
		ml := g.add(folder, e)
		ml.flagged = m.flag
		if m.from == owner && parent != nil {
			parent.answered = true
		}
		out = append(out, ml)
	}
	return out
}
