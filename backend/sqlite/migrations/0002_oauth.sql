-- 0002: what OAuth connections record, and developer app credentials.
--
-- identity and scopes are JSON: they are read and written whole with the
-- account, never queried by part. parent_id links a Facebook Page to the
-- login that keeps it alive ('' for a top-level account).

ALTER TABLE accounts ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN parent_id TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN identity TEXT NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN scopes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE accounts ADD COLUMN refresh_expires_at INTEGER;
ALTER TABLE accounts ADD COLUMN data_access_expires_at INTEGER;
ALTER TABLE accounts ADD COLUMN connected_at INTEGER;

CREATE INDEX accounts_parent_id ON accounts (parent_id) WHERE parent_id <> '';

-- The client id of the freelancer's own developer app per provider; the
-- client secret is in the keychain.
CREATE TABLE provider_credentials (
    provider_id TEXT    NOT NULL PRIMARY KEY,
    client_id   TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
