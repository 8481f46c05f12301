package web

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Store is what the pages need of the cache; *mailaccess.Store has it.
type Store interface {
	Ping(ctx context.Context) error
	UpsertAccount(ctx context.Context, username string, passwordEnc []byte) (mailaccess.Account, error)
	Account(ctx context.Context, id int64) (mailaccess.Account, error)
	CreateSession(ctx context.Context, idHash string, accountID int64, expires time.Time) error
	Session(ctx context.Context, idHash string, idle time.Duration) (mailaccess.Session, error)
	TouchSession(ctx context.Context, idHash string) error
	DeleteSession(ctx context.Context, idHash string) error
	Mailboxes(ctx context.Context, accountID int64) ([]mailaccess.Mailbox, error)
	Mailbox(ctx context.Context, accountID, id int64) (mailaccess.Mailbox, error)
	MailboxByName(ctx context.Context, accountID int64, name string) (mailaccess.Mailbox, error)
	ListMessagesBy(ctx context.Context, accountID, mailboxID int64, by mailaccess.Sort, after *mailaccess.SortCursor, limit int) ([]mailaccess.Message, bool, error)
	ListThreads(ctx context.Context, accountID, mailboxID int64, after *mailaccess.ThreadCursor, limit int) ([]mailaccess.Thread, bool, error)
	ThreadMessages(ctx context.Context, accountID, mailboxID int64, key string) ([]mailaccess.Message, error)
	MessagesByUID(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID) ([]mailaccess.Message, error)
	SearchMessages(ctx context.Context, accountID, mailboxID int64, query string, after *mailaccess.Cursor, limit int) ([]mailaccess.Message, bool, error)
	ListMessages(ctx context.Context, accountID, mailboxID int64, after *mailaccess.Cursor, limit int) ([]mailaccess.Message, bool, error)
	Message(ctx context.Context, accountID, id int64) (mailaccess.Message, error)
	MessageBody(ctx context.Context, accountID, messageID int64) ([]byte, bool, error)
	Job(ctx context.Context, accountID, id int64) (mailaccess.Job, error)
}

// Mail is what the pages need of the IMAP server.
type Mail interface {
	// Login checks the credentials with an IMAP LOGIN: it returns
	// mailaccess.ErrAuth when the server refuses them and
	// mailaccess.ErrUnreachable when it cannot be asked. When the server
	// accepts them it calls accepted (which stores the account and returns
	// its id; its error is returned as it is), then refreshes the account's
	// folder list on the same connection and returns it.
	Login(ctx context.Context, username, password string, accepted func(context.Context) (int64, error)) ([]mailaccess.Mailbox, error)
	// SyncFolders refreshes the account's folder list (a quick LIST).
	SyncFolders(ctx context.Context, accountID int64) ([]mailaccess.Mailbox, error)
	// FetchBody fetches and caches a message's raw bytes.
	FetchBody(ctx context.Context, accountID, messageID int64) ([]byte, bool, error)
	// OpenBody is FetchBody for a message (of the account, with its
	// folder) about to be shown: it returns without waiting for the bytes
	// to be stored in the cache.
	OpenBody(ctx context.Context, accountID int64, msg mailaccess.Message, mb mailaccess.Mailbox) ([]byte, bool, error)
	// MarkSeen marks an opened message (of the account, with its folder)
	// read: on the server, then in the cache.
	MarkSeen(ctx context.Context, accountID int64, msg mailaccess.Message, mb mailaccess.Mailbox) error
	// Watch calls changed when the folder's messages change on the server
	// (see imapsync.Syncer.Watch), until ctx ends or the watch fails.
	Watch(ctx context.Context, accountID int64, mailbox string, changed func()) error
	// StoreFlags, Move and Expunge change messages on the server, then in
	// the cache; mailaccess.ErrRefused carries the server's refusal.
	StoreFlags(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID, flags []string, add bool) error
	Move(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID, dest string) error
	Expunge(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID) error
	// SearchServer asks the IMAP server which messages of a folder contain
	// every word (bodies included), for bodies the cache never fetched.
	SearchServer(ctx context.Context, accountID, mailboxID int64, words []string) ([]mailaccess.UID, error)
}

// Syncs asks for a folder to be synced; the dispatcher decides where it runs.
type Syncs interface {
	// SyncMailbox returns the sync job as it stands: queued or running on a
	// worker, or finished when it ran inline (then with the run's error).
	SyncMailbox(ctx context.Context, accountID int64, mailbox string) (mailaccess.Job, error)
	// LatestSync returns the newest sync job of a folder, or mailaccess.ErrNotFound.
	LatestSync(ctx context.Context, accountID int64, mailbox string) (mailaccess.Job, error)
}

// Dispatch is the admin view of the dispatcher.
type Dispatch interface {
	Status(ctx context.Context) (mailaccess.DispatchStatus, error)
}

// Sealer encrypts a password for storage.
type Sealer interface {
	Seal(plaintext, account string) []byte
}

// Config of the web server.
type Config struct {
	SecureCookies string        // "auto" (default), "always" or "never"
	SessionIdle   time.Duration // default 2h
	SessionMax    time.Duration // default 30 days
	PageSize      int           // messages per list page; default 50
	RefreshAfter  time.Duration // a folder shown after this long since its last sync is synced again; default 1m
	Admins        []string      // IMAP logins that may open the admin page
	LoginFailures int           // failed logins allowed per account in 15 minutes (3× per address); default 10
	LiveInterval  time.Duration // an open folder page looks for new mail this often; default 5s
}

