package imapsync

import (
	"bufio"
	"bytes"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// headerOracle fills a message from raw the plain way: go-message's
// header parser, net/mail's date and address parsers and a message-id
// pattern. The fast paths of fillHeaderFields must give the same.
func headerOracle(raw []byte) mailaccess.Message {
	var m mailaccess.Message
	h, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	m.Subject = decodeWords(h.Get("Subject"))
	if t, err := mail.ParseDate(h.Get("Date")); err == nil && t.Year() > 1900 && t.Year() < 3000 {
		m.SentDate = mailaccess.NewTime(t)
	}
	parse := func(s string) []*mail.Address {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		list, _ := addressParser.ParseList(s)
		return list
	}
	format := func(s string) string { return formatAddressList(s, parse(s)) }
	if from := parse(h.Get("From")); len(from) > 0 {
		m.FromName, m.FromAddr = sanitize(from[0].Name), sanitize(from[0].Address)
	} else {
		m.FromAddr = sanitize(strings.TrimSpace(h.Get("From")))
	}
	m.To, m.Cc, m.ReplyTo = format(h.Get("To")), format(h.Get("Cc")), format(h.Get("Reply-To"))
	id := func(v string) string {
		if found := msgIDPattern.FindString(v); found != "" {
			return found
		}
		return bareMessageID(v)
	}
	m.MessageID = sanitize(id(h.Get("Message-Id")))
	m.InReplyTo = sanitize(id(h.Get("In-Reply-To")))
	m.References = sanitize(strings.Join(msgIDPattern.FindAllString(h.Get("References"), maxReferences), " "))
	return m
}

// msgIDPattern matches a message id as the sync engine reads it.
var msgIDPattern = regexp.MustCompile(`<[^<>\s]+>`)

func checkHeaderFields(t *testing.T, raw []byte) {
	t.Helper()
	var got mailaccess.Message
	fillHeaderFields(&got, raw)
	if want := headerOracle(raw); !reflect.DeepEqual(got, want) {
		t.Fatalf("header %q:\n got %+v\nwant %+v", raw, got, want)
	}
	for _, s := range []string{got.Subject, got.FromName, got.FromAddr, got.To, got.Cc, got.ReplyTo, got.MessageID, got.InReplyTo, got.References} {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			t.Fatalf("header %q: unstorable string %q", raw, s)
		}
	}
}

