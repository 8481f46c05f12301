package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/internal/testenv"
)

// corpus holds pre-generated text and attachment data that messages take
// slices of, so seeding 200,000 messages costs little more than writing them.
type corpus struct {
	text       string // lines of words ending in CRLF
	lineStarts []int  // offsets of the lines of text
	attach     string // base64 lines of 76 characters + CRLF
}

var words = strings.Fields(`meeting report budget release review schedule invoice draft project update
question answer notes team customer server deadline lunch quarterly planning roadmap migration backup
contract offer travel expenses holiday conference agenda minutes feedback design prototype launch
the a of to and in for on with this that we you please could would should will next last week month
Monday Tuesday Friday morning afternoon thanks regards attached see below above let me know`)

func newCorpus(seed uint64) *corpus {
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	c := &corpus{}
	for b.Len() < 512<<10 {
		c.lineStarts = append(c.lineStarts, b.Len())
		n := 6 + r.IntN(10)
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		b.WriteString(".\r\n")
	}
	c.text = b.String()
	raw := make([]byte, 96<<10)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(raw)
	var a strings.Builder
	for len(enc) >= 76 {
		a.WriteString(enc[:76])
		a.WriteString("\r\n")
		enc = enc[76:]
	}
	c.attach = a.String()
	return c
}

// textOf returns about size bytes of whole lines starting at a random line.
func (c *corpus) textOf(r *rand.Rand, size int) string {
	i := r.IntN(len(c.lineStarts) / 2)
	start := c.lineStarts[i]
	end := start + size
	if end >= len(c.text) {
		end = len(c.text) - 1
	}
	// extend to the end of the line
	if j := strings.Index(c.text[end:], "\r\n"); j >= 0 {
		end += j + 2
	}
	return c.text[start:end]
}

// attachOf returns about size bytes of base64 lines.
func (c *corpus) attachOf(r *rand.Rand, size int) string {
	lines := size / 78
	if lines < 1 {
		lines = 1
	}
	total := len(c.attach) / 78
	start := r.IntN(total - lines)
	return c.attach[start*78 : (start+lines)*78]
}

// message returns message i of a user's deterministic INBOX: about half
// plain text, a quarter multipart/alternative, a quarter multipart/mixed
// with a PDF attachment; 2–30 KB.
func (c *corpus) message(r *rand.Rand, user string, i int, date time.Time) []byte {
	var b bytes.Buffer
	b.Grow(32 << 10)
	s := i % 89
	fmt.Fprintf(&b, "Return-Path: <sender%d@example.org>\r\n", s)
	fmt.Fprintf(&b, "From: Sender %d <sender%d@example.org>\r\nTo: %s <%s@example.org>\r\n", s, s, user, user)
	if i%7 == 0 {
		b.WriteString("Cc: =?utf-8?q?Ren=C3=A9e_Dupr=C3=A9?= <renee@example.fr>, Bob <bob@example.com>\r\n")
	}
	subj := make([]string, 3+r.IntN(5))
	for k := range subj {
		subj[k] = words[r.IntN(len(words))]
	}
	fmt.Fprintf(&b, "Subject: %s (#%d)\r\n", strings.Join(subj, " "), i)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <load-%d-%s@example.org>\r\n", date.Format(time.RFC1123Z), i, user)
	if i > 1 && i%4 == 0 {
		fmt.Fprintf(&b, "In-Reply-To: <load-%d-%s@example.org>\r\nReferences: <load-%d-%s@example.org>\r\n", i-1, user, i-1, user)
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	switch k := r.IntN(100); {
	case k < 50:
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
		b.WriteString(c.textOf(r, 1200+r.IntN(9000)))
	case k < 75:
		t := c.textOf(r, 1000+r.IntN(6000))
		b.WriteString("Content-Type: multipart/alternative; boundary=\"=_alt\"\r\n\r\n--=_alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
		b.WriteString(t)
		b.WriteString("--=_alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>")
		b.WriteString(strings.ReplaceAll(t, "\r\n", "</p>\r\n<p>"))
		b.WriteString("</p></body></html>\r\n--=_alt--\r\n")
	default:
		b.WriteString("Content-Type: multipart/mixed; boundary=\"=_mix\"\r\n\r\nThis is a multi-part message in MIME format.\r\n--=_mix\r\n")
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n")
		b.WriteString(c.textOf(r, 400+r.IntN(2500)))
		b.WriteString("--=_mix\r\n")
		fmt.Fprintf(&b, "Content-Type: application/pdf; name=\"doc-%d.pdf\"\r\nContent-Disposition: attachment; filename=\"doc-%d.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", i, i)
		b.WriteString(c.attachOf(r, 4000+r.IntN(20000)))
		b.WriteString("--=_mix--\r\n")
	}
	return b.Bytes()
}

type seedStats struct {
	Users    int           `json:"users"`
	Messages int           `json:"messages_per_user"`
	Bytes    int64         `json:"bytes_total"`
	Took     time.Duration `json:"-"`
	TookMS   int64         `json:"took_ms"`
}

// seedAll creates every user's INBOX with n messages written straight into
// its Maildir, hands the files to Dovecot's mail account and, if warm, has
// Dovecot index them and cache their metadata, so that every mode meets the
// same (warm) IMAP server.
func seedAll(ctx context.Context, dc *testenv.DovecotServer, users []string, n int, seed uint64, warm bool) (seedStats, error) {
	start := time.Now()
	c := newCorpus(seed)
	var (
		mu    sync.Mutex
		total int64
		first error
	)
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for ui, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			b, err := seedUser(ctx, dc, c, u, ui, n, seed, warm)
			mu.Lock()
			defer mu.Unlock()
			total += b
			if err != nil && first == nil {
				first = fmt.Errorf("seed %s: %w", u, err)
			}
		}()
	}
	wg.Wait()
	st := seedStats{Users: len(users), Messages: n, Bytes: total, Took: time.Since(start)}
	st.TookMS = st.Took.Milliseconds()
	return st, first
}

