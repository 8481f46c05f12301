package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestLinksNoServerPackages keeps the binary lean: what the web server, the
// worker's metrics and the demo link would add their initialisation to
// every cron run.
func TestLinksNoServerPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, banned := range []string{"net/http", "html/template", "github.com/mailaccess/mailaccess/web",
			"github.com/mailaccess/mailaccess/internal/demo", "github.com/prometheus/", "github.com/microcosm-cc/bluemonday"} {
			if pkg == banned || strings.HasPrefix(pkg, banned+"/") || (strings.HasSuffix(banned, "/") && strings.HasPrefix(pkg, banned)) {
				t.Errorf("mailaccess-sync links %s", pkg)
			}
		}
	}
}

func TestSyncThenCheck(t *testing.T) {
	ctx := context.Background()
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	c, err := imapclient.DialInsecure(server.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, server.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		raw := strings.ReplaceAll("From: a@example.org\nSubject: report "+string(rune('a'+i))+"\n\nbody\n", "\n", "\r\n")
		cmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Time: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)})
		cmd.Write([]byte(raw))
		cmd.Close()
		if _, err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	env := server.CommandEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "cache.db"))
	env["MAILACCESS_PASSWORD"] = server.Password
	getenv := func(k string) string { return env[k] }
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"migrate"}, &out, &errOut, getenv); err != nil {
		t.Fatalf("migrate: %v: %s", err, errOut.String())
	}
	out.Reset()
	if err := run(ctx, []string{"sync", "-user", user, "-mailbox", "INBOX", "-json"}, &out, &errOut, getenv); err != nil {
		t.Fatalf("sync: %v: %s", err, errOut.String())
	}
	var sum struct {
		Folders []struct {
			Name     string `json:"name"`
			Messages int    `json:"messages"`
			Added    int    `json:"added"`
		} `json:"folders"`
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil || len(sum.Folders) != 1 || sum.Folders[0].Name != "INBOX" || sum.Folders[0].Added != 3 {
		t.Fatalf("sync summary %s (%v), want INBOX with 3 added", out.String(), err)
	}
	// The rest of the account, then a check that finds no drift.
	if err := run(ctx, []string{"sync", "-user", user}, &out, &errOut, getenv); err != nil {
		t.Fatalf("sync: %v: %s", err, errOut.String())
	}
	out.Reset()
	if err := run(ctx, []string{"check", "-user", user}, &out, &errOut, getenv); err != nil {
		t.Fatalf("check: %v: %s\n%s", err, errOut.String(), out.String())
	}
	if err := run(ctx, []string{"serve"}, &out, &errOut, getenv); err == nil || !strings.Contains(err.Error(), "command of mailaccess") {
		t.Fatalf("serve: %v, want it named a command of mailaccess", err)
	}
}
