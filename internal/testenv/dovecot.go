package testenv

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"text/template"
	"time"
)

// Dovecot is a throw-away Dovecot IMAP server started by StartDovecot.
type Dovecot struct {
	// Addr is the plain-text IMAP listener, 127.0.0.1:PORT.
	Addr string
	// Password logs in any user name; every user name is its own, empty
	// to begin with, mailbox tree.
	Password string
	// Dir holds the configuration (Dir/dovecot.conf), the log
	// (Dir/dovecot.log), run-time state and the mail (Dir/mail/USER).
	Dir string
	// UID and GID own the mail files: the unprivileged account Dovecot
	// accesses mail as. See ChownMail.
	UID, GID int

	proc *process
}

// DovecotOptions configures StartDovecot.
type DovecotOptions struct {
	// NoCondstore removes CONDSTORE and QRESYNC from the advertised
	// capabilities (Dovecot still accepts the commands if a client sends
	// them regardless).
	NoCondstore bool
	// Password is the shared password; a random one if empty.
	Password string
}

// DovecotBinary returns the path of the dovecot master binary, making sure
// the IMAP server (package dovecot-imapd) is installed too.
func DovecotBinary() (string, error) {
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		bin = "/usr/sbin/dovecot" // not in $PATH of non-root users
		if !isExecutable(bin) {
			return "", &MissingError{Program: "dovecot", Package: "dovecot-imapd"}
		}
	}
	for _, libexec := range []string{"/usr/lib/dovecot", "/usr/libexec/dovecot", "/usr/local/libexec/dovecot"} {
		if isExecutable(filepath.Join(libexec, "imap")) {
			return bin, nil
		}
	}
	return "", &MissingError{Program: "dovecot imap server", Package: "dovecot-imapd"}
}

// dovecotCapsNoCondstore is Dovecot 2.3's default post-login capability
// list without CONDSTORE and QRESYNC.
const dovecotCapsNoCondstore = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY " +
	"THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT " +
	"CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 ESEARCH ESORT SEARCHRES WITHIN " +
	"CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE " +
	"SAVEDATE LITERAL+ NOTIFY SPECIAL-USE"

// safePath is what may appear unquoted in dovecot.conf and in Dovecot's
// %-variable expansion.
var safePath = regexp.MustCompile(`^[A-Za-z0-9/._+-]+$`)

// StartDovecot writes a configuration into dir (created if needed) and
// starts "dovecot -F" with it on a free port of 127.0.0.1, then waits until
// the server greets and accepts a LOGIN. Only that IMAP listener is opened;
// all other services use Unix sockets inside dir.
//
// Authentication: any user name, one shared password (opts.Password or a
// random one). Mail: Maildir (LAYOUT=fs, separator "/") at
// Dir/mail/USER/Maildir, with Drafts, Sent, Trash and Junk carrying their
// SPECIAL-USE attributes.
//
// Started as root, Dovecot runs its login processes as "dovenull", its
// internal services as "dovecot" and accesses mail as "nobody" (falling back
// to "nobody" for missing accounts); otherwise everything runs as the
// current user. ctx bounds the start-up (60s if it has no deadline).
func StartDovecot(ctx context.Context, dir string, opts DovecotOptions) (*Dovecot, error) {
	bin, err := DovecotBinary()
	if err != nil {
		return nil, err
	}
	if err := checkDovecotVersion(ctx, bin); err != nil {
		return nil, err
	}
	cfg, err := dovecotAccounts()
	if err != nil {
		return nil, err
	}
	// The master (root or the current user) owns dir; the mail account
	// must be able to reach dir/mail.
	if dir, err = prepareDir(dir, cfg.mail, false); err != nil {
		return nil, fmt.Errorf("dovecot: %w", err)
	}
	if !safePath.MatchString(dir) {
		return nil, fmt.Errorf("dovecot: dir %q has characters that dovecot.conf cannot take", dir)
	}
	mail := filepath.Join(dir, "mail")
	if err := os.MkdirAll(mail, 0o755); err != nil {
		return nil, fmt.Errorf("dovecot: %w", err)
	}
	if !cfg.mail.isCurrent {
		if err := os.Chown(mail, cfg.mail.uid, cfg.mail.gid); err != nil {
			return nil, fmt.Errorf("dovecot: %w", err)
		}
	}
	if opts.Password == "" {
		opts.Password = randomHex(12)
	}
	if !safePath.MatchString(opts.Password) || strings.Contains(opts.Password, "/") {
		return nil, fmt.Errorf("dovecot: password may only contain letters, digits and ._+-")
	}
	cfg.Dir = dir
	cfg.Password = opts.Password
	cfg.Instance = "mailaccess-" + filepath.Base(dir)
	if opts.NoCondstore {
		cfg.Capability = dovecotCapsNoCondstore
	}
	for attempt := 1; ; attempt++ {
		d, err := startDovecotOnce(ctx, bin, cfg)
		if err == nil {
			return d, nil
		}
		if d == nil || !d.proc.logContains("Address already in use") || attempt == portAttempts {
			return nil, err
		}
	}
}