// Server serves the webmail.
type Server struct {
	cfg    Config
	store  Store
	mail   Mail
	syncs  Syncs
	sealer Sealer
	admin  Dispatch
	log    *slog.Logger

	// Failed logins are limited per account and per client address.
	byAccount, byAddress *failureLimiter
	pages                map[string]*template.Template
	accounts             accountCache
	live                 *liveHub       // folders watched for their open pages
	bg                   sync.WaitGroup // background work of requests (Wait)
	// bgCtx is the context of that work, cancelled by Shutdown.
	bgCtx    context.Context
	bgCancel context.CancelFunc
}

// New parses the templates and returns the server.
func New(cfg Config, store Store, mail Mail, syncs Syncs, admin Dispatch, sealer Sealer, logger *slog.Logger) (*Server, error) {
	cfg.SecureCookies = cmp.Or(cfg.SecureCookies, "auto")
	cfg.SessionIdle = cmp.Or(cfg.SessionIdle, 2*time.Hour)
	cfg.SessionMax = cmp.Or(cfg.SessionMax, 30*24*time.Hour)
	cfg.PageSize = cmp.Or(cfg.PageSize, 50)
	cfg.RefreshAfter = cmp.Or(cfg.RefreshAfter, time.Minute)
	cfg.LiveInterval = cmp.Or(cfg.LiveInterval, 5*time.Second)
	s := &Server{cfg: cfg, store: store, mail: mail, syncs: syncs, admin: admin, sealer: sealer, log: cmp.Or(logger, slog.Default()), live: newLiveHub(),
		byAccount: newFailureLimiter(cmp.Or(cfg.LoginFailures, 10), 15*time.Minute),
		byAddress: newFailureLimiter(3*cmp.Or(cfg.LoginFailures, 10), 15*time.Minute)}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.bgCtx, s.bgCancel = context.WithCancel(context.Background())
	return s, nil
}

func parseTemplates() (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// Handler returns the routes, wrapped in cross-origin protection and
// security headers.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /{$}", s.authed(s.home))
	mux.HandleFunc("GET /mailbox/{id}", s.authed(s.mailboxPage))
	mux.HandleFunc("POST /mailbox/{id}/sync", s.authed(s.syncNow))
	mux.HandleFunc("GET /message/{id}", s.authed(s.messagePage))
	mux.HandleFunc("GET /message/{id}/html", s.authed(s.messageHTML))
	mux.HandleFunc("GET /message/{id}/part/{path}", s.authed(s.messagePart))
	mux.HandleFunc("GET /message/{id}/cid/{cid}", s.authed(s.messageCID))
	mux.HandleFunc("GET /message/{id}/source", s.authed(s.messageSource))
	mux.HandleFunc("POST /message/{id}/flag", s.authed(s.messageFlag))
	mux.HandleFunc("POST /message/{id}/move", s.authed(s.messageMove))
	mux.HandleFunc("POST /message/{id}/delete", s.authed(s.messageDelete))
	mux.HandleFunc("POST /mailbox/{id}/bulk", s.authed(s.bulk))
	mux.HandleFunc("GET /admin", s.authed(s.adminPage))
	mux.HandleFunc("GET /search", s.authed(s.searchPage))
	s.apiRoutes(mux)
	mux.HandleFunc("/", s.notFound)
	return securityHeaders(http.NewCrossOriginProtection().Handler(mux))
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// view is the data every page gets.
type view struct {
	Refresh int // seconds until the page reloads itself; 0 for never
	Title   string
	Account *mailaccess.Account
	IsAdmin bool
	Notice  string
	Error   string
}

// render executes a page into a buffer and writes it only when it succeeded.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	t, ok := s.pages[page]
	if !ok {
		s.serverError(w, r, fmt.Errorf("no template %q", page))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.serverError(w, r, fmt.Errorf("render %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorView struct {
	view
	Status int
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	v := errorView{view: view{Title: http.StatusText(status), Error: msg, Account: accountFrom(r.Context())}, Status: status}
	s.render(w, r, status, "error", v)
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
		// The client went away: nobody is left to answer, and nothing failed.
		s.log.Debug("request abandoned by the client", "method", r.Method, "path", r.URL.Path)
		return
	}
	attrs := []any{"method", r.Method, "path", r.URL.Path, "error", err}
	if a := accountFrom(r.Context()); a != nil {
		attrs = append(attrs, "account", a.Username)
	}
	s.log.Error("request failed", attrs...)
	if t, ok := s.pages["error"]; ok {
		var buf bytes.Buffer
		v := errorView{view: view{Title: "Error", Error: "Something went wrong on our side. Please try again."}, Status: 500}
		if t.ExecuteTemplate(&buf, "layout", v) == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write(buf.Bytes())
			return
		}
	}
	http.Error(w, "internal error", http.StatusInternalServerError)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "There is nothing at this address.")
}

// storeError answers a failed store call: 404 for ErrNotFound, else 500.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error, what string) {
	if errors.Is(err, mailaccess.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, "This "+what+" does not exist, or is not yours.")
		return
	}
	s.serverError(w, r, err)
}
