-- 0010: the renewal journal. A row says a renewal of the account was sent
-- and its result is not stored yet; it is written before the refresh
-- request and removed once the answer is recorded. A row left behind means
-- the renewal was cut off (crash, kill, keychain failure): under strict
-- refresh-token rotation the stored refresh token may be dead, and the
-- next start checks that account first and says so in words.
CREATE TABLE renewals_in_flight (
    account_id TEXT    NOT NULL PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL
) STRICT;

-- And the reason code of the last check that reached the platform and got
-- no verdict (network, provider_down, rate_limited, app_misconfigured),
-- '' once a check gets one: status --json's check_problem.
ALTER TABLE accounts ADD COLUMN check_problem TEXT NOT NULL DEFAULT '';
