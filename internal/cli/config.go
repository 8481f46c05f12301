package cli

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mailaccess/mailaccess/asyncdispatch"
	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// Config is the whole configuration: the TOML file, overridden by
// MAILACCESS_<SECTION>_<KEY> environment variables, overridden by flags
// (-section.key=value). It is validated once, at start.
type Config struct {
	HTTP struct {
		Address string `toml:"address" help:"listen address of the web server"`
		// SecureCookies marks cookies Secure: "auto" when requests arrive over TLS
		// or with X-Forwarded-Proto https, "always", or "never".
		SecureCookies string `toml:"secure_cookies" help:"auto|always|never"`
		// LiveInterval is how often an open folder page looks for new mail
		// (each look syncs the folder when it is older than this).
		LiveInterval time.Duration `toml:"live_interval" help:"how often an open folder page looks for new mail"`
	} `toml:"http"`
	Database struct {
		URL string `toml:"url" help:"postgres://… or sqlite:PATH" secret:"true"`
	} `toml:"database"`
	IMAP struct {
		Address            string        `toml:"address" help:"host:port of the IMAP server"`
		TLS                string        `toml:"tls" help:"none|starttls|tls"`
		InsecureSkipVerify bool          `toml:"insecure_skip_verify" help:"accept any server certificate (testing only)"`
		Timeout            time.Duration `toml:"timeout" help:"deadline of one IMAP command"`
	} `toml:"imap"`
	Security struct {
		Key         string        `toml:"key" help:"base64 32-byte key sealing stored IMAP passwords" secret:"true"`
		KeyFile     string        `toml:"key_file" help:"file holding the key, created 0600 when missing (used when key is empty)"`
		SessionIdle time.Duration `toml:"session_idle" help:"a session ends after this long without a request"`
		SessionMax  time.Duration `toml:"session_max" help:"a session ends this long after login, whatever its use"`
		Admins      []string      `toml:"admins" help:"IMAP logins that may see the admin page"`
	} `toml:"security"`
	Async struct {
		Mode              string        `toml:"mode" help:"auto|always|off"`
		HeartbeatInterval time.Duration `toml:"heartbeat_interval" help:"how often workers write their heartbeat and renew job leases"`
		ShutdownGrace     time.Duration `toml:"shutdown_grace" help:"how long a stopping worker lets running syncs finish before stopping them at a checkpoint"`
	} `toml:"async"`
	Sync struct {
		BatchSize        int           `toml:"batch_size" help:"messages fetched and committed together"`
		BodyMaxBytes     int64         `toml:"body_max_bytes" help:"largest message body kept in the cache"`
		PrefetchRecent   int           `toml:"prefetch_recent" help:"bodies kept during a sync for the newest new messages of each folder (0: none)"`
		PrefetchMaxBytes int64         `toml:"prefetch_max_bytes" help:"largest message whose body a sync keeps ahead (larger ones are fetched when opened)"`
		InlineBudget     time.Duration `toml:"inline_budget" help:"time a sync run inline in a request may take before it continues later"`
	} `toml:"sync"`
	Log struct {
		Level  string `toml:"level" help:"debug|info|warn|error"`
		Format string `toml:"format" help:"text|json"`
	} `toml:"log"`
}

// DefaultConfig is the configuration before the file, environment and flags.
func DefaultConfig() Config {
	var c Config
	c.HTTP.Address = "127.0.0.1:8080"
	c.HTTP.SecureCookies = "auto"
	c.HTTP.LiveInterval = 5 * time.Second
	c.Database.URL = "sqlite:data/mailaccess.db"
	c.IMAP.Address = "127.0.0.1:143"
	c.IMAP.TLS = "starttls"
	c.IMAP.Timeout = 30 * time.Second
	c.Security.KeyFile = "data/secret.key"
	c.Security.SessionIdle = 2 * time.Hour
	c.Security.SessionMax = 30 * 24 * time.Hour
	c.Async.Mode = "auto"
	c.Async.HeartbeatInterval = 2 * time.Second
	c.Async.ShutdownGrace = 20 * time.Second
	c.Sync.BatchSize = 500
	c.Sync.BodyMaxBytes = 25 << 20
	c.Sync.PrefetchRecent = 50
	c.Sync.PrefetchMaxBytes = 256 << 10
	c.Sync.InlineBudget = 10 * time.Second
	c.Log.Level = "info"
	c.Log.Format = "text"
	return c
}

