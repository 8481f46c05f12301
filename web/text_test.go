package web

import (
	"strings"
	"testing"
)

func TestRenderText(t *testing.T) {
	in := "Hi <b>Bob</b> & co,\nsee https://example.org/a?b=1&c=2. Or write to bob@example.org!\njavascript:alert(1) stays text\n\n> old line 1\n>\n> old line 2\nThanks"
	got := string(renderText(in))
	for _, want := range []string{
		"Hi &lt;b&gt;Bob&lt;/b&gt; &amp; co,",
		`<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">https://example.org/a?b=1&amp;c=2</a>.`,
		`<a href="mailto:bob@example.org"`,
		"javascript:alert(1) stays text",
		`<details class="quoted"><summary>Quoted text (3 lines)</summary>&gt; old line 1`,
		"</details>Thanks",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<b>") || strings.Contains(got, `href="javascript`) {
		t.Fatalf("unescaped markup: %s", got)
	}
}
