package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/mailaccess/mailaccess/internal/cli"
)

func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var asJSON *bool
	cfg, _, err := cli.CommandConfig("status", args, stderr, getenv, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print one JSON object")
	})
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, cli.NewLogger(cfg, stderr), false)
	if err != nil {
		return err
	}
	defer a.Close()
	st, err := a.dispatcher.Status(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "mode:\t%s\n", st.Mode)
	fmt.Fprintf(w, "live workers:\t%d (capacity %d; alive = heartbeat within %s)\n", st.LiveWorkers, st.LiveCapacity, st.LivenessTTL)
	fmt.Fprintf(w, "queue:\t%d queued, %d running, %d done, %d failed\n", st.Queued, st.Running, st.Done, st.Failed)
	if st.OldestQueued != nil {
		fmt.Fprintf(w, "oldest queued:\t%s ago\n", time.Since(*st.OldestQueued).Round(time.Second))
	}
	w.Flush()
	if len(st.Workers) > 0 {
		fmt.Fprintln(stdout, "\nworkers:")
		fmt.Fprintln(w, "  NAME\tHOST\tPID\tSTATE\tLOAD\tLAST HEARTBEAT")
		for _, ws := range st.Workers {
			state := "alive"
			if !ws.Alive {
				state = "dead"
			}
			fmt.Fprintf(w, "  %s\t%s\t%d\t%s\t%d/%d\t%s ago\n", ws.Name, ws.Host, ws.PID, state, ws.Running, ws.Capacity, time.Since(ws.LastHeartbeat).Round(time.Millisecond))
		}
		w.Flush()
	}
	if len(st.RunningJobs) > 0 {
		fmt.Fprintln(stdout, "\nrunning jobs:")
		for _, j := range st.RunningJobs {
			fmt.Fprintf(w, "  #%d\taccount %d\t%s\t%d/%d\ton %s\tattempt %d\n", j.ID, j.Account, j.Mailbox, j.Done, j.Total, j.Worker, j.Attempts)
		}
		w.Flush()
	}
	if len(st.RecentFailures) > 0 {
		fmt.Fprintln(stdout, "\nrecent failures:")
		for _, j := range st.RecentFailures {
			fmt.Fprintf(w, "  #%d\taccount %d\t%s\t%s\t%s\n", j.ID, j.Account, j.Mailbox, j.When.Format(time.RFC3339), j.Error)
		}
		w.Flush()
	}
	return nil
}
