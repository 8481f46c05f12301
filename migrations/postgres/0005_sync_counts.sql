-- +goose Up
-- Unread counts of a folder without reading every message row: the sync
-- engine recounts after each pass, the folder list shows them.
CREATE INDEX messages_unseen ON messages (mailbox_id) WHERE NOT seen;

-- +goose Down
DROP INDEX messages_unseen;
