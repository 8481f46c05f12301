package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/mailaccess/mailaccess/imapsync"
)

// ErrDrift is returned by the check command when the cache differs from the
// server; main maps it, like any error, to exit status 1.
var ErrDrift = errors.New("the cache differs from the IMAP server")

// checkOutput is the JSON printed by `mailaccess check -json`.
type checkOutput struct {
	User string `json:"user"`
	imapsync.CheckReport
}

// Check compares an account's cache with the server and reports every
// difference: folders, UIDVALIDITY, UIDs and flags.
func Check(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var user *string
	var asJSON *bool
	cfg, _, err := CommandConfig("check", args, stderr, getenv, func(fs *flag.FlagSet) {
		user = fs.String("user", "", "IMAP login of the account to check (password: MAILACCESS_PASSWORD or the stored credentials)")
		asJSON = fs.Bool("json", false, "print one JSON object")
	})
	if err != nil {
		return err
	}
	logger := NewLogger(cfg, stderr)
	t, err := openSyncTool(ctx, cfg, logger, *user, getenv)
	if err != nil {
		return err
	}
	defer t.Close()
	rep, err := t.syncer.Check(ctx, t.account.ID)
	if err != nil {
		return err
	}
	if rep.Drift == nil {
		rep.Drift = []imapsync.Drift{}
	}
	if *asJSON {
		if err := json.NewEncoder(stdout).Encode(checkOutput{User: *user, CheckReport: rep}); err != nil {
			return err
		}
	} else {
		for _, d := range rep.Drift {
			fmt.Fprintf(stdout, "%s\t%s", d.Kind, d.Mailbox)
			if d.UID != 0 {
				fmt.Fprintf(stdout, "\tuid %d", d.UID)
			}
			if d.Server != "" || d.Cache != "" {
				fmt.Fprintf(stdout, "\tserver %q cache %q", d.Server, d.Cache)
			}
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "%d folders, %d messages compared, %d differences\n", rep.Folders, rep.Messages, len(rep.Drift))
	}
	if len(rep.Drift) > 0 {
		return fmt.Errorf("%w: %d differences", ErrDrift, len(rep.Drift))
	}
	return nil
}
