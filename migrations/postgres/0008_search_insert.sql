-- +goose Up
-- Nothing to do on PostgreSQL: its full-text column is generated with the
-- row. (On SQLite this step moves the search index's insert trigger into the
-- store; both dialects carry the same steps.)
SELECT 1;

-- +goose Down
SELECT 1;
