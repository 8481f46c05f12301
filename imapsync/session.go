package imapsync

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// maxReconnects bounds how often one call reconnects to get past messages
// that break the connection (a server dropping it on a FETCH failure, or
// go-imap closing it on a response it cannot parse).
const maxReconnects = 20

// errValidityChanged: the folder was rebuilt on the server in the middle of
// a pass. Transient: the next pass rebuilds the cache.
var errValidityChanged = errors.New("the folder's UIDVALIDITY changed during the sync")

// session is one logged-in connection of an account, able to reconnect and
// reselect its folder when the connection breaks. It is owned by one call.
type session struct {
	s          *Syncer
	accountID  int64
	c          *conn
	condstore  bool
	selected   string
	validity   uint32
	reconnects int
	deferred   []mailaccess.UID // received incomplete: to parse locally
	withText   bool             // fetch the first bytes of bodies for previews
}

// open starts a session of the account. Unless fresh, the connection comes
// from the account's pool of warm connections when one is idle: a worker
// resyncing a folder that did not change then costs one SELECT instead of a
// TCP handshake, TLS and LOGIN first. Sessions that LIST folders ask for a
// fresh one: a Dovecot session that has seen a folder renamed keeps listing
// it after another client deletes it.
func (s *Syncer) open(ctx context.Context, accountID int64, fresh bool) (*session, error) {
	get := s.acquire
	if fresh {
		get = s.login
	}
	c, err := get(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return &session{s: s, accountID: accountID, c: c, condstore: c.caps.Has(imap.CapCondStore)}, nil
}

// Close gives the connection back to the pool, which closes it when it is
// broken (a cancelled or failed pass) or enough are idle.
//
// A folder still selected is closed first: a connection that keeps a folder
// open can show a stale folder list (Dovecot lists a selected folder that
// another client deleted) and would receive that folder's updates.
func (ss *session) Close() {
	if ss.c == nil {
		return
	}
	if ss.selected != "" && !ss.broken() {
		// Read-only (EXAMINE): CLOSE expunges nothing.
		if err := ss.c.c.UnselectAndExpunge().Wait(); err != nil {
			ss.c.c.Close()
		}
	}
	ss.s.release(ss.accountID, ss.c)
	ss.c = nil
}

// broken reports whether the connection is closed.
func (ss *session) broken() bool {
	return isClosed(ss.c)
}

// selectMailbox selects a folder read-only, with CONDSTORE where offered.
func (ss *session) selectMailbox(ctx context.Context, name string) (*imap.SelectData, error) {
	return ss.waitSelect(ctx, name, ss.startSelect(name))
}

// startSelect sends the EXAMINE of name (with CONDSTORE where offered);
// waitSelect reads its answer.
func (ss *session) startSelect(name string) *imapclient.SelectCommand {
	return ss.c.c.Select(name, &imap.SelectOptions{ReadOnly: true, CondStore: ss.condstore})
}

func (ss *session) waitSelect(ctx context.Context, name string, cmd *imapclient.SelectCommand) (*imap.SelectData, error) {
	sel, err := cmd.Wait()
	if err != nil {
		var imapErr *imap.Error
		if errors.As(err, &imapErr) && imapErr.Type == imap.StatusResponseTypeNo {
			return nil, fmt.Errorf("select %q: %w: %v", name, ErrMailboxGone, err)
		}
		return nil, ss.s.connErr(ctx, fmt.Sprintf("select %q", name), err)
	}
	ss.selected, ss.validity = name, sel.UIDValidity
	return sel, nil
}

// reconnect replaces a broken connection by a new one with the same folder
// selected, as long as the folder kept its UIDVALIDITY.
func (ss *session) reconnect(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ss.reconnects++
	if ss.reconnects > maxReconnects {
		return fmt.Errorf("%w: connection broke %d times in one pass", ErrUnreachable, ss.reconnects-1)
	}
	ss.c.Close()
	c, err := ss.s.login(ctx, ss.accountID)
	if err != nil {
		return err
	}
	ss.c = c
	if ss.selected == "" {
		return nil
	}
	want := ss.validity
	sel, err := ss.selectMailbox(ctx, ss.selected)
	if err != nil {
		return err
	}
	if sel.UIDValidity != want {
		return fmt.Errorf("reselect %q: %w", ss.selected, errValidityChanged)
	}
	return nil
}

// recover makes the session usable again after a command failed with err:
// a broken connection is replaced, a refused command (NO/BAD) leaves it as
// it is. Any other error counts as a broken connection even when go-imap
// has not yet marked it closed (its reader notices a closed socket a little
// after the failed write), so the next command never runs on a dead socket.
func (ss *session) recover(ctx context.Context, err error) error {
	var imapErr *imap.Error
	if ss.broken() || err != nil && !errors.As(err, &imapErr) {
		return ss.reconnect(ctx)
	}
	return nil
}
