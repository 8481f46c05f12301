// Command harness runs a command, typically the test suite, against
// throw-away servers: one PostgreSQL and two Dovecot IMAP servers (one
// advertising CONDSTORE/QRESYNC, one not), started in a temporary
// directory on free ports of 127.0.0.1 and handed to the command in the
// environment variables of package testenv.
//
//	go run ./internal/harness -- go test -race ./...
//
// Variables of the environment that would override mailaccess's
// configuration (MAILACCESS_IMAP_ADDRESS and the like, MAILACCESS_PASSWORD)
// are not passed on: exported in a developer's shell, they reached the
// worker processes of the end-to-end tests and pointed them at other
// servers.
//
// Missing servers (PostgreSQL, Dovecot, PgBouncer) or Chromium are installed with apt-get when running as
// root (unless -no-install); otherwise the harness names the packages to
// install and fails.
//
// The command runs in its own process group with stdio inherited; if
// standard input is the controlling terminal, that group gets the terminal,
// so Ctrl-C reaches the command directly. SIGINT, SIGTERM and SIGHUP sent to
// the harness are forwarded to the command's group (the third one as
// SIGKILL). When the command ends, whatever is left of its group is killed,
// the servers are stopped, the directory is removed, and the harness exits
// with the command's status (128+N if signal N killed it; note that `go run`
// itself turns every non-zero status into 1). Servers die with the harness
// even if it is SIGKILLed (parent-death signal); the directory then remains
// until the next harness or test binary removes it (testenv.TempDir).
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/mailaccess/mailaccess/internal/testenv"
)

func init() {
	// Keep the main goroutine on the main thread: the command is started
	// from it with a parent-death signal, which Linux sends when the
	// starting thread ends, and the main thread lives as long as the
	// process.
	runtime.LockOSThread()
}

func main() {
	os.Exit(run())
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "harness: "+format+"\n", args...)
}

