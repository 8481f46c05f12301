// Command loadtest is the load benchmark (`make bench-load`): N users log in
// at once to one mailaccess web process, each with a cold mailbox of M
// messages in Dovecot, and browse for a while as their initial syncs run.
// The same scenario runs in async mode "auto" with two sync workers and in
// mode "off" (every sync inline in web requests), each on a fresh
// PostgreSQL database, and the figures are printed side by side.
//
// It needs the servers of the test harness:
//
//	go run ./internal/harness -- go run ./internal/loadtest [flags]
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/mailaccess/mailaccess/internal/testenv"
)

type options struct {
	users, messages int
	duration        time.Duration
	timeout         time.Duration
	syncCap         time.Duration
	stall           time.Duration
	modes           []string
	workers         int
	capacity        int
	seed            uint64
	jsonPath        string
	keep            bool
	warm            bool
}

func main() {
	var o options
	var modes string
	flag.IntVar(&o.users, "users", 20, "users logging in at once")
	flag.IntVar(&o.messages, "messages", 10000, "messages in each user's INBOX")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "how long the users browse")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Second, "client timeout of every HTTP request (a slower answer counts as a timeout)")
	flag.DurationVar(&o.syncCap, "sync-cap", 10*time.Minute, "longest wait, from the logins, for every INBOX to be fully synced")
	flag.DurationVar(&o.stall, "stall", 30*time.Second, "after browsing, stop waiting for syncs that made no progress for this long")
	flag.StringVar(&modes, "modes", "auto,off", "async modes to run, comma-separated (auto runs with -workers workers)")
	flag.IntVar(&o.workers, "workers", 2, "sync workers in mode auto/always")
	flag.IntVar(&o.capacity, "capacity", 2, "capacity of each worker")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the generated mail and of the users' choices")
	flag.StringVar(&o.jsonPath, "json", "", "also write the results as JSON to this file")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (configs, logs) and print its path")
	flag.BoolVar(&o.warm, "warm", true, "let Dovecot index and cache the seeded mail before the first mode, so every mode meets the same warm IMAP server")
	flag.Parse()
	for _, m := range strings.Split(modes, ",") {
		if m = strings.TrimSpace(m); m != "" {
			o.modes = append(o.modes, m)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type modeResult struct {
	Mode            string             `json:"mode"`
	Workers         int                `json:"workers"`
	Answered        int                `json:"requests_answered"`
	Errors          int                `json:"errors"`
	Timeouts        int                `json:"timeouts"`
	All             latency            `json:"all_requests"`
	Pages           latency            `json:"pages"`
	Kinds           map[string]latency `json:"by_kind"`
	LoginsOK        int                `json:"logins_ok"`
	AllLoggedInMS   float64            `json:"all_logged_in_ms"`
	AllSyncedMS     float64            `json:"all_synced_ms"` // -1: not within the cap
	SyncedMailboxes int                `json:"synced_mailboxes"`
	CachedMessages  int64              `json:"cached_messages"`
	CachedAtEndMS   int64              `json:"cached_messages_when_browsing_ended"`
	BodiesCached    int64              `json:"bodies_cached"` // at the end: opened or prefetched
	Jobs            map[string]int     `json:"jobs_by_state"`
	Timeline        []window           `json:"timeline"`
	ErrorSamples    []string           `json:"error_samples,omitempty"`
	Slowest         []string           `json:"slowest_requests"`
	Logs            logSummary         `json:"server_logs"`
	SyncWait        string             `json:"sync_wait_end"` // synced, stalled, cap
	LoadStart       string             `json:"host_loadavg_start"`
	LoadEnd         string             `json:"host_loadavg_end"`
}

// loadavg returns the host's 1-minute load average: other
// processes on the host distort the figures.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return f[0]
}

type window struct {
	FromS    int     `json:"from_s"`
	Requests int     `json:"requests"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
	Bad      int     `json:"errors_and_timeouts"`
	Cached   int64   `json:"cached_messages"`
	// Slow counts the requests over 200 ms by kind.
	Slow map[string]int `json:"over_200ms_by_kind"`
}

// slowMS is the goal's p99 bound: the timeline counts the requests above it.
const slowMS = 200

// messageFirst and messageAgain split the message views: the first time a
// user opens a message (its body is usually not cached yet) and later views.
const (
	messageFirst = kMessage + ":first"
	messageAgain = kMessage + ":again"
)

type results struct {
	Seed  seedStats    `json:"seed"`
	Modes []modeResult `json:"modes"`
}

func run(ctx context.Context, o options, out io.Writer) error {
	adminURL := os.Getenv(testenv.EnvPostgresURL)
	dc := &testenv.DovecotServer{Addr: os.Getenv(testenv.EnvIMAPAddress), Password: os.Getenv(testenv.EnvIMAPPassword), Dir: os.Getenv(testenv.EnvDovecotDir)}
	if adminURL == "" || dc.Addr == "" || dc.Dir == "" {
		return errors.New("the test servers are not in the environment: run it as `go run ./internal/harness -- go run ./internal/loadtest`")
	}
	for _, m := range o.modes {
		if m != "auto" && m != "off" && m != "always" {
			return fmt.Errorf("unknown mode %q (auto, off, always)", m)
		}
	}
	tmp, err := os.MkdirTemp("", "mailaccess-loadtest-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintf(out, "temporary directory (kept): %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	fmt.Fprintf(out, "building cmd/mailaccess...\n")
	bin, err := buildBinary(ctx, tmp)
	if err != nil {
		return err
	}

	runID := fmt.Sprintf("%x", time.Now().Unix()%0xfffff)
	users := make([]string, o.users)
	for i := range users {
		users[i] = fmt.Sprintf("load%s-u%02d", runID, i+1)
	}
	fmt.Fprintf(out, "seeding %d users × %d messages into Dovecot's Maildirs...\n", o.users, o.messages)
	st, err := seedAll(ctx, dc, users, o.messages, o.seed, o.warm)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded %d messages (%.0f MB, %.1f KB average) in %s%s\n", o.users*o.messages, float64(st.Bytes)/1e6,
		float64(st.Bytes)/float64(o.users*o.messages)/1000, st.Took.Round(100*time.Millisecond), map[bool]string{true: " (Dovecot index warmed)", false: ""}[o.warm])

	res := results{Seed: st}
	for _, mode := range o.modes {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		dir := filepath.Join(tmp, mode)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		fmt.Fprintf(out, "\n== mode %s ==\n", mode)
		r, err := runMode(ctx, o, mode, dir, bin, adminURL, dc, users, runID, out)
		if err != nil {
			return fmt.Errorf("mode %s: %w", mode, err)
		}
		res.Modes = append(res.Modes, r)
	}
	report(out, o, res)
	if o.jsonPath != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(o.jsonPath, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "\nJSON written to %s\n", o.jsonPath)
	}
	return nil
}

func runMode(ctx context.Context, o options, mode, dir, bin, adminURL string, dc *testenv.DovecotServer, users []string, runID string, out io.Writer) (modeResult, error) {
	r := modeResult{Mode: mode, Kinds: map[string]latency{}, Jobs: map[string]int{}, AllSyncedMS: -1, LoadStart: loadavg()}
	dbName := fmt.Sprintf("loadtest_%s_%s_%d", mode, runID, os.Getpid())
	database, err := createDB(ctx, adminURL, dbName)
	if err != nil {
		return r, err
	}
	defer func() {
		if err := dropDB(adminURL, dbName); err != nil {
			fmt.Fprintf(os.Stderr, "loadtest: drop database %s: %v\n", dbName, err)
		}
	}()
	in, err := writeConfig(dir, mode, database, dc.Addr)
	if err != nil {
		return r, err
	}
	in.bin = bin
	defer in.stopAll()
	if _, err := in.run(ctx, "migrate", "-config", in.config); err != nil {
		return r, err
	}
	serve, err := in.start(ctx, "serve", "serve", "-config", in.config)
	if err != nil {
		return r, err
	}
	if err := in.waitHealthy(ctx, serve, 60*time.Second); err != nil {
		return r, err
	}
	var workers []*proc
	if mode != "off" {
		for i := range o.workers {
			w, err := in.start(ctx, fmt.Sprintf("worker%d", i+1), "worker", "-config", in.config, "-capacity", fmt.Sprint(o.capacity))
			if err != nil {
				return r, err
			}
			workers = append(workers, w)
		}
		if err := in.waitWorkers(ctx, o.workers, workers, 60*time.Second); err != nil {
			return r, err
		}
		r.Workers = o.workers
	}
	fmt.Fprintf(out, "serve on %s, %d workers; %d users log in at once and browse for %s\n", in.addr, len(workers), len(users), o.duration)

	db, err := sql.Open("postgres", database)
	if err != nil {
		return r, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	tr := &http.Transport{MaxIdleConnsPerHost: 4 * len(users), MaxIdleConns: 4 * len(users), IdleConnTimeout: 90 * time.Second}
	defer tr.CloseIdleConnections()
	rec := &recorder{start: time.Now()}
	browseCtx, stopBrowsing := context.WithTimeout(ctx, o.duration)
	defer stopBrowsing()

	var (
		wg        sync.WaitGroup
		loginMu   sync.Mutex
		loggedIn  int
		allLogged time.Duration
	)
	gate := make(chan struct{})
	for i, name := range users {
		u := newUser(name, dc.Password, "http://"+in.addr, tr, o.timeout, rec, o.seed, i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			if !u.login(browseCtx) {
				return
			}
			loginMu.Lock()
			loggedIn++
			if loggedIn == len(users) {
				allLogged = time.Since(rec.start)
			}
			loginMu.Unlock()
			u.browse(browseCtx)
		}()
	}
	rec.start = time.Now()
	close(gate)

	// Poll the cache until every INBOX is fully synced.
	type progress struct {
		synced  int
		cached  int64
		counted bool // synced and cached are counted, not read from checkpoints
		at      time.Duration
	}
	var (
		pmu      sync.Mutex
		timeline []progress
	)
	// The poll must cost the database next to nothing: it runs beside the
	// system it measures. Progress is read from the folders' checkpoints
	// (the seeded UIDs are 1..messages, so a checkpoint is the count of
	// messages stored); when they say every INBOX is synced, the messages
	// are counted once to confirm it (and then every few seconds while the
	// count disagrees).
	var lastExact time.Time
	poll := func() (progress, error) {
		var p progress
		qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		err := db.QueryRowContext(qctx, `SELECT COUNT(*) FILTER (WHERE synced_at IS NOT NULL AND last_uid >= $1), COALESCE(SUM(last_uid), 0)
			FROM mailboxes WHERE name = 'INBOX'`, o.messages).Scan(&p.synced, &p.cached)
		if err == nil && p.synced >= len(users) && time.Since(lastExact) > 2*time.Second {
			lastExact = time.Now()
			err = db.QueryRowContext(qctx, `SELECT COUNT(*) FILTER (WHERE m.synced_at IS NOT NULL AND c.n >= $1), COALESCE(SUM(c.n), 0)
				FROM mailboxes m, LATERAL (SELECT COUNT(*) AS n FROM messages WHERE mailbox_id = m.id) c
				WHERE m.name = 'INBOX'`, o.messages).Scan(&p.synced, &p.cached)
			p.counted = true
		}
		p.at = time.Since(rec.start)
		return p, err
	}
	syncDone := make(chan struct{})
	var pollErr error
	go func() {
		defer close(syncDone)
		lastProgress := time.Now()
		var last progress
		for {
			p, err := poll()
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				pollErr = err
			} else {
				pmu.Lock()
				timeline = append(timeline, p)
				pmu.Unlock()
				if p.cached != last.cached || p.synced != last.synced {
					lastProgress = time.Now()
				}
				last = p
				if p.synced >= len(users) && p.counted {
					r.AllSyncedMS = ms(p.at)
					r.SyncWait = "synced"
					return
				}
			}
			browsing := browseCtx.Err() == nil
			if p.at > o.syncCap {
				r.SyncWait = "cap"
				return
			}
			if !browsing && time.Since(lastProgress) > o.stall {
				r.SyncWait = "stalled"
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()

	ticker := time.NewTicker(10 * time.Second)
	defer ticker.Stop()
	browseEnded := false
	for !browseEnded {
		select {
		case <-browseCtx.Done():
			browseEnded = true
		case <-ticker.C:
			pmu.Lock()
			var p progress
			if len(timeline) > 0 {
				p = timeline[len(timeline)-1]
			}
			pmu.Unlock()
			rec.mu.Lock()
			n := len(rec.samples)
			rec.mu.Unlock()
			loginMu.Lock()
			li := loggedIn
			loginMu.Unlock()
			fmt.Fprintf(out, "  t=%3.0fs  logged in %d/%d  requests %d  INBOXes synced %d/%d  messages cached %d/%d\n",
				time.Since(rec.start).Seconds(), li, len(users), n, p.synced, len(users), p.cached, int64(len(users)*o.messages))
		}
	}
	wg.Wait()
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	r.LoadEnd = loadavg()
	pmu.Lock()
	if len(timeline) > 0 {
		r.CachedAtEndMS = timeline[len(timeline)-1].cached
	}
	pmu.Unlock()
	fmt.Fprintf(out, "  browsing ended; waiting for the syncs to finish (cap %s from the logins, or %s without progress)...\n", o.syncCap, o.stall)
	<-syncDone
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	if pollErr != nil && len(timeline) == 0 {
		return r, fmt.Errorf("poll the cache: %w", pollErr)
	}
	pmu.Lock()
	if len(timeline) > 0 {
		last := timeline[len(timeline)-1]
		r.SyncedMailboxes, r.CachedMessages = last.synced, last.cached
	}
	pmu.Unlock()
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM message_bodies`).Scan(&r.BodiesCached); err != nil {
		r.BodiesCached = -1
	}
	if rows, err := db.QueryContext(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`); err == nil {
		for rows.Next() {
			var s string
			var n int
			if rows.Scan(&s, &n) == nil {
				r.Jobs[s] = n
			}
		}
		rows.Close()
	}
	for _, p := range in.procs {
		if p.exited() {
			fmt.Fprintf(out, "  WARNING: %s exited during the run: %v\n", p.name, p.err)
		}
	}
	db.Close()
	in.stopAll()
	var logs []string
	for _, p := range in.procs {
		logs = append(logs, p.log)
	}
	r.Logs = summarizeLogs(logs...)

	// figures
	r.LoginsOK = loggedIn
	r.AllLoggedInMS = -1
	if loggedIn == len(users) {
		r.AllLoggedInMS = ms(allLogged)
	}
	byKind := map[string][]time.Duration{}
	var all, pages []time.Duration
	type bucket struct {
		ds   []time.Duration
		bad  int
		slow map[string]int
	}
	buckets := map[int]*bucket{}
	for _, s := range rec.samples {
		all = append(all, s.took)
		if s.kind != kLogin {
			pages = append(pages, s.took)
		}
		byKind[s.kind] = append(byKind[s.kind], s.took)
		if s.kind == kMessage {
			k := messageAgain
			if s.first {
				k = messageFirst
			}
			byKind[k] = append(byKind[k], s.took)
		}
		b := int(s.at / (10 * time.Second))
		if buckets[b] == nil {
			buckets[b] = &bucket{slow: map[string]int{}}
		}
		buckets[b].ds = append(buckets[b].ds, s.took)
		if ms(s.took) > slowMS {
			buckets[b].slow[s.kind]++
		}
		switch {
		case s.timeout:
			r.Timeouts++
			buckets[b].bad++
		case s.failed:
			r.Errors++
			buckets[b].bad++
		default:
			r.Answered++
		}
		if (s.timeout || s.failed) && len(r.ErrorSamples) < 10 {
			r.ErrorSamples = append(r.ErrorSamples, fmt.Sprintf("t=%.1fs %s after %s: %s", s.at.Seconds(), s.kind, s.took.Round(time.Millisecond), s.detail))
		}
	}
	slowest := slices.Clone(rec.samples)
	sort.Slice(slowest, func(i, j int) bool { return slowest[i].took > slowest[j].took })
	for _, s := range slowest[:min(len(slowest), 15)] {
		kind := s.kind
		if s.kind == kMessage {
			kind = map[bool]string{true: messageFirst, false: messageAgain}[s.first]
		}
		r.Slowest = append(r.Slowest, fmt.Sprintf("t=%5.1fs %-14s %6.0f ms  %s", s.at.Seconds(), kind, ms(s.took), s.path))
	}
	r.All, r.Pages = latencyOf(all), latencyOf(pages)
	for k, ds := range byKind {
		r.Kinds[k] = latencyOf(ds)
	}
	var keys []int
	for k := range buckets {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		l := latencyOf(buckets[k].ds)
		w := window{FromS: k * 10, Requests: l.Count, P99: l.P99, Max: l.Max, Bad: buckets[k].bad, Slow: buckets[k].slow}
		for _, p := range timeline {
			if p.at <= time.Duration(k+1)*10*time.Second {
				w.Cached = p.cached
			}
		}
		r.Timeline = append(r.Timeline, w)
	}
	return r, nil
}

func report(out io.Writer, o options, res results) {
	fmt.Fprintf(out, "\n== results: %d users × %d messages, browsing %s, client timeout %s ==\n", o.users, o.messages, o.duration, o.timeout)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	row := func(label string, f func(m modeResult) string) {
		fmt.Fprintf(w, "%s\t", label)
		for _, m := range res.Modes {
			fmt.Fprintf(w, "%s\t", f(m))
		}
		fmt.Fprintln(w)
	}
	row("", func(m modeResult) string {
		if m.Mode == "off" {
			return "off (inline)"
		}
		return fmt.Sprintf("%s (%d workers)", m.Mode, m.Workers)
	})
	num := func(f func(m modeResult) int) func(m modeResult) string {
		return func(m modeResult) string { return fmt.Sprint(f(m)) }
	}
	msf := func(v float64) string { return fmt.Sprintf("%.1f", v) }
	row("requests answered", num(func(m modeResult) int { return m.Answered }))
	row("errors (≥500, network)", num(func(m modeResult) int { return m.Errors }))
	row("timeouts", num(func(m modeResult) int { return m.Timeouts }))
	lat := func(name string, get func(m modeResult) latency) {
		row(name+" count", num(func(m modeResult) int { return get(m).Count }))
		row(name+" p50 ms", func(m modeResult) string { return msf(get(m).P50) })
		row(name+" p95 ms", func(m modeResult) string { return msf(get(m).P95) })
		row(name+" p99 ms", func(m modeResult) string { return msf(get(m).P99) })
		row(name+" max ms", func(m modeResult) string { return msf(get(m).Max) })
	}
	lat("all requests", func(m modeResult) latency { return m.All })
	lat("pages (no login)", func(m modeResult) latency { return m.Pages })
	for _, k := range []string{kLogin, kFolder, kList, kMessage, messageFirst, messageAgain} {
		row(k+" n / p50 / p95 / p99 / max ms", func(m modeResult) string {
			l := m.Kinds[k]
			return fmt.Sprintf("%d / %.0f / %.0f / %.0f / %.0f", l.Count, l.P50, l.P95, l.P99, l.Max)
		})
	}
	dur := func(v float64) string {
		if v < 0 {
			return "never"
		}
		return fmt.Sprintf("%.1f s", v/1000)
	}
	row("all users logged in after", func(m modeResult) string {
		if m.AllLoggedInMS < 0 {
			return fmt.Sprintf("never (%d/%d)", m.LoginsOK, o.users)
		}
		return dur(m.AllLoggedInMS)
	})
	row("messages cached when browsing ended", func(m modeResult) string {
		return fmt.Sprintf("%d/%d", m.CachedAtEndMS, o.users*o.messages)
	})
	row("all INBOXes fully synced after", func(m modeResult) string {
		if m.AllSyncedMS < 0 {
			why := fmt.Sprintf("not within %s", o.syncCap)
			if m.SyncWait == "stalled" {
				why = fmt.Sprintf("never: no progress for %s after browsing", o.stall)
			}
			return fmt.Sprintf("%s (%d/%d synced, %d/%d msgs)", why, m.SyncedMailboxes, o.users, m.CachedMessages, o.users*o.messages)
		}
		return dur(m.AllSyncedMS)
	})
	row("message bodies cached (opened or prefetched)", num(func(m modeResult) int { return int(m.BodiesCached) }))
	row("jobs by state", func(m modeResult) string {
		var ks []string
		for k := range m.Jobs {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		var parts []string
		for _, k := range ks {
			parts = append(parts, fmt.Sprintf("%s=%d", k, m.Jobs[k]))
		}
		return strings.Join(parts, " ")
	})
	row("server log errors (client gone) / warnings", func(m modeResult) string {
		return fmt.Sprintf("%d (%d) / %d", m.Logs.Errors, m.Logs.Canceled, m.Logs.Warnings)
	})
	row("host load average during browsing", func(m modeResult) string { return m.LoadStart + " → " + m.LoadEnd })
	w.Flush()

	for _, m := range res.Modes {
		fmt.Fprintf(out, "\ntimeline, mode %s (10 s windows from the logins):\n", m.Mode)
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "from s\trequests\tp99 ms\tmax ms\terrors+timeouts\tmessages cached\t>%d ms: login/folder/list/message\t\n", slowMS)
		for _, x := range m.Timeline {
			fmt.Fprintf(tw, "%d\t%d\t%.0f\t%.0f\t%d\t%d\t%d/%d/%d/%d\t\n", x.FromS, x.Requests, x.P99, x.Max, x.Bad, x.Cached,
				x.Slow[kLogin], x.Slow[kFolder], x.Slow[kList], x.Slow[kMessage])
		}
		tw.Flush()
		if len(m.Slowest) > 0 {
			fmt.Fprintf(out, "slowest requests, mode %s (t from the logins):\n", m.Mode)
			for _, s := range m.Slowest {
				fmt.Fprintf(out, "  %s\n", s)
			}
		}
		for _, s := range m.ErrorSamples {
			fmt.Fprintf(out, "  failed request: %s\n", s)
		}
		for _, s := range m.Logs.Samples {
			fmt.Fprintf(out, "  server log: %s\n", s)
		}
	}

	fmt.Fprintf(out, "\nverdict: %s\n", verdict(o, res))
}

func verdict(o options, res results) string {
	var parts []string
	for _, m := range res.Modes {
		synced := fmt.Sprintf("not every INBOX was fully synced within %s", o.syncCap)
		if m.SyncWait == "stalled" {
			synced = fmt.Sprintf("the syncs stopped when the browsing stopped (%d/%d INBOXes, %d messages cached)", m.SyncedMailboxes, o.users, m.CachedMessages)
		}
		if m.AllSyncedMS >= 0 {
			synced = fmt.Sprintf("every INBOX was fully synced %.1f s after the logins", m.AllSyncedMS/1000)
		}
		desc := fmt.Sprintf("mode %s answered %d requests with %d errors and %d timeouts, p99 %.0f ms (pages p99 %.0f ms, max %.0f ms; login p99 %.0f ms), and %s",
			m.Mode, m.Answered, m.Errors, m.Timeouts, m.All.P99, m.Pages.P99, m.All.Max, m.Kinds[kLogin].P99, synced)
		if m.Mode != "off" {
			ok := m.Errors == 0 && m.Timeouts == 0 && m.All.P99 < 200
			goal := "MEETS the goal (with workers: no errors or timeouts, p99 under 200 ms)"
			if !ok {
				goal = "MISSES the goal (with workers: no errors or timeouts, p99 under 200 ms)"
			}
			desc = fmt.Sprintf("With %d workers, %s: it %s", m.Workers, desc, goal)
		} else {
			desc = "Inline (no workers), " + desc
		}
		parts = append(parts, desc+".")
	}
	return strings.Join(parts, " ")
}
