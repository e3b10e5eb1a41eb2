-- 0007: how client reports look (backend.ReportSettings): sender name, logo
-- file name, accent colour, paper size, client view.
--
-- One JSON document in a one-row table, like notify_settings: read and
-- written whole, and a field added later needs no migration.
CREATE TABLE report_settings (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    settings   TEXT    NOT NULL CHECK (json_valid(settings)),
    updated_at INTEGER NOT NULL
) STRICT;
