package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mailaccess/mailaccess/mailaccess"
)

type loginView struct {
	view
	Username string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	v := loginView{view: view{Title: "Log in"}}
	if r.URL.Query().Get("expired") != "" {
		v.Notice = "Your session ended. Please log in again."
	}
	if r.URL.Query().Get("out") != "" {
		v.Notice = "You are logged out."
	}
	s.render(w, r, http.StatusOK, "login", v)
}

// login checks the credentials with the IMAP server, and only then creates
// the account (first login) and a session, refreshes the folder list and
// asks for the inbox to be synced.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	username := strings.TrimSpace(r.PostFormValue("username"))
	v := loginView{view: view{Title: "Log in"}, Username: username}
	acc, folders, status, msg := s.authenticate(w, r, username, r.PostFormValue("password"))
	if acc == nil {
		v.Error = msg
		s.render(w, r, status, "login", v)
		return
	}
	target := "/"
	if inbox := s.afterLogin(r.Context(), acc, folders); inbox != 0 {
		target = fmt.Sprintf("/mailbox/%d", inbox)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// authenticate checks a login (limits, then an IMAP LOGIN) and on success
// stores the account with its sealed password, starts a session and, on
// the same IMAP connection, refreshes the folder list (folders reports
// whether that worked). On failure it returns a nil account, the status and
// the words to show.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, username, password string) (acc *mailaccess.Account, folders bool, status int, msg string) {
	switch {
	case username == "" || password == "":
		return nil, false, http.StatusBadRequest, "Enter your user name and password."
	case len(username) > 256 || len(password) > 1024 || !utf8.ValidString(username) || strings.ContainsAny(username, "\x00\r\n"):
		return nil, false, http.StatusBadRequest, "That user name is not valid."
	}
	ctx := r.Context()
	now := time.Now()
	address := clientAddress(r)
	for _, l := range []struct {
		lim *failureLimiter
		key string
	}{{s.byAccount, strings.ToLower(username)}, {s.byAddress, address}} {
		if blocked, until := l.lim.blocked(l.key, now); blocked {
			s.log.Warn("login attempts limited", "account", username, "address", address)
			w.Header().Set("Retry-After", strconv.Itoa(int(time.Until(until).Seconds())+1))
			return nil, false, http.StatusTooManyRequests, fmt.Sprintf("Too many failed logins. Try again after %s.", until.Local().Format("15:04"))
		}
	}
	accepted := false
	_, err := s.mail.Login(ctx, username, password, func(ctx context.Context) (int64, error) {
		accepted = true
		s.byAccount.succeed(strings.ToLower(username))
		a, err := s.store.UpsertAccount(ctx, username, s.sealer.Seal(password, username))
		if err != nil {
			s.log.Error("login: store account", "account", username, "error", err)
			return 0, err
		}
		s.accounts.put(a)
		if err := s.startSession(w, r, a.ID); err != nil {
			s.log.Error("login: start session", "account", username, "error", err)
			return 0, err
		}
		acc = &a
		return a.ID, nil
	})
	switch {
	case !accepted && errors.Is(err, mailaccess.ErrAuth):
		s.log.Info("login refused", "account", username, "address", address)
		s.byAccount.fail(strings.ToLower(username), now)
		s.byAddress.fail(address, now)
		return nil, false, http.StatusUnauthorized, "Wrong user name or password."
	case !accepted && errors.Is(err, mailaccess.ErrUnreachable):
		s.log.Warn("login: mail server unreachable", "account", username, "error", err)
		return nil, false, http.StatusServiceUnavailable, "The mail server cannot be reached right now. Please try again in a moment."
	case !accepted:
		s.log.Error("login failed", "account", username, "error", err)
		return nil, false, http.StatusBadGateway, "The mail server answered in a way we did not understand. Please try again."
	case acc == nil: // the account or the session could not be stored (logged above)
		return nil, false, http.StatusInternalServerError, "Something went wrong on our side. Please try again."
	case err != nil:
		s.log.Warn("login: folder list not refreshed", "account", username, "error", err)
	}
	s.log.Info("login", "account", username)
	return acc, err == nil, http.StatusOK, ""
}

// afterLogin asks for the inbox's sync; it returns the inbox's id (0 when
// the folders could not be read).
func (s *Server) afterLogin(ctx context.Context, acc *mailaccess.Account, folders bool) int64 {
	if !folders {
		return 0
	}
	inbox, err := s.store.MailboxByName(ctx, acc.ID, "INBOX")
	if err != nil {
		return 0
	}
	if _, err := s.syncs.SyncMailbox(ctx, acc.ID, inbox.Name); err != nil {
		s.log.Warn("login: inbox sync incomplete", "account", acc.Username, "error", err)
	}
	return inbox.ID
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(r.Context(), hashToken(c.Value)); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.clearCookie(w, r)
	http.Redirect(w, r, "/login?out=1", http.StatusSeeOther)
}

// clientAddress is the address a request came from (the direct peer: a
// reverse proxy in front should limit by its own means too).
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
