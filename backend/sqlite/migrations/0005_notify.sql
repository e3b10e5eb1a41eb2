-- 0005: notifications: the user's settings, what was already notified, and
-- snoozed accounts (backend/notify).
--
-- The settings are one JSON document in a one-row table: they are read and
-- written whole, and a field added later needs no migration (older versions
-- ignore it, newer ones fill in its default).
CREATE TABLE notify_settings (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    settings   TEXT    NOT NULL CHECK (json_valid(settings)),
    updated_at INTEGER NOT NULL
) STRICT;

-- One row per (account, threshold, reconnect-by date) already notified, so
-- that a notification is never sent twice, across restarts and processes.
-- threshold is '7d', '3d', '1d', 'passed' or 'invalid'; reconnect_by is unix
-- milliseconds, 0 when no date is known. A reconnect moves the date, so the
-- thresholds of the new date are armed again. Rows go with their account.
CREATE TABLE notify_sent (
    account_id      TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    threshold       TEXT    NOT NULL,
    reconnect_by    INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL,
    notification_id TEXT    NOT NULL,
    PRIMARY KEY (account_id, threshold, reconnect_by)
) STRICT, WITHOUT ROWID;

-- Accounts whose notifications wait until a time the user chose.
CREATE TABLE notify_snoozes (
    account_id TEXT    NOT NULL PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    until      INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
