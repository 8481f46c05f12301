-- +goose Up
-- Times are Unix milliseconds (BIGINT) in both dialects: computed in Go, bound in UTC,
-- compared and sorted the same way on PostgreSQL and SQLite.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    password_enc  BLOB NOT NULL,
    created_at    BIGINT NOT NULL,
    last_login_at BIGINT
);

CREATE TABLE mailboxes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    delimiter     TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    attributes    TEXT NOT NULL DEFAULT '',
    subscribed    INTEGER NOT NULL DEFAULT 1,
    uidvalidity   BIGINT NOT NULL DEFAULT 0,
    uidnext       BIGINT NOT NULL DEFAULT 0,
    highestmodseq BIGINT NOT NULL DEFAULT 0,
    last_uid      BIGINT NOT NULL DEFAULT 0,
    total         INTEGER NOT NULL DEFAULT 0,
    unseen        INTEGER NOT NULL DEFAULT 0,
    synced_at     BIGINT,
    sync_error    TEXT NOT NULL DEFAULT '',
    UNIQUE (account_id, name)
);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    mailbox_id      BIGINT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    uid             BIGINT NOT NULL,
    modseq          BIGINT NOT NULL DEFAULT 0,
    flags           TEXT NOT NULL DEFAULT '',
    seen            INTEGER NOT NULL DEFAULT 0,
    flagged         INTEGER NOT NULL DEFAULT 0,
    answered        INTEGER NOT NULL DEFAULT 0,
    draft           INTEGER NOT NULL DEFAULT 0,
    internal_date   BIGINT NOT NULL,
    sent_date       BIGINT,
    size            BIGINT NOT NULL DEFAULT 0,
    subject         TEXT NOT NULL DEFAULT '',
    from_name       TEXT NOT NULL DEFAULT '',
    from_addr       TEXT NOT NULL DEFAULT '',
    to_addrs        TEXT NOT NULL DEFAULT '',
    cc_addrs        TEXT NOT NULL DEFAULT '',
    reply_to        TEXT NOT NULL DEFAULT '',
    message_id      TEXT NOT NULL DEFAULT '',
    in_reply_to     TEXT NOT NULL DEFAULT '',
    refs            TEXT NOT NULL DEFAULT '',
    structure       TEXT NOT NULL DEFAULT '',
    has_attachments INTEGER NOT NULL DEFAULT 0,
    preview         TEXT NOT NULL DEFAULT '',
    UNIQUE (mailbox_id, uid)
);
CREATE INDEX messages_list ON messages (mailbox_id, internal_date DESC, uid DESC);
CREATE INDEX messages_account ON messages (account_id);
CREATE INDEX messages_msgid ON messages (account_id, message_id);

CREATE TABLE message_bodies (
    message_id BIGINT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    raw        BLOB NOT NULL,
    truncated  INTEGER NOT NULL DEFAULT 0,
    fetched_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE workers (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    capacity     INTEGER NOT NULL,
    running      INTEGER NOT NULL DEFAULT 0,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);

CREATE TABLE jobs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT NOT NULL,
    account_id     BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    mailbox        TEXT NOT NULL DEFAULT '',
    dedupe_key     TEXT NOT NULL,
    payload        TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    max_attempts   INTEGER NOT NULL DEFAULT 5,
    run_after      BIGINT NOT NULL,
    lease_owner    TEXT NOT NULL DEFAULT '',
    lease_expires  BIGINT,
    progress_done  BIGINT NOT NULL DEFAULT 0,
    progress_total BIGINT NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    started_at     BIGINT,
    finished_at    BIGINT
);
-- At most one queued-or-running job per key (a mailbox sync): refresh storms coalesce.
CREATE UNIQUE INDEX jobs_active_key ON jobs (dedupe_key) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_claim ON jobs (state, run_after, id);
CREATE INDEX jobs_account ON jobs (account_id, id);

-- +goose Down
DROP TABLE jobs;
DROP TABLE workers;
DROP TABLE sessions;
DROP TABLE message_bodies;
DROP TABLE messages;
DROP TABLE mailboxes;
DROP TABLE accounts;
