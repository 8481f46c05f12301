package imapsync_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// FuzzParseMessage: whatever the bytes, the local parser returns storable
// strings (valid UTF-8, no NUL) and a structure that is valid JSON.
func FuzzParseMessage(f *testing.F) {
	for _, pattern := range []string{"../testdata/hostile/*.eml", "../testdata/demo/*/*.eml"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			raw, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			if len(raw) <= 64<<10 {
				f.Add(raw)
			}
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("Subject: =?x-unknown?q?a?=\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m := imapsync.ParseMessage(raw)
		for _, s := range []string{m.Subject, m.FromName, m.FromAddr, m.To, m.Cc, m.ReplyTo, m.MessageID,
			m.InReplyTo, m.References, m.Structure, m.Preview} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("unstorable string %q", s)
			}
		}
		var p mailaccess.Part
		if err := json.Unmarshal([]byte(m.Structure), &p); err != nil {
			t.Fatalf("structure %q: %v", m.Structure, err)
		}
	})
}

func TestParseMessageReadsTheHostileCorpus(t *testing.T) {
	raw, err := os.ReadFile("../testdata/hostile/message-global.eml")
	if err != nil {
		t.Fatal(err)
	}
	m := imapsync.ParseMessage(raw)
	if m.Subject == "" || !strings.Contains(m.Structure, "message/global") {
		t.Fatalf("message/global parsed as subject %q structure %s", m.Subject, m.Structure)
	}
}
