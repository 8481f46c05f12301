-- +goose Up
-- One sync of a folder at a time across processes (a worker, the command
-- line, the web's inline fallback): a pass holds the folder's lease while
-- it runs, renews it, and gives it back at the end. A process that dies
-- holding it loses it when sync_until passes (unix milliseconds).
ALTER TABLE mailboxes ADD COLUMN sync_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE mailboxes ADD COLUMN sync_until BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE mailboxes DROP COLUMN sync_until;
ALTER TABLE mailboxes DROP COLUMN sync_owner;
