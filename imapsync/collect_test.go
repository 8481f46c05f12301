package imapsync

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// literal is a literal as go-imap hands it over: a declared size, and a
// stream that may end before it (go-imap passes a connection's EOF on).
type literal struct {
	io.Reader
	size int64
}

func (l literal) Size() int64 { return l.size }

func TestReadLiteral(t *testing.T) {
	for _, tc := range []struct {
		name    string
		data    string
		size    int64
		limit   int64
		want    string
		wantCut bool
	}{
		{name: "whole", data: "0123456789", size: 10, limit: -1, want: "0123456789"},
		{name: "empty", data: "", size: 0, limit: -1, want: ""},
		{name: "limited", data: "0123456789", size: 10, limit: 4, want: "0123"},
		{name: "limit above size", data: "0123456789", size: 10, limit: 100, want: "0123456789"},
		{name: "connection ended early", data: "01234", size: 10, limit: -1, wantCut: true},
		{name: "ended early within the limit", data: "01", size: 10, limit: 4, wantCut: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readLiteral(literal{strings.NewReader(tc.data), tc.size}, tc.limit)
			if tc.wantCut {
				if !errors.Is(err, errLiteralCut) {
					t.Fatalf("got %q, %v; want errLiteralCut", got, err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	t.Run("read error", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader("01"), errReader{})
		if _, err := readLiteral(literal{r, 10}, -1); !errors.Is(err, errLiteralCut) {
			t.Fatalf("got %v; want errLiteralCut", err)
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }
