package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// frameCSP is the policy of the HTML frame: no script at all, no request
// anywhere but this site (and, once the user asks, remote images), sandboxed
// so that even a sanitizer bug cannot run code or navigate the page.
func frameCSP(images bool) string {
	img := "img-src 'self' data:"
	if images {
		img = "img-src 'self' data: https: http:"
	}
	return "default-src 'none'; style-src 'unsafe-inline'; " + img +
		"; sandbox allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
}

// messageHTML serves the sanitized HTML body of a message, for the frame of
// the message page.
func (s *Server) messageHTML(w http.ResponseWriter, r *http.Request) {
	msg, ok := s.loadMessage(w, r)
	if !ok {
		return
	}
	raw, _, err := s.rawBody(r.Context(), msg.AccountID, msg.ID)
	if err != nil {
		s.partError(w, r, err)
		return
	}
	images := r.URL.Query().Get("images") == "1"
	body, _ := sanitizeHTML(mailaccess.ExtractBodies(raw).HTML, images)
	h := w.Header()
	h.Set("Content-Security-Policy", frameCSP(images))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	fmt.Fprintf(w, "<!doctype html><html><head><meta charset=\"utf-8\"><style>body{font:15px/1.45 system-ui,sans-serif;color:#1d2330;margin:8px;word-wrap:break-word}img{max-width:100%%;height:auto}img[src$='/remote-image.svg']{width:32px!important;height:32px!important;border:1px dashed #c5cad3}</style></head><body>%s</body></html>", body)
}

// messagePart serves one part of a message as a download.
func (s *Server) messagePart(w http.ResponseWriter, r *http.Request) {
	msg, ok := s.loadMessage(w, r)
	if !ok {
		return
	}
	s.servePart(w, r, msg, r.PathValue("path"), false)
}

// messageCID serves an inline image referenced as cid: from the HTML body.
func (s *Server) messageCID(w http.ResponseWriter, r *http.Request) {
	msg, ok := s.loadMessage(w, r)
	if !ok {
		return
	}
	cid := strings.Trim(r.PathValue("cid"), "<> ")
	var root mailaccess.Part
	path := ""
	if json.Unmarshal([]byte(msg.Structure), &root) == nil {
		root.Walk(func(p *mailaccess.Part) {
			if path == "" && p.ContentID != "" && strings.EqualFold(p.ContentID, cid) {
				path = p.Path
			}
		})
	}
	if path == "" {
		s.notFound(w, r)
		return
	}
	s.servePart(w, r, msg, path, true)
}

// inlineTypes are shown in place; anything else is only ever a download,
// and never with a type a browser would run (HTML, SVG, XML, JavaScript).
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

func (s *Server) servePart(w http.ResponseWriter, r *http.Request, msg mailaccess.Message, path string, inline bool) {
	raw, _, err := s.rawBody(r.Context(), msg.AccountID, msg.ID)
	if err != nil {
		s.partError(w, r, err)
		return
	}
	part, err := openPart(raw, path)
	if errors.Is(err, errNoPart) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.errorPage(w, r, http.StatusUnprocessableEntity, "This part of the message could not be decoded.")
		return
	}
	mt, _, _ := part.Header.ContentType()
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	if inline {
		if !inlineTypes[mt] {
			s.notFound(w, r)
			return
		}
		h.Set("Content-Type", mt)
		h.Set("Content-Disposition", "inline")
	} else {
		name := partFilename(part.Header.Get("Content-Disposition"), part.Header.Get("Content-Type"))
		if name == "" {
			name = "part-" + path
		}
		ct := "application/octet-stream"
		if inlineTypes[mt] || mt == "application/pdf" || mt == "text/plain" || mt == "text/csv" {
			ct = mt
		}
		h.Set("Content-Type", ct)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	if _, err := io.Copy(w, part.Body); err != nil {
		s.log.Warn("send message part", "account", msg.AccountID, "message", msg.ID, "part", path, "error", err)
	}
}

// partFilename reads a part's file name (RFC 2231 or encoded words decoded).
func partFilename(disposition, contentType string) string {
	dec := &mime.WordDecoder{}
	for _, h := range []struct{ v, key string }{{disposition, "filename"}, {contentType, "name"}} {
		if _, params, err := mime.ParseMediaType(h.v); err == nil && params[h.key] != "" {
			name := params[h.key]
			if d, err := dec.DecodeHeader(name); err == nil {
				name = d
			}
			name = strings.Map(func(r rune) rune {
				if r < 0x20 || r == '/' || r == '\\' || r == 0x7f {
					return '_'
				}
				return r
			}, name)
			return name
		}
	}
	return ""
}

// messageSource shows the raw message as text.
func (s *Server) messageSource(w http.ResponseWriter, r *http.Request) {
	msg, ok := s.loadMessage(w, r)
	if !ok {
		return
	}
	raw, _, err := s.rawBody(r.Context(), msg.AccountID, msg.ID)
	if err != nil {
		s.partError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(raw)
}

func (s *Server) partError(w http.ResponseWriter, r *http.Request, err error) {
	if imapError(err) {
		s.errorPage(w, r, http.StatusBadGateway, "The message could not be fetched: "+describe(err))
		return
	}
	s.serverError(w, r, err)
}