// headerSeeds are headers of every shape the tests know: the hostile
// messages of testdata, the demo mailboxes, and hand-made edge cases.
func headerSeeds(t testing.TB) [][]byte {
	var many strings.Builder
	many.WriteString("References:")
	for i := range 150 {
		fmt.Fprintf(&many, " <id-%d@example.org>\r\n", i)
	}
	seeds := [][]byte{
		[]byte(many.String() + "\r\n"),
		[]byte("From: Sender 12 <sender12@example.org>\r\nTo: Bench <bench@example.org>\r\nCc: =?utf-8?q?Ren=C3=A9e?= <renee@example.fr>\r\n" +
			"Subject: lorem ipsum 1234\r\nDate: Mon, 02 Jan 2006 15:04:05 -0700\r\nMessage-ID: <bench-1234@example.org>\r\n" +
			"In-Reply-To: <bench-1233@example.org>\r\nReferences: <bench-617@example.org> <bench-1233@example.org>\r\n\r\n"),
		[]byte("References: <a@x>\r\n <b@y>\r\n\t<c@z>\r\n\r\n"),  // folded
		[]byte("references:<a@x><b@y>\r\n\r\n"),                   // no spaces, lower case
		[]byte("REFERENCES : <a@x>\r\n"),                          // no blank line
		[]byte("References: <a b@x> <@> <> <<c@z>> <d@w\r\n\r\n"), // broken ids are skipped
		[]byte("References: <caf\xe9@x> <nul\x00@y>\r\n\r\n"),     // 8-bit and NUL bytes
		[]byte("References: <a\fb@x> <c@y>\r\n\r\n"),              // a form feed is white space
		[]byte("Message-ID: <a@x>\r\nMessage-Id: <b@y>\r\n\r\n"),  // the first field only
		[]byte("Message-ID: bare@example.org\r\nIn-Reply-To: not an id\r\n\r\n"),
		[]byte("\r\n"),
		[]byte(""),
		[]byte("Subject: a\r\n  \r\n b\r\n\r\nSubject: after the header\r\n"),
		[]byte(" Subject: starts with a space\r\n"),
		[]byte("Subject a line without a colon\r\nFrom: a@b\r\n"),
		[]byte("Subject: a lone \r in it\r\n"),
		[]byte("Sub ject: a space in a name\r\nSubject: x\r\n"),
		[]byte(": an empty name\r\nSubject: x\r\n"),
		[]byte("Subject: bare\nFrom: lf@example.org\n\n"),
		[]byte("Date: 2 Jan 2006 15:04 +0100\r\n"),
		[]byte("Date: Sun, 29 Feb 2004 23:59:59 -1200\r\n"),
		[]byte("Date: Mon, 29 Feb 2005 10:00:00 +0000\r\n"), // no such day
		[]byte("Date: Mon, 2 Jan 06 15:04:05 GMT\r\n"),
		[]byte("Date: Mon,  2  Jan  2006  15:04:05  -0700  (MST)\r\n"),
		[]byte("From: \"Doe, John\" <john@example.org>, <bare@example.org>,, x@y.z\r\n"),
		[]byte("To: J.R. Doe <jr@example.org>, undisclosed-recipients:;\r\nCc: a@b (comment), \"q\\\"uote\" <q@x>\r\n"),
		[]byte("To: Ünïcode <u@example.org>, <a@[127.0.0.1]>, a @b, <a@b >, a@b<c@d>\r\n"),
	}
	for _, glob := range []string{"../testdata/hostile/*.eml", "../testdata/demo/*/*.eml"} {
		files, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
				b = b[:i+4]
			} else if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
				b = b[:i+2]
			}
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// TestHeaderFieldsMatchAHeaderParse: the summary fields read by the fast
// paths are those the plain parsers read, for every header the tests know.
func TestHeaderFieldsMatchAHeaderParse(t *testing.T) {
	seeds := headerSeeds(t)
	if len(seeds) < 40 {
		t.Fatalf("only %d headers: testdata not found", len(seeds))
	}
	for _, raw := range seeds {
		checkHeaderFields(t, raw)
	}
	var m mailaccess.Message
	fillHeaderFields(&m, seeds[1])
	want := mailaccess.Message{
		Subject: "lorem ipsum 1234", SentDate: mailaccess.NewTime(time.Date(2006, 1, 2, 22, 4, 5, 0, time.UTC)),
		FromName: "Sender 12", FromAddr: "sender12@example.org", To: "Bench <bench@example.org>", Cc: "Renée <renee@example.fr>",
		MessageID: "<bench-1234@example.org>", InReplyTo: "<bench-1233@example.org>",
		References: "<bench-617@example.org> <bench-1233@example.org>",
	}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("got %+v\nwant %+v", m, want)
	}
	// An id without its angle brackets is kept, as the server's envelope
	// kept it; text that is no id is not.
	m = mailaccess.Message{}
	fillHeaderFields(&m, []byte("Message-ID: bare@example.org\r\nIn-Reply-To: not an id\r\n\r\n"))
	if m.MessageID != "<bare@example.org>" || m.InReplyTo != "" {
		t.Fatalf("message id %q, in reply to %q", m.MessageID, m.InReplyTo)
	}
}

func FuzzHeaderFields(f *testing.F) {
	for _, raw := range headerSeeds(f) {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkHeaderFields(t, raw)
	})
}

