package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// benchMessages is the folder size of the page benchmarks (the design's 100k).
const benchMessages = 100_000

// noIMAP stands in for the IMAP side: the benchmarks measure pages served
// from the cache, which must not need the server.
type noIMAP struct{}

func (noIMAP) Login(ctx context.Context, _, _ string, accepted func(context.Context) (int64, error)) ([]mailaccess.Mailbox, error) {
	_, err := accepted(ctx)
	return nil, err
}
func (noIMAP) SyncFolders(context.Context, int64) ([]mailaccess.Mailbox, error) {
	return nil, nil
}
func (noIMAP) FetchBody(context.Context, int64, int64) ([]byte, bool, error) {
	return nil, false, fmt.Errorf("benchmark: body not cached")
}
func (noIMAP) OpenBody(context.Context, int64, mailaccess.Message, mailaccess.Mailbox) ([]byte, bool, error) {
	return nil, false, fmt.Errorf("benchmark: body not cached")
}
func (noIMAP) Watch(ctx context.Context, _ int64, _ string, _ func()) error {
	<-ctx.Done()
	return ctx.Err()
}
func (noIMAP) MarkSeen(context.Context, int64, mailaccess.Message, mailaccess.Mailbox) error {
	return nil
}
func (noIMAP) StoreFlags(context.Context, int64, int64, []mailaccess.UID, []string, bool) error {
	return nil
}
func (noIMAP) Move(context.Context, int64, int64, []mailaccess.UID, string) error { return nil }
func (noIMAP) Expunge(context.Context, int64, int64, []mailaccess.UID) error      { return nil }
func (noIMAP) SearchServer(context.Context, int64, int64, []string) ([]mailaccess.UID, error) {
	return nil, nil
}
func (noIMAP) SyncMailbox(context.Context, int64, string) (mailaccess.Job, error) {
	return mailaccess.Job{}, nil
}
func (noIMAP) LatestSync(context.Context, int64, string) (mailaccess.Job, error) {
	return mailaccess.Job{}, mailaccess.ErrNotFound
}
func (noIMAP) Status(context.Context) (mailaccess.DispatchStatus, error) {
	return mailaccess.DispatchStatus{}, nil
}
func (noIMAP) Seal(p, _ string) []byte { return []byte(p) }

var words = []string{"budget", "invoice", "meeting", "report", "travel", "release", "review", "contract", "holiday",
	"quarterly", "server", "migration", "réunion", "Rechnung", "proposal", "deadline", "coffee", "update", "design", "incident"}

type benchSite struct {
	handler http.Handler
	cookie  *http.Cookie
	mailbox int64
	ids     []int64
	cursors []string
}

