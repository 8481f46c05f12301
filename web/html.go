package web

import (
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// blockedImage replaces remote images until the user asks for them.
const blockedImage = "/static/remote-image.svg"

// mailPolicy is the sanitizer of HTML mail: user-generated content (no
// scripts, event handlers, forms, frames, objects, style sheets, meta or
// base), plus the inline styles mail layouts need. Remote images are
// replaced by a placeholder unless showImages; cid: images point at the
// message's own parts. What the sanitizer lets through is shown in a
// sandboxed frame under its own CSP, a second line of defence.
func mailPolicy(showImages bool) *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("style").Globally()
	p.AllowStyles("color", "background-color", "font-family", "font-size", "font-style", "font-weight",
		"text-align", "text-decoration", "vertical-align", "line-height", "letter-spacing", "white-space",
		"margin", "margin-top", "margin-bottom", "margin-left", "margin-right",
		"padding", "padding-top", "padding-bottom", "padding-left", "padding-right",
		"border", "border-top", "border-bottom", "border-left", "border-right", "border-collapse", "border-spacing",
		"border-color", "border-style", "border-width", "border-radius",
		"width", "max-width", "min-width", "height", "max-height", "display").Globally()
	p.AllowAttrs("align", "valign", "bgcolor", "width", "height", "cellpadding", "cellspacing", "border").
		OnElements("table", "tr", "td", "th", "tbody", "thead", "tfoot", "img", "div", "p")
	p.AllowURLSchemes("http", "https", "mailto", "cid")
	p.AllowDataURIImages()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RewriteSrc(func(u *url.URL) {
		switch strings.ToLower(u.Scheme) {
		case "cid":
			cid := strings.Trim(u.Opaque+u.Path, "<>")
			*u = url.URL{Path: "cid/" + url.PathEscape(cid)} // relative to /message/{id}/html
		case "http", "https":
			if !showImages {
				*u = url.URL{Path: blockedImage}
			}
		case "data":
		default:
			*u = url.URL{Path: blockedImage}
		}
	})
	return p
}

// The policies and the pattern are built on the first mail shown, not at
// package init: every command of the binary (mailaccess sync among them)
// would pay for them at start.
var (
	policyBlocked = sync.OnceValue(func() *bluemonday.Policy { return mailPolicy(false) })
	policyImages  = sync.OnceValue(func() *bluemonday.Policy { return mailPolicy(true) })
	remoteSrc     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\ssrc\s*=\s*["']?https?:`) })
)

// sanitizeHTML returns safe HTML for a mail body and how many remote images
// it holds (blocked or not).
func sanitizeHTML(body string, showImages bool) (string, int) {
	remote := len(remoteSrc().FindAllStringIndex(body, -1))
	if showImages {
		return policyImages().Sanitize(body), remote
	}
	return policyBlocked().Sanitize(body), remote
}