func run() int {
	noInstall := flag.Bool("no-install", false, "never install missing packages, even as root")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./internal/harness [-no-install] -- command [args...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		return 2
	}
	if err := ensurePrerequisites(!*noInstall); err != nil {
		logf("%v", err)
		return 1
	}

	sup := &supervisor{}
	sigc := make(chan os.Signal, 8)
	signal.Notify(sigc, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigc)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sup.cancel = cancel
	go func() {
		for sig := range sigc {
			sup.signal(sig.(syscall.Signal))
		}
	}()

	dir, err := testenv.TempDir("mailaccess-harness-")
	if err != nil {
		logf("%v", err)
		return 1
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil {
			logf("remove %s: %v", dir, err)
		}
	}()

	srv, err := startServers(ctx, dir)
	if err != nil {
		logf("%v", err)
		if stopErr := srv.stop(); stopErr != nil {
			logf("%v", stopErr)
		}
		if sig := sup.interrupted(); sig != 0 {
			return 128 + int(sig)
		}
		return 1
	}

	code := sup.runChild(flag.Args(), srv.env())
	if err := srv.stop(); err != nil {
		logf("%v", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// servers are the running servers; nil for those that did not start.
type servers struct {
	postgres             *testenv.Postgres
	dovecot, nocondstore *testenv.Dovecot
}

func startServers(ctx context.Context, dir string) (*servers, error) {
	ctx, cancel := context.WithCancel(ctx) // the first failure aborts the other starts
	defer cancel()
	password := randomHex(12)
	srv := &servers{}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	start := func(name string, f func() (string, error)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			addr, err := f()
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				mu.Unlock()
				cancel()
				return
			}
			logf("%s ready at %s in %v", name, addr, time.Since(t0).Round(time.Millisecond))
		}()
	}
	start("postgres", func() (string, error) {
		pg, err := testenv.StartPostgres(ctx, filepath.Join(dir, "postgres"))
		if err != nil {
			return "", err
		}
		srv.postgres = pg
		return pg.URL, nil
	})
	start("dovecot", func() (string, error) {
		d, err := testenv.StartDovecot(ctx, filepath.Join(dir, "dovecot"), testenv.DovecotOptions{Password: password})
		if err != nil {
			return "", err
		}
		srv.dovecot = d
		return d.Addr, nil
	})
	start("dovecot (no CONDSTORE)", func() (string, error) {
		d, err := testenv.StartDovecot(ctx, filepath.Join(dir, "dovecot-nocondstore"), testenv.DovecotOptions{Password: password, NoCondstore: true})
		if err != nil {
			return "", err
		}
		srv.nocondstore = d
		return d.Addr, nil
	})
	wg.Wait()
	return srv, errors.Join(errs...)
}

func (s *servers) env() []string {
	return []string{
		testenv.EnvPostgresURL + "=" + s.postgres.URL,
		testenv.EnvIMAPAddress + "=" + s.dovecot.Addr,
		testenv.EnvIMAPPassword + "=" + s.dovecot.Password,
		testenv.EnvIMAPNoCondstoreAddress + "=" + s.nocondstore.Addr,
		testenv.EnvDovecotDir + "=" + s.dovecot.Dir,
		testenv.EnvDovecotNoCondstoreDir + "=" + s.nocondstore.Dir,
	}
}

// settingPrefixes name the environment variables that override mailaccess's
// configuration (MAILACCESS_<SECTION>_<KEY>, one prefix per section of
// internal/cli's Config) and the password of `mailaccess sync`.
var settingPrefixes = []string{"MAILACCESS_HTTP_", "MAILACCESS_DATABASE_", "MAILACCESS_IMAP_", "MAILACCESS_SECURITY_",
	"MAILACCESS_ASYNC_", "MAILACCESS_SYNC_", "MAILACCESS_LOG_", "MAILACCESS_PASSWORD="}

// withoutSettings returns env without the variables that would override
// mailaccess's configuration, and their names. A developer's shell that
// exports them (to run mailaccess against other servers) would otherwise
// reach the processes the tests start, e.g. workers reading the test's
// config file, and point them at those servers. The harness's own
// variables (MAILACCESS_TEST_*) and test options such as
// MAILACCESS_BENCH_MESSAGES are kept.
func withoutSettings(env []string) (kept, dropped []string) {
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if slices.ContainsFunc(settingPrefixes, func(p string) bool { return strings.HasPrefix(name+"=", p) }) {
			dropped = append(dropped, name)
			continue
		}
		kept = append(kept, kv)
	}
	return kept, dropped
}

// stop stops the servers concurrently.
func (s *servers) stop() error {
	var stops []func() error
	if s.postgres != nil {
		stops = append(stops, s.postgres.Stop)
	}
	for _, d := range []*testenv.Dovecot{s.dovecot, s.nocondstore} {
		if d != nil {
			stops = append(stops, d.Stop)
		}
	}
	errs := make([]error, len(stops))
	var wg sync.WaitGroup
	for i, stop := range stops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = stop()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// supervisor routes signals: during start-up they cancel it, while the
// command runs they are forwarded to its process group.
type supervisor struct {
	mu       sync.Mutex
	cancel   context.CancelFunc
	sig      syscall.Signal // first signal received
	child    int            // process group of the running command, 0 if none
	received int            // signals received while the command ran
}

func (s *supervisor) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sig == 0 {
		s.sig = sig
	}
	if s.child == 0 {
		logf("%v: stopping", sig)
		s.cancel()
		return
	}
	s.received++
	if s.received >= 3 {
		logf("%v received a third time: killing the command", sig)
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-s.child, sig)
}

func (s *supervisor) interrupted() syscall.Signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sig
}

// runChild runs args with env added and returns its exit code.
func (s *supervisor) runChild(args, env []string) int {
	s.mu.Lock()
	if s.sig != 0 { // a signal arrived after the servers had started
		s.mu.Unlock()
		return 128 + int(s.sig)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	inherited, dropped := withoutSettings(os.Environ())
	for _, name := range dropped {
		logf("not passing %s to the command: the tests configure their own servers", name)
	}
	cmd.Env = append(inherited, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	foreground := ownsTerminal()
	if foreground {
		cmd.SysProcAttr.Foreground = true
		cmd.SysProcAttr.Ctty = 0 // the child's stdin
	}
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		logf("%v", err)
		return 127
	}
	s.child = cmd.Process.Pid
	s.mu.Unlock()

	err := cmd.Wait()

	s.mu.Lock()
	pgid := s.child
	s.child = 0
	s.mu.Unlock()
	if foreground {
		reclaimTerminal()
	}
	// Whatever the command left running in its group goes too.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)

	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr):
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exitErr.ExitCode()
	default:
		logf("%v", err)
		return 1
	}
}

