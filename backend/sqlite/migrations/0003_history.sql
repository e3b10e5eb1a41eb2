-- 0003: history at scale (a million events and more).
--
-- The history page the window shows most: one client's events of one kind
-- in a date range, 50 at a time, newest first by id. With this index SQLite
-- seeks straight to (client, kind) and walks ids backwards, reading only the
-- rows it returns (plus those outside the date range); without it, it walks
-- all of the client's events, most of them routine checks, looking for the kind.
CREATE INDEX events_client_kind ON events (client_id, kind, id);

-- Rebuilding an account's status reads only the events that can change it:
-- everything but routine successful checks and their daily summaries, which
-- are most of the log. The WHERE must stay word for word the one in
-- history.go (stateTerms): SQLite uses a partial index only for queries that
-- repeat its terms.
CREATE INDEX events_state ON events (account_id, time)
    WHERE NOT (kind = 'account.checked' AND outcome = 'ok') AND kind <> 'account.checks_summarized';

-- The first successful check after an account broke ends the incident;
-- retention folds the others. Same rule: keep the terms as in history.go.
CREATE INDEX events_ok_checks ON events (account_id, time)
    WHERE kind = 'account.checked' AND outcome = 'ok';

-- Retention merges into the summary of an account's day when there is one.
CREATE INDEX events_summaries ON events (account_id, time)
    WHERE kind = 'account.checks_summarized';
