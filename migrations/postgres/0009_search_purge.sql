-- +goose Up
-- Nothing to do on PostgreSQL: the full-text column lives in the message's
-- row and goes with it (GIN cleans its entries up at vacuum). On SQLite this
-- step defers removing deleted messages from the search index; both
-- dialects carry the same steps.
SELECT 1;

-- +goose Down
SELECT 1;
