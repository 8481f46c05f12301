package main

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/mailaccess/mailaccess/mailaccess"
)

func cmdServe(ctx context.Context, args []string, stderr io.Writer, getenv func(string) string) error {
	cfg, _, err := commandConfig("serve", args, stderr, getenv, nil)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	logger.Info("configuration", cfg.redacted()...)
	a, err := newApp(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer a.Close()
	logger.Info("dispatcher", a.dispatcher.Describe()...)
	ln, err := net.Listen("tcp", cfg.HTTP.Address)
	if err != nil {
		return fmt.Errorf("listen on http.address %s: %w", cfg.HTTP.Address, err)
	}
	logger.Info("serving", "url", "http://"+ln.Addr().String()+"/", "database", string(a.store.Dialect()))
	return a.serveHTTP(ctx, ln)
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, _, err := commandConfig("migrate", args, stderr, getenv, nil)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	store, err := mailaccess.Open(ctx, cfg.Database.URL, mailaccess.Options{Migrate: true, Logger: logger})
	if err != nil {
		return err
	}
	defer store.Close()
	current, _, err := store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database schema is at version %d\n", current)
	return nil
}
