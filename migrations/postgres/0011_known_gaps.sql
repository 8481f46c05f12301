-- +goose Up
-- The UID gaps of a folder's cache as of its last complete sync pass that
-- compared the server's whole UID set with it: UIDs up to upto that the
-- server did not have, and the cache therefore does not hold. A later pass
-- then looks for vanished messages only in the server's new gaps, not in
-- every gap of the folder's history (a folder where 30,000 messages were
-- expunged over the years has 30,000). gaps is a list of ranges, each as
-- two unsigned varints (distance from the previous range's end, length).
-- A record of another UIDVALIDITY is ignored. In a table of its own: the
-- mailboxes row is rewritten at every pass (the sync lease).
CREATE TABLE mailbox_gaps (
    mailbox_id  BIGINT PRIMARY KEY REFERENCES mailboxes(id) ON DELETE CASCADE,
    account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uidvalidity BIGINT NOT NULL,
    upto        BIGINT NOT NULL,
    gaps        BYTEA NOT NULL
);
CREATE INDEX mailbox_gaps_account ON mailbox_gaps (account_id);

-- +goose Down
DROP TABLE mailbox_gaps;
