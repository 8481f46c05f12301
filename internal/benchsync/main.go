// Command benchsync measures the sync engine side by side with its floors
// and with mbsync (Debian's isync), on one deterministic mailbox in a
// throwaway Dovecot and PostgreSQL (`make bench-sync`, N=100000 for the full
// run). Every measured client runs as its own process, so each figure
// includes process start, like the anchors of DESIGN.md section 5.
//
// Stages: the raw metadata FETCH read to the end by a minimal client (the
// floor), connect+LOGIN+SELECT+LOGOUT (the floor of any fresh resync),
// mbsync full sync / no-change resync / resync after 100 flag changes and
// 100 expunges, and ours (the real `mailaccess sync -mailbox INBOX`, built
// as `make build` builds it, or the binary given with -mailaccess; and
// mailaccess-sync, or -mailaccess-sync, for the no-change resyncs) initial /
// no-change / after the same changes, on SQLite and PostgreSQL; the
// no-change resync of the whole account (`mailaccess sync` without
// -mailbox: INBOX and four empty folders), both no-change resyncs again
// with mailaccess-sync (the same command in the lean binary for cron
// jobs); and a worker's no-change resync
// on a logged-in connection (-child warm, in one process). Resyncs are
// timed on a settled server (a fresh SELECT fast again after a full sync or
// the changes, up to 30 s), as the anchors assume a warm index. Our
// no-change resyncs run in turns with the login floor (best of 7 each), so
// that the goal "within 20 ms of the floor" compares runs that met the same
// server and machine. The resyncs after changes run in 10 rounds, each
// after 100 other flag changes and expunges, mbsync and ours in each round
// (mailaccess and mailaccess-sync in turns); each row is the median of its
// rounds.
// After the last stage the cache is compared with the server
// (imapsync.Check) and any drift is reported.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	_ "github.com/lib/pq"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchsync:", err)
		os.Exit(1)
	}
}

type options struct {
	n          int
	child      string
	addr, user string
	pass, db   string
	batch      int
	keep       bool
	stages     string
	serve      bool
	shift      int
	bin        string
	syncBin    string
}

