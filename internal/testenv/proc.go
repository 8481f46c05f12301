package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	// defaultStartTimeout bounds a server start when ctx has no deadline.
	defaultStartTimeout = 60 * time.Second
	// pollInterval is the pause between two readiness or liveness probes.
	pollInterval = 10 * time.Millisecond
	// portAttempts is how often a start is retried when the free port
	// picked for a server was taken by someone else before it bound it.
	portAttempts = 5
	// stragglerTimeout bounds the hunt for left-over processes after a
	// server's main process has exited.
	stragglerTimeout = 5 * time.Second
)

// MissingError reports a program that must be installed first.
type MissingError struct {
	Program string // what was looked for, e.g. "initdb"
	Package string // the Debian package that provides it
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("%s not found: install it (apt-get install %s) or run `make test`", e.Program, e.Package)
}

// spawnReq asks the spawner thread to start a command.
type spawnReq struct {
	cmd  *exec.Cmd
	errc chan error
}

var (
	spawnerOnce sync.Once
	spawnReqs   chan spawnReq
)

// startOnLockedThread starts cmd from an OS thread that lives as long as
// this process. Linux delivers Pdeathsig when the *thread* that forked the
// child exits (https://go.dev/issue/27505); the Go runtime ends threads whose
// goroutine exits while locked, so forking from an arbitrary goroutine could
// kill a server in the middle of a run.
func startOnLockedThread(cmd *exec.Cmd) error {
	spawnerOnce.Do(func() {
		spawnReqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread outlives every server
			for r := range spawnReqs {
				r.errc <- r.cmd.Start()
			}
		}()
	})
	errc := make(chan error, 1)
	spawnReqs <- spawnReq{cmd: cmd, errc: errc}
	return <-errc
}

// stopStep is one escalation step of a shutdown: send sig (to the whole
// process group if group is set, else to the main process) and wait up to
// wait for the main process to exit.
type stopStep struct {
	sig   syscall.Signal
	group bool
	wait  time.Duration
}

// process is a server started in its own process group.
type process struct {
	name  string
	dir   string   // processes whose working directory is inside dir are the server's
	logs  []string // files whose tail explains a failure
	steps []stopStep

	cmd     *exec.Cmd
	pgid    int
	done    chan struct{} // closed once cmd.Wait has returned
	waitErr error         // valid after done is closed

	stopOnce sync.Once
	stopErr  error
}

// startProcess starts cmd in a new process group with Pdeathsig set, with
// stdout and stderr appended to outPath.
func startProcess(name, dir string, cmd *exec.Cmd, pdeathsig syscall.Signal, cred *syscall.Credential, outPath string, steps []stopStep, logs ...string) (*process, error) {
	out, err := os.OpenFile(outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer out.Close()
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:    true,
		Pdeathsig:  pdeathsig,
		Credential: cred,
	}
	if err := startOnLockedThread(cmd); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{
		name:  name,
		dir:   dir,
		logs:  append([]string{outPath}, logs...),
		steps: steps,
		cmd:   cmd,
		pgid:  cmd.Process.Pid,
		done:  make(chan struct{}),
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the main process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// logTail returns the last lines of the process's log files.
func (p *process) logTail() string {
	var b strings.Builder
	for _, path := range p.logs {
		data, err := os.ReadFile(path)
		if err != nil || len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		if len(lines) > 20 {
			lines = lines[len(lines)-20:]
		}
		fmt.Fprintf(&b, "\n--- %s (tail) ---\n%s", path, strings.Join(lines, "\n"))
	}
	return b.String()
}

// logContains reports whether any of the log files contains s.
func (p *process) logContains(s string) bool {
	for _, path := range p.logs {
		if data, err := os.ReadFile(path); err == nil && bytes.Contains(data, []byte(s)) {
			return true
		}
	}
	return false
}

// permanentError is a readiness probe failure that waiting will not cure.
type permanentError struct{ error }

func permanent(err error) error { return permanentError{err} }

// waitReady polls ready until it succeeds, the process exits, ctx is done or
// the start deadline passes. It never stops the process.
func (p *process) waitReady(ctx context.Context, ready func(context.Context) error) error {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var lastErr error
	for {
		if lastErr = ready(ctx); lastErr == nil {
			return nil
		}
		var perm permanentError
		if errors.As(lastErr, &perm) {
			return fmt.Errorf("%s: %w%s", p.name, perm.error, p.logTail())
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited during start-up (%v)%s", p.name, p.waitErr, p.logTail())
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w (last probe: %v)%s", p.name, ctx.Err(), lastErr, p.logTail())
		case <-tick.C:
		}
	}
}

// stop shuts the server down along its escalation steps, then kills
// whatever is left of it. It is idempotent; later calls return the first
// result. It reports an error if the server had died before stop was
// called or would not stop without SIGKILL.
func (p *process) stop() error {
	p.stopOnce.Do(func() {
		var errs []error
		if p.exited() {
			errs = append(errs, fmt.Errorf("%s had exited unexpectedly (%v)%s", p.name, p.waitErr, p.logTail()))
		}
		stopped := p.exited()
		for _, s := range p.steps {
			if stopped {
				break
			}
			p.signal(s.sig, s.group)
			timer := time.NewTimer(s.wait)
			select {
			case <-p.done:
				stopped = true
			case <-timer.C:
			}
			timer.Stop()
		}
		if !stopped {
			p.signal(syscall.SIGKILL, true)
			<-p.done
			errs = append(errs, fmt.Errorf("%s did not shut down in time and was killed%s", p.name, p.logTail()))
		}
		if err := killStragglers(p.pgid, p.dir); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.name, err))
		}
		p.stopErr = errors.Join(errs...)
	})
	return p.stopErr
}

