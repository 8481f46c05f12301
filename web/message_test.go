package web

import (
	"strings"
	"testing"

	"github.com/mailaccess/mailaccess/mailaccess"
)

func TestBodyText(t *testing.T) {
	cases := []struct {
		name, raw, want, note string
	}{
		{"plain text in latin-1, quoted-printable",
			"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 cr=E8me\r\n",
			"Café crème\n", ""},
		{"alternative prefers the plain part",
			"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nplain version\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html version</p>\r\n--b--\r\n",
			"plain version", ""},
		{"html only is reduced to text, scripts dropped",
			"Content-Type: text/html\r\n\r\n<html><head><title>t</title></head><body><script>alert(1)</script><p>Hello &amp; welcome</p><p>Second</p></body></html>",
			"Hello & welcome\nSecond", "This message was written in HTML; it is shown as plain text."},
		{"no content type is plain text",
			"Subject: x\r\n\r\njust text", "just text", ""},
		{"attachment text is not the body",
			"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nattached\r\n--b--\r\n",
			"", "This message has no text."},
		{"unknown charset still shows the text",
			"Content-Type: text/plain; charset=x-unknown\r\n\r\nhello",
			"hello", ""},
		{"NUL bytes are removed",
			"Content-Type: text/plain\r\n\r\na\x00b", "ab", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, note := bodyText([]byte(c.raw))
			if strings.TrimSpace(got) != strings.TrimSpace(c.want) || note != c.note {
				t.Fatalf("got %q (note %q), want %q (note %q)", got, note, c.want, c.note)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, bad := range []string{"x", "1.", ".1", "1.2.3", "1.-2", "99999999999999999999.1"} {
		if _, ok := parseCursor(bad); ok {
			t.Errorf("parseCursor(%q) accepted", bad)
		}
	}
	c, ok := parseCursor("1772352000000.42")
	if !ok || c.UID != 42 || c.Date.UnixMilli() != 1772352000000 {
		t.Fatalf("parse: %+v %v", c, ok)
	}
}

func TestForwardedMessagesAreShown(t *testing.T) {
	raw := "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: =?utf-8?q?Ren=C3=A9e?= <r@example.org>\r\nSubject: Original\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe original text.\r\n--b--\r\n"
	b := mailaccess.ExtractBodies([]byte(raw))
	if strings.TrimSpace(b.Plain) != "See below." || len(b.Forwarded) != 1 {
		t.Fatalf("bodies: %+v", b)
	}
	f := b.Forwarded[0]
	if f.From != "Renée <r@example.org>" || f.Subject != "Original" || strings.TrimSpace(f.Text) != "The original text." {
		t.Fatalf("forwarded: %+v", f)
	}
}