func run() error {
	var o options
	flag.IntVar(&o.n, "n", 10000, "messages in the benchmark mailbox")
	flag.StringVar(&o.child, "child", "", "internal: run one measured client (raw, rawflags, rawrefs, rawtext, rawours, floor, warm, change)")
	flag.StringVar(&o.addr, "addr", "", "internal: IMAP address")
	flag.StringVar(&o.user, "user", "", "internal: IMAP user")
	flag.StringVar(&o.pass, "pass", "", "internal: IMAP password")
	flag.StringVar(&o.db, "db", "", "internal: database URL")
	flag.StringVar(&o.bin, "mailaccess", "", "the mailaccess binary to measure (default: build ./cmd/mailaccess as `make build` does)")
	flag.StringVar(&o.syncBin, "mailaccess-sync", "", "the mailaccess-sync binary to measure (default: build ./cmd/mailaccess-sync as `make build` does)")
	flag.IntVar(&o.batch, "batch", 0, "sync batch size (0: the default)")
	flag.BoolVar(&o.keep, "keep", false, "keep the servers' directory")
	flag.BoolVar(&o.serve, "serve", false, "seed the mailbox, print how to run single stages against it, and keep the servers until interrupted")
	flag.IntVar(&o.shift, "shift", 0, "internal: -child change touches other messages for each shift")
	flag.StringVar(&o.stages, "stages", "raw,mbsync,sqlite,postgres", "stage groups to run, comma-separated (raw, mbsync, sqlite, postgres); fewer for quicker iterations")
	flag.Parse()
	ctx := context.Background()
	switch o.child {
	case "raw":
		return rawFetch(o, "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
	case "rawflags":
		return rawFetch(o, "UID FETCH 1:* (UID FLAGS)")
	case "floor":
		return rawFetch(o, "")
	case "rawrefs":
		return rawFetch(o, "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (References)])")
	case "rawtext":
		return rawFetch(o, "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY.PEEK[TEXT]<0.2048>)")
	case "rawours":
		// What our engine asks for in an initial sync, read by the
		// minimal client: the header fields of every message's summary
		// (imapsync's summaryFields, in place of the ENVELOPE), and the
		// first body bytes (previews) of the newest PreviewRecent only
		// (the seeded UIDs are 1..n).
		items := "UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (Date From To Cc Reply-To Subject Message-Id In-Reply-To References)]"
		recent := fmt.Sprintf("(%s BODY.PEEK[TEXT]<0.2048>)", items)
		split := o.n - imapsync.DefaultPreviewRecent
		if split <= 0 {
			return rawFetch(o, "UID FETCH 1:* "+recent)
		}
		return rawFetch(o, fmt.Sprintf("UID FETCH 1:%d (%s)", split, items), fmt.Sprintf("UID FETCH %d:* %s", split+1, recent))
	case "warm":
		return warm(ctx, o)
	case "change":
		// 100 flag changes and 100 expunges, for -serve runs.
		return change(&testenv.Dovecot{Addr: o.addr, Password: o.pass}, o.user, o.n, o.shift)
	case "":
		return bench(ctx, o)
	}
	return fmt.Errorf("unknown -child %q", o.child)
}

// ---- the measured clients ----

// rawFetch is the minimal client: LOGIN, SELECT, one command read to its
// tagged end (literals skipped by length), LOGOUT.
func rawFetch(o options, commands ...string) error {
	c, err := net.Dial("tcp", o.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	r := bufio.NewReaderSize(c, 1<<16)
	if _, err := r.ReadSlice('\n'); err != nil {
		return err
	}
	do := func(tag, cmd string) (int, error) {
		if _, err := fmt.Fprintf(c, "%s %s\r\n", tag, cmd); err != nil {
			return 0, err
		}
		lines := 0
		for {
			line, err := r.ReadSlice('\n')
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				return lines, err
			}
			lines++
			if s := strings.TrimRight(string(line), "\r\n"); strings.HasSuffix(s, "}") {
				if i := strings.LastIndexByte(s, '{'); i >= 0 {
					n, _ := strconv.Atoi(strings.TrimSuffix(s[i+1:], "}"))
					if _, err := io.CopyN(io.Discard, r, int64(n)); err != nil {
						return lines, err
					}
					continue
				}
			}
			if strings.HasPrefix(string(line), tag+" ") {
				if !strings.HasPrefix(string(line), tag+" OK") {
					return lines, fmt.Errorf("%s: %s", cmd, line)
				}
				return lines, nil
			}
		}
	}
	if _, err := do("a", "LOGIN "+o.user+" "+o.pass); err != nil {
		return err
	}
	if _, err := do("b", "SELECT INBOX"); err != nil {
		return err
	}
	for i, command := range commands {
		if command == "" {
			continue
		}
		if _, err := do(fmt.Sprintf("c%d", i), command); err != nil {
			return err
		}
	}
	_, err = do("d", "LOGOUT")
	return err
}

// warm times no-change resyncs of INBOX in one process that stays up, as a
// worker runs them: the first pass (untimed) logs in and warms the caches;
// it prints the median of the next 21 passes in nanoseconds.
func warm(ctx context.Context, o options) error {
	store, err := mailaccess.Open(ctx, o.db, mailaccess.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	acc, err := store.AccountByUsername(ctx, o.user)
	if err != nil {
		return err
	}
	s := imapsync.New(imapsync.Config{Address: o.addr, TLS: "none"}, store,
		func(context.Context, int64) (string, string, error) { return o.user, o.pass, nil }, nil)
	var took []time.Duration
	for i := range 22 {
		start := time.Now()
		res, err := s.SyncMailbox(ctx, acc.ID, "INBOX", nil)
		if err != nil {
			return err
		}
		if res.Added+res.Updated+res.Vanished != 0 {
			return fmt.Errorf("a no-change resync changed something: %+v", res)
		}
		if i > 0 {
			took = append(took, time.Since(start))
		}
	}
	slices.Sort(took)
	fmt.Println(int64(took[len(took)/2]))
	return nil
}

// ---- the harness ----

type row struct {
	stage string
	wall  time.Duration
	rss   int64 // KiB
	msgs  int
}

// measure runs one client process and returns its wall time, its peak
// RSS in KiB and its output. The peak is VmHWM polled from /proc while it
// runs: the rusage of a child on Linux starts from its parent's peak.
func measure(name string, args ...string) (time.Duration, int64, string, string, error) {
	cmd := exec.Command(name, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, "", "", err
	}
	var peak atomic.Int64
	done := make(chan struct{})
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		path := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		for {
			if raw, err := os.ReadFile(path); err == nil {
				for line := range strings.SplitSeq(string(raw), "\n") {
					if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
						kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
						if kb > peak.Load() {
							peak.Store(kb)
						}
					}
				}
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	<-polled
	if err != nil {
		return wall, peak.Load(), out.String(), errb.String(), fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, tail(errb.String()))
	}
	return wall, peak.Load(), out.String(), errb.String(), nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

func bench(ctx context.Context, o options) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := testenv.TempDir("benchsync-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	build := func(given, name string) (string, error) {
		if given != "" {
			return given, nil
		}
		bin := filepath.Join(dir, name)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/"+name)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("build %s: %v: %s", name, err, out)
		}
		return bin, nil
	}
	bin, err := build(o.bin, "mailaccess")
	if err != nil {
		return err
	}
	syncBin, err := build(o.syncBin, "mailaccess-sync")
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "starting Dovecot and PostgreSQL in %s\n", dir)
	dc, err := testenv.StartDovecot(ctx, filepath.Join(dir, "dovecot"), testenv.DovecotOptions{})
	if err != nil {
		return err
	}
	defer dc.Stop()
	pg, err := testenv.StartPostgres(ctx, filepath.Join(dir, "postgres"))
	if err != nil {
		return err
	}
	defer pg.Stop()

	user := "bench"
	start := time.Now()
	if err := seed(dc, user, o.n); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "seeded %d messages in %v\n", o.n, time.Since(start).Round(time.Millisecond))
	base := []string{"-addr", dc.Addr, "-user", user, "-pass", dc.Password}
	// Warm Dovecot's index and cache, as the anchors assume.
	for range 2 {
		if _, _, _, _, err := measure(self, append([]string{"-child", "raw"}, base...)...); err != nil {
			return err
		}
	}

	if o.serve {
		fmt.Printf("Dovecot %s user %s password %s; PostgreSQL %s\n", dc.Addr, user, dc.Password, pg.URL)
		fmt.Printf("a stage: export MAILACCESS_PASSWORD=%s MAILACCESS_IMAP_ADDRESS=%s MAILACCESS_IMAP_TLS=none MAILACCESS_DATABASE_URL=sqlite:/tmp/y.db MAILACCESS_SECURITY_KEY_FILE=/tmp/y.key; %s migrate; %s sync -user %s -mailbox INBOX\n", dc.Password, dc.Addr, bin, bin, user)
		fmt.Println("  (-log.level=debug prints each folder's stage timings, -cpuprofile FILE writes a CPU profile)")
		fmt.Printf("the login floor: %s -child floor -addr %s -user %s -pass %s\n", self, dc.Addr, user, dc.Password)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		return nil
	}
	want := map[string]bool{}
	for st := range strings.SplitSeq(o.stages, ",") {
		want[strings.TrimSpace(st)] = true
	}
	var rows []row
	add := func(stage string, msgs int, name string, args ...string) (string, error) {
		wall, rss, out, errOut, err := measure(name, args...)
		if err != nil {
			return "", err
		}
		rows = append(rows, row{stage: stage, wall: wall, rss: rss, msgs: msgs})
		fmt.Fprintf(os.Stderr, "%-45s %8.3f s\n", stage, wall.Seconds())
		if os.Getenv("BENCHSYNC_DEBUG") != "" {
			fmt.Fprint(os.Stderr, errOut)
		}
		return out, nil
	}
	best := func(stage string, msgs, times int, name string, args ...string) error {
		var b row
		for i := range times {
			wall, rss, _, _, err := measure(name, args...)
			if err != nil {
				return err
			}
			if i == 0 || wall < b.wall {
				b = row{stage: stage, wall: wall, rss: rss, msgs: msgs}
			}
		}
		rows = append(rows, b)
		fmt.Fprintf(os.Stderr, "%-45s %8.3f s (best of %d)\n", stage, b.wall.Seconds(), times)
		return nil
	}
	// beside measures a fresh-process stage and the login floor in turns,
	// so that the two meet the same state of the server and the machine
	// (the floor row above is measured minutes earlier, before the full
	// syncs): the best of times runs of each, and ours minus the floor.
	beside := func(stage string, msgs, times int, name string, args []string) error {
		floorArgs := append([]string{"-child", "floor"}, base...)
		var ours, floor row
		for i := range times {
			fw, _, _, _, err := measure(self, floorArgs...)
			if err != nil {
				return err
			}
			w, rss, _, _, err := measure(name, args...)
			if err != nil {
				return err
			}
			if i == 0 || fw < floor.wall {
				floor = row{stage: "  login floor, measured in turns with it", wall: fw}
			}
			if i == 0 || w < ours.wall {
				ours = row{stage: stage, wall: w, rss: rss, msgs: msgs}
			}
		}
		rows = append(rows, ours, floor)
		fmt.Fprintf(os.Stderr, "%-45s %8.3f s (best of %d; the login floor in turns: %.3f s, %+.0f ms)\n",
			stage, ours.wall.Seconds(), times, floor.wall.Seconds(), float64(ours.wall-floor.wall)/float64(time.Millisecond))
		return nil
	}
	if err := best("raw FETCH metadata (floor)", o.n, 3, self, append([]string{"-child", "raw"}, base...)...); err != nil {
		return err
	}
	if want["raw"] {
		if err := best("raw UID FETCH 1:* (UID FLAGS)", o.n, 3, self, append([]string{"-child", "rawflags"}, base...)...); err != nil {
			return err
		}
		for _, v := range []string{"rawrefs", "rawtext"} {
			if err := best("raw FETCH metadata + "+map[string]string{"rawrefs": "References header", "rawtext": "TEXT<0.2048>"}[v], o.n, 3, self, append([]string{"-child", v}, base...)...); err != nil {
				return err
			}
		}
		if err := best("raw FETCH of what ours asks for", o.n, 3, self, append([]string{"-child", "rawours", "-n", strconv.Itoa(o.n)}, base...)...); err != nil {
			return err
		}
	}
	if err := best("connect+LOGIN+SELECT+LOGOUT (floor)", 0, 5, self, append([]string{"-child", "floor"}, base...)...); err != nil {
		return err
	}

	// mbsync
	mbDir := filepath.Join(dir, "mbsync")
	if err := os.MkdirAll(mbDir, 0o700); err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(dc.Addr)
	mbConf := filepath.Join(dir, "mbsyncrc")
	conf := fmt.Sprintf(`IMAPAccount bench
Host %s
Port %s
User %s
Pass %s
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path %s/
Inbox %s/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
SyncState *
`, host, port, user, dc.Password, mbDir, mbDir)
	if err := os.WriteFile(mbConf, []byte(conf), 0o600); err != nil {
		return err
	}
	mbsync := func(stage string, msgs int) error {
		_, err := add(stage, msgs, "mbsync", "-q", "-c", mbConf, "bench")
		return err
	}
	if want["mbsync"] {
		if err := mbsync("mbsync full sync", o.n); err != nil {
			return err
		}
		if err := settled(dc, user, "mbsync's full sync"); err != nil {
			return err
		}
		if err := best("mbsync no-change resync", o.n, 3, "mbsync", "-q", "-c", mbConf, "bench"); err != nil {
			return err
		}
	}

	// ours, on both databases
	// PostgreSQL twice: direct, and through PgBouncer in transaction
	// pooling mode (README, deployment step 7), each in its own database.
	dbs := []struct{ name, url, group string }{
		{"sqlite", "sqlite:" + filepath.Join(dir, "cache.db"), "sqlite"},
		{"postgres", strings.Replace(pg.URL, "/postgres?", "/bench?", 1), "postgres"},
		{"postgres via PgBouncer", strings.Replace(pg.URL, "/postgres?", "/bench_pooled?", 1), "postgres"},
	}
	dbs = slices.DeleteFunc(dbs, func(db struct{ name, url, group string }) bool { return !want[db.group] })
	if want["postgres"] {
		admin, err := sql.Open("postgres", pg.URL)
		if err != nil {
			return err
		}
		for _, name := range []string{"bench", "bench_pooled"} {
			if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
				return err
			}
		}
		admin.Close()
		bouncer, err := testenv.StartPgBouncer(ctx, filepath.Join(dir, "pgbouncer"), pg.URL)
		if err != nil {
			return err
		}
		defer bouncer.Stop()
		dbs[len(dbs)-1].url = bouncer.URL(dbs[len(dbs)-1].url)
	}
	// The real command, with its configuration in flags and the password
	// in the environment, as a cron job would run it.
	os.Setenv("MAILACCESS_PASSWORD", dc.Password)
	keyFile := filepath.Join(dir, "secret.key")
	accountArgs := func(db string) []string {
		a := []string{"sync", "-user", user, "-json",
			"-database.url=" + db, "-imap.address=" + dc.Addr, "-imap.tls=none", "-security.key_file=" + keyFile}
		if o.batch > 0 {
			a = append(a, "-sync.batch_size="+strconv.Itoa(o.batch))
		}
		return a
	}
	oursArgs := func(db string) []string { return append(accountArgs(db), "-mailbox", "INBOX") }
	synced := func(out string) (imapsync.MailboxResult, error) {
		var sum struct {
			Folders []imapsync.MailboxResult `json:"folders"`
			Error   string                   `json:"error"`
		}
		if err := json.Unmarshal([]byte(out), &sum); err != nil || len(sum.Folders) != 1 || sum.Error != "" {
			return imapsync.MailboxResult{}, fmt.Errorf("mailaccess sync printed %q (%v)", out, err)
		}
		return sum.Folders[0], nil
	}
	for _, db := range dbs {
		if _, _, _, _, err := measure(bin, "migrate", "-database.url="+db.url, "-security.key_file="+keyFile); err != nil {
			return err
		}
		out, err := add("ours initial sync ("+db.name+")", o.n, bin, oursArgs(db.url)...)
		if err != nil {
			return err
		}
		if res, err := synced(out); err != nil || res.Added != o.n {
			return fmt.Errorf("initial sync on %s: %+v (%v)", db.name, res, err)
		}
		if err := settled(dc, user, "our initial sync ("+db.name+")"); err != nil {
			return err
		}
		if err := beside("ours no-change resync ("+db.name+")", o.n, 7, bin, oursArgs(db.url)); err != nil {
			return err
		}
		// The same with the cron binary, which links no web server.
		if err := beside("ours no-change resync, mailaccess-sync ("+db.name+")", o.n, 7, syncBin, oursArgs(db.url)); err != nil {
			return err
		}
		// The whole account, as a cron job runs it: INBOX and the four
		// empty special-use folders (each synced once first, untimed).
		if _, _, _, _, err := measure(bin, accountArgs(db.url)...); err != nil {
			return err
		}
		if err := beside("ours no-change resync, whole account ("+db.name+")", o.n, 7, bin, accountArgs(db.url)); err != nil {
			return err
		}
		if err := beside("ours no-change resync, whole account, mailaccess-sync ("+db.name+")", o.n, 7, syncBin, accountArgs(db.url)); err != nil {
			return err
		}
		_, _, out, _, err = measure(self, append([]string{"-child", "warm", "-db", db.url}, base...)...)
		if err != nil {
			return err
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
		if err != nil {
			return fmt.Errorf("warm resync: %q: %v", out, err)
		}
		stage := "ours no-change resync, logged in (" + db.name + ")"
		rows = append(rows, row{stage: stage, wall: time.Duration(ns), msgs: o.n})
		fmt.Fprintf(os.Stderr, "%-45s %8.3f s (median of 21 in one process)\n", stage, time.Duration(ns).Seconds())
	}

	// 100 flag changes and 100 expunges by another client, in rounds of
	// their own (other messages each time): one pass of each client is
	// too noisy on a shared VM, so each row is the median of the rounds.
	// Ours alternates between mailaccess and mailaccess-sync, the binary
	// for cron jobs: 5 rounds each.
	const rounds = 10
	walls := map[string][]time.Duration{}
	peak := map[string]int64{}
	record := func(stage string, wall time.Duration, rss int64) {
		walls[stage] = append(walls[stage], wall)
		peak[stage] = max(peak[stage], rss)
		fmt.Fprintf(os.Stderr, "%-45s %8.3f s (round %d)\n", stage, wall.Seconds(), len(walls[stage]))
	}
	mbAfter := "mbsync after 100 flags + 100 expunges"
	oursAfter := func(db string, lean bool) string {
		if lean {
			return "ours after 100 flags + 100 expunges, mailaccess-sync (" + db + ")"
		}
		return "ours after 100 flags + 100 expunges (" + db + ")"
	}
	for round := range rounds {
		if err := change(dc, user, o.n, round); err != nil {
			return err
		}
		// Right after expunges Dovecot rescans the Maildir on every open
		// for a few seconds (its directory mtimes are too recent to
		// trust), which costs any client 0.1-1 s per SELECT at 100k. The
		// changes were made "elsewhere", earlier: measure every client on
		// the settled server.
		if err := settled(dc, user, "the changes"); err != nil {
			return err
		}
		if want["mbsync"] {
			wall, rss, _, _, err := measure("mbsync", "-q", "-c", mbConf, "bench")
			if err != nil {
				return err
			}
			record(mbAfter, wall, rss)
		}
		lean, roundBin := round%2 == 1, bin
		if lean {
			roundBin = syncBin
		}
		for _, db := range dbs {
			wall, rss, out, _, err := measure(roundBin, oursArgs(db.url)...)
			if err != nil {
				return err
			}
			if res, err := synced(out); err != nil || res.Updated != 100 || res.Vanished != 100 {
				return fmt.Errorf("resync on %s: %+v (%v), want 100 updated and 100 vanished", db.name, res, err)
			}
			record(oursAfter(db.name, lean), wall, rss)
		}
	}
	for _, stage := range append([]string{mbAfter}, func() (s []string) {
		for _, db := range dbs {
			s = append(s, oursAfter(db.name, false), oursAfter(db.name, true))
		}
		return s
	}()...) {
		if w := walls[stage]; len(w) > 0 {
			slices.Sort(w)
			rows = append(rows, row{stage: stage + ", median of " + strconv.Itoa(len(w)), wall: w[len(w)/2], rss: peak[stage], msgs: o.n})
		}
	}
	drift := map[string]int{}
	for _, db := range dbs {
		store, err := mailaccess.Open(ctx, db.url, mailaccess.Options{})
		if err != nil {
			return err
		}
		defer store.Close()
		s := imapsync.New(imapsync.Config{Address: dc.Addr, TLS: "none"}, store,
			func(context.Context, int64) (string, string, error) { return user, dc.Password, nil }, nil)
		defer s.Close()
		acc, err := store.AccountByUsername(ctx, user)
		if err != nil {
			return err
		}
		if _, err := s.SyncFolders(ctx, acc.ID); err != nil {
			return err
		}
		// Only INBOX is compared: the other folders were never synced.
		rep, err := s.Check(ctx, acc.ID)
		if err != nil {
			return err
		}
		for _, d := range rep.Drift {
			if d.Mailbox == "INBOX" {
				drift[db.name]++
			}
		}
	}

	floor := rows[0].wall
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "N=%d messages, ~%d KB average\t\t\t\t\t\n", o.n, avgSize/1024)
	fmt.Fprintln(w, "stage\twall s\tmsg/s\tpeak RSS MB\t× raw fetch\t")
	for _, r := range rows {
		rate := "-"
		if r.msgs > 0 {
			rate = fmt.Sprintf("%.0f", float64(r.msgs)/r.wall.Seconds())
		}
		fmt.Fprintf(w, "%s\t%.3f\t%s\t%.1f\t%.2f\t\n", r.stage, r.wall.Seconds(), rate, float64(r.rss)/1024, r.wall.Seconds()/floor.Seconds())
	}
	w.Flush()
	for _, db := range dbs {
		fmt.Printf("cache of INBOX vs server after the last resync (%s): %d differences\n", db.name, drift[db.name])
	}
	total := 0
	for _, d := range drift {
		total += d
	}
	if total > 0 {
		return errors.New("the cache drifted from the server")
	}
	return nil
}

