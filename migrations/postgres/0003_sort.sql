-- +goose Up
-- Indexes for the other orders of a folder's message list (keyset paging).
CREATE INDEX messages_by_subject ON messages (mailbox_id, lower(subject), id);
CREATE INDEX messages_by_sender ON messages (mailbox_id, lower(CASE WHEN from_name <> '' THEN from_name ELSE from_addr END), id);
CREATE INDEX messages_by_size ON messages (mailbox_id, size DESC, id DESC);

-- +goose Down
DROP INDEX messages_by_size;
DROP INDEX messages_by_sender;
DROP INDEX messages_by_subject;
