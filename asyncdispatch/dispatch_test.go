package asyncdispatch

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDispatchRunsTheHandlerInline(t *testing.T) {
	var got Job
	d := New(Config{}, map[string]Handler{KindSyncMailbox: func(ctx context.Context, j Job) error {
		got = j
		return nil
	}}, nil)
	job := Job{Kind: KindSyncMailbox, AccountID: 7, Mailbox: "INBOX"}
	out, err := d.Dispatch(context.Background(), job)
	if err != nil || out != Inline || got != job {
		t.Fatalf("outcome %q, err %v, handler saw %+v", out, err, got)
	}
	if _, err := d.Dispatch(context.Background(), Job{Kind: "nope"}); err == nil {
		t.Fatal("unknown kind accepted")
	}
}

func TestInlineRunStopsAtItsBudget(t *testing.T) {
	d := New(Config{InlineBudget: 20 * time.Millisecond}, map[string]Handler{KindSyncMailbox: func(ctx context.Context, j Job) error {
		<-ctx.Done() // a sync that would run longer than the budget
		return ctx.Err()
	}}, nil)
	_, err := d.Dispatch(context.Background(), Job{Kind: KindSyncMailbox})
	if !errors.Is(err, ErrBudget) {
		t.Fatalf("err %v, want ErrBudget", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Dispatch(ctx, Job{Kind: KindSyncMailbox}); errors.Is(err, ErrBudget) || !errors.Is(err, context.Canceled) {
		t.Fatalf("caller's cancellation reported as %v", err)
	}
}
