package imapsync

import (
	"context"

	"github.com/emersion/go-imap/v2"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// Login checks username and password with an IMAP LOGIN, like CheckLogin
// (ErrAuth when the server refuses them, ErrUnreachable when it cannot be
// asked), and on the same connection does what follows a login: when the
// server accepts the credentials it calls accepted, which stores the account
// and returns its id (its error is returned as it is), then refreshes the
// account's folder list like SyncFolders and returns it. The connection is
// then logged out, not pooled: a Dovecot session that ran LIST selects a
// large Maildir folder about 100 ms slower at 100,000 messages, at every
// SELECT (see release).
func (s *Syncer) Login(ctx context.Context, username, password string, accepted func(context.Context) (int64, error)) ([]mailaccess.Mailbox, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*s.cfg.Timeout)
	defer cancel()
	c, err := s.dial(ctx, username, password)
	if err != nil {
		return nil, err
	}
	accountID, err := accepted(ctx)
	if err != nil {
		c.c.Logout() // no wait: the connection is closed right after
		c.Close()
		return nil, err
	}
	ss := &session{s: s, accountID: accountID, c: c, condstore: c.caps.Has(imap.CapCondStore)}
	folders, _, err := ss.syncFolders(ctx, false)
	if err != nil {
		ss.Close()
		return nil, err
	}
	s.release(accountID, ss.c) // closes it (listed); ss.c: the session may have reconnected
	return folders, nil
}
