package web

import (
	"context"
	"testing"
)

// TestLiveHubOneWatchPerFolder: the pages of one folder share one watch,
// which ends with the last page; each page hears of every change.
func TestLiveHubOneWatchPerFolder(t *testing.T) {
	h := newLiveHub()
	started := make(chan context.Context, 4)
	notifies := make(chan func(), 4)
	run := func(ctx context.Context, notify func()) {
		started <- ctx
		notifies <- notify
	}
	key := liveKey{1, "INBOX"}
	a, unsubA := h.subscribe(key, run)
	b, unsubB := h.subscribe(key, run)
	watch := <-started
	notify := <-notifies
	other, unsubOther := h.subscribe(liveKey{2, "INBOX"}, run) // another account's INBOX
	<-started
	<-notifies
	if len(started) != 0 {
		t.Fatal("a second watch started for a folder already watched")
	}
	notify()
	for name, ch := range map[string]chan struct{}{"a": a, "b": b} {
		select {
		case <-ch:
		default:
			t.Fatalf("page %s was not told of the change", name)
		}
	}
	select {
	case <-other:
		t.Fatal("another account's page was told")
	default:
	}
	notify()
	notify() // not taken yet: one pending is enough, and notify never blocks
	unsubA()
	if watch.Err() != nil {
		t.Fatal("the watch ended while a page is still open")
	}
	unsubB()
	if watch.Err() == nil {
		t.Fatal("the watch goes on after the last page left")
	}
	unsubOther()
	if len(h.folders) != 0 {
		t.Fatalf("%d folders still watched", len(h.folders))
	}
}
