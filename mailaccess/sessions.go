package mailaccess

import (
	"context"
	"fmt"
	"time"
)

// Session is a logged-in browser. Only a hash of its token is stored, so a
// leaked database does not hand out live sessions.
type Session struct {
	IDHash     string `db:"id_hash"`
	AccountID  int64  `db:"account_id"`
	CreatedAt  Time   `db:"created_at"`
	LastSeenAt Time   `db:"last_seen_at"`
	ExpiresAt  Time   `db:"expires_at"` // absolute expiry
}

// CreateSession stores a new session for the account.
func (s *Store) CreateSession(ctx context.Context, idHash string, accountID int64, expires time.Time) error {
	now := s.timeNow()
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		idHash, accountID, now, now, NewTime(expires))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// Session returns the live session with idHash: not past its absolute expiry
// and seen within idle. Otherwise ErrNotFound.
func (s *Store) Session(ctx context.Context, idHash string, idle time.Duration) (Session, error) {
	now := s.now()
	var ses Session
	err := s.db.GetContext(ctx, &ses, s.db.Rebind(`SELECT id_hash, account_id, created_at, last_seen_at, expires_at FROM sessions
		WHERE id_hash = ? AND expires_at > ? AND last_seen_at > ?`), idHash, NewTime(now), NewTime(now.Add(-idle)))
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", notFound(err))
	}
	return ses, nil
}

// TouchSession records activity on a session, extending its idle expiry.
func (s *Store) TouchSession(ctx context.Context, idHash string) error {
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`), s.timeNow(), idHash)
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends a session (logout). Deleting an unknown session is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM sessions WHERE id_hash = ?`), idHash)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their absolute expiry or idle
// for longer than idle, and returns how many it removed.
func (s *Store) DeleteExpiredSessions(ctx context.Context, idle time.Duration) (int64, error) {
	now := s.now()
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`), NewTime(now), NewTime(now.Add(-idle)))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
