-- +goose Up
-- The text of cached bodies (plain text, or HTML reduced to text; at most
-- 64 KiB) and its full-text index, so that search covers bodies once read.
ALTER TABLE message_bodies ADD COLUMN text TEXT NOT NULL DEFAULT '';
ALTER TABLE message_bodies ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED;
CREATE INDEX message_bodies_search ON message_bodies USING GIN (search);

-- +goose Down
DROP INDEX message_bodies_search;
ALTER TABLE message_bodies DROP COLUMN search;
ALTER TABLE message_bodies DROP COLUMN text;