// change makes 100 flag changes and 100 expunges, spread over the mailbox:
// shift picks other messages (up to n/200 shifts are disjoint). The flag
// change toggles \Flagged, so each of the 100 messages changes whatever
// flags it had.
func change(dc *testenv.Dovecot, user string, n, shift int) error {
	c, err := imapclient.DialInsecure(dc.Addr, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Login(user, dc.Password).Wait(); err != nil {
		return err
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		return err
	}
	step := n / 100
	var toggle, gone imap.UIDSet
	for i := range 100 {
		toggle.AddNum(imap.UID(i*step + 1 + 2*shift))
		gone.AddNum(imap.UID(i*step + 2 + 2*shift))
	}
	msgs, err := c.Fetch(toggle, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		return err
	}
	if len(msgs) != 100 {
		return fmt.Errorf("change: %d of the 100 messages to flag exist", len(msgs))
	}
	var flag, unflag imap.UIDSet
	for _, m := range msgs {
		if slices.Contains(m.Flags, imap.FlagFlagged) {
			unflag.AddNum(m.UID)
		} else {
			flag.AddNum(m.UID)
		}
	}
	for _, st := range []struct {
		set imap.UIDSet
		op  imap.StoreFlagsOp
	}{{flag, imap.StoreFlagsAdd}, {unflag, imap.StoreFlagsDel}} {
		if len(st.set) == 0 {
			continue
		}
		if err := c.Store(st.set, &imap.StoreFlags{Op: st.op, Flags: []imap.Flag{imap.FlagFlagged}, Silent: true}, nil).Close(); err != nil {
			return err
		}
	}
	if err := c.Store(gone, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
		return err
	}
	return c.UIDExpunge(gone).Close()
}

// settled waits until Dovecot has settled after what, and says how long
// that took. A full fetch of a large folder makes Dovecot add the fetched
// fields to its cache file, and the next opens of the folder pay for that
// for a while; the anchors of DESIGN.md are measured on a warm index.
func settled(dc *testenv.Dovecot, user, what string) error {
	took, err := settle(dc.Addr, user, dc.Password)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "Dovecot settled %v after %s\n", took.Round(time.Millisecond), what)
	return nil
}

// settle waits until a fresh connection's SELECT of INBOX is fast again
// (under 20 ms, or its pre-change time of a few ms), up to 30 s, and returns
// how long that took.
func settle(addr, user, pass string) (time.Duration, error) {
	start := time.Now()
	for {
		c, err := imapclient.DialInsecure(addr, nil)
		if err != nil {
			return 0, err
		}
		if err := c.Login(user, pass).Wait(); err != nil {
			c.Close()
			return 0, err
		}
		t := time.Now()
		_, err = c.Select("INBOX", &imap.SelectOptions{CondStore: true}).Wait()
		took := time.Since(t)
		c.Logout().Wait()
		c.Close()
		if err != nil {
			return 0, err
		}
		if took < 20*time.Millisecond || time.Since(start) > 30*time.Second {
			return time.Since(start), nil
		}
		time.Sleep(250 * time.Millisecond) // poll: the condition is the server's
	}
}
