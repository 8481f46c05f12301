package testenv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lib/pq"
)

// Environment variables through which the harness command hands its
// servers to the tests it runs. Each test helper starts a server of its
// own only if its variable is unset.
const (
	EnvPostgresURL            = "MAILACCESS_TEST_POSTGRES_URL"             // superuser URL of the "postgres" database
	EnvIMAPAddress            = "MAILACCESS_TEST_IMAP_ADDRESS"             // Dovecot with CONDSTORE/QRESYNC, host:port
	EnvIMAPPassword           = "MAILACCESS_TEST_IMAP_PASSWORD"            // password of every user of both Dovecots
	EnvIMAPNoCondstoreAddress = "MAILACCESS_TEST_IMAP_NOCONDSTORE_ADDRESS" // Dovecot without CONDSTORE/QRESYNC
	EnvDovecotDir             = "MAILACCESS_TEST_DOVECOT_DIR"              // Dovecot.Dir of the first
	EnvDovecotNoCondstoreDir  = "MAILACCESS_TEST_DOVECOT_NOCONDSTORE_DIR"  // Dovecot.Dir of the second
	EnvChromium               = "CHROMIUM"                                 // chromium binary, default /usr/bin/chromium
)

// DovecotServer is an IMAP server for tests, see IMAP.
type DovecotServer struct {
	Addr     string // 127.0.0.1:PORT, plain-text IMAP
	Password string // logs in any user
	Dir      string // Dovecot.Dir; empty if the environment did not tell
}

// NewUser returns a user name that no other test has used: a fresh, empty
// mailbox tree (INBOX, Drafts, Sent, Trash, Junk) on first login.
func (s *DovecotServer) NewUser(t testing.TB) string {
	t.Helper()
	return uniqueName(t, "", 24) // Dovecot lower-cases user names: keep them lower case
}

// CommandEnv is the environment of a mailaccess command (sync, check,
// migrate) against s with its cache at dbURL: a key file in a temporary
// directory, plain-text IMAP, warnings only. It sets no password
// (MAILACCESS_PASSWORD), which a caller adds where the command needs one.
func (s *DovecotServer) CommandEnv(t testing.TB, dbURL string) map[string]string {
	return map[string]string{
		"MAILACCESS_DATABASE_URL":      dbURL,
		"MAILACCESS_IMAP_ADDRESS":      s.Addr,
		"MAILACCESS_IMAP_TLS":          "none",
		"MAILACCESS_SECURITY_KEY_FILE": filepath.Join(t.TempDir(), "secret.key"),
		"MAILACCESS_LOG_LEVEL":         "warn",
	}
}

// MaildirOf returns the Maildir of user, see Dovecot.MaildirOf. It returns
// "" if Dir is unknown.
func (s *DovecotServer) MaildirOf(user string) string {
	if s.Dir == "" {
		return ""
	}
	return maildirOf(s.Dir, user)
}

// ChownMail hands path to the account Dovecot accesses mail as, see
// Dovecot.ChownMail.
func (s *DovecotServer) ChownMail(path string) error {
	if s.Dir == "" {
		return errors.New("chown mail: Dovecot's directory is unknown")
	}
	return chownMail(s.Dir, path)
}

// lazily holds the servers that the helpers started themselves, at most
// one of each per test binary; Main stops them.
var lazily struct {
	mu          sync.Mutex
	inMain      bool
	stopped     bool
	dir         string // parent of the servers' directories
	postgres    *Postgres
	postgresErr error
	dovecot     [2]*Dovecot // [0] with CONDSTORE, [1] without
	dovecotErr  [2]error
	admins      map[string]*adminDB // by superuser URL
}

