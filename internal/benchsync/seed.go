package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/internal/testenv"
)

// avgSize is the average message size of the last seed, in bytes.
var avgSize int

var words = []string{"meeting", "report", "budget", "release", "review", "schedule", "invoice", "draft",
	"project", "update", "question", "answer", "notes", "team", "customer", "server", "deadline", "lunch",
	"the", "a", "of", "to", "and", "in", "for", "on", "with", "this", "that", "we", "you", "please"}

func sentence(r *rand.Rand, n int) string {
	var b bytes.Buffer
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

func text(r *rand.Rand, size int) string {
	var b bytes.Buffer
	for b.Len() < size {
		b.WriteString(sentence(r, 8+r.IntN(8)))
		b.WriteString(".\r\n")
	}
	return b.String()
}

func attachment(r *rand.Rand, size int) string {
	raw := make([]byte, size)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(raw)
	var b bytes.Buffer
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.String()
}

// message returns message i of the deterministic mailbox: half plain text,
// a third multipart/alternative, the rest with attachments (about 20 KB on
// average).
func message(r *rand.Rand, i int, date time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Sender %d <sender%d@example.org>\r\nTo: Bench <bench@example.org>\r\n", i%97, i%97)
	if i%5 == 0 {
		fmt.Fprintf(&b, "Cc: =?utf-8?q?Ren=C3=A9e?= <renee@example.fr>\r\n")
	}
	fmt.Fprintf(&b, "Subject: %s %d\r\nDate: %s\r\nMessage-ID: <bench-%d@example.org>\r\n", sentence(r, 5), i, date.Format(time.RFC1123Z), i)
	if i > 1 && i%3 == 0 {
		fmt.Fprintf(&b, "In-Reply-To: <bench-%d@example.org>\r\nReferences: <bench-%d@example.org> <bench-%d@example.org>\r\n", i-1, i/2, i-1)
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	switch k := r.IntN(100); {
	case k < 50:
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n")
		b.WriteString(text(r, 1000+r.IntN(5000)))
	case k < 80:
		b.WriteString("Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
		t := text(r, 1500+r.IntN(4000))
		b.WriteString(t)
		b.WriteString("--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>")
		b.WriteString(t)
		b.WriteString("</p></body></html>\r\n--alt--\r\n")
	default:
		size := 20000 + r.IntN(25000)
		if k >= 95 {
			size = 80000 + r.IntN(70000)
		}
		b.WriteString("Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\nThis is a multi-part message in MIME format.\r\n--mix\r\n" +
			"Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
		t := text(r, 500+r.IntN(2000))
		b.WriteString(t)
		b.WriteString("--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>")
		b.WriteString(t)
		b.WriteString("</p>\r\n--alt--\r\n--mix\r\n")
		fmt.Fprintf(&b, "Content-Type: application/pdf; name=\"doc-%d.pdf\"\r\nContent-Disposition: attachment; filename=\"doc-%d.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", i, i)
		b.WriteString(attachment(r, size))
		b.WriteString("--mix--\r\n")
	}
	return b.Bytes()
}

// seed creates user's INBOX with n messages written straight into its
// Maildir (cur/, a third of them seen), then hands them to Dovecot.
func seed(dc *testenv.Dovecot, user string, n int) error {
	c, err := imapclient.DialInsecure(dc.Addr, nil)
	if err != nil {
		return err
	}
	if err := c.Login(user, dc.Password).Wait(); err != nil {
		return err
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		return err
	}
	c.Logout().Wait()
	c.Close()
	dir := filepath.Join(dc.MaildirOf(user), "cur")
	r := rand.New(rand.NewPCG(42, uint64(n)))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	total := 0
	for i := 1; i <= n; i++ {
		date := base.Add(time.Duration(i) * 7 * time.Minute)
		raw := message(r, i, date)
		total += len(raw)
		flags := ""
		if i%3 == 0 {
			flags = "S"
		}
		name := filepath.Join(dir, fmt.Sprintf("%d.M%dP1.bench,S=%d:2,%s", date.Unix(), i, len(raw), flags))
		if err := os.WriteFile(name, raw, 0o600); err != nil {
			return err
		}
		os.Chtimes(name, date, date)
	}
	avgSize = total / n
	return dc.ChownMail(dc.MaildirOf(user))
}
