package demo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	_ "github.com/emersion/go-message/charset" // decode non-UTF-8 encoded words in ENVELOPE and SEARCH
)

// ManifestName is the name of the manifest file in a seed directory.
const ManifestName = "manifest.tsv"

// Delimiter is the hierarchy delimiter of the demo server's mailbox names.
const Delimiter = '/'

// Server is a running demo IMAP server.
type Server struct {
	// Addr is the address the server listens on, e.g. "127.0.0.1:40143".
	Addr string
	// User and Password are the credentials accepted by LOGIN.
	User, Password string
	// Folders lists the seeded mailboxes in manifest order (INBOX first).
	Folders []string
	// Messages is the number of seeded messages.
	Messages int

	srv    *imapserver.Server
	ln     net.Listener
	logger *slog.Logger
	served chan struct{} // closed when Serve returns

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// seedEntry is one parsed manifest line.
type seedEntry struct {
	line   int
	folder string
	file   string // slash path relative to the seed directory
	flags  []imap.Flag
	date   time.Time
}

// Start loads the corpus in seedDir, creates user with its folders and
// messages, listens on addr (e.g. "127.0.0.1:0") and serves IMAP in a
// goroutine until Close.
//
// ctx bounds start-up only (loading the seed and opening the listener);
// cancelling it later does not stop the server. logger may be nil.
func Start(ctx context.Context, seedDir, addr, user, password string, logger *slog.Logger) (*Server, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if user == "" {
		return nil, errors.New("demo: empty user name")
	}
	if strings.ContainsAny(user+password, "\x00\r\n") {
		return nil, errors.New("demo: user name and password must not contain NUL, CR or LF")
	}

	entries, err := readManifest(seedDir)
	if err != nil {
		return nil, err
	}

	u := imapmemserver.NewUser(user, password)
	dir := newDirectory()
	s := &Server{User: user, Password: password, logger: logger, served: make(chan struct{})}

	create := func(name string) error {
		if dir.exists(name) {
			return nil
		}
		if err := u.Create(name, nil); err != nil {
			return fmt.Errorf("demo: create mailbox %q: %w", name, err)
		}
		if err := u.Subscribe(name); err != nil {
			return fmt.Errorf("demo: subscribe mailbox %q: %w", name, err)
		}
		dir.add(name, defaultSpecialUse(name))
		dir.subscribe(name, true)
		s.Folders = append(s.Folders, name)
		return nil
	}
	if err := create("INBOX"); err != nil {
		return nil, err
	}
	manifest := filepath.Join(seedDir, ManifestName)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("demo: loading seed: %w", err)
		}
		if err := create(e.folder); err != nil {
			return nil, err
		}
		p := filepath.Join(seedDir, filepath.FromSlash(e.file))
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("demo: %s:%d: %w", manifest, e.line, err)
		}
		opts := &imap.AppendOptions{Flags: e.flags, Time: e.date}
		if _, err := u.Append(e.folder, bytes.NewReader(data), opts); err != nil {
			return nil, fmt.Errorf("demo: %s:%d: append %s to %q: %w", manifest, e.line, p, e.folder, err)
		}
		s.Messages++
	}

	mem := imapmemserver.New()
	mem.AddUser(u)
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &session{user: u, dir: dir}, nil, nil
		},
		Caps: imap.CapSet{
			imap.CapIMAP4rev1:        {},
			imap.CapIMAP4rev2:        {},
			imap.CapNamespace:        {},
			imap.CapUIDPlus:          {},
			imap.CapESearch:          {},
			imap.CapSearchRes:        {},
			imap.CapListExtended:     {},
			imap.CapListStatus:       {},
			imap.CapMove:             {},
			imap.CapStatusSize:       {},
			imap.CapBinary:           {},
			imap.CapChildren:         {},
			imap.CapSpecialUse:       {},
			imap.CapCreateSpecialUse: {},
			imap.CapLiteralPlus:      {},
		},
		Logger:       slogPrintf{logger},
		InsecureAuth: true, // loopback demo: plain-text LOGIN without TLS
	})

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("demo: listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.Addr = ln.Addr().String()
	go func() {
		defer close(s.served)
		if err := s.srv.Serve(ln); err != nil && !s.closed.Load() {
			logger.Error("demo IMAP server stopped", "addr", s.Addr, "err", err)
		}
	}()
	logger.Info("demo IMAP server listening", "addr", s.Addr, "user", user,
		"folders", len(s.Folders), "messages", s.Messages, "seed", seedDir)
	return s, nil
}

