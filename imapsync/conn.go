package imapsync

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// Errors a caller can tell apart with errors.Is. They are the domain's
// (package mailaccess), so that callers need not import this package.
var (
	ErrAuth        = mailaccess.ErrAuth
	ErrUnreachable = mailaccess.ErrUnreachable
	ErrMailboxGone = mailaccess.ErrMailboxGone
	ErrMessageGone = mailaccess.ErrMessageGone
)

// Config says how to reach the IMAP server and how to sync.
type Config struct {
	Address            string        // host:port
	TLS                string        // "none", "starttls" (default) or "tls"
	InsecureSkipVerify bool          // accept any certificate (tests only)
	Timeout            time.Duration // deadline of the dial and of each command; default 30s
	BatchSize          int           // messages fetched and committed together; default 500
	BodyMaxBytes       int64         // largest body kept in the cache; default 25 MiB
	// PreviewBytes is how much of each new message's body is fetched for
	// its preview; default 2048, negative for no previews.
	PreviewBytes int
	// PreviewRecent is how many of the new messages of one pass, the
	// newest, get a preview; default 2000. Older mail of a large initial
	// sync gets none (its body is fetched when opened).
	PreviewRecent int
	// PrefetchRecent is how many of the new messages of one pass, the
	// newest, get their whole body fetched and kept during the pass, so
	// that opening them does not wait for the server; default 50,
	// negative for none. Messages larger than PrefetchMaxBytes (default
	// 256 KiB: text mail, not attachments) are fetched when opened.
	PrefetchRecent   int
	PrefetchMaxBytes int64
	// FolderLease is how long a folder pass holds the folder's sync lease
	// without renewing it (it renews it every third of that): another
	// pass of the folder waits at most this long for a process that died
	// holding it; default 10 s.
	FolderLease time.Duration
}

const (
	defaultTimeout      = 30 * time.Second
	defaultBatchSize    = 500
	defaultBodyMaxBytes = 25 << 20
	defaultPreviewBytes = 2048
	defaultFolderLease  = 10 * time.Second

	defaultPrefetchRecent   = 50
	defaultPrefetchMaxBytes = 256 << 10
)

// DefaultPreviewRecent is Config.PreviewRecent's default.
const DefaultPreviewRecent = 2000

// Credentials returns the IMAP login of an account (the password unsealed).
type Credentials func(ctx context.Context, accountID int64) (username, password string, err error)

// Syncer syncs accounts' mailboxes from the IMAP server into the store.
type Syncer struct {
	pool      pool   // warm connections of the short calls
	bodies    bodies // message bodies being fetched, and prefetches
	cfg       Config
	store     Store
	creds     Credentials
	log       *slog.Logger
	predialMu sync.Mutex
	predial   *Predialed // see UsePredialed; nil once taken

	leaseOwner string        // this process in the folder leases it holds (see lockFolder)
	leases     atomic.Uint64 // leases taken, to make each owner token unique
}

// New returns a Syncer. Zero fields of cfg take their defaults.
func New(cfg Config, store Store, creds Credentials, logger *slog.Logger) *Syncer {
	cfg.TLS = cmp.Or(cfg.TLS, "starttls")
	cfg.Timeout = cmp.Or(cfg.Timeout, defaultTimeout)
	cfg.BatchSize = cmp.Or(cfg.BatchSize, defaultBatchSize)
	cfg.BodyMaxBytes = cmp.Or(cfg.BodyMaxBytes, defaultBodyMaxBytes)
	cfg.PreviewBytes = cmp.Or(cfg.PreviewBytes, defaultPreviewBytes)
	cfg.PreviewRecent = cmp.Or(cfg.PreviewRecent, DefaultPreviewRecent)
	cfg.FolderLease = cmp.Or(cfg.FolderLease, defaultFolderLease)
	cfg.PrefetchRecent = cmp.Or(cfg.PrefetchRecent, defaultPrefetchRecent)
	cfg.PrefetchMaxBytes = min(cmp.Or(cfg.PrefetchMaxBytes, defaultPrefetchMaxBytes), cfg.BodyMaxBytes)
	return &Syncer{cfg: cfg, store: store, creds: creds, log: cmp.Or(logger, slog.Default()), leaseOwner: leaseOwnerPrefix()}
}

