-- 0008: the activity view hides routine successful checks (and their daily
-- summaries) by default. They are most of the log, so walking ids backwards
-- and skipping them would read most rows for a page of 50; this partial
-- index holds only the other events, in id order. Its WHERE is stateTerms
-- (backend/sqlite/history.go) word for word: SQLite uses a partial index
-- only when the query repeats its terms.
CREATE INDEX events_notable ON events (id)
    WHERE NOT (kind = 'account.checked' AND outcome = 'ok') AND kind <> 'account.checks_summarized';
