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
	"io"

	"github.com/mailaccess/mailaccess/internal/cli"
)

func main() { cli.Main("mailaccess", run) }

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
	return cli.Run(ctx, usage, map[string]cli.Command{
		"serve":   cmdServe,
		"worker":  cmdWorker,
		"status":  cmdStatus,
		"sync":    cli.Sync,
		"check":   cli.Check,
		"demo":    cmdDemo,
		"migrate": cli.Migrate,
	}, args, stdout, stderr, getenv)
}
