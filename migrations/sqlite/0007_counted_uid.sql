-- +goose Up
-- The checkpoint at which a folder's total was last counted: while last_uid
-- still equals it, the sync engine can prove from the total and the new
-- UIDs alone that nothing vanished, without counting the folder's messages.
ALTER TABLE mailboxes ADD COLUMN counted_uid BIGINT NOT NULL DEFAULT 0;
-- messages (account_id, message_id) serves lookups by account: the
-- account-only index was redundant, cost every insert, and made SQLite
-- scan a whole account for a DELETE ... uid IN (...) of one folder.
DROP INDEX messages_account;

-- +goose Down
CREATE INDEX messages_account ON messages (account_id);
ALTER TABLE mailboxes DROP COLUMN counted_uid;
