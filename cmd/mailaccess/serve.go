package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"

	"github.com/mailaccess/mailaccess/internal/cli"
)

func cmdServe(ctx context.Context, args []string, _, stderr io.Writer, getenv func(string) string) error {
	var workers *int
	cfg, _, err := cli.CommandConfig("serve", args, stderr, getenv, func(fs *flag.FlagSet) {
		workers = fs.Int("workers", 0, "sync workers to run inside this process (0: rely on `mailaccess worker` processes, or inline)")
	})
	if err != nil {
		return err
	}
	if *workers < 0 {
		return fmt.Errorf("flag -workers = %d: must be 0 or more", *workers)
	}
	logger := cli.NewLogger(cfg, stderr)
	logger.Info("configuration", cfg.Redacted()...)
	a, err := newApp(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer a.Close()
	// Before our own pools start: what was there. Asked of the store, not of
	// the dispatcher, whose cached reading would otherwise keep saying so for
	// a while after the workers started with this process come alive.
	if n, capacity, err := a.store.LiveWorkers(ctx, a.dispatcher.LivenessTTL()); err != nil {
		logger.Warn("dispatcher: worker liveness unknown; syncs run inline until it is", "mode", a.dispatcher.Mode(), "error", err)
	} else {
		logger.Info("dispatcher", "mode", a.dispatcher.Mode(), "live_workers", n, "capacity", capacity, "in_process_workers", *workers)
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Address)
	if err != nil {
		return fmt.Errorf("listen on http.address %s: %w", cfg.HTTP.Address, err)
	}
	stopPools := a.startPools(ctx, *workers)
	defer stopPools()
	logger.Info("serving", "url", "http://"+ln.Addr().String()+"/", "database", string(a.store.Dialect()))
	return a.serveHTTP(ctx, ln)
}
