package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// syncTool is what the sync and check commands are built of: the store and
// a sync engine logged in as one user.
type syncTool struct {
	store   *mailaccess.Store
	syncer  *imapsync.Syncer
	account mailaccess.Account
}

func (t *syncTool) Close() error {
	t.syncer.Close()
	return t.store.Close()
}

// openSyncTool opens the store and finds the account of user. The password
// comes from MAILACCESS_PASSWORD when set (checked against the server and
// then stored sealed, creating the account if needed), else from the
// account's stored sealed credentials.
//
// The connection to the IMAP server is made, and with MAILACCESS_PASSWORD
// logged in, while the database opens (see imapsync.PredialLogin): a fresh
// process does not pay for both in a row.
func openSyncTool(ctx context.Context, cfg *Config, logger *slog.Logger, user string, getenv func(string) string) (*syncTool, error) {
	if user == "" {
		return nil, errors.New("flag -user is required")
	}
	sealer, err := cfg.Sealer()
	if err != nil {
		return nil, err
	}
	imapCfg := cfg.SyncConfig()
	password := getenv("MAILACCESS_PASSWORD")
	pre := imapsync.PredialLogin(ctx, imapCfg, user, password)
	store, err := mailaccess.Open(ctx, cfg.Database.URL, mailaccess.Options{Logger: logger, ShortLived: true})
	if err != nil {
		pre.Close()
		return nil, err
	}
	t := &syncTool{store: store}
	creds := func(ctx context.Context, accountID int64) (string, string, error) {
		if password != "" {
			return user, password, nil
		}
		acc, err := store.Account(ctx, accountID)
		if err != nil {
			return "", "", err
		}
		pass, err := sealer.Open(acc.PasswordEnc, acc.Username)
		if err != nil {
			return "", "", fmt.Errorf("account %s: %w", acc.Username, err)
		}
		return acc.Username, pass, nil
	}
	t.syncer = imapsync.New(imapCfg, store, creds, logger)
	t.syncer.UsePredialed(pre)
	acc, err := store.AccountByUsername(ctx, user)
	switch {
	case err == nil && password != "" && !sealedIs(sealer, acc, password):
		// A new password: store it once the server accepts it.
		fallthrough
	case errors.Is(err, mailaccess.ErrNotFound) && password != "":
		// The predialed login tells whether the server takes it.
		if err := pre.Wait(); err != nil {
			t.Close()
			return nil, err
		}
		if acc, err = store.UpsertAccount(ctx, user, sealer.Seal(password, user)); err != nil {
			t.Close()
			return nil, err
		}
	case errors.Is(err, mailaccess.ErrNotFound):
		t.Close()
		return nil, fmt.Errorf("no stored credentials for %q: set MAILACCESS_PASSWORD", user)
	case err != nil:
		t.Close()
		return nil, err
	}
	t.account = acc
	return t, nil
}

func sealedIs(sealer *mailaccess.Sealer, acc mailaccess.Account, password string) bool {
	pass, err := sealer.Open(acc.PasswordEnc, acc.Username)
	return err == nil && pass == password
}

// syncSummary is the JSON printed by `mailaccess sync -json`.
type syncSummary struct {
	User       string         `json:"user"`
	DurationMS float64        `json:"duration_ms"`
	Folders    []folderResult `json:"folders"`
	Error      string         `json:"error,omitempty"`
}

type folderResult struct {
	imapsync.MailboxResult
	DurationMS float64 `json:"duration_ms"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Sync syncs one account (or one folder of it) inline and prints what
// changed, per folder.
func Sync(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var user, mailbox, cpuprofile *string
	var asJSON *bool
	cfg, _, err := CommandConfig("sync", args, stderr, getenv, func(fs *flag.FlagSet) {
		user = fs.String("user", "", "IMAP login of the account to sync (password: MAILACCESS_PASSWORD or the stored credentials)")
		mailbox = fs.String("mailbox", "", "sync only this folder")
		asJSON = fs.Bool("json", false, "print one JSON object")
		cpuprofile = fs.String("cpuprofile", "", "write a CPU profile of the command to this file (go tool pprof reads it)")
	})
	if err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	logger := NewLogger(cfg, stderr)
	t, err := openSyncTool(ctx, cfg, logger, *user, getenv)
	if err != nil {
		return err
	}
	defer t.Close()
	var results []imapsync.MailboxResult
	if *mailbox != "" {
		var res imapsync.MailboxResult
		res, err = t.syncer.SyncMailbox(ctx, t.account.ID, *mailbox, nil)
		results = []imapsync.MailboxResult{res}
	} else {
		results, err = t.syncer.SyncAccount(ctx, t.account.ID, nil)
	}
	sum := syncSummary{User: *user, DurationMS: ms(time.Since(start)), Folders: []folderResult{}}
	for _, r := range results {
		sum.Folders = append(sum.Folders, folderResult{MailboxResult: r, DurationMS: ms(r.Duration)})
	}
	if err != nil {
		sum.Error = err.Error()
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		if encErr := enc.Encode(sum); encErr != nil {
			return encErr
		}
	} else {
		fmt.Fprintf(stdout, "%-30s %9s %7s %7s %8s %10s\n", "folder", "messages", "added", "updated", "vanished", "ms")
		for _, f := range sum.Folders {
			note := ""
			if f.Reset {
				note = " (rebuilt: new UIDVALIDITY)"
			}
			fmt.Fprintf(stdout, "%-30s %9d %7d %7d %8d %10.1f%s\n", f.Name, f.Messages, f.Added, f.Updated, f.Vanished, f.DurationMS, note)
		}
		fmt.Fprintf(stdout, "total %.1f ms\n", sum.DurationMS)
	}
	// Deleted messages leave the SQLite search index in bulk: a one-shot
	// sync purges once enough wait (a serving process does it every few
	// seconds), so a deployment that only runs this command keeps the
	// index small too.
	if n, perr := t.store.DrainSearchPurge(ctx, mailaccess.OneShotPurgeBacklog); perr != nil {
		logger.Warn("purge deleted messages from the search index", "error", perr)
	} else if n > 0 {
		logger.Debug("deleted messages purged from the search index", "count", n)
	}
	return err
}
