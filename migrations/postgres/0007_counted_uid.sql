-- +goose Up
-- The checkpoint at which a folder's total was last counted: while last_uid
-- still equals it, the sync engine can prove from the total and the new
-- UIDs alone that nothing vanished, without counting the folder's messages.
ALTER TABLE mailboxes ADD COLUMN counted_uid BIGINT NOT NULL DEFAULT 0;
-- Two indexes no query needs: by account alone (searches go through the
-- full-text index, folder queries through (mailbox_id, ...)) and by
-- Message-ID. Each cost every insert and delete about one page write, and
-- SQLite chose the account one for a DELETE ... uid IN (...) of one folder,
-- scanning the whole account.
DROP INDEX messages_account;
DROP INDEX messages_msgid;

-- +goose Down
CREATE INDEX messages_msgid ON messages (account_id, message_id);
CREATE INDEX messages_account ON messages (account_id);
ALTER TABLE mailboxes DROP COLUMN counted_uid;
