-- +goose Up
-- The text of cached bodies (plain text, or HTML reduced to text; at most
-- 64 KiB) and its full-text index, so that search covers bodies once read.
ALTER TABLE message_bodies ADD COLUMN text TEXT NOT NULL DEFAULT '';
CREATE VIRTUAL TABLE body_search USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');

-- +goose StatementBegin
CREATE TRIGGER body_search_insert AFTER INSERT ON message_bodies BEGIN
    INSERT INTO body_search (rowid, text) VALUES (new.message_id, new.text);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER body_search_update AFTER UPDATE OF text ON message_bodies BEGIN
    UPDATE body_search SET text = new.text WHERE rowid = new.message_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER body_search_delete AFTER DELETE ON message_bodies BEGIN
    DELETE FROM body_search WHERE rowid = old.message_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER body_search_delete;
DROP TRIGGER body_search_update;
DROP TRIGGER body_search_insert;
DROP TABLE body_search;
ALTER TABLE message_bodies DROP COLUMN text;
