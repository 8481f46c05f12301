package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/internal/cli"
	"github.com/mailaccess/mailaccess/internal/testenv"
)

func TestSyncAndCheckCommands(t *testing.T) {
	ctx := context.Background()
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	dir := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "cache.db")
	env := server.CommandEnv(t, dbURL)
	getenv := func(k string) string { return env[k] }
	var out, errOut bytes.Buffer
	if err := cli.Migrate(ctx, nil, &out, &errOut, getenv); err != nil {
		t.Fatal(err)
	}

	c := imapLogin(t, server, user)
	for i := range 5 {
		raw := strings.ReplaceAll("From: a@example.org\nSubject: hello "+string(rune('a'+i))+"\n\nbody\n", "\n", "\r\n")
		cmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Time: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)})
		cmd.Write([]byte(raw))
		cmd.Close()
		if _, err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("sync_without_any_password_is_refused", func(t *testing.T) {
		err := cli.Sync(ctx, []string{"-user", user}, &out, &errOut, getenv)
		if err == nil || !strings.Contains(err.Error(), "MAILACCESS_PASSWORD") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("sync_prints_one_json_object_per_run_with_every_folder", func(t *testing.T) {
		env["MAILACCESS_PASSWORD"] = server.Password
		out.Reset()
		if err := cli.Sync(ctx, []string{"-user", user, "-json"}, &out, &errOut, getenv); err != nil {
			t.Fatal(err)
		}
		var sum struct {
			Folders []struct {
				Name       string  `json:"name"`
				Messages   int     `json:"messages"`
				Added      int     `json:"added"`
				Updated    int     `json:"updated"`
				Vanished   int     `json:"vanished"`
				Prefetched int     `json:"prefetched"`
				DurationMS float64 `json:"duration_ms"`
			} `json:"folders"`
		}
		if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
			t.Fatalf("%v: %s", err, out.String())
		}
		if len(sum.Folders) < 5 || sum.Folders[0].Name != "INBOX" || sum.Folders[0].Added != 5 || sum.Folders[0].Messages != 5 {
			t.Fatalf("summary %s", out.String())
		}
		// The bodies of new mail are kept by default (sync.prefetch_recent).
		if sum.Folders[0].Prefetched != 5 {
			t.Fatalf("prefetched %d bodies of 5 new small messages: %s", sum.Folders[0].Prefetched, out.String())
		}
	})
	t.Run("sync_writes_a_cpu_profile_when_asked", func(t *testing.T) {
		path := filepath.Join(dir, "sync.pprof")
		if err := cli.Sync(ctx, []string{"-user", user, "-mailbox", "INBOX", "-cpuprofile", path}, &out, &errOut, getenv); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(path)
		if err != nil || len(raw) < 2 || raw[0] != 0x1f || raw[1] != 0x8b {
			t.Fatalf("profile %s: %d bytes, %v; want a gzipped pprof profile", path, len(raw), err)
		}
	})
	t.Run("sync_then_uses_the_stored_credentials", func(t *testing.T) {
		delete(env, "MAILACCESS_PASSWORD")
		out.Reset()
		if err := cli.Sync(ctx, []string{"-user", user, "-mailbox", "INBOX"}, &out, &errOut, getenv); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "INBOX") {
			t.Fatalf("output %s", out.String())
		}
	})
	t.Run("a_wrong_password_is_refused_and_the_stored_one_kept", func(t *testing.T) {
		env["MAILACCESS_PASSWORD"] = "wrong"
		err := cli.Sync(ctx, []string{"-user", user, "-mailbox", "INBOX"}, &out, &errOut, getenv)
		if !errors.Is(err, imapsync.ErrAuth) {
			t.Fatalf("sync with a wrong password: %v, want ErrAuth", err)
		}
		delete(env, "MAILACCESS_PASSWORD")
		if err := cli.Sync(ctx, []string{"-user", user, "-mailbox", "INBOX"}, &out, &errOut, getenv); err != nil {
			t.Fatalf("sync with the stored password after a refused one: %v", err)
		}
	})
	t.Run("check_finds_no_drift_after_a_sync", func(t *testing.T) {
		out.Reset()
		if err := cli.Check(ctx, []string{"-user", user, "-json"}, &out, &errOut, getenv); err != nil {
			t.Fatalf("%v: %s", err, out.String())
		}
	})
	t.Run("check_reports_drift_and_fails", func(t *testing.T) {
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		var set imap.UIDSet
		set.AddNum(2)
		if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}, Silent: true}, nil).Close(); err != nil {
			t.Fatal(err)
		}
		out.Reset()
		err := cli.Check(ctx, []string{"-user", user}, &out, &errOut, getenv)
		if !errors.Is(err, cli.ErrDrift) || !strings.Contains(out.String(), "flags\tINBOX\tuid 2") {
			t.Fatalf("err = %v, output %s", err, out.String())
		}
	})
	t.Run("check_reports_a_stale_unread_count", func(t *testing.T) {
		// Another client reads a message: the folder's unread count in
		// the cache (what the folder list shows) is stale until a sync.
		var set imap.UIDSet
		set.AddNum(3)
		if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagSeen}, Silent: true}, nil).Close(); err != nil {
			t.Fatal(err)
		}
		out.Reset()
		err := cli.Check(ctx, []string{"-user", user}, &out, &errOut, getenv)
		want := "counts\tINBOX\tserver \"5 messages, 4 unread\" cache \"5 messages, 5 unread\""
		if !errors.Is(err, cli.ErrDrift) || !strings.Contains(out.String(), want) {
			t.Fatalf("err = %v, output %s, want a line %q", err, out.String(), want)
		}
		env["MAILACCESS_PASSWORD"] = server.Password
		if err := cli.Sync(ctx, []string{"-user", user, "-mailbox", "INBOX"}, &out, &errOut, getenv); err != nil {
			t.Fatal(err)
		}
		out.Reset()
		if err := cli.Check(ctx, []string{"-user", user}, &out, &errOut, getenv); err != nil {
			t.Fatalf("after a sync: %v: %s", err, out.String())
		}
	})
}

