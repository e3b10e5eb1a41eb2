-- 0004: what the monitor learns at each check, and when it checks next.
-- next_check_at is indexed: the scheduler asks for the earliest one.

ALTER TABLE accounts ADD COLUMN last_checked_at INTEGER;
ALTER TABLE accounts ADD COLUMN next_check_at INTEGER;
ALTER TABLE accounts ADD COLUMN last_refreshed_at INTEGER;
ALTER TABLE accounts ADD COLUMN check_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN usage TEXT NOT NULL DEFAULT '{}';

CREATE INDEX accounts_next_check_at ON accounts (next_check_at);
