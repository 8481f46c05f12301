package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"
)

// TestDeterministic checks that two runs produce identical bytes.
func TestDeterministic(t *testing.T) {
	a, _ := render(generate())
	b, _ := render(generate())
	if len(a) != len(b) {
		t.Fatalf("file count differs: %d vs %d", len(a), len(b))
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			t.Fatalf("%s differs between two runs", k)
		}
	}
	h1, h2 := hostileCorpus(), hostileCorpus()
	for i := range h1 {
		if h1[i].name != h2[i].name || !bytes.Equal(h1[i].data, h2[i].data) {
			t.Fatalf("hostile %s differs between two runs", h1[i].name)
		}
	}
}

// TestCommittedCorpusUpToDate compares the generator output with the files in
// testdata, so that a change to the generator cannot go unnoticed.
func TestCommittedCorpusUpToDate(t *testing.T) {
	const hint = "regenerate with: go run ./internal/demogen -out testdata/demo -hostile testdata/hostile"
	files, _ := render(generate())
	root := filepath.Join("..", "..", "testdata", "demo")
	for _, rel := range sortedKeys(files) {
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatalf("%v (%s)", err, hint)
		}
		if !bytes.Equal(got, files[rel]) {
			t.Fatalf("testdata/demo/%s is out of date (%s)", rel, hint)
		}
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".eml") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if _, ok := files[filepath.ToSlash(rel)]; !ok {
			t.Errorf("stale file testdata/demo/%s (%s)", filepath.ToSlash(rel), hint)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	hroot := filepath.Join("..", "..", "testdata", "hostile")
	ms := hostileCorpus()
	for _, m := range ms {
		got, err := os.ReadFile(filepath.Join(hroot, m.name))
		if err != nil {
			t.Fatalf("%v (%s)", err, hint)
		}
		if !bytes.Equal(got, m.data) {
			t.Fatalf("testdata/hostile/%s is out of date (%s)", m.name, hint)
		}
	}
	readme, err := os.ReadFile(filepath.Join(hroot, "README.md"))
	if err != nil || !bytes.Equal(readme, hostileReadme(ms)) {
		t.Fatalf("testdata/hostile/README.md is out of date (%s)", hint)
	}
	attrs, err := os.ReadFile(filepath.Join(hroot, ".gitattributes"))
	if err != nil || string(attrs) != hostileGitattributes {
		t.Fatalf("testdata/hostile/.gitattributes is out of date (%s)", hint)
	}
}

// TestCorpusWellFormed checks the properties the demo corpus promises.
func TestCorpusWellFormed(t *testing.T) {
	g := generate()
	files, st := render(g)
	if st.total < 320 {
		t.Errorf("only %d messages", st.total)
	}
	if st.bytes > 4<<20 {
		t.Errorf("corpus is %d bytes, want < 4 MiB", st.bytes)
	}
	ids := map[string]string{}
	earliest := refDate.AddDate(0, -15, 0)
	for _, rel := range sortedKeys(files) {
		if !strings.HasSuffix(rel, ".eml") {
			continue
		}
		raw := files[rel]
		if i := bytes.IndexByte(bytes.ReplaceAll(raw, []byte("\r\n"), nil), '\n'); i >= 0 {
			t.Errorf("%s: bare LF", rel)
		}
		if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\r")) {
			t.Errorf("%s: bare CR", rel)
		}
		for n, line := range bytes.Split(raw, []byte("\r\n")) {
			if len(line) > 998 {
				t.Errorf("%s:%d: line of %d bytes", rel, n+1, len(line))
			}
		}
		mr, err := gomail.CreateReader(bytes.NewReader(raw))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		id, err := mr.Header.MessageID()
		if err != nil || id == "" {
			t.Errorf("%s: bad Message-ID: %v", rel, err)
		}
		if prev, dup := ids[id]; dup {
			t.Errorf("%s: Message-ID %s already used by %s", rel, id, prev)
		}
		ids[id] = rel
		d, err := mr.Header.Date()
		if err != nil || d.Before(earliest) || d.After(refDate) {
			t.Errorf("%s: date %v out of range (%v)", rel, d, err)
		}
		if _, err := mr.Header.Subject(); err != nil {
			t.Errorf("%s: subject: %v", rel, err)
		}
		for _, k := range []string{"From", "To", "Cc"} {
			if _, err := mr.Header.AddressList(k); err != nil {
				t.Errorf("%s: %s: %v", rel, k, err)
			}
		}
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Errorf("%s: %v", rel, err)
				break
			}
			if _, err := io.ReadAll(p.Body); err != nil {
				t.Errorf("%s: reading part: %v", rel, err)
			}
		}
	}

	sc := bufio.NewScanner(bytes.NewReader(files["manifest.tsv"]))
	n := 0
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 4 {
			t.Fatalf("manifest line %q", sc.Text())
		}
		if _, ok := files[f[1]]; !ok || !strings.HasPrefix(f[1], f[0]+"/") {
			t.Errorf("manifest: bad file %q for folder %q", f[1], f[0])
		}
		if _, err := time.Parse(time.RFC3339, f[3]); err != nil {
			t.Errorf("manifest: %v", err)
		}
		for _, fl := range strings.Fields(f[2]) {
			switch fl {
			case `\Seen`, `\Flagged`, `\Answered`, `\Draft`:
			default:
				t.Errorf("manifest: flag %q", fl)
			}
		}
		if f[0] == fDrafts && !strings.Contains(f[2], `\Draft`) {
			t.Errorf("%s: draft without \\Draft", f[1])
		}
		if f[0] == fSent && !strings.Contains(f[2], `\Seen`) {
			t.Errorf("%s: sent message not \\Seen", f[1])
		}
		n++
	}
	if n != st.total {
		t.Errorf("manifest has %d lines, want %d", n, st.total)
	}
}

