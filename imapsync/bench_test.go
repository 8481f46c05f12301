package imapsync_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// BenchmarkNoChangeResync is what a worker does most: resync a large folder
// that did not change, in a process that stays up (warm connection pool,
// warm database). DESIGN.md goal: under 10 ms at 100,000 messages.
// MAILACCESS_BENCH_MESSAGES sets the folder's size (default 100000).
func BenchmarkNoChangeResync(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("MAILACCESS_BENCH_MESSAGES")); err == nil && v > 0 {
		n = v
	}
	srv := testenv.IMAP(b)
	user := srv.NewUser(b)
	seedInbox(b, srv, user, n)
	for _, d := range []mailaccess.Dialect{mailaccess.SQLite, mailaccess.Postgres} {
		b.Run(fmt.Sprintf("%s/%d", d, n), func(b *testing.B) {
			ctx := context.Background()
			url := "sqlite:" + filepath.Join(b.TempDir(), "cache.db")
			if d == mailaccess.Postgres {
				url = testenv.PostgresDB(b)
			}
			store, err := mailaccess.Open(ctx, url, mailaccess.Options{Migrate: true})
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			acc, err := store.UpsertAccount(ctx, user, []byte("unused"))
			if err != nil {
				b.Fatal(err)
			}
			syncer := func() *imapsync.Syncer {
				return imapsync.New(imapsync.Config{Address: srv.Addr, TLS: "none"}, store,
					func(context.Context, int64) (string, string, error) { return user, srv.Password, nil }, nil)
			}
			// The initial sync runs on a syncer of its own, as it would in
			// another worker's pass long before: on Dovecot the session
			// that fetched a freshly written 100,000-message Maildir for
			// the first time rereads it at each later SELECT (55-65 ms),
			// which a fresh session does not (0.3-3 ms).
			first := syncer()
			if res, err := first.SyncMailbox(ctx, acc.ID, "INBOX", nil); err != nil || res.Added != n {
				b.Fatalf("initial sync: %+v, %v", res, err)
			}
			first.Close()
			s := syncer()
			defer s.Close()
			if _, err := s.SyncMailbox(ctx, acc.ID, "INBOX", nil); err != nil { // logs in
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				res, err := s.SyncMailbox(ctx, acc.ID, "INBOX", nil)
				if err != nil {
					b.Fatal(err)
				}
				if res.Added+res.Updated+res.Vanished != 0 || res.Messages != n {
					b.Fatalf("a no-change resync changed something: %+v", res)
				}
			}
		})
	}
}

// seedInbox writes n small messages straight into the user's INBOX Maildir
// (APPEND would take minutes at 100,000).
func seedInbox(b *testing.B, srv *testenv.DovecotServer, user string, n int) {
	b.Helper()
	// Logging in once creates the Maildir.
	c, err := imapclient.DialInsecure(srv.Addr, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Login(user, srv.Password).Wait(); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		b.Fatal(err)
	}
	c.Logout().Wait()
	c.Close()
	dir := filepath.Join(srv.MaildirOf(user), "cur")
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	text := strings.Repeat("A line of text to give the message a realistic size.\r\n", 30)
	for i := 1; i <= n; i++ {
		date := base.Add(time.Duration(i) * 7 * time.Minute)
		raw := fmt.Sprintf("From: Sender %d <s%d@example.org>\r\nTo: %s@example.org\r\nSubject: Message %d\r\nDate: %s\r\nMessage-ID: <m%d@example.org>\r\n\r\n%s",
			i%97, i%97, user, i, date.Format(time.RFC1123Z), i, text)
		name := filepath.Join(dir, fmt.Sprintf("%d.M%dP1.bench,S=%d:2,", date.Unix(), i, len(raw)))
		if i%3 == 0 {
			name += "S"
		}
		if err := os.WriteFile(name, []byte(raw), 0o600); err != nil {
			b.Fatal(err)
		}
		os.Chtimes(name, date, date) // Maildir's INTERNALDATE
	}
	if err := srv.ChownMail(filepath.Join(srv.MaildirOf(user), "..")); err != nil {
		b.Fatal(err)
	}
	// A warm index and cache, as DESIGN.md's anchors assume: Dovecot reads
	// the new Maildir once.
	c, err = imapclient.DialInsecure(srv.Addr, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, srv.Password).Wait(); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		b.Fatal(err)
	}
	all := imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}
	if err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, RFC822Size: true, Envelope: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}).Close(); err != nil {
		b.Fatal(err)
	}
}