// FuzzParseDate: what the fast path accepts, net/mail parses to the same
// instant.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"Mon, 02 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04 +0100", " Tue,  3 Feb 2009 01:02:03 +0000  ",
		"Sun, 29 Feb 2004 23:59:59 -1200", "Mon, 29 Feb 2005 10:00:00 +0000", "Mon, 2 Jan 06 15:04:05 GMT",
		"Mon, 2 Jan 2006 24:00:00 +0000", "Mon, 2 Jan 2006 15:04:05 -0700 (MST)", "Xyz, 2 Jan 2006 15:04:05 +0000",
		"Mon,2 Jan 2006 15:04:05 +0000", "Mon, 012 Jan 2006 15:04:05 +0000", "Mon, 2 jan 2006 15:04:05 +0000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseCommonDate(s)
		if !ok {
			return
		}
		want, err := mail.ParseDate(s)
		if err != nil || !got.Equal(want) {
			t.Fatalf("parseCommonDate(%q) = %v; net/mail: %v, %v", s, got, want, err)
		}
	})
}

// FuzzSimpleAddressList: what the fast path accepts, net/mail's parser
// reads as the same addresses.
func FuzzSimpleAddressList(f *testing.F) {
	for _, s := range []string{
		"a@b.c", "Name <a@b.c>", "\"Doe, John\" <j@x.y>, b@c", ", a@b ,, c@d ,", "<a@b>", "A B  C <a.b@c.d>",
		"\"\" <a@b>", "\"A\"B <a@b>", "a@b <c@d>", "a@b<c@d>", "a @b", "a@ b", "<a@b >", "< a@b>", "J.R. <a@b>",
		"a..b@c", ".a@b", "a@b.", "x", ",", "Name", "Name <>", "\"unclosed <a@b>", "a@b, (c)", "a\t@b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseSimpleAddressList(s)
		if !ok {
			return
		}
		want, err := addressParser.ParseList(s)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("parseSimpleAddressList(%q) = %v; net/mail: %v, %v", s, got, want, err)
		}
	})
}

// TestParseSimpleAddressList covers what the fast path must accept (the
// fuzz target only checks what it accepts) and what it leaves to net/mail.
func TestParseSimpleAddressList(t *testing.T) {
	for s, want := range map[string][]*mail.Address{
		"a@b.c":                        {{Address: "a@b.c"}},
		"Sender 12 <sender12@ex.org>":  {{Name: "Sender 12", Address: "sender12@ex.org"}},
		`"Doe, John" <j@x.y>, <b@c.d>`: {{Name: "Doe, John", Address: "j@x.y"}, {Address: "b@c.d"}},
	} {
		if got, ok := parseSimpleAddressList(s); !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("parseSimpleAddressList(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"=?utf-8?q?Ren=C3=A9e?= <r@x.fr>", "a@b (c)", "Ünï <u@x.org>", "team: a@b;", ""} {
		if got, ok := parseSimpleAddressList(s); ok {
			t.Errorf("parseSimpleAddressList(%q) = %v, want it left to net/mail", s, got)
		}
	}
}

// BenchmarkHeaderFields measures the summary's header parse of a usual
// message; BenchmarkHeaderFields/plain is the same with the standard
// parsers.
func BenchmarkHeaderFields(b *testing.B) {
	raw := headerSeeds(b)[1]
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m mailaccess.Message
			fillHeaderFields(&m, raw)
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			headerOracle(raw)
		}
	})
}

func TestParseCommonDate(t *testing.T) {
	for s, want := range map[string]time.Time{
		"Mon, 02 Jan 2006 15:04:05 -0700":   time.Date(2006, 1, 2, 22, 4, 5, 0, time.UTC),
		" 2 Jan 2006 15:04 +0130 ":          time.Date(2006, 1, 2, 13, 34, 0, 0, time.UTC),
		"Sun,  29 Feb 2004  23:59:59 +0000": time.Date(2004, 2, 29, 23, 59, 59, 0, time.UTC),
	} {
		if got, ok := parseCommonDate(s); !ok || !got.Equal(want) {
			t.Errorf("parseCommonDate(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"Mon, 29 Feb 2005 10:00:00 +0000", "Mon, 2 Jan 06 15:04:05 GMT", "Mon, 2 Jan 2006 15:04:05 -0700 (MST)", ""} {
		if got, ok := parseCommonDate(s); ok {
			t.Errorf("parseCommonDate(%q) = %v, want it left to net/mail", s, got)
		}
	}
}
