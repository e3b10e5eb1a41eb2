package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

// The history benchmarks run on 1,000 accounts and 1,000,000 events:
//
//	go test -run XXX -bench History -benchtime 200x ./backend/sqlite/
//
// The seeded database is cached in os.TempDir() under a name holding the
// schema version and the generator's version, so only the first run pays
// for seeding. Each benchmark reports the median and 99th percentile of the
// app's own layer (history.Service) and of the same work as raw SQL through
// database/sql, and their ratio. Targets: page < 10 ms, health < 50 ms.

const (
	benchAccounts = 1000
	benchEvents   = 1_000_000
	// seedVersion changes whenever Seed makes different data.
	seedVersion = 4
)

// benchNow is the end of the seeded history: fixed, so the cache stays valid.
var benchNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// benchDB returns the path of the cached seeded database, making it first if needed.
func benchDB(b *testing.B) string {
	b.Helper()
	h := fnv.New32a()
	for _, m := range migrations {
		io.WriteString(h, m.sql)
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("tokenwarden-bench-schema%d-%08x-seed%d-%dx%d.db", len(migrations), h.Sum32(), seedVersion, benchAccounts, benchEvents))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".tmp"
	os.Remove(tmp)
	db, err := Open(tmp)
	if err != nil {
		b.Fatal(err)
	}
	st, err := db.Seed(context.Background(), SeedOptions{Accounts: benchAccounts, Events: benchEvents, Now: benchNow, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.sql.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	// No ANALYZE of its own: the next Open gathers statistics as the app's
	// does (PRAGMA optimize), so the benchmarks run on the app's plans.
	db.Close()
	b.Logf("seeded %d accounts, %d events in %s", st.Accounts, st.Events, st.Elapsed.Round(time.Millisecond))
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

func openBench(b *testing.B, path string) (*DB, *history.Service) {
	b.Helper()
	db, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	svc := history.New(db, nil, nil)
	svc.Now = func() time.Time { return benchNow }
	return db, svc
}

// timings collects per-iteration durations for percentiles.
type timings []time.Duration

func (t timings) pct(p float64) time.Duration {
	s := slices.Clone(t)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func report(b *testing.B, name string, app, raw timings) {
	b.ReportMetric(0, "ns/op") // the per-op figure mixes app and raw; the metrics below split them
	b.ReportMetric(ms(app.pct(.5)), "app-median-ms")
	b.ReportMetric(ms(app.pct(.99)), "app-p99-ms")
	b.ReportMetric(ms(raw.pct(.5)), "raw-median-ms")
	b.ReportMetric(ms(raw.pct(.99)), "raw-p99-ms")
	b.ReportMetric(float64(app.pct(.5))/float64(max(1, raw.pct(.5))), "app/raw")
	fmt.Printf("%s: app median %.2f ms p99 %.2f ms; raw median %.2f ms p99 %.2f ms; app/raw %.2f (n=%d)\n", name,
		ms(app.pct(.5)), ms(app.pct(.99)), ms(raw.pct(.5)), ms(raw.pct(.99)), float64(app.pct(.5))/float64(max(1, raw.pct(.5))), len(app))
}

// pickClient returns the client with the median number of events.
func pickClients(b *testing.B, db *DB) []string {
	rows, err := db.sql.Query("SELECT id FROM clients ORDER BY id")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

// BenchmarkHistoryPage: one page of 50 for client + kind + date range, the
// history screen's query, cycling through clients, kinds and ranges.
func BenchmarkHistoryPage(b *testing.B) {
	db, svc := openBench(b, benchDB(b))
	clients := pickClients(b, db)
	kinds := []string{backend.EventAccountChecked, backend.EventAccountCheckFailed, backend.EventAccountReconnected}
	// (account.checked is most of the log; check_failed a few per cent;
	// reconnects rare.)
	ranges := []history.Period{
		history.LastDays(30, benchNow),
		{From: benchNow.AddDate(0, 0, -90), To: benchNow.AddDate(0, 0, -60)},
		{From: benchNow.AddDate(-1, 0, 0), To: benchNow},
	}
	filter := func(i int) backend.EventFilter {
		r := ranges[i%len(ranges)]
		return backend.EventFilter{ClientID: clients[i%len(clients)], Kind: kinds[(i/len(ranges))%len(kinds)],
			Since: &r.From, Until: &r.To, Limit: history.PageSize}
	}
	raw, err := db.sql.Prepare("SELECT " + eventColumns + " FROM events WHERE client_id = ? AND kind = ? AND time >= ? AND time < ? ORDER BY id DESC LIMIT ?")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	ctx := context.Background()
	var app, rawT timings
	b.ResetTimer()
	for i := range b.N {
		f := filter(i)
		var p *history.Page
		runApp := func() {
			t0 := time.Now()
			var err error
			if p, err = svc.Page(ctx, f); err != nil {
				b.Fatal(err)
			}
			app = append(app, time.Since(t0))
		}
		n := 0
		runRaw := func() {
			t0 := time.Now()
			rows, err := raw.Query(f.ClientID, f.Kind, f.Since.UnixMilli(), f.Until.UnixMilli(), f.Limit)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				var id, tm int64
				var s [9]string
				var details string
				if err := rows.Scan(&id, &tm, &s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &s[6], &s[7], &s[8], &details); err != nil {
					b.Fatal(err)
				}
				n++
			}
			rows.Close()
			rawT = append(rawT, time.Since(t0))
		}
		// Whichever runs second finds the pages cached: take turns.
		if i%2 == 0 {
			runApp()
			runRaw()
		} else {
			runRaw()
			runApp()
		}
		if n != len(p.Events) {
			b.Fatalf("raw %d rows, app %d", n, len(p.Events))
		}
	}
	b.StopTimer()
	report(b, "page (client+kind+range, 50)", app, rawT)
}

// BenchmarkHistoryHealth: a client's health over the last 90 days (with the
// 30- and 90-day uptime), cycling through clients.
func BenchmarkHistoryHealth(b *testing.B) {
	db, svc := openBench(b, benchDB(b))
	clients := pickClients(b, db)
	ctx := context.Background()
	p := history.LastDays(90, benchNow)
	// The raw baseline reads the same rows (the client's accounts' status
	// events and, for each failure, the first successful check after it)
	// and sums broken time per account with window functions. It knows no
	// deadlines and no merging rules: it is the floor of the work.
	rawSQL := `WITH ids AS (
			SELECT account_id AS id FROM events WHERE client_id = ?1 AND kind IN ('account.imported', 'account.connected') AND account_id <> ''
			UNION SELECT id FROM accounts WHERE client_id = ?1),
		st AS (
			SELECT account_id, time, id, kind, outcome, reason FROM events
			WHERE account_id IN (SELECT id FROM ids) AND ` + stateTerms + ` AND time < ?3),
		oks AS (
			SELECT f.account_id, (SELECT min(o.time) FROM events o WHERE o.account_id = f.account_id AND o.` + okCheckTerms + ` AND o.time > f.time) AS time
			FROM st f WHERE f.outcome = 'failed'),
		tl AS (
			SELECT account_id, time, CASE WHEN outcome = 'failed' AND reason NOT IN ('network', 'rate_limited', 'provider_down', 'unavailable', 'bad_response') THEN 1 ELSE 0 END AS broken FROM st
			UNION ALL SELECT account_id, time, 0 FROM oks WHERE time IS NOT NULL),
		iv AS (
			SELECT account_id, broken, max(time, ?2) AS s, min(coalesce(lead(time) OVER (PARTITION BY account_id ORDER BY time), ?3), ?3) AS e FROM tl)
		SELECT account_id, sum(max(e - s, 0)), sum(CASE WHEN broken = 1 THEN max(e - s, 0) ELSE 0 END) FROM iv GROUP BY account_id`
	raw, err := db.sql.Prepare(rawSQL)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	var app, rawT timings
	var incidents, accounts int
	b.ResetTimer()
	for i := range b.N {
		c := clients[i%len(clients)]
		runApp := func() {
			t0 := time.Now()
			h, err := svc.ClientHealth(ctx, c, p)
			if err != nil {
				b.Fatal(err)
			}
			app = append(app, time.Since(t0))
			incidents += len(h.Incidents)
			accounts += len(h.Accounts)
		}
		runRaw := func() {
			t0 := time.Now()
			rows, err := raw.Query(c, p.From.UnixMilli(), p.To.UnixMilli())
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				var id string
				var total, broken sql.NullInt64
				if err := rows.Scan(&id, &total, &broken); err != nil {
					b.Fatal(err)
				}
			}
			rows.Close()
			rawT = append(rawT, time.Since(t0))
		}
		if i%2 == 0 { // whichever runs second finds the pages cached: take turns
			runApp()
			runRaw()
		} else {
			runRaw()
			runApp()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(incidents)/float64(b.N), "incidents/op")
	b.ReportMetric(float64(accounts)/float64(b.N), "accounts/op")
	report(b, "health (client, 90 days)", app, rawT)
}

// BenchmarkHistoryRetention prunes a copy of the seeded database as the app
// does: the first prune folds months of routine checks and gives the space
// back (file size before and after); a prune right after has nothing due
// (the app's at every launch); a prune a day later folds that day. It
// prints each one's time and memory allocated; the expensive work runs once
// whatever b.N is, so ns/op means nothing here.
func BenchmarkHistoryRetention(b *testing.B) {
	src := benchDB(b)
	path := filepath.Join(b.TempDir(), "tokenwarden.db")
	copyFile(b, src, path)
	db, svc := openBench(b, path)
	count := func() int {
		var n int
		if err := db.sql.QueryRow("SELECT count(*) FROM events").Scan(&n); err != nil {
			b.Fatal(err)
		}
		return n
	}
	ctx := context.Background()
	prune := func() (*history.PruneResult, time.Duration, uint64) {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		t0 := time.Now()
		res, err := svc.Prune(ctx, history.DefaultRetention)
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(t0)
		runtime.ReadMemStats(&m1)
		return res, d, m1.TotalAlloc - m0.TotalAlloc
	}
	before := count()
	res, first, alloc := prune()
	after := count()
	fmt.Printf("retention: first prune of %d events: folded %d checks into %d summaries (kept %d) in %s, %.0f MiB allocated -> %d events; file %.1f MB (%.0f bytes/event) -> %.1f MB (%.0f bytes/event), %.1f MB given back\n",
		before, res.Folded, res.Summaries, res.Kept, first.Round(time.Millisecond), float64(alloc)/(1<<20), after,
		float64(res.Space.SizeBefore)/1e6, float64(res.Space.SizeBefore)/float64(before), float64(res.Space.SizeAfter)/1e6,
		float64(res.Space.SizeAfter)/float64(after), float64(res.Space.SizeBefore-res.Space.SizeAfter)/1e6)
	var idle timings
	var idleAlloc uint64
	for range 5 {
		res, d, alloc := prune()
		if res.Due || res.Folded != 0 {
			b.Fatalf("prune right after folded %+v", res)
		}
		idle, idleAlloc = append(idle, d), max(idleAlloc, alloc)
	}
	fmt.Printf("retention: prune with nothing due (at every launch): median %.2f ms, %.0f KiB allocated (before the watermark: 560 ms, 261 MiB)\n",
		ms(idle.pct(.5)), float64(idleAlloc)/1024)
	svc.Now = func() time.Time { return benchNow.AddDate(0, 0, 1) }
	res, daily, alloc := prune()
	fmt.Printf("retention: prune a day later: folded %d checks into %d summaries in %s, %.0f MiB allocated; file %.1f MB -> %.1f MB\n",
		res.Folded, res.Summaries, daily.Round(time.Millisecond), float64(alloc)/(1<<20), float64(res.Space.SizeBefore)/1e6, float64(res.Space.SizeAfter)/1e6)
	b.ReportMetric(float64(res.Space.SizeAfter)/float64(count()), "bytes/event-after")
	b.ReportMetric(first.Seconds(), "first-prune-s")
	b.ReportMetric(ms(idle.pct(.5)), "idle-prune-ms")
	b.ReportMetric(ms(daily), "daily-prune-ms")
	b.ReportMetric(0, "ns/op")
	for range b.N {
	}
}

func copyFile(b *testing.B, src, dst string) {
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkHistorySearch: free-text search (EventFilter.Query: a
// case-insensitive substring of message, client name or account label)
// through the trigram index, for a common word, a rare word and one that
// matches nothing (the worst case for a scan), alone and with other filters,
// newest 50 first as the history page asks. Each case also times the LIKE
// scan the app used before (the reference, a few runs: it is slow) and
// prints the index's size per event. Target: median <= 10 ms, p99 <= 50 ms.
func BenchmarkHistorySearch(b *testing.B) {
	db, svc := openBench(b, benchDB(b))
	clients := pickClients(b, db)
	ctx := context.Background()
	var events, ftsBytes, fileBytes int64
	if err := db.sql.QueryRow("SELECT count(*) FROM events").Scan(&events); err != nil {
		b.Fatal(err)
	}
	if err := db.sql.QueryRow("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'events_search%'").Scan(&ftsBytes); err != nil {
		b.Fatal(err)
	}
	if err := db.sql.QueryRow("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size").Scan(&fileBytes); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("search index: %.1f MB, %.0f bytes per event (database %.0f bytes per event with it, %.0f without)\n",
		float64(ftsBytes)/1e6, float64(ftsBytes)/float64(events), float64(fileBytes)/float64(events), float64(fileBytes-ftsBytes)/float64(events))
	like := `SELECT ` + eventColumns + ` FROM events WHERE (message LIKE ?1 ESCAPE '\' OR client_name LIKE ?1 ESCAPE '\' OR account_label LIKE ?1 ESCAPE '\')`
	kinds := []string{backend.EventAccountCheckFailed, backend.EventAccountChecked}
	for _, tc := range []struct {
		name, query string
		filter      func(i int, f *backend.EventFilter) string // sets f's other filters; returns the same as SQL for the reference
	}{
		{"common", "accepts", nil}, {"rare", "password", nil}, {"none", "zzqx", nil},
		{"client-common", "accepts", func(i int, f *backend.EventFilter) string {
			f.ClientID = clients[i%len(clients)]
			return " AND client_id = '" + f.ClientID + "'"
		}},
		{"client-none", "zzqx", func(i int, f *backend.EventFilter) string {
			f.ClientID = clients[i%len(clients)]
			return " AND client_id = '" + f.ClientID + "'"
		}},
		{"kind-rare", "password", func(i int, f *backend.EventFilter) string {
			f.Kind = kinds[i%len(kinds)]
			return " AND kind = '" + f.Kind + "'"
		}},
		{"kind-common", "accepts", func(i int, f *backend.EventFilter) string {
			f.Kind = backend.EventAccountCheckFailed // the word is in routine checks only: the worst case
			return " AND kind = '" + f.Kind + "'"
		}},
		{"hide-routine-common", "accepts", func(i int, f *backend.EventFilter) string {
			f.HideRoutine = true
			return " AND " + stateTerms
		}},
		{"90-days-none", "zzqx", func(i int, f *backend.EventFilter) string {
			since := benchNow.AddDate(0, 0, -90)
			f.Since = &since
			return fmt.Sprintf(" AND time >= %d", since.UnixMilli())
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var app, ref timings
			n := max(b.N, 50)
			for i := range n {
				f := backend.EventFilter{Query: tc.query, Limit: history.PageSize}
				extra := ""
				if tc.filter != nil {
					extra = tc.filter(i, &f)
				}
				t0 := time.Now()
				if _, err := svc.Page(ctx, f); err != nil {
					b.Fatal(err)
				}
				app = append(app, time.Since(t0))
				if i < 3 {
					t0 := time.Now()
					rows, err := db.sql.Query(like+extra+" ORDER BY id DESC LIMIT 51", "%"+tc.query+"%")
					if err != nil {
						b.Fatal(err)
					}
					for rows.Next() {
					}
					rows.Close()
					ref = append(ref, time.Since(t0))
				}
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(ms(app.pct(.5)), "median-ms")
			b.ReportMetric(ms(app.pct(.99)), "p99-ms")
			fmt.Printf("search %-20s %q: median %.2f ms, p99 %.2f ms (targets 10 / 50); LIKE scan before: median %.1f ms (%.0fx) (n=%d)\n",
				tc.name, tc.query, ms(app.pct(.5)), ms(app.pct(.99)), ms(ref.pct(.5)), float64(ref.pct(.5))/float64(max(1, app.pct(.5))), n)
		})
	}
}