func imapLogin(dc *testenv.DovecotServer, user string) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(dc.Addr, nil)
	if err != nil {
		return nil, err
	}
	if err := c.Login(user, dc.Password).Wait(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func seedUser(ctx context.Context, dc *testenv.DovecotServer, c *corpus, user string, ui, n int, seed uint64, warm bool) (int64, error) {
	// A first login makes Dovecot create the user's mailbox tree.
	cl, err := imapLogin(dc, user)
	if err != nil {
		return 0, err
	}
	if _, err := cl.Select("INBOX", nil).Wait(); err != nil {
		cl.Close()
		return 0, err
	}
	cl.Logout().Wait()
	cl.Close()

	host, _ := os.Hostname()
	if host == "" {
		host = "loadtest"
	}
	dir := filepath.Join(dc.MaildirOf(user), "cur")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	r := rand.New(rand.NewPCG(seed, uint64(ui)+1))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var total int64
	for i := 1; i <= n; i++ {
		if i%500 == 0 && ctx.Err() != nil {
			return total, ctx.Err()
		}
		date := base.Add(time.Duration(i)*53*time.Minute + time.Duration(r.IntN(3000))*time.Second)
		raw := c.message(r, user, i, date)
		total += int64(len(raw))
		flags := "S"
		if i%3 == 0 || i > n-n/20 {
			flags = "" // a third, and the newest 5%, unread
		}
		name := filepath.Join(dir, fmt.Sprintf("%d.M%dP1.%s,S=%d:2,%s", date.Unix(), i, host, len(raw), flags))
		if err := os.WriteFile(name, raw, 0o600); err != nil {
			return total, err
		}
		if err := os.Chtimes(name, date, date); err != nil {
			return total, err
		}
	}
	if err := dc.ChownMail(dc.MaildirOf(user)); err != nil {
		return total, err
	}
	if warm {
		if err := warmUser(dc, user, n); err != nil {
			return total, fmt.Errorf("warm: %w", err)
		}
	}
	return total, nil
}

// warmUser selects INBOX (Dovecot indexes the new files) and fetches the
// metadata a sync asks for, so that Dovecot's cache is equally warm for
// every mode.
func warmUser(dc *testenv.DovecotServer, user string, n int) error {
	cl, err := imapLogin(dc, user)
	if err != nil {
		return err
	}
	defer cl.Close()
	sel, err := cl.Select("INBOX", nil).Wait()
	if err != nil {
		return err
	}
	if int(sel.NumMessages) != n {
		return fmt.Errorf("INBOX has %d messages, want %d", sel.NumMessages, n)
	}
	var all imap.UIDSet
	all.AddRange(1, 0)
	opts := &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, RFC822Size: true, Envelope: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}
	if _, err := cl.Fetch(all, opts).Collect(); err != nil {
		return err
	}
	return cl.Logout().Wait()
}
