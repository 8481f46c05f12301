package testenv

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// PgBouncer is a throw-away PgBouncer started by StartPgBouncer: a
// transaction-pooling proxy in front of one PostgreSQL cluster, as a
// deployment puts it before the short `mailaccess sync` processes of cron.
type PgBouncer struct {
	Addr string // host:port on 127.0.0.1
	Dir  string // the configuration and the log (Dir/pgbouncer.log)

	user string
	proc *process
}

// PgBouncerBinary returns the path of pgbouncer.
func PgBouncerBinary() (string, error) {
	if bin, err := exec.LookPath("pgbouncer"); err == nil {
		return bin, nil
	}
	if bin := "/usr/sbin/pgbouncer"; isExecutable(bin) { // not in $PATH of non-root users
		return bin, nil
	}
	return "", &MissingError{Program: "pgbouncer", Package: "pgbouncer"}
}

// StartPgBouncer starts PgBouncer in dir on a free port of 127.0.0.1, in
// transaction pooling mode, with every database of the cluster at
// postgresURL (a superuser URL as Postgres.URL) reachable through it as
// that URL's user, without a password. It refuses to run as root, so as
// root it runs as the "postgres" user (or "nobody").
func StartPgBouncer(ctx context.Context, dir, postgresURL string) (*PgBouncer, error) {
	bin, err := PgBouncerBinary()
	if err != nil {
		return nil, err
	}
	pg, err := url.Parse(postgresURL)
	if err != nil {
		return nil, fmt.Errorf("pgbouncer: %w", err)
	}
	runAs, err := serverAccount("pgbouncer")
	if err != nil {
		return nil, err
	}
	if dir, err = prepareDir(dir, runAs, true); err != nil {
		return nil, fmt.Errorf("pgbouncer: %w", err)
	}
	var lastErr error
	for attempt := 1; attempt <= portAttempts; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		b, err := startPgBouncer(ctx, bin, dir, runAs, pg, port)
		if err == nil {
			return b, nil
		}
		if b == nil || !b.proc.logContains("Address already in use") {
			return nil, err
		}
		lastErr = err
	}
	return nil, lastErr
}

func startPgBouncer(ctx context.Context, bin, dir string, runAs account, pg *url.URL, port int) (*PgBouncer, error) {
	ini := filepath.Join(dir, "pgbouncer.ini")
	users := filepath.Join(dir, "users.txt")
	conf := fmt.Sprintf(`[databases]
* = host=%s port=%s user=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = extra_float_digits
`, pg.Hostname(), pg.Port(), pg.User.Username(), port, users)
	if err := os.WriteFile(ini, []byte(conf), 0o644); err != nil {
		return nil, fmt.Errorf("pgbouncer: %w", err)
	}
	if err := os.WriteFile(users, []byte(strconv.Quote(pg.User.Username())+` ""`+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("pgbouncer: %w", err)
	}
	cmd := exec.Command(bin, ini)
	cmd.Dir = dir
	cmd.Env = postgresEnv()
	// SIGINT waits for the clients to go; SIGTERM closes them at once.
	proc, err := startProcess("pgbouncer", dir, cmd, syscall.SIGTERM, runAs.credential(), filepath.Join(dir, "pgbouncer.log"), []stopStep{
		{sig: syscall.SIGTERM, wait: 5 * time.Second},
	})
	if err != nil {
		return nil, err
	}
	b := &PgBouncer{Addr: fmt.Sprintf("127.0.0.1:%d", port), Dir: dir, user: pg.User.Username(), proc: proc}
	if err := proc.waitReady(ctx, b.ping); err != nil {
		_ = b.Stop()
		return b, err
	}
	return b, nil
}

// URL returns the URL of a database through PgBouncer, given its URL on
// the cluster.
func (b *PgBouncer) URL(postgresURL string) string {
	u, err := url.Parse(postgresURL)
	if err != nil {
		return ""
	}
	u.Host = b.Addr
	return u.String()
}

func (b *PgBouncer) ping(ctx context.Context) error {
	u := url.URL{Scheme: "postgres", User: url.User(b.user), Host: b.Addr, Path: "/postgres", RawQuery: "sslmode=disable"}
	return pingPostgres(ctx, u.String())
}

// Stop shuts PgBouncer down. It is idempotent.
func (b *PgBouncer) Stop() error {
	return b.proc.stop()
}

// PgBouncerFor starts a PgBouncer in front of the cluster of postgresURL
// (a URL PostgresDB returned) for this test, stopped when the test ends,
// and returns that database's URL through it.
func PgBouncerFor(t testing.TB, postgresURL string) string {
	t.Helper()
	ctx, cancel := startCtx(t)
	defer cancel()
	b, err := StartPgBouncer(ctx, ScratchDir(t), postgresURL)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Stop(); err != nil {
			t.Errorf("testenv: %v", err)
		}
	})
	return b.URL(postgresURL)
}