// TestCorpusCoverage checks that the variety the corpus is meant to provide is
// actually there.
func TestCorpusCoverage(t *testing.T) {
	files, _ := render(generate())
	charsets := map[string]int{}
	wordCharsets := map[string]int{}
	types := map[string]int{}
	cte := map[string]int{}
	prefixes := map[string]int{}
	all := new(bytes.Buffer)
	for _, rel := range sortedKeys(files) {
		if !strings.HasSuffix(rel, ".eml") {
			continue
		}
		raw := files[rel]
		all.Write(raw)
		e, err := message.Read(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		e.Walk(func(path []int, p *message.Entity, err error) error {
			mt, params, _ := p.Header.ContentType()
			types[mt]++
			if cs := params["charset"]; cs != "" {
				charsets[strings.ToLower(cs)]++
			}
			cte[strings.ToLower(p.Header.Get("Content-Transfer-Encoding"))]++
			return nil
		})
		subj, _ := (&gomail.Header{Header: e.Header}).Subject()
		for _, pfx := range []string{"Re: ", "AW: ", "RE: ", "Fwd: "} {
			if strings.HasPrefix(subj, pfx) {
				prefixes[pfx]++
			}
		}
		for _, k := range []string{"Subject", "From", "To", "Cc"} {
			for _, w := range strings.Fields(e.Header.Get(k)) {
				if strings.HasPrefix(w, "=?") {
					parts := strings.Split(w, "?")
					if len(parts) > 2 {
						wordCharsets[strings.ToLower(parts[1])+"?"+strings.ToUpper(parts[2])]++
					}
				}
			}
		}
	}
	for _, cs := range []string{"us-ascii", "utf-8", "iso-8859-1", "iso-8859-15", "windows-1252", "koi8-r", "iso-2022-jp", "shift_jis"} {
		if charsets[cs] == 0 {
			t.Errorf("no body in charset %s", cs)
		}
	}
	for _, w := range []string{"utf-8?Q", "utf-8?B", "iso-8859-1?Q", "windows-1252?Q", "koi8-r?B", "iso-2022-jp?B", "shift_jis?B"} {
		if wordCharsets[w] == 0 {
			t.Errorf("no encoded word %s", w)
		}
	}
	for _, ty := range []string{"multipart/alternative", "multipart/mixed", "multipart/related", "message/rfc822", "text/html", "application/pdf", "image/png", "image/jpeg", "text/csv", "text/calendar", "application/zip"} {
		if types[ty] == 0 {
			t.Errorf("no part of type %s", ty)
		}
	}
	for _, c := range []string{"quoted-printable", "base64", "8bit", "7bit"} {
		if cte[c] == 0 {
			t.Errorf("no part with transfer encoding %s", c)
		}
	}
	for _, s := range []string{"filename*=", "filename*0*=", "List-Id:", "List-Unsubscribe:", "https://newsletter.example.com/pixel.gif", "cid:", "In-Reply-To:", "Reply-To:"} {
		if !bytes.Contains(all.Bytes(), []byte(s)) {
			t.Errorf("corpus lacks %q", s)
		}
	}
	for _, p := range []string{"Re: ", "AW: ", "RE: ", "Fwd: "} {
		if prefixes[p] == 0 {
			t.Errorf("no subject starting with %q", p)
		}
	}
	if testing.Verbose() {
		t.Logf("body charsets: %v", sortedCounts(charsets))
		t.Logf("encoded words: %v", sortedCounts(wordCharsets))
		t.Logf("content types: %v", sortedCounts(types))
		t.Logf("transfer encodings: %v", sortedCounts(cte))
	}
}

func sortedCounts(m map[string]int) string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, k+"="+strconv.Itoa(m[k]))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestDumpSubjects prints every decoded subject when DEMOGEN_DUMP is set; it
// is a review aid, not a check.
func TestDumpSubjects(t *testing.T) {
	if os.Getenv("DEMOGEN_DUMP") == "" {
		t.Skip("set DEMOGEN_DUMP=1 to print the corpus")
	}
	g := generate()
	for _, folder := range folderOrder {
		var ms []*mail
		for _, m := range g.mails {
			if m.folder == folder {
				ms = append(ms, m)
			}
		}
		for _, m := range sortedMails(ms) {
			t.Logf("%-20s %-22s %-5d %s | %s", folder, strings.Join(m.flags, ""), len(m.raw), m.e.from.name, m.e.subject)
		}
	}
}
