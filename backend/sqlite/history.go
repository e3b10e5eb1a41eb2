package sqlite

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

var (
	_ backend.HistoryStore = (*DB)(nil)
	_ backend.HistoryTx    = (*Tx)(nil)
)

// The terms of the partial indexes of migration 0003, word for word: SQLite
// uses a partial index only when the query's WHERE repeats its terms. The
// queries also name their index (INDEXED BY): with ANALYZE statistics the
// planner otherwise prefers a skip-scan of events_client_kind that reads
// every row, and a missing index should fail loudly rather than go slow.
const (
	// stateTerms selects the events that can change an account's status.
	stateTerms = `NOT (kind = 'account.checked' AND outcome = 'ok') AND kind <> 'account.checks_summarized'`
	// okCheckTerms selects routine successful checks.
	okCheckTerms = `kind = 'account.checked' AND outcome = 'ok'`
	// summaryTerms selects retention's daily summaries.
	summaryTerms = `kind = 'account.checks_summarized'`
)

// dayMS is one UTC day in unix milliseconds; times are stored in UTC, so
// time / dayMS is the UTC day number.
const dayMS = 24 * 60 * 60 * 1000

// HistoryView runs fn in a read-only transaction with the history queries.
func (db *DB) HistoryView(ctx context.Context, fn func(backend.HistoryTx) error) error {
	return db.View(ctx, as(fn))
}

// HistoryUpdate runs fn in a write transaction with the history queries.
func (db *DB) HistoryUpdate(ctx context.Context, fn func(backend.HistoryTx) error) error {
	return db.Update(ctx, as(fn))
}

// as hands fn the transaction as the wider interface T it asks for (the
// history or notification queries), which *Tx implements.
func as[T any](fn func(T) error) func(backend.Tx) error {
	return func(tx backend.Tx) error { return fn(any(tx.(*Tx)).(T)) }
}

// maxParams keeps IN lists well under SQLite's limit on bound parameters.
const maxParams = 500

// StateEvents returns the events of f's accounts that can change their
// status, oldest first by (time, id), through the events_state index.
func (t *Tx) StateEvents(f backend.StateFilter) ([]*backend.Event, error) {
	var before []any
	beforeSQL := ""
	if !f.Before.IsZero() {
		beforeSQL, before = " AND time < ?", []any{f.Before.UnixMilli()}
	}
	if f.All {
		rows, err := t.tx.QueryContext(t.ctx, "SELECT "+eventColumns+" FROM events INDEXED BY events_state WHERE account_id <> '' AND "+
			stateTerms+beforeSQL+" ORDER BY time, id", before...)
		if err != nil {
			return nil, fmt.Errorf("status events: %w", err)
		}
		return collect(rows, scanEvent, "status events")
	}
	out := []*backend.Event{}
	for ids := range chunks(f.AccountIDs, maxParams) {
		args := make([]any, 0, len(ids)+1)
		for _, id := range ids {
			args = append(args, id)
		}
		rows, err := t.tx.QueryContext(t.ctx, "SELECT "+eventColumns+" FROM events INDEXED BY events_state WHERE account_id IN ("+
			placeholders(len(ids))+") AND "+stateTerms+beforeSQL+" ORDER BY time, id", append(args, before...)...)
		if err != nil {
			return nil, fmt.Errorf("status events: %w", err)
		}
		es, err := collect(rows, scanEvent, "status events")
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
	}
	if len(f.AccountIDs) > maxParams { // chunks each came sorted
		sortByTime(out)
	}
	return out, nil
}

