package mailaccess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the "postgres" driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the "sqlite" driver

	"github.com/mailaccess/mailaccess/migrations"
)

// Dialect names the SQL database behind a Store.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// ErrSchemaBehind is returned by Open when the database needs migrations.
var ErrSchemaBehind = errors.New("database schema is behind this binary")

// ErrSchemaAhead is returned by Open when the database was migrated by a
// newer binary: this one would write to it in ways the newer schema no
// longer expects (from version 8 on, SQLite's search index is filled by the
// store, not by a trigger).
var ErrSchemaAhead = errors.New("database schema is newer than this binary")

// Store is the cache: accounts, mailboxes, messages, bodies, sessions, jobs.
// It is safe for concurrent use.
type Store struct {
	db      *sqlx.DB
	url     string // the driver's DSN, for the job listener
	dialect Dialect
	now     func() time.Time
}

// ParseURL splits a database URL into its dialect and the driver's DSN.
// Accepted forms: postgres://…, postgresql://…, sqlite:PATH (sqlite:///abs/path too).
func ParseURL(raw string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			return "", "", fmt.Errorf("database url: %w", err)
		}
		// A statement with arguments outside a transaction goes in one
		// round trip (lib/pq otherwise prepares it and binds it in a
		// second one): one network round trip less per statement, and
		// through PgBouncer in transaction pooling mode the second one
		// may reach another server connection, where the statement does
		// not exist ("unnamed prepared statement does not exist", about
		// 1 in 400 queries from two concurrent processes). []byte
		// arguments then go in binary, which the bytea columns take.
		if q := u.Query(); q.Get("binary_parameters") == "" {
			q.Set("binary_parameters", "yes")
			u.RawQuery = q.Encode()
			raw = u.String()
		}
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite:"):
		path := strings.TrimPrefix(raw, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path == "" {
			return "", "", errors.New("database url: sqlite: needs a file path, e.g. sqlite:data/mailaccess.db")
		}
		// WAL lets pages read while a sync writes; IMMEDIATE transactions take
		// the write lock up front so two writers wait instead of deadlocking.
		// A 16 MiB page cache per connection (SQLite's default is 2 MiB)
		// holds the index pages a batch of new messages changes: with less,
		// a sync's transaction spills them to the WAL and writes them again.
		dsn := "file:" + path + "?_txlock=immediate" +
			"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-16384)"
		return SQLite, dsn, nil
	}
	return "", "", fmt.Errorf("database url %q: must start with %q or %q", redactURL(raw), "postgres://", "sqlite:")
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// Options tune Open.
type Options struct {
	// Migrate applies pending migrations instead of refusing a schema that is behind.
	Migrate bool
	Logger  *slog.Logger
	// ShortLived says that the process runs one command and exits
	// (mailaccess sync, check): on SQLite its cached pages then go to one
	// buffer of huge pages (see setupPageCache), which a fresh process
	// fills with far fewer page faults. It takes effect for the first
	// SQLite store the process opens.
	ShortLived bool
}

// Open connects to the database at rawURL, checks that it answers and that its
// schema is current (or migrates it when opts.Migrate), and returns the Store.
func Open(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	dialect, dsn, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	driver := string(dialect)
	if dialect == SQLite {
		path := strings.TrimPrefix(strings.SplitN(dsn, "?", 2)[0], "file:")
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
	}
	if dialect == SQLite && opts.ShortLived {
		if err := setupPageCache(); err != nil && opts.Logger != nil {
			opts.Logger.Debug("SQLite page cache: no huge-page buffer", "error", err)
		}
	}
	db, err := sqlx.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's contract; a small pool keeps
		// readers concurrent under WAL without piling up busy writers.
		db.SetMaxOpenConns(8)
	} else {
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(16)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database %s: %w", dialect, redactURL(rawURL), err)
	}
	s := &Store{db: db, url: dsn, dialect: dialect, now: time.Now}
	if opts.Migrate {
		if err := s.Migrate(ctx, opts.Logger); err != nil {
			db.Close()
			return nil, err
		}
	}
	current, target, err := s.SchemaVersion(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if current < target {
		db.Close()
		return nil, fmt.Errorf("%w: it is at version %d, this binary needs %d; run `mailaccess migrate`", ErrSchemaBehind, current, target)
	}
	if current > target {
		db.Close()
		return nil, fmt.Errorf("%w: it is at version %d, this binary knows versions up to %d; run the newer mailaccess", ErrSchemaAhead, current, target)
	}
	return s, nil
}

func (s *Store) provider() (*goose.Provider, error) {
	fsys, err := migrations.FS(string(s.dialect))
	if err != nil {
		return nil, err
	}
	gd := goose.DialectPostgres
	if s.dialect == SQLite {
		gd = goose.DialectSQLite3
	}
	p, err := goose.NewProvider(gd, s.db.DB, fsys)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration, each in its own transaction.
// It is idempotent.
func (s *Store) Migrate(ctx context.Context, logger *slog.Logger) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate %s database: %w", s.dialect, err)
	}
	for _, r := range results {
		if logger != nil {
			logger.Info("migration applied", "database", string(s.dialect), "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
		}
	}
	return nil
}

// SchemaVersion returns the database's schema version and the newest one this
// binary carries.
func (s *Store) SchemaVersion(ctx context.Context) (current, target int64, err error) {
	p, err := s.provider()
	if err != nil {
		return 0, 0, err
	}
	// The recorded version read directly, as goose reads it: goose first
	// looks its table up in the catalog, which on a fresh PostgreSQL
	// connection costs a second query of 10-15 ms at every start of
	// `mailaccess sync`. A database without the table (or without rows)
	// is left to goose.
	var recorded sql.NullInt64
	if err := s.db.GetContext(ctx, &recorded, `SELECT max(version_id) FROM goose_db_version`); err == nil && recorded.Valid {
		if sources := p.ListSources(); len(sources) > 0 {
			return recorded.Int64, sources[len(sources)-1].Version, nil
		}
	}
	current, target, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	return current, target, nil
}

// Dialect returns the database kind behind the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the database pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers (used by health checks).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

func (s *Store) timeNow() Time { return NewTime(s.now()) }

// inTx runs f in a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, f func(tx *sqlx.Tx) error) (err error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = f(tx); err != nil {
		return withContextEnd(ctx, err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", withContextEnd(ctx, err))
	}
	return nil
}

// withContextEnd names the end of ctx in err when ctx has ended: database/sql
// rolls a transaction back when its context ends, and the commit then says
// only that the transaction is done, a statement cut short that its
// connection is bad ("driver: bad connection"), which read in a log like
// failures of the database rather than a pass stopped on purpose.
func withContextEnd(ctx context.Context, err error) error {
	if ctx.Err() == nil || errors.Is(err, ctx.Err()) {
		return err
	}
	if errors.Is(err, sql.ErrTxDone) {
		return ctx.Err()
	}
	return fmt.Errorf("%w (%w)", err, ctx.Err())
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// Analyze refreshes the query planner's statistics of the messages table
// (PostgreSQL; a no-op on SQLite). Call it after a large initial sync, so
// that lists of a folder that just grew from nothing use their index at once
// instead of waiting for autovacuum.
func (s *Store) Analyze(ctx context.Context) error {
	if s.dialect != Postgres {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `ANALYZE messages`); err != nil {
		return fmt.Errorf("analyze messages: %w", err)
	}
	return nil
}
