package testenv

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/lib/pq" // registers the "postgres" database/sql driver
)

// PostgresSuperuser is the name of the superuser of clusters started by
// StartPostgres.
const PostgresSuperuser = "mailaccess"

// Postgres is a throw-away PostgreSQL cluster started by StartPostgres.
type Postgres struct {
	// URL is a superuser URL for the "postgres" database, e.g.
	// postgres://mailaccess@127.0.0.1:5433/postgres?sslmode=disable.
	URL string
	// Dir holds the data directory (Dir/data), the Unix socket, and the
	// logs (Dir/initdb.log, Dir/postgres.log).
	Dir  string
	Port int

	proc *process
}

// PostgresBinDir returns the directory holding initdb and postgres: the
// newest /usr/lib/postgresql/<version>/bin, or the directory of initdb
// found in $PATH.
func PostgresBinDir() (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	version := func(p string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(p))), 64)
		return v
	}
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	for _, m := range matches {
		bin := filepath.Dir(m)
		if isExecutable(filepath.Join(bin, "postgres")) {
			return bin, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", &MissingError{Program: "initdb (PostgreSQL server)", Package: "postgresql"}
}

// StartPostgres creates a cluster in dir (created if needed; it should be
// empty) with initdb, starts it on a free port of 127.0.0.1 and waits until
// it accepts connections. Authentication is "trust" on loopback and the
// Unix socket (inside dir); durability is off (fsync=off) for speed.
//
// PostgreSQL refuses to run as root; when called as root, the cluster runs
// as the "postgres" user (or "nobody") and dir is chowned to it.
//
// ctx bounds the start-up (60s if it has no deadline); once StartPostgres
// has returned, ctx no longer matters: call Stop.
func StartPostgres(ctx context.Context, dir string) (*Postgres, error) {
	bin, err := PostgresBinDir()
	if err != nil {
		return nil, err
	}
	runAs, err := serverAccount("postgres")
	if err != nil {
		return nil, err
	}
	if dir, err = prepareDir(dir, runAs, true); err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if len(filepath.Join(dir, ".s.PGSQL.65535.lock")) > 100 {
		return nil, fmt.Errorf("postgres: dir %s is too long for a Unix socket path", dir)
	}
	if err := initdb(ctx, bin, dir, runAs); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		pg, err := startPostmaster(ctx, bin, dir, runAs)
		if err == nil {
			return pg, nil
		}
		if pg == nil || !pg.proc.logContains("Address already in use") || attempt == portAttempts {
			return nil, err
		}
	}
}

func initdb(ctx context.Context, bin, dir string, runAs account) error {
	data := filepath.Join(dir, "data")
	var errs []string
	// C.UTF-8 gives Unicode-aware lower()/ILIKE with byte-order collation;
	// fall back to C where the locale does not exist.
	for _, locale := range []string{"C.UTF-8", "C"} {
		if err := os.RemoveAll(data); err != nil {
			return fmt.Errorf("initdb: %w", err)
		}
		ctx, cancel := withDefaultTimeout(ctx)
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
			"--pgdata="+data,
			"--username="+PostgresSuperuser,
			"--auth=trust",
			"--encoding=UTF8",
			"--locale="+locale,
			"--no-sync",
			"--no-instructions",
		)
		cmd.Dir = dir
		cmd.Env = postgresEnv()
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: runAs.credential()}
		// initdb runs "postgres --boot" as a child: cancel the whole group,
		// gently first so that initdb reaps its child and cleans up.
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
		cmd.WaitDelay = 5 * time.Second
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = &out
		err := startOnLockedThread(cmd)
		if err == nil {
			err = cmd.Wait()
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // leftovers, if any
		}
		cancel()
		_ = os.WriteFile(filepath.Join(dir, "initdb.log"), out.Bytes(), 0o644)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("initdb: %w", ctx.Err())
		}
		errs = append(errs, fmt.Sprintf("--locale=%s: %v\n%s", locale, err, out.String()))
	}
	return fmt.Errorf("initdb in %s failed:\n%s", data, strings.Join(errs, "\n"))
}

// postgresEnv is the environment without settings that would redirect or
// localise PostgreSQL (PG*, LANG, LC_*), so that log messages are English.
func postgresEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG=") || strings.HasPrefix(kv, "LANGUAGE=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// startPostmaster starts the server on a fresh port. On failure it returns
// the stopped server too, so the caller can look at its log.
func startPostmaster(ctx context.Context, bin, dir string, runAs account) (*Postgres, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"),
		"-D", filepath.Join(dir, "data"),
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories="+dir,
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "wal_level=minimal",
		"-c", "max_wal_senders=0",
		"-c", "max_connections=300",
		"-c", "jit=off",
		"-c", "logging_collector=off",
	)
	cmd.Dir = dir
	cmd.Env = postgresEnv()
	logPath := filepath.Join(dir, "postgres.log")
	// Pdeathsig SIGQUIT is PostgreSQL's immediate shutdown: the postmaster
	// takes its backends down with it if this process dies.
	proc, err := startProcess("postgres", dir, cmd, syscall.SIGQUIT, runAs.credential(), logPath, []stopStep{
		{sig: syscall.SIGINT, wait: 15 * time.Second}, // fast shutdown
		{sig: syscall.SIGQUIT, wait: 5 * time.Second}, // immediate shutdown
	})
	if err != nil {
		return nil, err
	}
	pg := &Postgres{
		URL: (&url.URL{
			Scheme:   "postgres",
			User:     url.User(PostgresSuperuser),
			Host:     fmt.Sprintf("127.0.0.1:%d", port),
			Path:     "/postgres",
			RawQuery: "sslmode=disable",
		}).String(),
		Dir:  dir,
		Port: port,
		proc: proc,
	}
	if err := proc.waitReady(ctx, pg.ping); err != nil {
		_ = pg.Stop()
		return pg, err
	}
	return pg, nil
}

// serverAccount is the account a server that refuses root runs as: the
// current one, or as root the "postgres" user (or "nobody").
func serverAccount(server string) (account, error) {
	runAs, err := currentAccount()
	if err != nil || runAs.uid != 0 {
		return runAs, err
	}
	runAs, err = lookupAccount("postgres", "nobody")
	if err != nil {
		return runAs, fmt.Errorf("%s cannot run as root: %w", server, err)
	}
	return runAs, nil
}

func (p *Postgres) ping(ctx context.Context) error { return pingPostgres(ctx, p.URL) }

// pingPostgres connects to the database of url (whose query has at least
// one parameter) and pings it, for at most 2 s.
func pingPostgres(ctx context.Context, url string) error {
	db, err := sql.Open("postgres", url+"&connect_timeout=2")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// Stop shuts the cluster down (fast shutdown, escalating to immediate
// shutdown and SIGKILL) and waits until no process of it is left. It is
// idempotent. It does not remove Dir.
func (p *Postgres) Stop() error {
	return p.proc.stop()
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode().Perm()&0o111 != 0
}
