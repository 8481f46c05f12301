package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/mailaccess/mailaccess/internal/cli"
)

// cmdWorker runs a standalone sync worker until SIGTERM or SIGINT, then
// shuts it down in two phases (see asyncdispatch.Pool.Run).
func cmdWorker(ctx context.Context, args []string, _, stderr io.Writer, getenv func(string) string) error {
	var capacity, nice *int
	var name *string
	cfg, _, err := cli.CommandConfig("worker", args, stderr, getenv, func(fs *flag.FlagSet) {
		capacity = fs.Int("capacity", 2, "jobs this worker runs at once")
		name = fs.String("name", "", "name shown in status (default host:pid)")
		nice = fs.Int("nice", 10, "CPU niceness of the worker (0-19): syncs yield to web servers on the same host")
	})
	if err != nil {
		return err
	}
	if *capacity < 1 {
		return fmt.Errorf("flag -capacity = %d: must be at least 1", *capacity)
	}
	logger := cli.NewLogger(cfg, stderr)
	if *nice < 0 || *nice > 19 {
		return fmt.Errorf("flag -nice = %d: must be 0 to 19", *nice)
	}
	if *nice > 0 {
		if err := lowerPriority(*nice); err != nil {
			logger.Warn("running at normal priority", "error", err)
		}
	}
	a, err := newApp(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.newPool(*name, *capacity).Run(ctx)
}

// startPools runs n in-process workers of capacity 1 each until ctx ends;
// the returned function waits for their shutdown.
func (a *app) startPools(ctx context.Context, n int) (wait func()) {
	var wg sync.WaitGroup
	host, _ := os.Hostname()
	for i := range n {
		p := a.newPool(fmt.Sprintf("%s:%d/in-process-%d", host, os.Getpid(), i+1), 1)
		a.dispatcher.AddLocalPool(p)
		wg.Go(func() {
			if err := p.Run(ctx); err != nil {
				a.log.Error("in-process worker stopped", "worker", p.ID(), "error", err)
			}
		})
	}
	return wg.Wait
}
