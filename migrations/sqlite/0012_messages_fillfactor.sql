-- +goose Up
-- PostgreSQL leaves room in the pages of messages for HOT flag updates
-- (fillfactor); SQLite has no such setting. Kept so that both dialects
-- count the same schema versions.
SELECT 1;

-- +goose Down
SELECT 1;
