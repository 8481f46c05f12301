package demo

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
)

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}

// TestDemoCorpusParses parses every demo message with go-message and reads
// every part, decoding transfer encodings and charsets. The hostile corpus
// (testdata/hostile) is deliberately broken and not checked here.
func TestDemoCorpusParses(t *testing.T) {
	n := 0
	err := filepath.WalkDir(seedDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".eml") {
			return err
		}
		n++
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		e, err := message.Read(f)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		parts := 0
		err = e.Walk(func(path []int, part *message.Entity, err error) error {
			if err != nil {
				return err
			}
			parts++
			if part.MultipartReader() != nil {
				return nil
			}
			body, err := io.ReadAll(part.Body)
			if err != nil {
				return err
			}
			if mt, _, _ := part.Header.ContentType(); strings.HasPrefix(mt, "text/") && !utf8.Valid(body) {
				t.Errorf("%s part %v (%s): decoded text is not valid UTF-8", p, path, mt)
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if parts == 0 {
			t.Errorf("%s: no parts", p)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if want := len(readTestManifest(t)); n != want {
		t.Errorf("found %d .eml files, manifest lists %d", n, want)
	}
}