func checkDovecotVersion(ctx context.Context, bin string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return fmt.Errorf("%s --version: %w", bin, err)
	}
	if !bytes.HasPrefix(out, []byte("2.3.")) {
		return fmt.Errorf("dovecot %s is not supported: testenv writes a Dovecot 2.3 configuration", strings.TrimSpace(string(out)))
	}
	return nil
}

// dovecotConfig is the data of dovecotConfTemplate.
type dovecotConfig struct {
	Dir, Password, Instance, Capability string
	Port                                int
	Root                                bool // master runs as root: chroot login processes
	internal, login, mail               account
}

// ChrootServices are the services that Dovecot 2.3 chroots by default.
func (dovecotConfig) ChrootServices() []string {
	return []string{"aggregator", "anvil", "director", "imap-login", "imap-urlauth-login", "ipc", "old-stats", "pop3-login", "submission-login"}
}

func (c dovecotConfig) InternalUser() string  { return c.internal.name }
func (c dovecotConfig) InternalGroup() string { return c.internal.group }
func (c dovecotConfig) LoginUser() string     { return c.login.name }
func (c dovecotConfig) MailUID() int          { return c.mail.uid }
func (c dovecotConfig) MailGID() int          { return c.mail.gid }

func dovecotAccounts() (dovecotConfig, error) {
	cur, err := currentAccount()
	if err != nil {
		return dovecotConfig{}, err
	}
	if cur.uid != 0 {
		return dovecotConfig{internal: cur, login: cur, mail: cur}, nil
	}
	c := dovecotConfig{Root: true}
	if c.internal, err = lookupAccount("dovecot", "nobody"); err != nil {
		return c, err
	}
	if c.login, err = lookupAccount("dovenull", "nobody"); err != nil {
		return c, err
	}
	if c.mail, err = lookupAccount("nobody"); err != nil {
		return c, err
	}
	return c, nil
}

var dovecotConfTemplate = template.Must(template.New("dovecot.conf").Parse(`# Generated by internal/testenv: a throw-away IMAP server for tests.
base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
instance_name = {{.Instance}}
log_path = {{.Dir}}/dovecot.log
info_log_path = {{.Dir}}/dovecot.log
debug_log_path = {{.Dir}}/dovecot.log

protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_cache_size = 0
shutdown_clients = yes

default_internal_user = {{.InternalUser}}
default_internal_group = {{.InternalGroup}}
default_login_user = {{.LoginUser}}
first_valid_uid = {{.MailUID}}
last_valid_uid = 0
first_valid_gid = {{.MailGID}}
last_valid_gid = 0

default_process_limit = 1000
default_client_limit = 5000

mail_location = maildir:~/Maildir:LAYOUT=fs
mail_fsync = never
mailbox_idle_check_interval = 1 secs

# Any user name logs in with the shared password. A wrong password falls
# through to the second passdb, which fails the login with "nodelay": that
# skips both the failure delay (at least 0.5s even with
# auth_failure_delay = 0) and the per-IP auth penalty (2s, 4s, ... for every
# later login from 127.0.0.1, even with the right password).
passdb {
  driver = static
  args = password={{.Password}}
  result_failure = continue
}
passdb {
  driver = static
  args = nopassword=y nodelay=yes
  result_success = continue-fail
}
userdb {
  driver = static
  args = uid={{.MailUID}} gid={{.MailGID}} home={{.Dir}}/mail/%u
}

namespace inbox {
  inbox = yes
  prefix =
  separator = /
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = {{.Port}}
  }
  inet_listener imaps {
    port = 0
  }
}
{{- if not .Root}}
# Only root can chroot: run the services that default to it without.
{{- range .ChrootServices}}
service {{.}} {
  chroot =
}
{{- end}}
{{- end}}

protocol imap {
  mail_max_userip_connections = 100
{{- if .Capability}}
  imap_capability = {{.Capability}}
{{- end}}
}
`))