// ownsTerminal reports whether stdin is a terminal whose foreground
// process group is ours.
func ownsTerminal() bool {
	var pgrp int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, 0, syscall.TIOCGPGRP, uintptr(unsafe.Pointer(&pgrp))); errno != 0 {
		return false
	}
	return int(pgrp) == syscall.Getpgrp()
}

// reclaimTerminal makes our process group the terminal's foreground group
// again. As a background group we would get SIGTTOU for that, so it is
// ignored meanwhile.
func reclaimTerminal() {
	signal.Ignore(syscall.SIGTTOU)
	defer signal.Reset(syscall.SIGTTOU)
	pgrp := int32(syscall.Getpgrp())
	_, _, _ = syscall.Syscall(syscall.SYS_IOCTL, 0, syscall.TIOCSPGRP, uintptr(unsafe.Pointer(&pgrp)))
}

// ensurePrerequisites checks for PostgreSQL, Dovecot and Chromium and, as
// root, installs what is missing.
func ensurePrerequisites(install bool) error {
	missing, err := missingPackages()
	if err != nil || len(missing) == 0 {
		return err
	}
	if !install || os.Geteuid() != 0 {
		return fmt.Errorf("missing packages; install them with: sudo apt-get install -y %s", strings.Join(missing, " "))
	}
	logf("installing %s", strings.Join(missing, " "))
	if err := apt("update"); err != nil {
		return err
	}
	// Now that the package lists are fresh, install PostgreSQL's server
	// package itself rather than the metapackage.
	for i, p := range missing {
		if p == "postgresql" {
			missing[i] = postgresServerPackage()
		}
	}
	if err := apt(append([]string{"install", "-y"}, missing...)...); err != nil {
		return err
	}
	// The packages start system-wide servers (dovecot on port 143, a
	// PostgreSQL cluster on 5432, PgBouncer on 6432); the tests do not
	// use them.
	for _, svc := range []string{"dovecot", "postgresql", "pgbouncer"} {
		_ = exec.Command("systemctl", "disable", "--now", svc).Run()
		_ = exec.Command("service", svc, "stop").Run()
	}
	still, err := missingPackages()
	if err == nil && len(still) > 0 {
		err = fmt.Errorf("still missing after apt-get install: %s", strings.Join(still, " "))
	}
	return err
}

// missingPackages returns the packages to install; other problems, such
// as $CHROMIUM naming no executable, are errors.
func missingPackages() ([]string, error) {
	var (
		missing []string
		errs    []error
	)
	for _, check := range []func() error{
		func() error { _, err := testenv.PostgresBinDir(); return err },
		func() error { _, err := testenv.DovecotBinary(); return err },
		func() error { _, err := testenv.ChromiumBinary(); return err },
		func() error { _, err := testenv.PgBouncerBinary(); return err },
	} {
		var me *testenv.MissingError
		switch err := check(); {
		case errors.As(err, &me):
			missing = append(missing, me.Package)
		case err != nil:
			errs = append(errs, err)
		}
	}
	return missing, errors.Join(errs...)
}

// postgresServerPackage returns the versioned server package the
// "postgresql" metapackage depends on, e.g. postgresql-15.
func postgresServerPackage() string {
	out, err := exec.Command("apt-cache", "depends", "postgresql").Output()
	if err != nil {
		return "postgresql"
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == "Depends:" && strings.HasPrefix(f[1], "postgresql-") {
			return f[1]
		}
	}
	return "postgresql"
}

func apt(args ...string) error {
	cmd := exec.Command("apt-get", append([]string{"-o", "DPkg::Lock::Timeout=600"}, args...)...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("apt-get %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}
