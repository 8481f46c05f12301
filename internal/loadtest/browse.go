package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// kinds of request
const (
	kLogin   = "login"
	kFolder  = "folder"
	kList    = "list"
	kMessage = "message"
)

type sample struct {
	kind    string
	at      time.Duration // since the start of the mode's logins
	took    time.Duration
	status  int
	timeout bool
	failed  bool // status >= 500 or network error (not a timeout)
	detail  string
	path    string
	first   bool // a message view: the first time this user opens this message
}

type recorder struct {
	mu      sync.Mutex
	start   time.Time
	samples []sample
}

func (r *recorder) add(s sample) {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
}

var (
	reMessage = regexp.MustCompile(`href="/message/(\d+)"`)
	reNext    = regexp.MustCompile(`<a\s+href="([^"]*)"\s+rel="next"|<a\s+rel="next"\s+href="([^"]*)"`)
)

type user struct {
	name, password, base string
	client               *http.Client
	rec                  *recorder
	rnd                  *rand.Rand
	timeout              time.Duration

	inbox    string // /mailbox/ID
	messages []string
	next     string
	opened   map[string]bool // messages this user has viewed
}

func newUser(name, password, base string, tr *http.Transport, timeout time.Duration, rec *recorder, seed uint64, i int) *user {
	jar, _ := cookiejar.New(nil)
	return &user{
		name: name, password: password, base: base, rec: rec, timeout: timeout,
		rnd:    rand.New(rand.NewPCG(seed, uint64(1000+i))),
		opened: map[string]bool{},
		client: &http.Client{
			Transport: tr, Jar: jar, Timeout: timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// do sends one request, reads the whole answer and records it.
func (u *user) do(ctx context.Context, kind, method, path string, form url.Values) (int, http.Header, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.base+path, body)
	if err != nil {
		return 0, nil, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	start := time.Now()
	resp, err := u.client.Do(req)
	var b []byte
	if err == nil {
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	took := time.Since(start)
	if ctx.Err() != nil {
		return 0, nil, "", ctx.Err() // the run ended: not the server's fault, not recorded
	}
	s := sample{kind: kind, at: start.Sub(u.rec.start), took: took, path: path}
	if kind == kMessage {
		s.first = !u.opened[path]
		u.opened[path] = true
	}
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
			s.timeout = true
		} else {
			s.failed = true
		}
		s.detail = fmt.Sprintf("%s %s: %v", method, path, err)
		u.rec.add(s)
		return 0, nil, "", err
	}
	s.status = resp.StatusCode
	if resp.StatusCode >= 500 {
		s.failed = true
		s.detail = fmt.Sprintf("%s %s: %s", method, path, resp.Status)
	}
	u.rec.add(s)
	return resp.StatusCode, resp.Header, string(b), nil
}

func (u *user) think(ctx context.Context) {
	d := time.Duration(100+u.rnd.IntN(201)) * time.Millisecond
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// login posts the form until it succeeds (or ctx ends), then opens the
// page it redirects to.
func (u *user) login(ctx context.Context) bool {
	for ctx.Err() == nil {
		status, hdr, _, err := u.do(ctx, kLogin, "POST", "/login", url.Values{"username": {u.name}, "password": {u.password}})
		if err == nil && status == http.StatusSeeOther {
			loc := hdr.Get("Location")
			if strings.HasPrefix(loc, "/mailbox/") {
				u.inbox = loc
			} else {
				u.inbox = "/"
			}
			u.page(ctx, kFolder, u.inbox)
			return true
		}
		u.think(ctx)
	}
	return false
}

// page loads a folder or list page and remembers its links.
func (u *user) page(ctx context.Context, kind, path string) {
	status, _, body, err := u.do(ctx, kind, "GET", path, nil)
	if err != nil || status != 200 {
		return
	}
	if u.inbox == "/" {
		// the login did not name the INBOX: find a folder link
		if m := regexp.MustCompile(`href="(/mailbox/\d+)"`).FindStringSubmatch(body); m != nil {
			u.inbox = m[1]
		}
	}
	u.messages = u.messages[:0]
	for _, m := range reMessage.FindAllStringSubmatch(body, -1) {
		u.messages = append(u.messages, "/message/"+m[1])
	}
	u.next = ""
	if m := reNext.FindStringSubmatch(body); m != nil {
		href := m[1]
		if href == "" {
			href = m[2]
		}
		href = html.UnescapeString(href)
		if strings.HasPrefix(href, "?") {
			p := path
			if i := strings.IndexByte(p, '?'); i >= 0 {
				p = p[:i]
			}
			href = p + href
		}
		u.next = href
	}
}

// browse loops over folder page, older pages and message views until ctx
// ends.
func (u *user) browse(ctx context.Context) {
	for ctx.Err() == nil {
		u.think(ctx)
		if ctx.Err() != nil {
			return
		}
		k := u.rnd.IntN(100)
		switch {
		case k < 50 && len(u.messages) > 0:
			u.do(ctx, kMessage, "GET", u.messages[u.rnd.IntN(len(u.messages))], nil)
		case k < 80 && u.next != "":
			u.page(ctx, kList, u.next)
		default:
			u.page(ctx, kFolder, u.inbox)
		}
	}
}

// stats

type latency struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func latencyOf(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	q := func(p float64) float64 {
		i := int(float64(len(ds))*p+0.999999) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(ds) {
			i = len(ds) - 1
		}
		return ms(ds[i])
	}
	return latency{Count: len(ds), P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: ms(ds[len(ds)-1])}
}
