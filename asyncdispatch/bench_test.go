package asyncdispatch

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// BenchmarkDispatchToClaim measures the time from Dispatch to the start of
// the job's handler on an idle worker woken by PostgreSQL NOTIFY (the worker
// is not registered as a local pool, so it learns of the job exactly as a
// worker on another host would). Reports p50 and p99 in ms.
func BenchmarkDispatchToClaim(b *testing.B) {
	ctx := context.Background()
	s, err := mailaccess.Open(ctx, testenv.PostgresDB(b), mailaccess.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	acc, err := s.UpsertAccount(ctx, "bench", []byte("x"))
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{Mode: "always", PollInterval: time.Minute} // polling would hide a broken NOTIFY path
	started := make(chan time.Time, 1)
	pool := NewPool(cfg, PoolConfig{Name: "bench", Capacity: 1}, s, map[string]Handler{
		KindSyncMailbox: func(context.Context, mailaccess.Job, func(int, int)) error {
			started <- time.Now()
			return nil
		},
	}, nil, slog.New(slog.DiscardHandler))
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- pool.Run(pctx) }()
	defer func() { cancel(); <-done }()
	d := New(cfg, s, map[string]Handler{KindSyncMailbox: ok}, nil, nil)

	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		if _, err := d.Dispatch(ctx, Request{Kind: KindSyncMailbox, AccountID: acc.ID, Mailbox: fmt.Sprint("m", i)}); err != nil {
			b.Fatal(err)
		}
		select {
		case t1 := <-started:
			lat = append(lat, t1.Sub(t0))
		case <-time.After(30 * time.Second):
			b.Fatal("the worker never started the job")
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
