package web

import (
	"testing"
	"time"
)

func TestFailureLimiter(t *testing.T) {
	l := newFailureLimiter(3, time.Minute)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		if b, _ := l.blocked("alice", t0.Add(time.Duration(i)*time.Second)); b {
			t.Fatalf("blocked after %d failures", i)
		}
		l.fail("alice", t0.Add(time.Duration(i)*time.Second))
	}
	b, until := l.blocked("alice", t0.Add(10*time.Second))
	if !b || !until.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after 3 failures: blocked=%v until %v", b, until)
	}
	if b, _ := l.blocked("bob", t0); b {
		t.Fatal("another key is blocked")
	}
	if b, _ := l.blocked("alice", t0.Add(61*time.Second)); b {
		t.Fatal("still blocked after the window")
	}
	l.fail("carol", t0)
	l.succeed("carol")
	if len(l.failures["carol"]) != 0 {
		t.Fatal("a success did not clear the failures")
	}
}
