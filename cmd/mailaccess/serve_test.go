package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestServeRefusesAnUnreachableDatabase(t *testing.T) {
	err := run(context.Background(), []string{"serve", "-database.url", "postgres://mail@127.0.0.1:1/mail?sslmode=disable",
		"-security.key_file", filepath.Join(t.TempDir(), "k")}, io.Discard, io.Discard, envOf(nil))
	if err == nil || !strings.Contains(err.Error(), "connect to postgres database") {
		t.Fatalf("serve with database down: %v", err)
	}
}

func TestServeRefusesASchemaBehind(t *testing.T) {
	dir := t.TempDir()
	err := run(context.Background(), []string{"serve", "-database.url", "sqlite:" + filepath.Join(dir, "x.db"),
		"-security.key_file", filepath.Join(dir, "k")}, io.Discard, io.Discard, envOf(nil))
	if err == nil || !strings.Contains(err.Error(), "mailaccess migrate") {
		t.Fatalf("serve on an empty database: %v", err)
	}
}
