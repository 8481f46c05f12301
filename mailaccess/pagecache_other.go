//go:build !linux

package mailaccess

import "errors"

// setupPageCache leaves SQLite's page cache allocation as it is: the
// huge-page buffer of pagecache_linux.go is Linux's.
func setupPageCache() error { return errors.New("not on Linux") }
