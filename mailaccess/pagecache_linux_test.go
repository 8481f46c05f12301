package mailaccess

import (
	"context"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite's pages of a SQLite store live in the huge-page buffer where the
// kernel offers transparent huge pages.
func TestPageCacheBuffer(t *testing.T) {
	s := openTestStore(t, SQLite)
	thp, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	offered := err == nil && !strings.Contains(string(thp), "[never]")
	if err := setupPageCache(); (err == nil) != offered {
		t.Fatalf("huge pages offered: %v; setting up the buffer: %v", offered, err)
	}
	// Read and write some pages.
	if _, err := s.UpsertAccount(context.Background(), "pages@example.org", []byte("secret")); err != nil {
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
	if offered && *high == 0 {
		t.Errorf("no page was ever in the buffer")
	}
	if !offered && *high != 0 {
		t.Errorf("%d pages in a buffer that was not set up", *high)
	}
}
