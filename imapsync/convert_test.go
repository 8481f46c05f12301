package imapsync

import (
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/mailaccess"
)

func TestDiffUIDs(t *testing.T) {
	added, vanished := diffUIDs([]mailaccess.UID{1, 2, 4, 7, 8}, []mailaccess.UID{2, 3, 4, 5, 8})
	if !slices.Equal(added, []mailaccess.UID{1, 7}) || !slices.Equal(vanished, []mailaccess.UID{3, 5}) {
		t.Fatalf("added %v vanished %v", added, vanished)
	}
	added, vanished = diffUIDs(nil, []mailaccess.UID{1})
	if len(added) != 0 || !slices.Equal(vanished, []mailaccess.UID{1}) {
		t.Fatalf("all vanished: %v %v", added, vanished)
	}
}

func TestMakePreview(t *testing.T) {
	cases := []struct {
		name string
		raw  string
		p    previewPart
		want string
	}{
		{"base64 cut mid-quantum", "SGVsbG8gd29ybGQsIGhvdyBhcmUgeW9", previewPart{encoding: "base64"}, "Hello world, how are"},
		{"quoted-printable latin-1", "Caf=E9 =\r\ncr=E8me\r\n> quoted\r\nend", previewPart{encoding: "quoted-printable", charset: "iso-8859-1"}, "Café crème end"},
		{"html", "<html><style>p{}</style><p>Hi&nbsp;there</p></html>", previewPart{html: true}, "Hi\u00a0there"},
		{"koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", previewPart{charset: "koi8-r"}, "Привет"},
		{"invalid utf-8 and NUL", "a\xffb\x00c", previewPart{}, "a\uFFFDbc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := makePreview([]byte(c.raw), c.p); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestConvertStructure(t *testing.T) {
	bs := &imap.BodyStructureMultiPart{Subtype: "mixed", Children: []imap.BodyStructure{
		&imap.BodyStructureMultiPart{Subtype: "alternative", Children: []imap.BodyStructure{
			&imap.BodyStructureSinglePart{Type: "text", Subtype: "plain", Params: map[string]string{"charset": "utf-8"}, Encoding: "7bit", Size: 10},
			&imap.BodyStructureSinglePart{Type: "text", Subtype: "html", Encoding: "quoted-printable", Size: 20},
		}},
		&imap.BodyStructureSinglePart{Type: "application", Subtype: "pdf", Encoding: "base64", Size: 3000,
			Extended: &imap.BodyStructureSinglePartExt{Disposition: &imap.BodyStructureDisposition{Value: "attachment", Params: map[string]string{"filename": "Rechnung März.pdf"}}}},
	}}
	root := convertStructure(bs, nil)
	var paths []string
	var attachments []string
	root.Walk(func(p *mailaccess.Part) {
		paths = append(paths, p.Path+" "+p.Type)
		if p.IsAttachment() {
			attachments = append(attachments, p.Filename)
		}
	})
	want := []string{" multipart/mixed", "1 multipart/alternative", "1.1 text/plain", "1.2 text/html", "2 application/pdf"}
	if !slices.Equal(paths, want) {
		t.Fatalf("paths %q, want %q", paths, want)
	}
	if !slices.Equal(attachments, []string{"Rechnung März.pdf"}) {
		t.Fatalf("attachments %q", attachments)
	}
	if pp := findText(bs); pp == nil || !slices.Equal(pp.path, []int{1, 1}) || pp.charset != "utf-8" {
		t.Fatalf("main text part: %+v", pp)
	}
	single := &imap.BodyStructureSinglePart{Type: "text", Subtype: "plain"}
	if pp := findText(single); pp == nil || !slices.Equal(pp.path, []int{1}) {
		t.Fatalf("single part text: %+v", pp)
	}
}

// A long UID set is split into sets whose text fits a command line, and
// together they are exactly the UIDs given, in order.
func TestUIDSetsFitTheLineLimit(t *testing.T) {
	var uids []mailaccess.UID
	for u := mailaccess.UID(1); u < 60000; u += 2 { // 30,000 gaps
		uids = append(uids, u)
	}
	uids = append(uids, 60001, 60002, 60003, 4294967290, 4294967291, 4294967295)
	sets := uidSets(uids, maxSetBytes)
	if len(sets) < 2 {
		t.Fatalf("%d sets for %d single UIDs", len(sets), len(uids))
	}
	var back []mailaccess.UID
	for _, set := range sets {
		if n := len(set.String()); n > maxSetBytes {
			t.Fatalf("a set of %d bytes, limit %d", n, maxSetBytes)
		}
		for _, r := range set {
			for u := r.Start; ; u++ {
				back = append(back, mailaccess.UID(u))
				if u == r.Stop {
					break
				}
			}
		}
	}
	if !slices.Equal(back, uids) {
		t.Fatalf("the sets hold %d UIDs, not the %d given", len(back), len(uids))
	}
	if sets := uidSets([]mailaccess.UID{3, 4, 5}, maxSetBytes); len(sets) != 1 || sets[0].String() != "3:5" {
		t.Fatalf("%v", sets)
	}
	if sets := uidSets(nil, maxSetBytes); len(sets) != 0 {
		t.Fatalf("%v for no UIDs", sets)
	}
}
