-- +goose Up
-- Full-text search over what the cache holds of every message: subject,
-- sender and recipients, and the preview. 'simple' configuration: no
-- stemming, so mail in any language matches word for word (and by prefix).
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', subject), 'A') ||
    setweight(to_tsvector('simple', from_name || ' ' || from_addr || ' ' || to_addrs || ' ' || cc_addrs), 'B') ||
    -- addresses also word by word, so "acme" finds billing@acme.example
    setweight(to_tsvector('simple', translate(from_addr || ' ' || to_addrs || ' ' || cc_addrs, '@.<>', '    ')), 'B') ||
    setweight(to_tsvector('simple', preview), 'C')
) STORED;
CREATE INDEX messages_search ON messages USING GIN (search);

-- +goose Down
DROP INDEX messages_search;
ALTER TABLE messages DROP COLUMN search;
