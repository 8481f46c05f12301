package mailaccess

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// UpsertAccount creates the account for username, or updates its sealed
// password and last login time. It is called only after the IMAP server
// accepted the credentials, so no row exists for a login that failed.
func (s *Store) UpsertAccount(ctx context.Context, username string, passwordEnc []byte) (Account, error) {
	now := s.timeNow()
	var a Account
	err := sqlx.GetContext(ctx, s.db, &a, s.db.Rebind(`
		INSERT INTO accounts (username, password_enc, created_at, last_login_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (username) DO UPDATE SET password_enc = excluded.password_enc, last_login_at = excluded.last_login_at
		RETURNING id, username, password_enc, created_at, last_login_at`),
		username, passwordEnc, now, now)
	if err != nil {
		return Account{}, fmt.Errorf("upsert account: %w", err)
	}
	return a, nil
}

// AccountByUsername returns the account of an IMAP login name, or ErrNotFound.
func (s *Store) AccountByUsername(ctx context.Context, username string) (Account, error) {
	var a Account
	err := s.db.GetContext(ctx, &a, s.db.Rebind(`SELECT id, username, password_enc, created_at, last_login_at FROM accounts WHERE username = ?`), username)
	if err != nil {
		return Account{}, fmt.Errorf("account %q: %w", username, notFound(err))
	}
	return a, nil
}

// Account returns the account with id, or ErrNotFound.
func (s *Store) Account(ctx context.Context, id int64) (Account, error) {
	var a Account
	err := s.db.GetContext(ctx, &a, s.db.Rebind(`SELECT id, username, password_enc, created_at, last_login_at FROM accounts WHERE id = ?`), id)
	if err != nil {
		return Account{}, fmt.Errorf("account %d: %w", id, notFound(err))
	}
	return a, nil
}
