-- 0001: clients, accounts and the history log.
--
-- Times are INTEGER unix milliseconds UTC: compact, sortable and cheap to
-- compare, which matters once the history holds millions of events.
-- Tables are STRICT so that a wrongly typed value from Go fails loudly
-- instead of being stored as something else.

CREATE TABLE clients (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE accounts (
    id                TEXT    NOT NULL PRIMARY KEY,
    client_id         TEXT    NOT NULL REFERENCES clients (id),
    provider          TEXT    NOT NULL,
    label             TEXT    NOT NULL,
    expires_at        INTEGER,
    has_refresh_token INTEGER NOT NULL DEFAULT 0,
    invalid           INTEGER NOT NULL DEFAULT 0,
    reason            TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;

-- Serves the foreign key check on client deletion and per-client listings
-- in created_at order.
CREATE INDEX accounts_client_id ON accounts (client_id, created_at);

-- The history log. No foreign keys: history outlives the accounts and
-- clients it names, which is why it copies their names. AUTOINCREMENT keeps
-- ids from being reused once old events are pruned, so BeforeID paging
-- stays stable.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    time          INTEGER NOT NULL,
    client_id     TEXT    NOT NULL DEFAULT '',
    client_name   TEXT    NOT NULL DEFAULT '',
    account_id    TEXT    NOT NULL DEFAULT '',
    account_label TEXT    NOT NULL DEFAULT '',
    provider      TEXT    NOT NULL DEFAULT '',
    kind          TEXT    NOT NULL,
    outcome       TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',
    message       TEXT    NOT NULL DEFAULT '',
    details       TEXT    NOT NULL DEFAULT '{}'
) STRICT;

-- Events are listed newest first (ORDER BY id DESC); these let the common
-- filters walk an index backwards and stop after LIMIT rows.
CREATE INDEX events_account_id ON events (account_id, id);
CREATE INDEX events_client_id ON events (client_id, id);
CREATE INDEX events_kind ON events (kind, id);
CREATE INDEX events_time ON events (time);