// Close stops listening, closes all client connections and waits for the
// accept loop to end. It is safe to call more than once; later calls return
// the result of the first.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		err := s.srv.Close()
		// Serve may not have registered the listener yet, in which case
		// imapserver.Server.Close did not close it.
		if lerr := s.ln.Close(); lerr != nil && !errors.Is(lerr, net.ErrClosed) && err == nil {
			err = lerr
		}
		<-s.served
		s.closeErr = err
		s.logger.Info("demo IMAP server closed", "addr", s.Addr)
	})
	return s.closeErr
}

// slogPrintf adapts imapserver's Printf logger to slog.
type slogPrintf struct{ l *slog.Logger }

func (a slogPrintf) Printf(format string, args ...any) {
	a.l.Warn("imapserver: " + fmt.Sprintf(format, args...))
}

// readManifest parses seedDir/manifest.tsv.
func readManifest(seedDir string) ([]seedEntry, error) {
	manifest := filepath.Join(seedDir, ManifestName)
	data, err := os.ReadFile(manifest)
	if err != nil {
		return nil, fmt.Errorf("demo: read seed manifest: %w", err)
	}
	var entries []seedEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := parseManifestLine(line)
		if err != nil {
			return nil, fmt.Errorf("demo: %s:%d: %w", manifest, n, err)
		}
		e.line = n
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("demo: read %s: %w", manifest, err)
	}
	return entries, nil
}

func parseManifestLine(line string) (seedEntry, error) {
	var e seedEntry
	f := strings.Split(line, "\t")
	if len(f) != 4 {
		return e, fmt.Errorf("want 4 tab-separated fields (folder, file, flags, internal date), got %d", len(f))
	}
	folder, err := checkMailboxName(f[0])
	if err != nil {
		return e, err
	}
	e.folder = folder
	if !utf8.ValidString(f[1]) || f[1] == "" || strings.Contains(f[1], `\`) || !filepath.IsLocal(filepath.FromSlash(f[1])) || path.Clean(f[1]) != f[1] {
		return e, fmt.Errorf("file %q must be a clean relative slash path inside the seed directory", f[1])
	}
	e.file = f[1]
	for _, fl := range strings.Fields(f[2]) {
		flag, err := checkFlag(fl)
		if err != nil {
			return e, err
		}
		e.flags = append(e.flags, flag)
	}
	e.date, err = time.Parse(time.RFC3339, f[3])
	if err != nil {
		return e, fmt.Errorf("internal date: %w", err)
	}
	return e, nil
}

func checkMailboxName(name string) (string, error) {
	switch {
	case name == "":
		return "", errors.New("empty folder name")
	case !utf8.ValidString(name):
		return "", fmt.Errorf("folder name %q is not valid UTF-8", name)
	case strings.ContainsAny(name, "*%\x00\r\n"):
		return "", fmt.Errorf("folder name %q contains a wildcard or control character", name)
	}
	for _, part := range strings.Split(name, string(Delimiter)) {
		if part == "" {
			return "", fmt.Errorf("folder name %q has an empty hierarchy level", name)
		}
	}
	if strings.EqualFold(name, "INBOX") {
		return "INBOX", nil
	}
	return name, nil
}

var systemFlags = map[string]imap.Flag{
	`\seen`:     imap.FlagSeen,
	`\answered`: imap.FlagAnswered,
	`\flagged`:  imap.FlagFlagged,
	`\deleted`:  imap.FlagDeleted,
	`\draft`:    imap.FlagDraft,
}

func checkFlag(s string) (imap.Flag, error) {
	if strings.HasPrefix(s, `\`) {
		if f, ok := systemFlags[strings.ToLower(s)]; ok {
			return f, nil
		}
		return "", fmt.Errorf("flag %q: only \\Seen, \\Answered, \\Flagged, \\Deleted and \\Draft can be set", s)
	}
	for _, c := range s {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune(`(){%*"\]`, c) {
			return "", fmt.Errorf("keyword %q is not a valid IMAP atom", s)
		}
	}
	return imap.Flag(s), nil
}