// NextOKChecks returns for each point the first successful check of its
// account after it in (time, id) order, or nil, through events_ok_checks.
func (t *Tx) NextOKChecks(points []backend.HistoryPoint) ([]*backend.Event, error) {
	out := make([]*backend.Event, len(points))
	if len(points) == 0 {
		return out, nil
	}
	stmt, err := t.tx.PrepareContext(t.ctx, "SELECT "+eventColumns+" FROM events INDEXED BY events_ok_checks WHERE account_id = ? AND "+okCheckTerms+
		" AND time >= ? AND (time > ? OR id > ?) ORDER BY time, id LIMIT 1")
	if err != nil {
		return nil, fmt.Errorf("next successful check: %w", err)
	}
	defer stmt.Close()
	for i, p := range points {
		ms := p.Time.UnixMilli()
		rows, err := stmt.QueryContext(t.ctx, p.AccountID, ms, ms, p.ID)
		if err != nil {
			return nil, fmt.Errorf("next successful check: %w", err)
		}
		es, err := collect(rows, scanEvent, "next successful check")
		if err != nil {
			return nil, err
		}
		if len(es) > 0 {
			out[i] = es[0]
		}
	}
	return out, nil
}

// PrevOKChecks returns for each point the latest successful check (or daily
// summary of such checks) of its account strictly before its time, or nil,
// through events_ok_checks and events_summaries.
func (t *Tx) PrevOKChecks(points []backend.HistoryPoint) ([]*backend.Event, error) {
	out := make([]*backend.Event, len(points))
	if len(points) == 0 {
		return out, nil
	}
	stmt, err := t.tx.PrepareContext(t.ctx, "SELECT * FROM ("+
		"SELECT * FROM (SELECT "+eventColumns+" FROM events INDEXED BY events_ok_checks WHERE account_id = ?1 AND "+okCheckTerms+" AND time < ?2 ORDER BY time DESC, id DESC LIMIT 1)"+
		" UNION ALL SELECT * FROM (SELECT "+eventColumns+" FROM events INDEXED BY events_summaries WHERE account_id = ?1 AND "+summaryTerms+" AND time < ?2 ORDER BY time DESC, id DESC LIMIT 1)"+
		") ORDER BY time DESC, id DESC LIMIT 1")
	if err != nil {
		return nil, fmt.Errorf("previous successful check: %w", err)
	}
	defer stmt.Close()
	for i, p := range points {
		rows, err := stmt.QueryContext(t.ctx, p.AccountID, p.Time.UnixMilli())
		if err != nil {
			return nil, fmt.Errorf("previous successful check: %w", err)
		}
		es, err := collect(rows, scanEvent, "previous successful check")
		if err != nil {
			return nil, err
		}
		if len(es) > 0 {
			out[i] = es[0]
		}
	}
	return out, nil
}