// startDovecotOnce starts the server on a fresh port. On failure it
// returns the stopped server too, so the caller can look at its log.
func startDovecotOnce(ctx context.Context, bin string, cfg dovecotConfig) (*Dovecot, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfg.Port = port
	var conf bytes.Buffer
	if err := dovecotConfTemplate.Execute(&conf, cfg); err != nil {
		return nil, fmt.Errorf("dovecot.conf: %w", err)
	}
	confPath := filepath.Join(cfg.Dir, "dovecot.conf")
	if err := os.WriteFile(confPath, conf.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("dovecot: %w", err)
	}
	cmd := exec.Command(bin, "-F", "-c", confPath)
	cmd.Dir = cfg.Dir
	logPath := filepath.Join(cfg.Dir, "dovecot.log")
	// On SIGTERM the master stops all its services, so Pdeathsig SIGTERM
	// takes the whole server down if this process dies.
	proc, err := startProcess("dovecot", cfg.Dir, cmd, syscall.SIGTERM, nil,
		filepath.Join(cfg.Dir, "dovecot.stderr.log"),
		[]stopStep{{sig: syscall.SIGTERM, group: true, wait: 10 * time.Second}},
		logPath)
	if err != nil {
		return nil, err
	}
	d := &Dovecot{
		Addr:     net.JoinHostPort("127.0.0.1", fmt.Sprint(port)),
		Password: cfg.Password,
		Dir:      cfg.Dir,
		UID:      cfg.mail.uid,
		GID:      cfg.mail.gid,
		proc:     proc,
	}
	if err := proc.waitReady(ctx, d.greeting); err != nil {
		_ = d.Stop()
		return d, err
	}
	return d, nil
}

// probeUser is the user the readiness probe logs in as; NewUser names
// never collide with it.
const probeUser = "testenv-probe"

// greeting connects, reads the IMAP greeting and logs in: the server is
// ready when a test could log in.
func (d *Dovecot) greeting(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", d.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil {
		return fmt.Errorf("read greeting: %w", err)
	}
	if !strings.HasPrefix(line, "* OK") {
		return fmt.Errorf("unexpected greeting %q", line)
	}
	if _, err := fmt.Fprintf(conn, "p1 LOGIN %s %s\r\np2 LOGOUT\r\n", probeUser, d.Password); err != nil {
		return err
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("LOGIN as %s: %w", probeUser, err)
		}
		if strings.HasPrefix(line, "p1 OK") {
			return nil
		}
		if strings.HasPrefix(line, "p1 ") {
			return permanent(fmt.Errorf("LOGIN as %s: %s", probeUser, strings.TrimSpace(line)))
		}
	}
}

// Stop shuts the server down (SIGTERM to its process group, SIGKILL after
// 10s) and waits until no process of it is left. It is idempotent. It does
// not remove Dir.
func (d *Dovecot) Stop() error {
	return d.proc.stop()
}

// MaildirOf returns the Maildir of user: INBOX's cur/new/tmp are directly
// in it, mailbox "a/b" is in MaildirOf(user)/a/b (LAYOUT=fs). It exists
// once the user has logged in; see ChownMail before creating files there.
func (d *Dovecot) MaildirOf(user string) string {
	return maildirOf(d.Dir, user)
}

// ChownMail gives path and everything below it to the account Dovecot
// accesses mail as. Files that a root process puts into a Maildir must be
// handed over like this, or Dovecot cannot write there; it is a no-op when
// Dovecot runs as the current user.
func (d *Dovecot) ChownMail(path string) error {
	return chownMail(d.Dir, path)
}

func maildirOf(dir, user string) string {
	// auth_username_format defaults to %Lu: Dovecot lower-cases user names.
	return filepath.Join(dir, "mail", strings.ToLower(user), "Maildir")
}

func chownMail(dir, path string) error {
	fi, err := os.Stat(filepath.Join(dir, "mail"))
	if err != nil {
		return fmt.Errorf("chown mail: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("chown mail: no owner information for %s", filepath.Join(dir, "mail"))
	}
	if int(st.Uid) == os.Geteuid() {
		return nil
	}
	if err := chownTree(path, int(st.Uid), int(st.Gid)); err != nil {
		return fmt.Errorf("chown mail: %w", err)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}
