package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"path/filepath"

	"github.com/mailaccess/mailaccess/internal/cli"
	"github.com/mailaccess/mailaccess/internal/demo"
)

const (
	demoUser     = "demo"
	demoPassword = "demo"
)

// cmdDemo runs the webmail on SQLite under -data with go-imap's in-memory
// IMAP server seeded from -seed, and prints the address and the demo login.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var dataDir, seedDir *string
	var workers *int
	cfg, _, err := cli.CommandConfig("demo", args, stderr, getenv, func(fs *flag.FlagSet) {
		dataDir = fs.String("data", "data/demo", "directory of the demo's SQLite cache and key file")
		seedDir = fs.String("seed", "testdata/demo", "corpus the demo IMAP server is seeded from")
		workers = fs.Int("workers", 2, "in-process sync workers")
	})
	if err != nil {
		return err
	}
	logger := cli.NewLogger(cfg, stderr)
	imapSrv, err := demo.Start(ctx, *seedDir, "127.0.0.1:0", demoUser, demoPassword, logger)
	if err != nil {
		return fmt.Errorf("start demo IMAP server: %w", err)
	}
	defer imapSrv.Close()
	cfg.Database.URL = "sqlite:" + filepath.Join(*dataDir, "mailaccess.db")
	cfg.Security.Key = ""
	cfg.Security.KeyFile = filepath.Join(*dataDir, "secret.key")
	cfg.IMAP.Address = imapSrv.Addr
	cfg.IMAP.TLS = "none"
	a, err := newApp(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.HTTP.Address)
	if err != nil {
		return fmt.Errorf("listen on http.address %s: %w (choose another with -http.address or ADDR=host:port make run)", cfg.HTTP.Address, err)
	}
	stopPools := a.startPools(ctx, *workers)
	defer stopPools()
	fmt.Fprintf(stdout, "\nmailaccess demo is running\n  open:   http://%s/\n  log in: user %q, password %q\n  cache:  %s (SQLite); IMAP: built-in demo server at %s; %d in-process sync workers\nCtrl-C stops it.\n\n",
		ln.Addr(), demoUser, demoPassword, cfg.Database.URL, imapSrv.Addr, *workers)
	return a.serveHTTP(ctx, ln)
}
