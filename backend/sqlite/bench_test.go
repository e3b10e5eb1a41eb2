package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
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
	if _, err := db.sql.Exec("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE"); err != nil {
		b.Fatal(err)
	}
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

// BenchmarkHistoryRetention folds a copy of the seeded database once and
// reports the file size per event before and after (vacuumed), the time of
// that first fold, and the time of the daily re-run, which finds nothing
// left to fold (median of 3). The expensive work runs once whatever b.N is,
// so that the one command above stays quick; ns/op means nothing here.
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
	size := func() int64 {
		if _, err := db.sql.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			b.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		return fi.Size()
	}
	before, sizeBefore := count(), size()
	t0 := time.Now()
	res, err := svc.Prune(context.Background(), history.DefaultRetention)
	if err != nil {
		b.Fatal(err)
	}
	first := time.Since(t0)
	if _, err := db.sql.Exec("VACUUM"); err != nil {
		b.Fatal(err)
	}
	after, sizeAfter := count(), size()
	b.ReportMetric(float64(sizeBefore)/float64(before), "bytes/event-before")
	b.ReportMetric(float64(sizeAfter)/float64(after), "bytes/event-after")
	b.ReportMetric(float64(after), "events-after")
	b.ReportMetric(first.Seconds(), "first-fold-s")
	fmt.Printf("retention: %d events, %.1f MB, %.0f bytes/event -> folded %d checks into %d summaries (kept %d) in %s -> %d events, %.1f MB vacuumed, %.0f bytes/event\n",
		before, float64(sizeBefore)/1e6, float64(sizeBefore)/float64(before), res.Folded, res.Summaries, res.Kept, first.Round(time.Millisecond),
		after, float64(sizeAfter)/1e6, float64(sizeAfter)/float64(after))
	var daily timings
	for range 3 {
		t0 := time.Now()
		res, err := svc.Prune(context.Background(), history.DefaultRetention)
		if err != nil {
			b.Fatal(err)
		}
		daily = append(daily, time.Since(t0))
		if res.Folded != 0 {
			b.Fatalf("second prune folded %d", res.Folded)
		}
	}
	b.ReportMetric(ms(daily.pct(.5)), "daily-prune-ms")
	b.ReportMetric(0, "ns/op")
	fmt.Printf("retention: daily re-run (nothing to fold) median %.0f ms\n", ms(daily.pct(.5)))
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

// BenchmarkSearch: free-text search (EventFilter.Query, LIKE on message,
// client name and account label), alone and with a client, for a common
// word, a rare word and a word that matches nothing (the worst case: every
// candidate row is read). Not part of "-bench History": the worst case takes
// half a second an op.
//
//	go test -run XXX -bench Search -benchtime 10x ./backend/sqlite/
func BenchmarkSearch(b *testing.B) {
	db, svc := openBench(b, benchDB(b))
	clients := pickClients(b, db)
	ctx := context.Background()
	for _, tc := range []struct {
		name, query string
		client      bool
	}{
		{"common", "accepts", false}, {"rare", "password", false}, {"none", "zzqx", false},
		{"client-rare", "password", true}, {"client-none", "zzqx", true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var app timings
			for i := range b.N {
				f := backend.EventFilter{Query: tc.query, Limit: history.PageSize}
				if tc.client {
					f.ClientID = clients[i%len(clients)]
				}
				t0 := time.Now()
				if _, err := svc.Page(ctx, f); err != nil {
					b.Fatal(err)
				}
				app = append(app, time.Since(t0))
			}
			b.ReportMetric(ms(app.pct(.5)), "median-ms")
			b.ReportMetric(ms(app.pct(.99)), "p99-ms")
		})
	}
}