// TestSyncThroughATransactionPooler runs `mailaccess migrate`, `sync` and
// `check` through PgBouncer in transaction pooling mode, the documented
// way to run cron-driven syncs against PostgreSQL without a server
// process per run: every command works there, with no drift, including
// the COPY of a large first batch and the deletes and flag updates of a
// resync.
func TestSyncThroughATransactionPooler(t *testing.T) {
	ctx := context.Background()
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	env := server.CommandEnv(t, testenv.PgBouncerFor(t, testenv.PostgresDB(t)))
	env["MAILACCESS_PASSWORD"] = server.Password
	getenv := func(k string) string { return env[k] }
	var out, errOut bytes.Buffer
	if err := cli.Migrate(ctx, nil, &out, &errOut, getenv); err != nil {
		t.Fatal(err)
	}
	const n = 300 // more than one COPY batch's minimum
	seedReports(t, server, user, n)
	inbox := func() (added, updated, vanished, messages int) {
		t.Helper()
		out.Reset()
		if err := cli.Sync(ctx, []string{"-user", user, "-json"}, &out, &errOut, getenv); err != nil {
			t.Fatalf("sync: %v: %s", err, errOut.String())
		}
		var sum struct {
			Folders []struct {
				Name                               string
				Added, Updated, Vanished, Messages int
			}
		}
		if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
			t.Fatalf("%v: %s", err, out.String())
		}
		for _, f := range sum.Folders {
			if f.Name == "INBOX" {
				return f.Added, f.Updated, f.Vanished, f.Messages
			}
		}
		t.Fatalf("no INBOX in %s", out.String())
		return
	}
	check := func() {
		t.Helper()
		out.Reset()
		if err := cli.Check(ctx, []string{"-user", user}, &out, &errOut, getenv); err != nil {
			t.Fatalf("check: %v: %s", err, out.String())
		}
	}
	if added, _, _, messages := inbox(); added != n || messages != n {
		t.Fatalf("first sync: added %d, %d messages; want %d", added, messages, n)
	}
	check()

	c := imapLogin(t, server, user)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	flag, gone := imap.UIDSetNum(3, 30, 300), imap.UIDSetNum(4, 40, 299)
	if err := c.Store(flag, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(gone, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.UIDExpunge(gone).Close(); err != nil {
		t.Fatal(err)
	}
	if _, updated, vanished, messages := inbox(); updated != 3 || vanished != 3 || messages != n-3 {
		t.Fatalf("resync: updated %d, vanished %d, %d messages; want 3, 3, %d", updated, vanished, messages, n-3)
	}
	check()
}
