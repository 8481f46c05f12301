package web

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestLiveHubOneWatchPerFolder: the pages of one folder share one watch,
// which ends with the last page; each page hears of every change.
func TestLiveHubOneWatchPerFolder(t *testing.T) {
	h := newLiveHub()
	h.linger = 0 // the watch stops as soon as the last page left
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
	select {
	case <-watch.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the watch goes on after the last page left")
	}
	unsubOther()
}

// TestLiveHubWatchesFewFoldersPerAccount: an account's pages hold at most
// maxWatchesPerAccount IMAP connections; a page of one more folder gets no
// watch (it polls), and a page that comes back within the linger time
// finds its folder's watch still in place.
func TestLiveHubWatchesFewFoldersPerAccount(t *testing.T) {
	h := newLiveHub()
	started := make(chan string, 10)
	run := func(name string) func(context.Context, func()) {
		return func(context.Context, func()) { started <- name }
	}
	for i := range maxWatchesPerAccount {
		name := fmt.Sprint("folder", i)
		_, unsub := h.subscribe(liveKey{1, name}, run(name))
		<-started
		if i == 0 {
			unsub() // left, within the linger time
			h.subscribe(liveKey{1, name}, run(name))
		}
	}
	h.subscribe(liveKey{1, "one more"}, run("one more"))
	h.subscribe(liveKey{2, "INBOX"}, run("another account"))
	if got := <-started; got != "another account" {
		t.Fatalf("watch started for %q", got)
	}
	h.mu.Lock()
	_, more := h.folders[liveKey{1, "one more"}]
	n := len(h.folders)
	h.mu.Unlock()
	if more || n != maxWatchesPerAccount+1 {
		t.Fatalf("%d folders watched (one more folder of the account: %v), want %d", n, more, maxWatchesPerAccount+1)
	}
	select {
	case got := <-started:
		t.Fatalf("watch started again for %q", got)
	default:
	}
	h.close()
	if len(h.folders) != 0 {
		t.Fatalf("%d folders watched after close", len(h.folders))
	}
}