// option is one settable key: section.key, its environment variable and a
// pointer to the field it sets.
type option struct {
	key, env, help string
	secret         bool
	field          reflect.Value
}

func (c *Config) options() []option {
	var opts []option
	root := reflect.ValueOf(c).Elem()
	for i := range root.NumField() {
		sf := root.Type().Field(i)
		section := sf.Tag.Get("toml")
		for j := range sf.Type.NumField() {
			kf := sf.Type.Field(j)
			key := kf.Tag.Get("toml")
			opts = append(opts, option{
				key:    section + "." + key,
				env:    "MAILACCESS_" + strings.ToUpper(section) + "_" + strings.ToUpper(key),
				help:   kf.Tag.Get("help"),
				secret: kf.Tag.Get("secret") == "true",
				field:  root.Field(i).Field(j),
			})
		}
	}
	return opts
}

// set parses s into the option's field.
func (o option) set(s string) error {
	f := o.field
	switch f.Interface().(type) {
	case string:
		f.SetString(s)
	case bool:
		v, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", s)
		}
		f.SetBool(v)
	case int, int64:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("want a whole number, got %q", s)
		}
		f.SetInt(v)
	case time.Duration:
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("want a duration such as 30s or 2h, got %q", s)
		}
		f.SetInt(int64(v))
	case []string:
		var list []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				list = append(list, p)
			}
		}
		f.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("unsupported type %s", f.Type())
	}
	return nil
}

