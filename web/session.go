package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

const sessionCookie = "mailaccess_session"

type ctxKey struct{}

func accountFrom(ctx context.Context) *mailaccess.Account {
	a, _ := ctx.Value(ctxKey{}).(*mailaccess.Account)
	return a
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// secure reports whether cookies must be marked Secure for this request.
func (s *Server) secure(r *http.Request) bool {
	switch s.cfg.SecureCookies {
	case "always":
		return true
	case "never":
		return false
	}
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// startSession issues a fresh session for the account. Any session the
// browser already had is ended, so a token planted before login is useless.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, accountID int64) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.store.DeleteSession(r.Context(), hashToken(c.Value))
	}
	token := rand.Text() + rand.Text() // 2 × 128 bits, base32
	expires := time.Now().Add(s.cfg.SessionMax)
	if err := s.store.CreateSession(r.Context(), hashToken(token), accountID, expires); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
	return nil
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
}

// sessionAccount returns the account of the request's session, or
// mailaccess.ErrNotFound when it has none (or it expired).
func (s *Server) sessionAccount(r *http.Request) (*mailaccess.Account, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, mailaccess.ErrNotFound
	}
	idHash := hashToken(c.Value)
	ses, err := s.store.Session(r.Context(), idHash, s.cfg.SessionIdle)
	if err != nil {
		return nil, err
	}
	// One write a minute at most keeps the idle expiry moving.
	if time.Since(ses.LastSeenAt.Time) > time.Minute {
		if err := s.store.TouchSession(r.Context(), idHash); err != nil {
			s.log.Warn("touch session", "error", err)
		}
	}
	return s.accounts.get(r.Context(), s.store, ses.AccountID)
}

// Accounts are kept in memory for accountTTL after they are read: an
// account's row changes only at a login (which puts the new row here), and
// the session itself is still read on every request, so a logout or an
// expiry takes effect at once. It saves a query on every page.
const (
	accountTTL      = 10 * time.Second
	accountCacheMax = 10_000 // emptied when full
)

type accountCache struct {
	mu sync.Mutex
	m  map[int64]cachedAccount
}

type cachedAccount struct {
	acc mailaccess.Account
	at  time.Time
}

// get returns a copy of the account with id, from memory when it was read
// less than accountTTL ago.
func (c *accountCache) get(ctx context.Context, store Store, id int64) (*mailaccess.Account, error) {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if ok && time.Since(e.at) < accountTTL {
		acc := e.acc
		return &acc, nil
	}
	acc, err := store.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	c.put(acc)
	return &acc, nil
}

func (c *accountCache) put(acc mailaccess.Account) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= accountCacheMax {
		c.m = map[int64]cachedAccount{}
	}
	c.m[acc.ID] = cachedAccount{acc: acc, at: time.Now()}
}

// authed runs h with the session's account in the context, or sends the
// browser to the login page.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acc, err := s.sessionAccount(r)
		if errors.Is(err, mailaccess.ErrNotFound) {
			if _, cerr := r.Cookie(sessionCookie); cerr == nil {
				s.clearCookie(w, r)
				http.Redirect(w, r, "/login?expired=1", http.StatusSeeOther)
				return
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, acc)))
	}
}
