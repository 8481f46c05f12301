-- +goose Up
-- Full-text search over what the cache holds of every message: subject,
-- sender and recipients, and the preview (FTS5, kept by triggers; rowid is
-- messages.id).
CREATE VIRTUAL TABLE message_search USING fts5(subject, people, preview, tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO message_search (rowid, subject, people, preview)
    SELECT id, subject, from_name || ' ' || from_addr || ' ' || to_addrs || ' ' || cc_addrs, preview FROM messages;

-- +goose StatementBegin
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, subject, people, preview)
    VALUES (new.id, new.subject, new.from_name || ' ' || new.from_addr || ' ' || new.to_addrs || ' ' || new.cc_addrs, new.preview);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER messages_search_update AFTER UPDATE OF subject, from_name, from_addr, to_addrs, cc_addrs, preview ON messages BEGIN
    UPDATE message_search SET subject = new.subject,
        people = new.from_name || ' ' || new.from_addr || ' ' || new.to_addrs || ' ' || new.cc_addrs,
        preview = new.preview
    WHERE rowid = new.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER messages_search_delete;
DROP TRIGGER messages_search_update;
DROP TRIGGER messages_search_insert;
DROP TABLE message_search;
