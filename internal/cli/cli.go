// Package cli holds the configuration of the mailaccess commands and the
// one-shot ones (sync, check, migrate). Both binaries use it: mailaccess,
// which adds the web server, the worker and the demo, and mailaccess-sync,
// which has only the one-shot commands and none of the web's or the
// metrics' packages, so that a fresh process (a cron job) starts sooner.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// Command is one subcommand: args are the arguments after its name.
type Command func(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error

// Run runs the subcommand that args name, or prints usage: to stdout when
// asked for help, else to stderr with flag.ErrHelp (no command) or an
// error naming the unknown one.
func Run(ctx context.Context, usage string, commands map[string]Command, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	name, rest := args[0], args[1:]
	if cmd, ok := commands[name]; ok {
		return cmd(ctx, rest, stdout, stderr, getenv)
	}
	switch name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", name)
}

// Main runs the command line of the binary called name with run, until
// run returns or SIGINT or SIGTERM ends its context, and exits: 2 for a
// usage error (flag.ErrHelp), 1 for any other error, printed after name.
func Main(name string, run Command) {
	program = name
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// program names the binary in a subcommand's usage and flag errors
// ("Usage of mailaccess-sync sync:"); Main sets it.
var program = "mailaccess"

// CommandConfig parses the flags and configuration of a subcommand.
func CommandConfig(name string, args []string, stderr io.Writer, getenv func(string) string, extra func(*flag.FlagSet)) (*Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet(program+" "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.String("config", "", "TOML configuration file (see mailaccess.example.toml)")
	if extra != nil {
		extra(fs)
	}
	cfg, err := loadConfig(fs, args, getenv)
	if err != nil {
		return nil, nil, err
	}
	return cfg, fs, nil
}

// NewLogger is the logger of a command: cfg's level and format, to w.
func NewLogger(cfg *Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Log.Level)) // validated already
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Migrate applies the pending database migrations and prints the schema's version.
func Migrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, _, err := CommandConfig("migrate", args, stderr, getenv, nil)
	if err != nil {
		return err
	}
	logger := NewLogger(cfg, stderr)
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
