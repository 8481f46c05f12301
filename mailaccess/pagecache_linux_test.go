package mailaccess

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// A short-lived process keeps SQLite's cached pages in the huge-page buffer
// where the kernel offers transparent huge pages; any other keeps them
// where SQLite allocates them. Each case runs in a process of its own: the
// buffer can only be given to SQLite before its first connection.
func TestPageCacheBuffer(t *testing.T) {
	if mode := os.Getenv("MAILACCESS_TEST_PAGECACHE"); mode != "" {
		pagesInBuffer(t, mode == "short")
		return
	}
	thp, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	offered := err == nil && !strings.Contains(string(thp), "[never]")
	for _, c := range []struct {
		mode string
		want bool
	}{{"short", offered}, {"long", false}} {
		t.Run(c.mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestPageCacheBuffer$", "-test.v")
			cmd.Env = append(os.Environ(), "MAILACCESS_TEST_PAGECACHE="+c.mode,
				"MAILACCESS_TEST_PAGECACHE_DIR="+t.TempDir(), "MAILACCESS_TEST_PAGECACHE_WANT="+strconv.FormatBool(c.want))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		})
	}
}

// pagesInBuffer opens a store, writes and reads some pages, and checks
// whether any of them was ever in the buffer.
func pagesInBuffer(t *testing.T, shortLived bool) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(os.Getenv("MAILACCESS_TEST_PAGECACHE_DIR"), "cache.db")
	s, err := Open(ctx, url, Options{Migrate: true, ShortLived: shortLived})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.UpsertAccount(ctx, "pages@example.org", []byte("secret")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccountByUsername(ctx, "pages@example.org"); err != nil {
		t.Fatal(err)
	}
	tls := libc.NewTLS()
	defer tls.Close()
	used, high := new(int64), new(int64)
	rc := sqlite3.Xsqlite3_status64(tls, sqlite3.SQLITE_STATUS_PAGECACHE_USED, uintptr(unsafe.Pointer(used)), uintptr(unsafe.Pointer(high)), 0)
	runtime.KeepAlive(used)
	runtime.KeepAlive(high)
	if rc != sqlite3.SQLITE_OK {
		t.Fatalf("sqlite3_status64: %d", rc)
	}
	want, _ := strconv.ParseBool(os.Getenv("MAILACCESS_TEST_PAGECACHE_WANT"))
	if got := *high > 0; got != want {
		t.Errorf("short-lived %v: pages in the buffer: %d, want some: %v", shortLived, *high, want)
	}
}