// newBenchSite fills a cache with one folder of benchMessages messages
// (bodies cached for 500 of them) and returns the web handler with a session.
func newBenchSite(b *testing.B, d mailaccess.Dialect) *benchSite {
	b.Helper()
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(b.TempDir(), "bench.db")
	if d == mailaccess.Postgres {
		url = testenv.PostgresDB(b)
	}
	store, err := mailaccess.Open(ctx, url, mailaccess.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	acc, _ := store.UpsertAccount(ctx, "bench", []byte("x"))
	mb, _ := store.UpsertMailbox(ctx, mailaccess.Mailbox{AccountID: acc.ID, Name: "INBOX", Role: mailaccess.RoleInbox, Delimiter: "/"})
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	for from := 1; from <= benchMessages; from += 2000 {
		batch := make([]mailaccess.Message, 0, 2000)
		for u := from; u < from+2000 && u <= benchMessages; u++ {
			w1, w2, w3 := words[rng.IntN(len(words))], words[rng.IntN(len(words))], words[rng.IntN(len(words))]
			m := mailaccess.Message{UID: mailaccess.UID(u), InternalDate: mailaccess.NewTime(base.Add(time.Duration(u) * 17 * time.Minute)),
				Size: int64(2000 + rng.IntN(30000)), Subject: fmt.Sprintf("%s %s — %s #%d", w1, w2, w3, u),
				FromName: fmt.Sprintf("Sender %d", rng.IntN(500)), FromAddr: fmt.Sprintf("s%d@example.org", rng.IntN(500)),
				To: "Alex <alex@example.org>", MessageID: fmt.Sprintf("<%d@example.org>", u),
				Preview: fmt.Sprintf("Hello, about the %s and the %s: please have a look before %s.", w2, w3, w1)}
			m.SetFlags([]string{`\Seen`})
			batch = append(batch, m)
		}
		if err := store.StoreMessages(ctx, acc.ID, mb.ID, batch, batch[len(batch)-1].UID); err != nil {
			b.Fatal(err)
		}
	}
	store.SaveMailboxState(ctx, acc.ID, mb.ID, mailaccess.MailboxState{UIDNext: benchMessages + 1})
	store.Analyze(ctx) // as the sync handler does after a large initial sync
	b.Logf("%s: %d messages stored in %v", d, benchMessages, time.Since(start).Round(time.Millisecond))
	site := &benchSite{mailbox: mb.ID}
	// Cursors spread over the whole folder, and messages with cached bodies.
	var after *mailaccess.Cursor
	for len(site.ids) < 500 {
		page, more, err := store.ListMessages(ctx, acc.ID, mb.ID, after, 100)
		if err != nil || !more {
			b.Fatal(err)
		}
		last := page[len(page)-1]
		site.cursors = append(site.cursors, formatCursor(last))
		for _, m := range page[:1] {
			site.ids = append(site.ids, m.ID)
			raw := fmt.Sprintf("From: %s <%s>\r\nSubject: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", m.FromName, m.FromAddr, m.Subject, m.Preview)
			store.PutMessageBody(ctx, acc.ID, m.ID, []byte(raw), false)
		}
		after = &mailaccess.Cursor{Date: last.InternalDate, UID: last.UID}
	}
	srv, err := New(Config{RefreshAfter: time.Hour}, store, noIMAP{}, noIMAP{}, noIMAP{}, noIMAP{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	token := "bench-session-token"
	store.CreateSession(ctx, hashToken(token), acc.ID, time.Now().Add(time.Hour))
	site.handler = srv.Handler()
	site.cookie = &http.Cookie{Name: sessionCookie, Value: token}
	return site
}

// measure serves b.N requests made by next and reports p50/p99 in ms.
func (site *benchSite) measure(b *testing.B, next func(i int) string) {
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		req := httptest.NewRequest("GET", next(i), nil)
		req.AddCookie(site.cookie)
		rec := httptest.NewRecorder()
		t0 := time.Now()
		site.handler.ServeHTTP(rec, req)
		lat = append(lat, time.Since(t0))
		if rec.Code != 200 {
			b.Fatalf("GET %s: %d", req.URL, rec.Code)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkPages measures, server-side, the pages of a 100,000-message
// folder on both databases: the message list (first page and pages deep in
// the folder), opening a cached message, and a search.
func BenchmarkPages(b *testing.B) {
	for _, d := range []mailaccess.Dialect{mailaccess.SQLite, mailaccess.Postgres} {
		site := newBenchSite(b, d)
		rng := rand.New(rand.NewPCG(3, 4))
		b.Run(string(d)+"/list", func(b *testing.B) {
			site.measure(b, func(i int) string {
				if i%2 == 0 {
					return fmt.Sprintf("/mailbox/%d", site.mailbox)
				}
				return fmt.Sprintf("/mailbox/%d?after=%s", site.mailbox, site.cursors[rng.IntN(len(site.cursors))])
			})
		})
		b.Run(string(d)+"/open", func(b *testing.B) {
			site.measure(b, func(i int) string { return fmt.Sprintf("/message/%d", site.ids[rng.IntN(len(site.ids))]) })
		})
		b.Run(string(d)+"/search", func(b *testing.B) {
			site.measure(b, func(i int) string {
				return fmt.Sprintf("/search?q=%s+%s", words[rng.IntN(len(words))], words[rng.IntN(len(words))][:4])
			})
		})
	}
}
