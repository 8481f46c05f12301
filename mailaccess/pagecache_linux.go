package mailaccess

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// pageCacheBytes is the size of the process-wide page cache buffer, in
// whole huge pages: about 1,900 pages of 4 KiB. A resync after 100 flag
// changes and 100 expunges of a 100k folder reads about 930 pages into
// its cache, a no-change one 17. The kernel clears all of it when SQLite
// initialises (below), so it is not larger: with 16 MiB that resync was
// 20 ms slower. Once the buffer is nearly full SQLite reuses a
// connection's least recently used pages rather than allocating more, so
// it also bounds the page cache: an initial sync of 100k messages was no
// slower for it (6.2-6.7 s, against 6.5-7.1 s with 16 MiB per
// connection), and its peak memory fell by 20 MB. Long-running processes
// (serve, worker), whose connections each keep 16 MiB, do not use it.
const pageCacheBytes = 8 << 20

// hugePage is the size of a transparent huge page on amd64 and arm64.
const hugePage = 2 << 20

// setupPageCache gives SQLite one buffer for its page caches, backed by
// transparent huge pages, before the first connection opens
// (SQLITE_CONFIG_PAGECACHE; SQLite refuses it once initialised).
//
// Without it every cached page is its own allocation, and the driver's
// allocator puts a 4 KiB page and its header in an 8 KiB slot: each page
// a fresh process reads into its cache faults two new pages of memory.
// Page faults are most of what a short `mailaccess sync` spends outside
// the network (on the 2-core VM of DESIGN.md about 20 µs each; a resync
// after 100 flag changes and 100 expunges of a 100k folder took 3,400 of
// them, 1,500 with the buffer). SQLite threads a free list through
// every slot when it initialises, so the whole buffer is touched at once:
// in huge pages that is 4 faults. Where the kernel has transparent huge
// pages turned off it would be 2,048, more than a sync saves, and the
// buffer is not used.
var setupPageCache = sync.OnceValue(func() error {
	thp, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || strings.Contains(string(thp), "[never]") {
		return errors.New("transparent huge pages are not available")
	}
	tls := libc.NewTLS()
	defer tls.Close()
	va := libc.Xmalloc(tls, 3*8)
	if va == 0 {
		return errors.New("out of memory")
	}
	defer libc.Xfree(tls, va)
	hdr := new(int32) // on the heap: Go never moves it
	rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, libc.VaList(va, uintptr(unsafe.Pointer(hdr))))
	runtime.KeepAlive(hdr)
	if rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("page header size: SQLite error %d", rc)
	}
	slot := (4096 + int(*hdr) + 7) &^ 7 // a 4 KiB page and its header, 8-byte aligned
	mem, err := syscall.Mmap(-1, 0, pageCacheBytes+hugePage, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return err
	}
	off := (hugePage - int(uintptr(unsafe.Pointer(&mem[0]))%hugePage)) % hugePage
	buf := mem[off : off+pageCacheBytes]
	if err := syscall.Madvise(buf, 14 /* MADV_HUGEPAGE */); err != nil {
		syscall.Munmap(mem)
		return fmt.Errorf("madvise: %w", err)
	}
	// SQLite keeps the buffer for the life of the process.
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PAGECACHE,
		libc.VaList(va, uintptr(unsafe.Pointer(&buf[0])), int32(slot), int32(pageCacheBytes/slot))); rc != sqlite3.SQLITE_OK {
		syscall.Munmap(mem)
		if rc == sqlite3.SQLITE_MISUSE {
			return errors.New("a connection was opened first")
		}
		return fmt.Errorf("SQLite error %d", rc)
	}
	return nil
})
