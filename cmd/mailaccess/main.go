// Command mailaccess is the webmail: its web server, its demo and its
// maintenance commands, in one binary.
//
//	mailaccess serve   -config FILE [-workers N]   the web server (with N in-process sync workers)
//	mailaccess worker  -config FILE [-capacity N]  a standalone sync worker
//	mailaccess status  -config FILE [-json]        the dispatcher's view: mode, workers, queue
//	mailaccess sync    -config FILE -user USER     sync an account inline (JSON summary with -json)
//	mailaccess check   -config FILE -user USER     compare the cache with the server; exit 1 on drift
//	mailaccess demo                                the web server on SQLite with a built-in demo IMAP server
//	mailaccess migrate -config FILE                apply the database migrations
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mailaccess:", err)
		os.Exit(1)
	}
}

const usage = `usage: mailaccess <command> [flags]

commands:
  serve     run the web server (-config FILE [-workers N])
  worker    run a sync worker (-config FILE [-capacity N] [-name NAME])
  status    show the dispatcher: mode, workers and their load, queue (-config FILE [-json])
  sync      sync an account inline (-config FILE -user USER [-mailbox NAME] [-json] [-cpuprofile FILE]; password: MAILACCESS_PASSWORD or stored)
  check     compare an account's cache with the IMAP server; exit status 1 on drift (-config FILE -user USER [-json])
  demo      run the web server on SQLite with a built-in demo IMAP server
  migrate   apply database migrations (-config FILE)

Every command takes -config FILE and one flag per configuration key
(-section.key=value); "mailaccess <command> -h" lists them.
`

// run is the whole program but for exiting; it returns when ctx ends or the
// command is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stderr, getenv)
	case "worker":
		return cmdWorker(ctx, rest, stderr, getenv)
	case "status":
		return cmdStatus(ctx, rest, stdout, stderr, getenv)
	case "sync":
		return cmdSync(ctx, rest, stdout, stderr, getenv)
	case "check":
		return cmdCheck(ctx, rest, stdout, stderr, getenv)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr, getenv)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr, getenv)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// commandConfig parses the flags and configuration of a subcommand.
func commandConfig(name string, args []string, stderr io.Writer, getenv func(string) string, extra func(*flag.FlagSet)) (*Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("mailaccess "+name, flag.ContinueOnError)
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
