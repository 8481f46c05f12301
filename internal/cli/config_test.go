package cli

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func parse(t *testing.T, args []string, env map[string]string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("config", "", "")
	return loadConfig(fs, args, envOf(env))
}

func TestConfigLayers(t *testing.T) {
	file := filepath.Join(t.TempDir(), "mailaccess.toml")
	os.WriteFile(file, []byte(`
[http]
address = "0.0.0.0:9000"
[imap]
address = "imap.example.org:993"
tls = "tls"
timeout = "45s"
[async]
mode = "off"
[security]
admins = ["root@example.org"]
`), 0o600)
	cfg, err := parse(t, []string{"-config", file, "-async.mode", "always"}, map[string]string{
		"MAILACCESS_IMAP_TLS":        "starttls",
		"MAILACCESS_HTTP_ADDRESS":    "127.0.0.1:9001",
		"MAILACCESS_DATABASE_URL":    "postgres://mail@db.example.org/mail",
		"MAILACCESS_SYNC_BATCH_SIZE": "200",
	})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"file value", cfg.IMAP.Address, "imap.example.org:993"},
		{"file duration", cfg.IMAP.Timeout, 45 * time.Second},
		{"env beats file", cfg.IMAP.TLS, "starttls"},
		{"env beats file", cfg.HTTP.Address, "127.0.0.1:9001"},
		{"env int", cfg.Sync.BatchSize, 200},
		{"flag beats file", cfg.Async.Mode, "always"},
		{"file list", strings.Join(cfg.Security.Admins, ","), "root@example.org"},
		{"default", cfg.Log.Level, "info"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestConfigBadValuesNameTheKey(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-imap.tls", "ssl"}, nil, `imap.tls = "ssl": must be one of none, starttls, tls`},
		{nil, map[string]string{"MAILACCESS_ASYNC_MODE": "sometimes"}, `async.mode = "sometimes": must be one of auto, always, off`},
		{[]string{"-database.url", "mysql://x"}, nil, "database.url"},
		{[]string{"-http.address", "8080"}, nil, "http.address"},
		{nil, map[string]string{"MAILACCESS_IMAP_TIMEOUT": "soon"}, "MAILACCESS_IMAP_TIMEOUT: want a duration"},
		{[]string{"-sync.batch_size", "0"}, nil, "sync.batch_size = 0: must be greater than zero"},
		{[]string{"-sync.prefetch_recent", "-5"}, nil, "sync.prefetch_recent = -5: must be zero (none) or more"},
		{[]string{"-security.key", "c2hvcnQ="}, nil, "security.key"},
	}
	for _, c := range cases {
		_, err := parse(t, c.args, c.env)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("args %v env %v: error %v, want it to say %q", c.args, c.env, err, c.want)
		}
	}
}

func TestConfigFileErrors(t *testing.T) {
	dir := t.TempDir()
	unknown := filepath.Join(dir, "unknown.toml")
	os.WriteFile(unknown, []byte("[imap]\nadress = \"x:1\"\n"), 0o600)
	if _, err := parse(t, []string{"-config", unknown}, nil); err == nil || !strings.Contains(err.Error(), `unknown key "imap.adress"`) {
		t.Errorf("misspelt key: %v", err)
	}
	broken := filepath.Join(dir, "broken.toml")
	os.WriteFile(broken, []byte("[imap\n"), 0o600)
	if _, err := parse(t, []string{"-config", broken}, nil); err == nil || !strings.Contains(err.Error(), "broken.toml") {
		t.Errorf("broken file: %v", err)
	}
	if _, err := parse(t, []string{"-config", filepath.Join(dir, "missing.toml")}, nil); err == nil {
		t.Error("missing config file accepted")
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	if _, err := parse(t, []string{"-config", "../../mailaccess.example.toml"}, nil); err != nil {
		t.Fatalf("the annotated example does not load: %v", err)
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	cfg, err := parse(t, nil, map[string]string{
		"MAILACCESS_DATABASE_URL": "postgres://mail:s3cret@db/mail",
		"MAILACCESS_SECURITY_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	})
	if err != nil {
		t.Fatal(err)
	}
	dump := strings.Join(strings.Fields(strings.Trim(strings.ReplaceAll(fmtAttrs(cfg.Redacted()), "\n", " "), " ")), " ")
	if strings.Contains(dump, "s3cret") || strings.Contains(dump, "AAAAAAAA") {
		t.Fatalf("secret in config dump: %s", dump)
	}
}

func fmtAttrs(attrs []any) string {
	var b strings.Builder
	for i := 0; i+1 < len(attrs); i += 2 {
		b.WriteString(attrs[i].(string) + "=" + attrs[i+1].(string) + " ")
	}
	return b.String()
}
