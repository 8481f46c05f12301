// Command mailaccess-sync runs the one-shot commands of mailaccess (sync,
// check and migrate) with the same flags, configuration, output and exit
// status as `mailaccess sync|check|migrate`. It links none of the packages
// of the web server, the metrics (Prometheus) or the demo, whose
// initialisation costs a fresh process about 10 ms before it does anything:
// it is the binary for cron jobs and scripts (README, deployment step 7).
//
//	mailaccess-sync sync    -config FILE -user USER     sync an account inline (JSON summary with -json)
//	mailaccess-sync check   -config FILE -user USER     compare the cache with the server; exit 1 on drift
//	mailaccess-sync migrate -config FILE                apply the database migrations
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/mailaccess/mailaccess/internal/cli"
)

func main() { cli.Main("mailaccess-sync", run) }

const usage = `usage: mailaccess-sync <command> [flags]

commands (as in mailaccess; the web server, workers and the demo are in mailaccess):
  sync      sync an account inline (-config FILE -user USER [-mailbox NAME] [-json] [-cpuprofile FILE]; password: MAILACCESS_PASSWORD or stored)
  check     compare an account's cache with the IMAP server; exit status 1 on drift (-config FILE -user USER [-json])
  migrate   apply database migrations (-config FILE)

Every command takes -config FILE and one flag per configuration key
(-section.key=value); "mailaccess-sync <command> -h" lists them.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	commands := map[string]cli.Command{"sync": cli.Sync, "check": cli.Check, "migrate": cli.Migrate}
	for _, name := range []string{"serve", "worker", "status", "demo"} {
		commands[name] = func(context.Context, []string, io.Writer, io.Writer, func(string) string) error {
			fmt.Fprint(stderr, usage)
			return fmt.Errorf("%s is a command of mailaccess, not of mailaccess-sync", name)
		}
	}
	return cli.Run(ctx, usage, commands, args, stdout, stderr, getenv)
}