// deadlineConn gives every read and write of a connection a deadline of
// timeout from the moment it starts. go-imap reads in a goroutine of its own,
// so a read is pending whenever the connection is open: a connection left
// idle for longer than timeout breaks too, which is harmless here because
// the engine's connections live only as long as one call.
//
// A failed read fails every later one: after a literal could not be read to
// its end (see collect), go-imap's reader must not go on reading the stream
// from the middle of a message.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
	readErr atomic.Pointer[error]
	readAt  atomic.Int64 // start of the latest read (Unix ns): its deadline is timeout later
}

func (d *deadlineConn) Read(p []byte) (int, error) {
	if err := d.readErr.Load(); err != nil {
		return 0, *err
	}
	now := time.Now()
	d.readAt.Store(now.UnixNano())
	d.Conn.SetReadDeadline(now.Add(d.timeout))
	n, err := d.Conn.Read(p)
	if err != nil {
		d.readErr.CompareAndSwap(nil, &err)
	}
	return n, err
}

func (d *deadlineConn) Write(p []byte) (int, error) {
	d.Conn.SetWriteDeadline(time.Now().Add(d.timeout))
	return d.Conn.Write(p)
}

// conn is one logged-in IMAP connection. It is owned by the call that
// opened it and closed by it.
type conn struct {
	c    *imapclient.Client
	nc   *deadlineConn // under c
	caps imap.CapSet
	stop func() bool
	dead atomic.Bool // abandoned
	sel  selection   // the folder selected by acquireIn, while in the pool
	// selNext is the folder's UIDNEXT when acquireIn selected it: a
	// message with a UID from there on may not be visible yet.
	selNext mailaccess.UID
	// listed: the connection ran LIST, and is not pooled (see release).
	listed bool
}

// readSince returns when the connection's pending read started: it fails
// Config.Timeout later unless the server sends something.
func (c *conn) readSince() time.Time {
	return time.Unix(0, c.nc.readAt.Load())
}

// abandon closes a connection in the middle of a command that must not be
// touched again (see collect), without waiting for go-imap's reader.
func (c *conn) abandon() {
	c.dead.Store(true)
	c.nc.Close()
}

// collect reads one message of a FETCH response; when that fails the
// connection is abandoned, and the caller must leave the command alone.
func (c *conn) collect(data *imapclient.FetchMessageData) (*imapclient.FetchMessageBuffer, error) {
	buf, err := collect(data)
	if err != nil {
		c.abandon()
	}
	return buf, err
}

// bind makes the end of ctx close the connection's socket (c.stop undoes
// it): a pending command then fails, as go-imap takes no context. The owner
// of the connection still closes it (go-imap's Close waits for its reader,
// which may wait for the owner to read a literal: see dropFetch).
func (c *conn) bind(ctx context.Context) {
	c.stop = context.AfterFunc(ctx, func() { c.nc.Close() })
}

// dropFetch abandons the connection in the middle of a FETCH command that
// its caller stops reading. go-imap's reader waits, at each literal, until
// the caller has read it: left alone it would wait forever, and Close with
// it. With the socket closed, the rest of what go-imap has received is
// read until a literal cannot be, which releases the reader (collect never
// reads a literal twice).
func (c *conn) dropFetch(cmd *imapclient.FetchCommand) {
	c.abandon()
	for data := cmd.Next(); data != nil; data = cmd.Next() {
		if _, err := collect(data); err != nil {
			return
		}
	}
}

func (c *conn) Close() error {
	c.stop()
	return c.c.Close()
}

// dial connects and logs in. The connection is closed when ctx ends, which
// makes any pending command fail: go-imap takes no context, so ctx is bridged
// by closing the connection.
func (s *Syncer) dial(ctx context.Context, username, password string) (*conn, error) {
	return s.dialWith(ctx, username, password, nil)
}

// dialWith is dial with a handler of the server's unilateral data (nil for
// go-imap's default).
func (s *Syncer) dialWith(ctx context.Context, username, password string, unilateral *imapclient.UnilateralDataHandler) (*conn, error) {
	cn, err := s.connect(ctx, unilateral)
	if err != nil {
		return nil, err
	}
	return cn, s.authenticate(ctx, cn, username, password)
}