// ClientAccountIDs returns the ids of the client's accounts now, and of every
// account its history says was imported or connected under it.
func (t *Tx) ClientAccountIDs(clientID string) ([]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT account_id FROM events
		WHERE client_id = ? AND kind IN ('account.imported', 'account.connected') AND account_id <> ''
		UNION SELECT id FROM accounts WHERE client_id = ?`, clientID, clientID)
	if err != nil {
		return nil, fmt.Errorf("client accounts: %w", err)
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("client accounts: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("client accounts: %w", err)
	}
	return ids, nil
}

// FoldChecks replaces the routine successful checks before cutoff that are
// past the watermark (foldCandidates), except those in keep, with one
// summary event per account and UTC day, and moves the watermark in the
// same transaction. A new summary takes the id and time of the last check it
// replaces, so it stays where those checks were in the id order the history
// is paged by; a summary already there for that day (from checks that
// arrived late) is merged into. Running it again with the same cutoff
// changes nothing.
func (t *Tx) FoldChecks(cutoff time.Time, keep map[int64]bool) (backend.FoldStats, error) {
	return t.foldChecks(cutoff, keep, bulkFold)
}

// foldChecks is FoldChecks with the bulk threshold as a parameter, for tests.
func (t *Tx) foldChecks(cutoff time.Time, keep map[int64]bool, bulk int64) (backend.FoldStats, error) {
	var st backend.FoldStats
	if err := t.writable(); err != nil {
		return st, err
	}
	w, err := t.watermark()
	if err != nil {
		return st, err
	}
	keepIDs := make([]int64, 0, len(keep))
	for id := range keep {
		keepIDs = append(keepIDs, id)
	}
	keepJSON, err := json.Marshal(keepIDs)
	if err != nil {
		return st, err
	}
	// Folding touches rows and index pages all over the file; with the
	// default 2 MB page cache the first fold of a large history thrashes.
	// This connection gets 256 MB (and memory for temp tables and sorts)
	// while folding, then the defaults back.
	if _, err := t.tx.ExecContext(t.ctx, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY"); err != nil {
		return st, fmt.Errorf("fold checks: %w", err)
	}
	defer t.tx.ExecContext(t.ctx, "PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT")

	cut, keepArg := cutoff.UnixMilli(), string(keepJSON)
	candidates := func(index string) string {
		return foldCandidates(w, index) + ` AND id NOT IN (SELECT value FROM json_each(?2))`
	}
	day := fmt.Sprint(dayMS)
	sameDay := func(alias string) string {
		return alias + `.account_id = g.account_id AND ` + alias + `.time >= g.day * ` + day + ` AND ` + alias + `.time < (g.day + 1) * ` + day
	}
	// 1. Group the checks to fold by account and day, with the names of the
	// last one and whether the day has a summary already; merge into those.
	prepare := []step{
		{"reset", `DROP TABLE IF EXISTS temp.fold_groups`, nil, nil},
		{"group", `CREATE TEMP TABLE fold_groups AS
			SELECT g.*, e.client_id, e.client_name, e.account_label, e.provider,
				(SELECT json_group_object(key, value) FROM json_each(e.details)
					WHERE key IN ('expires_at', 'data_access_expires_at', 'refresh_expires_at', 'has_refresh_token')) AS deadlines,
				EXISTS (SELECT 1 FROM events s INDEXED BY events_summaries WHERE s.` + summaryTerms + ` AND ` + sameDay("s") + `) AS merge
			FROM (SELECT account_id, time / ` + day + ` AS day, count(*) AS n, min(time) AS first, max(time) AS last, max(id) AS last_id
				` + candidates("INDEXED BY events_ok_checks") + ` GROUP BY account_id, day) g
			JOIN events e ON e.id = g.last_id`, []any{cut, keepArg}, nil},
		{"merge", `UPDATE events SET
				time = max(events.time, g.last),
				details = json_object('count', json_extract(events.details, '$.count') + g.n,
					'first', min(json_extract(events.details, '$.first'), ` + isoMS("g.first") + `),
					'last', max(json_extract(events.details, '$.last'), ` + isoMS("g.last") + `),
					'deadlines', json(CASE WHEN g.last >= events.time THEN g.deadlines ELSE json_extract(events.details, '$.deadlines') END)),
				message = printf('%d routine checks passed on %s.', json_extract(events.details, '$.count') + g.n, date(g.first / 1000, 'unixepoch'))
			FROM temp.fold_groups g
			WHERE g.merge AND events.` + summaryTerms + ` AND ` + sameDay("events"), nil, &st.Summaries},
	}
	// 2. Delete the folded checks and write the new summaries. The delete
	// names no index: in bulk mode there is none, and a scan is what it needs.
	write := []step{
		{"delete", `DELETE ` + candidates(""), []any{cut, keepArg}, &st.Folded},
		{"insert", `INSERT INTO events (id, time, client_id, client_name, account_id, account_label, provider, kind, outcome, reason, message, details)
			SELECT g.last_id, g.last, g.client_id, g.client_name, g.account_id, g.account_label, g.provider,
				'account.checks_summarized', 'ok', '',
				printf('%d routine checks passed on %s.', g.n, date(g.first / 1000, 'unixepoch')),
				json_object('count', g.n, 'first', ` + isoMS("g.first") + `, 'last', ` + isoMS("g.last") + `, 'deadlines', json(g.deadlines))
			FROM temp.fold_groups g WHERE NOT g.merge ORDER BY g.last_id`, nil, &st.Summaries},
	}
	run := func(steps []step) error {
		for _, s := range steps {
			res, err := t.tx.ExecContext(t.ctx, s.query, s.args...)
			if err != nil {
				return fmt.Errorf("fold checks: %s: %w", s.what, err)
			}
			if s.count != nil {
				n, err := res.RowsAffected()
				if err != nil {
					return fmt.Errorf("fold checks: %s: %w", s.what, err)
				}
				*s.count += int(n)
			}
		}
		return nil
	}
	if err := run(prepare); err != nil {
		return st, err
	}
	// Deleting rows one by one updates every index of events for each: the
	// first fold of months of checks would hold the write lock for long.
	// Past bulkFold rows the indexes go, and are built again once over what
	// is left.
	var folding int64
	if err := t.tx.QueryRowContext(t.ctx, "SELECT coalesce(sum(n), 0) FROM temp.fold_groups").Scan(&folding); err != nil {
		return st, fmt.Errorf("fold checks: %w", err)
	}
	if folding > bulk {
		err = t.withoutEventIndexes(func() error { return run(write) })
	} else {
		err = run(write)
	}
	if err != nil {
		return st, err
	}
	if err := run([]step{
		{"cleanup", `DROP TABLE temp.fold_groups`, nil, nil},
		{"watermark", `UPDATE retention SET folded_before = max(folded_before, ?), folded_through = (SELECT coalesce(max(id), 0) FROM events) WHERE id = 1`, []any{cut}, nil},
	}); err != nil {
		return st, err
	}
	// Kept: the checks that stay because they ended an incident.
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM events WHERE id IN (SELECT value FROM json_each(?)) AND `+okCheckTerms+` AND time < ? AND (time >= ? OR id > ?)`,
		keepArg, cut, w.time, w.through).Scan(&st.Kept); err != nil {
		return st, fmt.Errorf("fold checks: count kept: %w", err)
	}
	return st, nil
}

