package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/lib/pq"
)

// moduleRoot finds the directory of go.mod from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func buildBinary(ctx context.Context, tmp string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(tmp, "mailaccess")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/mailaccess")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/mailaccess: %w\n%s", err, out)
	}
	return bin, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// database creation on the harness's cluster

func dbURL(adminURL, name string) (string, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func createDB(ctx context.Context, adminURL, name string) (string, error) {
	db, err := sql.Open("postgres", adminURL)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return dbURL(adminURL, name)
}

func dropDB(adminURL, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`)
	return err
}

// config

type instance struct {
	bin, dir, config, addr, mode string
	procs                        []*proc
}

func writeConfig(dir, mode, database, imapAddr string) (*instance, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf(`# written by internal/loadtest
[http]
address = %q

[database]
url = %q

[imap]
address = %q
tls = "none"
timeout = "30s"

[security]
key = %q

[async]
mode = %q
shutdown_grace = "5s"

[log]
level = "info"
format = "text"
`, addr, database, imapAddr, base64.StdEncoding.EncodeToString(key), mode)
	path := filepath.Join(dir, "mailaccess.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	return &instance{dir: dir, config: path, addr: addr, mode: mode}, nil
}

// processes

type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// serviceAttr starts a long-running process in a session of its own (and so
// a process group of its own), as a service manager such as systemd starts
// each service. It matters to the CPU scheduler: with autogroup scheduling
// (the default of most distributions) the CPU is shared between sessions
// first, so a web server sharing the benchmark's session with the workers,
// Dovecot and the browsing client would get a share of that session's part,
// and the workers' nice value would count only inside it.
func serviceAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
}

// run runs a short mailaccess command and returns its stdout.
func (in *instance) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, in.bin, args...)
	cmd.SysProcAttr = procAttr()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Dir = in.dir
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("mailaccess %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes(), nil
}

// start starts a long-running mailaccess process with its output in a log
// file. It is stopped by stop, by ctx's end (SIGTERM, then SIGKILL after
// 10s) or, if this program dies, by the kernel (SIGKILL).
func (in *instance) start(ctx context.Context, name string, args ...string) (*proc, error) {
	logPath := filepath.Join(in.dir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, in.bin, args...)
	cmd.SysProcAttr = serviceAttr()
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Dir = in.dir
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	in.procs = append(in.procs, p)
	return p, nil
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, waits up to 15s, then kills the process group.
func (p *proc) stop() {
	if p.exited() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

func (in *instance) stopAll() {
	var wg sync.WaitGroup
	for _, p := range in.procs {
		wg.Add(1)
		go func() { defer wg.Done(); p.stop() }()
	}
	wg.Wait()
}

func logTail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// waitHealthy polls /healthz until 200 or the deadline.
func (in *instance) waitHealthy(ctx context.Context, serve *proc, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		if serve.exited() {
			return fmt.Errorf("serve exited: %v\n%s", serve.err, logTail(serve.log, 20))
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+in.addr+"/healthz", nil)
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("serve not healthy after %s: %w\n%s", timeout, ctx.Err(), logTail(serve.log, 20))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

type dispatchStatus struct {
	LiveWorkers int   `json:"live_workers"`
	Queued      int64 `json:"queued"`
	Running     int64 `json:"running"`
	Done        int64 `json:"done"`
	Failed      int64 `json:"failed"`
}

func (in *instance) status(ctx context.Context) (dispatchStatus, error) {
	var st dispatchStatus
	out, err := in.run(ctx, "status", "-config", in.config, "-json")
	if err != nil {
		return st, err
	}
	err = json.Unmarshal(out, &st)
	return st, err
}

// waitWorkers polls `mailaccess status -json` until n workers are alive.
func (in *instance) waitWorkers(ctx context.Context, n int, workers []*proc, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last dispatchStatus
	var lastErr error
	for {
		for _, w := range workers {
			if w.exited() {
				return fmt.Errorf("%s exited: %v\n%s", w.name, w.err, logTail(w.log, 20))
			}
		}
		last, lastErr = in.status(ctx)
		if lastErr == nil && last.LiveWorkers >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d live workers after %s, want %d (last error: %v)", last.LiveWorkers, timeout, n, lastErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// logCounts counts the lines of a log by level and keeps a few samples of
// the warnings and errors.
type logSummary struct {
	Errors   int      `json:"errors"`
	Warnings int      `json:"warnings"`
	Canceled int      `json:"errors_context_canceled"` // requests the client gave up (end of browsing, timeouts)
	Samples  []string `json:"samples,omitempty"`
}

func summarizeLogs(paths ...string) logSummary {
	var s logSummary
	seen := map[string]bool{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			isErr := strings.Contains(line, "level=ERROR") || strings.Contains(line, "panic")
			isWarn := strings.Contains(line, "level=WARN")
			if isErr {
				s.Errors++
				if strings.Contains(line, "context canceled") {
					s.Canceled++
				}
			}
			if isWarn {
				s.Warnings++
			}
			if (isErr || isWarn) && len(s.Samples) < 8 {
				// one sample per message kind
				key := line
				if i := strings.Index(line, "msg="); i >= 0 {
					key = line[i:]
					if j := strings.Index(key, " "); j > 0 && !strings.HasPrefix(key, `msg="`) {
						key = key[:j]
					} else if j := strings.Index(key[5:], `"`); j > 0 {
						key = key[:j+6]
					}
				}
				if !seen[key] {
					seen[key] = true
					if len(line) > 400 {
						line = line[:400] + "…"
					}
					s.Samples = append(s.Samples, filepath.Base(p)+": "+line)
				}
			}
		}
		f.Close()
	}
	return s
}
