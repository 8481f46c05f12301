-- +goose Up
-- Conversations: the root of a message's thread (first References id, else
-- In-Reply-To, else its own Message-ID), computed when it is stored.
ALTER TABLE messages ADD COLUMN thread_key TEXT NOT NULL DEFAULT '';
UPDATE messages SET thread_key = CASE
    WHEN refs <> '' THEN split_part(refs, ' ', 1)
    WHEN in_reply_to <> '' THEN in_reply_to
    WHEN message_id <> '' THEN message_id
    ELSE 'uid:' || uid END;
CREATE INDEX messages_thread ON messages (mailbox_id, thread_key, internal_date);

-- +goose Down
DROP INDEX messages_thread;
ALTER TABLE messages DROP COLUMN thread_key;