type step struct {
	what, query string
	args        []any
	count       *int
}

// bulkFold is the number of checks to fold past which FoldChecks rebuilds
// the events indexes rather than updating them row by row.
const bulkFold = 50_000

// withoutEventIndexes runs fn with the events table's indexes dropped and
// makes them again afterwards from their own SQL, in the same transaction:
// building an index once over sorted keys is many times faster than
// updating it for each of hundreds of thousands of rows. Readers in other
// connections keep their snapshot; the schema change is committed (or
// rolled back) with the data.
func (t *Tx) withoutEventIndexes(fn func() error) error {
	rows, err := t.tx.QueryContext(t.ctx, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name")
	if err != nil {
		return fmt.Errorf("list indexes: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return fmt.Errorf("list indexes: %w", err)
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list indexes: %w", err)
	}
	for _, name := range names {
		if _, err := t.tx.ExecContext(t.ctx, `DROP INDEX "`+strings.ReplaceAll(name, `"`, `""`)+`"`); err != nil {
			return fmt.Errorf("drop index %s: %w", name, err)
		}
	}
	if err := fn(); err != nil {
		return err
	}
	for i, def := range defs {
		if _, err := t.tx.ExecContext(t.ctx, def); err != nil {
			return fmt.Errorf("rebuild index %s: %w", names[i], err)
		}
	}
	return nil
}

// isoMS formats a unix-millisecond SQL expression as RFC 3339 in UTC with
// milliseconds, the form Go's time.Parse(time.RFC3339) reads. The fixed
// width keeps such strings in time order when compared as text.
func isoMS(expr string) string {
	return "strftime('%Y-%m-%dT%H:%M:%fZ', " + expr + " / 1000.0, 'unixepoch')"
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// chunks yields s in pieces of at most n.
func chunks[T any](s []T, n int) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

func sortByTime(es []*backend.Event) {
	slices.SortStableFunc(es, func(a, b *backend.Event) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID))
	})
}