// connect opens a connection up to the server's greeting (TCP, TLS or
// STARTTLS), bound to ctx.
func (s *Syncer) connect(ctx context.Context, unilateral *imapclient.UnilateralDataHandler) (*conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(s.cfg.Address)
	opts := &imapclient.Options{
		WordDecoder:           &mime.WordDecoder{CharsetReader: charset.Reader},
		TLSConfig:             &tls.Config{ServerName: host, InsecureSkipVerify: s.cfg.InsecureSkipVerify},
		UnilateralDataHandler: unilateral,
	}
	dialer := &net.Dialer{Timeout: s.cfg.Timeout}
	raw, err := dialer.DialContext(ctx, "tcp", s.cfg.Address)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("dial: %w", ctxErr)
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, s.cfg.Address, err)
	}
	// Every read and write has its own deadline: a server that stops
	// answering in the middle of a command breaks the connection after
	// Config.Timeout instead of hanging the sync.
	nc := &deadlineConn{Conn: raw, timeout: s.cfg.Timeout}
	var c *imapclient.Client
	switch s.cfg.TLS {
	case "none":
		c = imapclient.New(nc, opts)
	case "tls":
		c = imapclient.New(tls.Client(nc, opts.TLSConfig), opts)
	default:
		c, err = imapclient.NewStartTLS(nc, opts)
	}
	if err != nil {
		raw.Close()
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, s.cfg.Address, err)
	}
	cn := &conn{c: c, nc: nc}
	cn.bind(ctx)
	if err := c.WaitGreeting(); err != nil {
		cn.Close()
		return nil, s.connErr(ctx, "greeting", err)
	}
	return cn, nil
}

// authenticate logs in on a connection from connect; it closes the
// connection when that fails.
func (s *Syncer) authenticate(ctx context.Context, cn *conn, username, password string) error {
	c := cn.c
	if err := c.Login(username, password).Wait(); err != nil {
		cn.Close()
		if refusal := loginRefusal(err); refusal != nil {
			return refusal
		}
		return s.connErr(ctx, "login", err)
	}
	cn.caps = c.Caps()
	if len(cn.caps) <= 1 { // some servers send capabilities only when asked after login
		if caps, err := c.Capability().Wait(); err == nil {
			cn.caps = caps
		}
	}
	return nil
}

// Predialed is a connection to the server being made before it is known
// who logs in on it (see Predial), or logged in already (PredialLogin).
type Predialed struct {
	done     chan struct{}
	c        *conn
	err      error  // of the connection, or of the login (PredialLogin)
	username string // logged in as, with password (PredialLogin)
	password string
	taken    atomic.Bool // by a login, or by Close
}

// Wait waits until the connection is made, or could not be (the error);
// after PredialLogin, until the login is answered (ErrAuth when the server
// refused it).
func (p *Predialed) Wait() error {
	<-p.done
	return p.err
}

// Close closes the connection unless a login took it. It waits for the
// connection to be made (at most the configured timeout).
func (p *Predialed) Close() {
	if p == nil || !p.taken.CompareAndSwap(false, true) {
		return
	}
	<-p.done
	if p.c != nil {
		p.c.c.Logout().Wait()
		p.c.Close()
	}
}

// Predial starts connecting to cfg's server in the background (TCP, TLS,
// the greeting: 20-30 ms with Dovecot, which starts a login process for
// each connection). A one-shot command (`mailaccess sync`) calls it before
// it opens its database and looks up the account, and hands it to its
// Syncer with UsePredialed: the two connections are then made at the same
// time, and the first login only has to send LOGIN. The connection lives
// until ctx ends.
func Predial(ctx context.Context, cfg Config) *Predialed {
	return PredialLogin(ctx, cfg, "", "")
}

// PredialLogin is Predial that also logs in, as username with password,
// when the credentials are known before the database is open (`mailaccess
// sync` with MAILACCESS_PASSWORD): the LOGIN, 20-50 ms with Dovecot, is
// then answered while the database opens. The syncer's first login takes
// the connection as it is when its account has these credentials (and
// fails with ErrAuth, without asking again, when the server refused them);
// an account with other credentials logs in on a new connection. With an
// empty username or password it is Predial.
func PredialLogin(ctx context.Context, cfg Config, username, password string) *Predialed {
	if username == "" || password == "" {
		username, password = "", ""
	}
	d := &Predialed{done: make(chan struct{}), username: username, password: password}
	s := New(cfg, nil, nil, nil)
	go func() {
		defer close(d.done)
		if d.c, d.err = s.connect(ctx, nil); d.err != nil || username == "" {
			return
		}
		if d.err = s.authenticate(ctx, d.c, username, password); d.err != nil {
			d.c = nil // closed by authenticate
		}
	}()
	return d
}

// UsePredialed makes the syncer's next login use p's connection (a login
// that finds it failed dials anew). The syncer's Close closes it when no
// login took it. p must be for the syncer's server.
func (s *Syncer) UsePredialed(p *Predialed) {
	s.predialMu.Lock()
	defer s.predialMu.Unlock()
	s.predial = p
}

