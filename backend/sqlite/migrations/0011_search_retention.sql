-- 0011: free-text search through an index, and retention's watermark.
--
-- Search (EventFilter.Query) is a case-insensitive substring of an event's
-- message, client name or account label. LIKE '%...%' over three columns
-- reads every row (363 ms on a million events when nothing matches). This
-- trigram index narrows the rows to those holding every three-character
-- piece of the query; LIKE then checks only those, so the results are
-- exactly LIKE's. Measured on a tenth of the benchmarks' seeded million
-- (97 bytes of text an event): trigram with positions (detail=full) 308
-- bytes an event, trigram without (detail=none) 91 (83 over the whole
-- million), word tokens (unicode61) 65 but they find whole words and
-- prefixes only, not substrings. Without positions the index
-- cannot match a phrase itself, which the LIKE check does anyway. It is
-- contentless (content=''): the text is in events already; contentless_delete
-- lets the triggers remove a row by id alone, which retention does for
-- hundreds of thousands of rows.
CREATE VIRTUAL TABLE events_search USING fts5(message, client_name, account_label,
    tokenize = 'trigram', detail = none, content = '', contentless_delete = 1);
INSERT INTO events_search (rowid, message, client_name, account_label)
    SELECT id, message, client_name, account_label FROM events;

CREATE TRIGGER events_search_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_search (rowid, message, client_name, account_label)
        VALUES (new.id, new.message, new.client_name, new.account_label);
END;
CREATE TRIGGER events_search_delete AFTER DELETE ON events BEGIN
    DELETE FROM events_search WHERE rowid = old.id;
END;
CREATE TRIGGER events_search_update AFTER UPDATE OF id, message, client_name, account_label ON events BEGIN
    DELETE FROM events_search WHERE rowid = old.id;
    INSERT INTO events_search (rowid, message, client_name, account_label)
        VALUES (new.id, new.message, new.client_name, new.account_label);
END;

-- Retention's watermark. A fold to a cutoff replaces the routine checks
-- before it; folded_before is the latest such cutoff (unix ms) and
-- folded_through the newest event id when it ran. The next fold looks only
-- at checks from folded_before on, or added after folded_through (late
-- ones), so its work is what is new. The row changes in the same
-- transaction as the fold: a crash keeps both or neither.
CREATE TABLE retention (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    folded_before  INTEGER NOT NULL,
    folded_through INTEGER NOT NULL
);
INSERT INTO retention (id, folded_before, folded_through) VALUES (1, 0, 0);
