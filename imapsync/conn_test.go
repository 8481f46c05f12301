package imapsync

import (
	"errors"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestLoginRefusal(t *testing.T) {
	no := func(code imap.ResponseCode) error {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: code, Text: "refused"}
	}
	for _, tc := range []struct {
		err  error
		want error
	}{
		{no(""), ErrAuth},
		{no(imap.ResponseCodeAuthenticationFailed), ErrAuth},
		{no(imap.ResponseCodeExpired), ErrAuth},
		{no(imap.ResponseCodeUnavailable), ErrUnreachable},
		{no(imap.ResponseCodeLimit), ErrUnreachable},
		{no(imap.ResponseCodeInUse), ErrUnreachable},
		{&imap.Error{Type: imap.StatusResponseTypeBad, Text: "syntax"}, nil},
		{errors.New("connection reset"), nil},
	} {
		got := loginRefusal(tc.err)
		if tc.want == nil && got != nil || tc.want != nil && !errors.Is(got, tc.want) {
			t.Errorf("loginRefusal(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