func (p *process) signal(sig syscall.Signal, group bool) {
	pid := p.cmd.Process.Pid
	if group {
		pid = -p.pgid
	}
	_ = syscall.Kill(pid, sig) // ESRCH: already gone
}

// killStragglers SIGKILLs every process that is in process group pgid or
// whose working directory is inside dir (PostgreSQL backends leave the
// postmaster's group but keep the data directory as working directory),
// until none is left or stragglerTimeout passes.
func killStragglers(pgid int, dir string) error {
	deadline := time.Now().Add(stragglerTimeout)
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		pids := findStragglers(pgid, dir)
		if len(pids) == 0 {
			return nil
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes %v survived SIGKILL for %v", pids, stragglerTimeout)
		}
		<-tick.C
	}
}

func findStragglers(pgid int, dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the parenthesised command name: state ppid pgrp ...
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue // zombies are reaped by their parent, not by signals
		}
		if g, _ := strconv.Atoi(f[2]); g == pgid {
			pids = append(pids, pid)
			continue
		}
		if dir == "" {
			continue
		}
		if cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd")); err == nil && within(cwd, dir) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+string(filepath.Separator))
}

func withDefaultTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, defaultStartTimeout)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
// Another process may take it before the server binds it; callers retry.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// account is a user a server process runs as.
type account struct {
	name      string
	group     string
	uid, gid  int
	isCurrent bool // the account this process runs as: no setuid needed
}

// currentAccount returns the account this process runs as.
func currentAccount() (account, error) {
	u, err := user.Current()
	if err != nil {
		return account{}, fmt.Errorf("look up current user: %w", err)
	}
	a, err := toAccount(u)
	a.isCurrent = true
	return a, err
}

// lookupAccount returns the first of names that exists.
func lookupAccount(names ...string) (account, error) {
	for _, n := range names {
		u, err := user.Lookup(n)
		if err != nil {
			continue
		}
		return toAccount(u)
	}
	return account{}, fmt.Errorf("none of the users %v exists", names)
}

func toAccount(u *user.User) (account, error) {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return account{}, fmt.Errorf("user %s: uid %q: %w", u.Username, u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return account{}, fmt.Errorf("user %s: gid %q: %w", u.Username, u.Gid, err)
	}
	a := account{name: u.Username, uid: uid, gid: gid, group: u.Gid}
	if g, err := user.LookupGroupId(u.Gid); err == nil {
		a.group = g.Name
	}
	return a, nil
}

// credential returns what exec needs to run as a, or nil if no change of
// user is needed.
func (a account) credential() *syscall.Credential {
	if a.isCurrent {
		return nil
	}
	return &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid), Groups: []uint32{}}
}

// prepareDir creates dir (mode 0755) and returns its absolute, symlink-free
// path. If owner is another account than the current one, it checks that
// owner can reach dir and, if chown is set, gives dir to owner.
func prepareDir(dir string, owner account, chown bool) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	// Resolve symlinks so the /proc cwd comparison in killStragglers works.
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return "", err
	}
	if err := os.Chmod(abs, 0o755); err != nil {
		return "", err
	}
	if owner.isCurrent {
		return abs, nil
	}
	if chown {
		if err := os.Chown(abs, owner.uid, owner.gid); err != nil {
			return "", err
		}
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return "", err
		}
		st, _ := fi.Sys().(*syscall.Stat_t)
		ownedByOwner := st != nil && int(st.Uid) == owner.uid
		if fi.Mode().Perm()&0o001 == 0 && !ownedByOwner {
			return "", fmt.Errorf("%s must be reachable by user %s, but its parent %s has mode %v: use a directory under /tmp", abs, owner.name, d, fi.Mode().Perm())
		}
		if d == filepath.Dir(d) {
			return abs, nil
		}
	}
}

// chownTree gives every file under root to uid:gid.
func chownTree(root string, uid, gid int) error {
	return filepath.WalkDir(root, func(path string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
}
