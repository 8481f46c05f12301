package main

import (
	"slices"
	"testing"
)

// A developer's exported mailaccess settings do not reach the tests; the
// harness's own variables and test options do.
func TestWithoutSettings(t *testing.T) {
	env := []string{
		"PATH=/usr/bin",
		"MAILACCESS_IMAP_ADDRESS=127.0.0.1:143",
		"MAILACCESS_DATABASE_URL=sqlite:/tmp/x.db",
		"MAILACCESS_PASSWORD=secret",
		"MAILACCESS_SECURITY_KEY_FILE=/tmp/key",
		"MAILACCESS_TEST_IMAP_ADDRESS=127.0.0.1:1143",
		"MAILACCESS_BENCH_MESSAGES=1000",
		"MAILACCESS_PASSWORDS=kept",
	}
	kept, dropped := withoutSettings(env)
	wantKept := []string{"PATH=/usr/bin", "MAILACCESS_TEST_IMAP_ADDRESS=127.0.0.1:1143", "MAILACCESS_BENCH_MESSAGES=1000", "MAILACCESS_PASSWORDS=kept"}
	wantDropped := []string{"MAILACCESS_IMAP_ADDRESS", "MAILACCESS_DATABASE_URL", "MAILACCESS_PASSWORD", "MAILACCESS_SECURITY_KEY_FILE"}
	if !slices.Equal(kept, wantKept) || !slices.Equal(dropped, wantDropped) {
		t.Fatalf("kept %q, dropped %q; want %q and %q", kept, dropped, wantKept, wantDropped)
	}
}