// takePredial returns the connection given by UsePredialed, once, for a
// login as username with password: nil when there is none, it failed or
// it is logged in as someone else. loggedIn reports that it is logged in
// already; err is the predial's ErrAuth for these very credentials.
func (s *Syncer) takePredial(ctx context.Context, username, password string) (c *conn, loggedIn bool, err error) {
	s.predialMu.Lock()
	d := s.predial
	s.predial = nil
	s.predialMu.Unlock()
	if d == nil || !d.taken.CompareAndSwap(false, true) {
		return nil, false, nil
	}
	select {
	case <-d.done:
	case <-ctx.Done():
		go func() { // not waited for: closed once made
			<-d.done
			if d.c != nil {
				d.c.Close()
			}
		}()
		return nil, false, nil
	}
	same := d.username == username && d.password == password
	if d.username != "" && same && errors.Is(d.err, ErrAuth) {
		return nil, false, d.err
	}
	if d.err != nil || isClosed(d.c) {
		if d.c != nil {
			d.c.Close()
		}
		return nil, false, nil
	}
	if d.username != "" && !same {
		d.c.c.Logout() // no wait: the connection is closed right after
		d.c.Close()
		return nil, false, nil
	}
	return d.c, d.username != "", nil
}

// loginRefusal classifies a LOGIN the server answered with NO: ErrAuth for
// the credentials, unless the response code says the server cannot serve
// the user right now (too many connections, maintenance), which is
// ErrUnreachable: a retry can work, and the user's password is not to
// blame. nil when err is no NO.
func loginRefusal(err error) error {
	var imapErr *imap.Error
	if !errors.As(err, &imapErr) || imapErr.Type != imap.StatusResponseTypeNo {
		return nil
	}
	switch imapErr.Code {
	case imap.ResponseCodeUnavailable, imap.ResponseCodeLimit, imap.ResponseCodeInUse,
		imap.ResponseCodeServerBug, imap.ResponseCodeTooMany:
		return fmt.Errorf("login: %w: %v", ErrUnreachable, err)
	}
	return ErrAuth
}

// connErr turns a failed command into the error the caller should see: the
// context's error when it ended, else ErrUnreachable for a broken connection.
func (s *Syncer) connErr(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", op, ctxErr)
	}
	var imapErr *imap.Error
	if errors.As(err, &imapErr) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %v", op, ErrUnreachable, err)
}

// CheckLogin reports whether the server accepts username and password
// (ErrAuth when it refuses, ErrUnreachable when it cannot be asked).
func (s *Syncer) CheckLogin(ctx context.Context, username, password string) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	c, err := s.dial(ctx, username, password)
	if err != nil {
		return err
	}
	c.c.Logout().Wait()
	return c.Close()
}

// login opens a connection for an account with its stored credentials, on
// the connection given by UsePredialed if there is one.
func (s *Syncer) login(ctx context.Context, accountID int64) (*conn, error) {
	user, pass, err := s.creds(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("credentials of account %d: %w", accountID, err)
	}
	cn, loggedIn, err := s.takePredial(ctx, user, pass)
	if err != nil {
		return nil, err
	}
	if cn != nil {
		// Bound to this call from now on, as a new connection would be.
		cn.stop()
		cn.bind(ctx)
		if loggedIn {
			return cn, nil
		}
		err := s.authenticate(ctx, cn, user, pass)
		if err == nil {
			return cn, nil
		}
		if errors.Is(err, ErrAuth) || ctx.Err() != nil {
			return nil, err
		}
		// The connection broke before the login was answered (the
		// server gave up waiting for it, say): dial anew.
	}
	return s.dial(ctx, user, pass)
}

// IsPermanent reports whether retrying the failed sync cannot help.
func IsPermanent(err error) bool {
	return errors.Is(err, ErrAuth) || errors.Is(err, ErrMailboxGone)
}

// Describe renders a sync error in words a user understands.
func Describe(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrAuth):
		return "The mail server refused your password. Log in again."
	case errors.Is(err, ErrUnreachable):
		return "The mail server cannot be reached right now. Your cached mail is shown; it will be refreshed when the server answers."
	case errors.Is(err, ErrMailboxGone):
		return "This folder no longer exists on the mail server."
	case errors.Is(err, context.DeadlineExceeded):
		return "Refreshing took too long; it will continue on the next refresh."
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		msg = msg[i+2:]
	}
	return "Refreshing failed: " + msg
}
