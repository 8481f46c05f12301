-- +goose Up
-- New messages enter the full-text index from the store (one INSERT ... SELECT
-- per batch, after the messages), not from a row trigger: a trigger makes
-- every INSERT into messages a multi-row write, and SQLite then copies each
-- index page the statement changes into a statement journal first, which
-- was most of the writing of an initial sync. Updates and deletes keep
-- their triggers.
DROP TRIGGER messages_search_insert;

-- +goose Down
-- +goose StatementBegin
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, subject, people, preview)
    VALUES (new.id, new.subject, new.from_name || ' ' || new.from_addr || ' ' || new.to_addrs || ' ' || new.cc_addrs, new.preview);
END;
-- +goose StatementEnd