// loadConfig builds the configuration of a subcommand: defaults, then the
// file named by -config (if any), then the environment, then flags. fs must
// already define -config; loadConfig adds one flag per key and parses args.
func loadConfig(fs *flag.FlagSet, args []string, getenv func(string) string) (*Config, error) {
	cfg := DefaultConfig()
	opts := cfg.options()
	configFile := fs.Lookup("config")
	type flagVal struct {
		o   option
		val string
		set bool
	}
	flagVals := make([]*flagVal, len(opts))
	for i, o := range opts {
		fv := &flagVal{o: o}
		flagVals[i] = fv
		fs.Func(o.key, o.help+" (env "+o.env+")", func(s string) error {
			fv.val, fv.set = s, true
			return nil
		})
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if configFile != nil && configFile.Value.String() != "" {
		path := configFile.Value.String()
		md, err := toml.DecodeFile(path, &cfg)
		if err != nil {
			return nil, fmt.Errorf("config file %s: %w", path, err)
		}
		if undecoded := md.Undecoded(); len(undecoded) > 0 {
			return nil, fmt.Errorf("config file %s: unknown key %q (known keys: see mailaccess.example.toml)", path, undecoded[0].String())
		}
	}
	for _, o := range opts {
		if v := getenv(o.env); v != "" {
			if err := o.set(v); err != nil {
				return nil, fmt.Errorf("environment %s: %w", o.env, err)
			}
		}
	}
	for _, fv := range flagVals {
		if fv.set {
			if err := fv.o.set(fv.val); err != nil {
				return nil, fmt.Errorf("flag -%s: %w", fv.o.key, err)
			}
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func oneOf(key, v string, allowed ...string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return fmt.Errorf("config %s = %q: must be one of %s", key, v, strings.Join(allowed, ", "))
}

func hostPort(key, v string) error {
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		return fmt.Errorf("config %s = %q: must be host:port, e.g. 127.0.0.1:8080", key, v)
	}
	return nil
}

func positive[T int | int64 | time.Duration](key string, v T) error {
	if v <= 0 {
		return fmt.Errorf("config %s = %v: must be greater than zero", key, v)
	}
	return nil
}

// Validate checks every key once, naming the key and what it allows.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(hostPort("http.address", c.HTTP.Address))
	add(oneOf("http.secure_cookies", c.HTTP.SecureCookies, "auto", "always", "never"))
	add(positive("http.live_interval", c.HTTP.LiveInterval))
	if _, _, err := mailaccess.ParseURL(c.Database.URL); err != nil {
		add(fmt.Errorf("config database.url: %w", err))
	}
	add(hostPort("imap.address", c.IMAP.Address))
	add(oneOf("imap.tls", c.IMAP.TLS, "none", "starttls", "tls"))
	add(positive("imap.timeout", c.IMAP.Timeout))
	if c.Security.Key != "" {
		if _, err := mailaccess.DecodeKey(c.Security.Key); err != nil {
			add(fmt.Errorf("config security.key: %w (generate one with: head -c32 /dev/urandom | base64)", err))
		}
	} else if c.Security.KeyFile == "" {
		add(errors.New("config security.key or security.key_file must be set"))
	}
	add(positive("security.session_idle", c.Security.SessionIdle))
	add(positive("security.session_max", c.Security.SessionMax))
	add(oneOf("async.mode", c.Async.Mode, "auto", "always", "off"))
	add(positive("async.heartbeat_interval", c.Async.HeartbeatInterval))
	add(positive("async.shutdown_grace", c.Async.ShutdownGrace))
	add(positive("sync.batch_size", c.Sync.BatchSize))
	add(positive("sync.body_max_bytes", c.Sync.BodyMaxBytes))
	if c.Sync.PrefetchRecent < 0 {
		add(fmt.Errorf("config sync.prefetch_recent = %d: must be zero (none) or more", c.Sync.PrefetchRecent))
	}
	add(positive("sync.prefetch_max_bytes", c.Sync.PrefetchMaxBytes))
	add(positive("sync.inline_budget", c.Sync.InlineBudget))
	add(oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error"))
	add(oneOf("log.format", c.Log.Format, "text", "json"))
	return errors.Join(errs...)
}

// Sealer seals and opens stored IMAP passwords with the configured key
// (security.key, or the key file, created when missing).
func (c *Config) Sealer() (*mailaccess.Sealer, error) {
	var key []byte
	var err error
	if c.Security.Key != "" {
		key, err = mailaccess.DecodeKey(c.Security.Key)
	} else {
		key, err = mailaccess.LoadOrCreateKeyFile(c.Security.KeyFile)
	}
	if err != nil {
		return nil, err
	}
	return mailaccess.NewSealer(key)
}

// Redacted renders the configuration with secrets hidden, for logs: the key
// is never shown, a database URL only without its password.
func (c *Config) Redacted() []any {
	var attrs []any
	for _, o := range c.options() {
		v := fmt.Sprint(o.field.Interface())
		if o.secret && v != "" {
			if u, err := url.Parse(v); o.key == "database.url" && err == nil {
				v = u.Redacted()
			} else {
				v = "<redacted>"
			}
		}
		attrs = append(attrs, o.key, v)
	}
	return attrs
}

// SyncConfig is the sync engine's part of the configuration.
func (c *Config) SyncConfig() imapsync.Config {
	return imapsync.Config{
		Address:            c.IMAP.Address,
		TLS:                c.IMAP.TLS,
		InsecureSkipVerify: c.IMAP.InsecureSkipVerify,
		Timeout:            c.IMAP.Timeout,
		BatchSize:          c.Sync.BatchSize,
		BodyMaxBytes:       c.Sync.BodyMaxBytes,
		PrefetchRecent:     cmp.Or(c.Sync.PrefetchRecent, -1), // 0 in the file: none
		PrefetchMaxBytes:   c.Sync.PrefetchMaxBytes,
		// A folder's sync lease runs out as soon as a job's: the job
		// of a killed worker, taken over, does not then wait longer
		// for the folder than it waited for the job.
		FolderLease: asyncdispatch.Config{HeartbeatInterval: c.Async.HeartbeatInterval}.JobLease(),
	}
}