// Main is for TestMain: it runs the tests, stops the servers the helpers
// started, removes their files and exits with the tests' exit code. On
// SIGINT or SIGTERM it cleans up the same way and exits with status 1.
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
func Main(m *testing.M) {
	lazily.mu.Lock()
	lazily.inMain = true
	lazily.mu.Unlock()

	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-sigc
		fmt.Fprintf(os.Stderr, "testenv: %v: stopping test servers\n", sig)
		if err := cleanup(); err != nil {
			fmt.Fprintf(os.Stderr, "testenv: %v\n", err)
		}
		os.Exit(1)
	}()

	code := m.Run()
	signal.Stop(sigc)
	if err := cleanup(); err != nil {
		fmt.Fprintf(os.Stderr, "testenv: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// cleanup stops what was started lazily and removes its directory. Later
// helper calls fail.
func cleanup() error {
	lazily.mu.Lock()
	defer lazily.mu.Unlock()
	if lazily.stopped {
		return nil
	}
	lazily.stopped = true
	var errs []error
	for _, a := range lazily.admins {
		_ = a.db.Close()
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	stop := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	if lazily.postgres != nil {
		stop(lazily.postgres.Stop)
	}
	for _, d := range lazily.dovecot {
		if d != nil {
			stop(d.Stop)
		}
	}
	wg.Wait()
	if lazily.dir != "" {
		if err := os.RemoveAll(lazily.dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// lazyDir returns the directory for lazily started servers, creating it.
// lazily.mu must be held.
func lazyDir(t testing.TB) string {
	t.Helper()
	if !lazily.inMain {
		t.Fatal("testenv: starting a test server needs TestMain to call testenv.Main (func TestMain(m *testing.M) { testenv.Main(m) }), or run the tests through the harness: `make test`")
	}
	if lazily.stopped {
		t.Fatal("testenv: test servers have already been stopped")
	}
	if lazily.dir == "" {
		dir, err := TempDir("mailaccess-testenv-")
		if err != nil {
			t.Fatalf("testenv: %v", err)
		}
		lazily.dir = dir
	}
	return lazily.dir
}

// startCtx bounds a lazy start by the test's deadline, if it has one.
func startCtx(t testing.TB) (context.Context, context.CancelFunc) {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, ok := d.Deadline(); ok {
			return context.WithDeadline(context.Background(), deadline)
		}
	}
	return context.WithTimeout(context.Background(), defaultStartTimeout)
}

// adminDB is a superuser connection pool to a cluster.
type adminDB struct {
	db *sql.DB
	// createSuffix ends CREATE DATABASE: PostgreSQL 15's FILE_COPY
	// strategy creates small databases faster than the default WAL_LOG.
	createSuffix string
}

// postgresAdmin returns the superuser URL and a pool connected to it.
func postgresAdmin(t testing.TB) (string, *adminDB) {
	t.Helper()
	lazily.mu.Lock()
	defer lazily.mu.Unlock()
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		if lazily.postgres == nil && lazily.postgresErr == nil {
			dir := lazyDir(t)
			ctx, cancel := startCtx(t)
			start := time.Now()
			lazily.postgres, lazily.postgresErr = StartPostgres(ctx, filepath.Join(dir, "postgres"))
			cancel()
			if lazily.postgresErr == nil {
				t.Logf("testenv: started PostgreSQL at %s in %v", lazily.postgres.URL, time.Since(start).Round(time.Millisecond))
			}
		}
		if lazily.postgresErr != nil {
			t.Fatalf("testenv: PostgreSQL: %v", lazily.postgresErr)
		}
		base = lazily.postgres.URL
	}
	if a := lazily.admins[base]; a != nil {
		return base, a
	}
	db, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("testenv: %s: %v", base, err)
	}
	db.SetMaxOpenConns(4)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var version int
	if err := db.QueryRowContext(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		db.Close()
		t.Fatalf("testenv: PostgreSQL at %s: %v", base, err)
	}
	a := &adminDB{db: db, createSuffix: " TEMPLATE template0"}
	if version >= 150000 {
		a.createSuffix += " STRATEGY FILE_COPY"
	}
	if lazily.admins == nil {
		lazily.admins = make(map[string]*adminDB)
	}
	lazily.admins[base] = a
	return base, a
}

// PostgresDB creates an empty database for this test and returns a
// superuser URL for it. The database is dropped, closing any connection
// still open to it, when the test ends. A PostgreSQL cluster is started
// for the test binary on first use unless MAILACCESS_TEST_POSTGRES_URL
// points at one.
func PostgresDB(t testing.TB) string {
	t.Helper()
	base, admin := postgresAdmin(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testenv: %s=%q: %v", EnvPostgresURL, base, err)
	}
	name := uniqueName(t, "t_", 63)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)+admin.createSuffix); err != nil {
		t.Fatalf("testenv: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// IMAP returns a Dovecot that advertises CONDSTORE and QRESYNC. One is
// started for the test binary on first use unless
// MAILACCESS_TEST_IMAP_ADDRESS points at one.
func IMAP(t testing.TB) *DovecotServer {
	t.Helper()
	return dovecotServer(t, 0, EnvIMAPAddress, EnvDovecotDir, DovecotOptions{})
}

// IMAPNoCondstore returns a Dovecot that advertises neither CONDSTORE nor
// QRESYNC, see IMAP; its variable is MAILACCESS_TEST_IMAP_NOCONDSTORE_ADDRESS.
func IMAPNoCondstore(t testing.TB) *DovecotServer {
	t.Helper()
	return dovecotServer(t, 1, EnvIMAPNoCondstoreAddress, EnvDovecotNoCondstoreDir, DovecotOptions{NoCondstore: true})
}

func dovecotServer(t testing.TB, i int, addrEnv, dirEnv string, opts DovecotOptions) *DovecotServer {
	t.Helper()
	if addr := os.Getenv(addrEnv); addr != "" {
		password := os.Getenv(EnvIMAPPassword)
		if password == "" {
			t.Fatalf("testenv: %s is set but %s is not", addrEnv, EnvIMAPPassword)
		}
		return &DovecotServer{Addr: addr, Password: password, Dir: os.Getenv(dirEnv)}
	}
	lazily.mu.Lock()
	defer lazily.mu.Unlock()
	if lazily.dovecot[i] == nil && lazily.dovecotErr[i] == nil {
		dir := lazyDir(t)
		ctx, cancel := startCtx(t)
		start := time.Now()
		name := "dovecot"
		if opts.NoCondstore {
			name = "dovecot-nocondstore"
		}
		lazily.dovecot[i], lazily.dovecotErr[i] = StartDovecot(ctx, filepath.Join(dir, name), opts)
		cancel()
		if lazily.dovecotErr[i] == nil {
			t.Logf("testenv: started %s at %s in %v", name, lazily.dovecot[i].Addr, time.Since(start).Round(time.Millisecond))
		}
	}
	if err := lazily.dovecotErr[i]; err != nil {
		t.Fatalf("testenv: Dovecot: %v", err)
	}
	d := lazily.dovecot[i]
	return &DovecotServer{Addr: d.Addr, Password: d.Password, Dir: d.Dir}
}

// ChromiumBinary returns $CHROMIUM, or /usr/bin/chromium, or chromium from
// $PATH.
func ChromiumBinary() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		if !isExecutable(p) {
			return "", fmt.Errorf("%s=%s is not an executable file", EnvChromium, p)
		}
		return p, nil
	}
	if p := "/usr/bin/chromium"; isExecutable(p) {
		return p, nil
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", &MissingError{Program: "chromium", Package: "chromium"}
}

// Chromium returns the path of the Chromium binary; the test fails if
// there is none.
func Chromium(t testing.TB) string {
	t.Helper()
	p, err := ChromiumBinary()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return p
}

// uniqueName returns prefix, the test's name in lower case letters, digits
// and underscores, and a random suffix, at most maxLen bytes long.
func uniqueName(t testing.TB, prefix string, maxLen int) string {
	suffix := "_" + randomHex(6)
	var b strings.Builder
	b.WriteString(prefix)
	for _, r := range strings.ToLower(t.Name()) {
		if b.Len()+len(suffix) >= maxLen {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			if s := b.String(); len(s) > 0 && s[len(s)-1] != '_' {
				b.WriteByte('_')
			}
		}
	}
	return b.String() + suffix
}

// ScratchDir returns a new directory that lives until every test of the
// binary has run (TestMain's cleanup removes it): for files that outlive the
// test that made them, or that processes it started may still write for a
// moment after it ended (a built binary, a browser's profile).
func ScratchDir(t testing.TB) string {
	t.Helper()
	lazily.mu.Lock()
	defer lazily.mu.Unlock()
	dir, err := os.MkdirTemp(lazyDir(t), "scratch-")
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return dir
}
