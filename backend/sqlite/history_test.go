package sqlite

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

// seedSmall fills db with a small generated history.
func seedSmall(t *testing.T, db *DB, accounts, events int) *SeedStats {
	t.Helper()
	st, err := db.Seed(context.Background(), SeedOptions{Accounts: accounts, Events: events, Now: t0, Days: 90, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func plan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.sql.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}

// The history queries are served by the indexes of migration 0003, with and
// without ANALYZE statistics.
func TestHistoryQueryPlans(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	seedSmall(t, db, 10, 400)
	// The page query exactly as Events builds it for client + kind + range.
	page := "SELECT " + eventColumns + " FROM events WHERE client_id = ? AND kind = ? AND time >= ? AND time < ? ORDER BY id DESC LIMIT ?"
	for _, analyzed := range []bool{false, true} {
		if analyzed {
			if _, err := db.sql.Exec("ANALYZE"); err != nil {
				t.Fatal(err)
			}
		}
		p := plan(t, db, page, "cli_x", backend.EventAccountChecked, 0, 1, 51)
		if !strings.Contains(p, "USING INDEX events_client_kind (client_id=? AND kind=?)") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("analyzed=%v: page plan\n%s", analyzed, p)
		}
		err := db.HistoryView(context.Background(), func(tx backend.HistoryTx) error {
			// The statements run; their plans name the partial indexes.
			if _, err := tx.StateEvents(backend.StateFilter{AccountIDs: []string{"acc_x"}, Before: t0}); err != nil {
				return err
			}
			if _, err := tx.NextOKChecks([]backend.HistoryPoint{{AccountID: "acc_x", Time: t0}}); err != nil {
				return err
			}
			_, err := tx.PrevOKChecks([]backend.HistoryPoint{{AccountID: "acc_x", Time: t0}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for q, index := range map[string]string{
			"SELECT id FROM events INDEXED BY events_state WHERE account_id IN (?) AND " + stateTerms + " AND time < ? ORDER BY time, id":                                      "events_state",
			"SELECT id FROM events INDEXED BY events_ok_checks WHERE account_id = ? AND " + okCheckTerms + " AND time >= ? AND (time > ? OR id > ?) ORDER BY time, id LIMIT 1": "events_ok_checks",
		} {
			p := plan(t, db, q, "acc_x", 1, 1, 1)
			if !strings.Contains(p, "INDEX "+index+" (account_id=?") || strings.Contains(p, "TEMP B-TREE") {
				t.Errorf("analyzed=%v: plan of %s\n%s", analyzed, q, p)
			}
		}
	}
}

func TestSeed(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	st := seedSmall(t, db, 10, 300)
	var clients, accounts, events, imports int
	err := db.sql.QueryRow(`SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM accounts), (SELECT count(*) FROM events),
		(SELECT count(*) FROM events WHERE kind IN ('account.imported', 'account.connected'))`).Scan(&clients, &accounts, &events, &imports)
	if err != nil {
		t.Fatal(err)
	}
	if clients != 1 || events != 300 || imports != 10 || accounts != 10-st.Deleted || st.Events != 300 {
		t.Errorf("seeded %d clients, %d accounts, %d events (%d imports); stats %+v", clients, accounts, events, imports, st)
	}
	// Every index is back, and the data reads through the store.
	var indexes int
	if err := db.sql.QueryRow("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'").Scan(&indexes); err != nil || indexes != 9 { // with 0008's events_notable
		t.Errorf("%d events indexes after seeding, want 9 (%v)", indexes, err)
	}
	view(t, db, func(tx backend.Tx) error {
		es, err := tx.Events(backend.EventFilter{Limit: 5})
		if len(es) != 5 || es[0].Time.After(t0) {
			t.Errorf("events %+v", es)
		}
		return err
	})
	// Seeding refuses a folder with data in it.
	_, err = db.Seed(context.Background(), SeedOptions{Accounts: 1, Events: 2})
	wantCode(t, err, backend.ECONFLICT, "")
	_, err = db.Seed(context.Background(), SeedOptions{Accounts: 10, Events: 5})
	wantCode(t, err, backend.EINVALID, "")
}

// Folding in bulk (indexes rebuilt) gives the same events as row by row.
func TestFoldChecksBulkEqualsIncremental(t *testing.T) {
	t.Parallel()
	dump := func(db *DB) string {
		rows, err := db.sql.Query("SELECT " + eventColumns + " FROM events ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var v [12]any
			p := make([]any, len(v))
			for i := range v {
				p[i] = &v[i]
			}
			if err := rows.Scan(p...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, v[:]...)
		}
		return b.String()
	}
	indexSQL := func(db *DB) string {
		var s string
		if err := db.sql.QueryRow("SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema WHERE tbl_name = 'events' AND type = 'index' ORDER BY name)").Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	var results []string
	var stats []backend.FoldStats
	for _, threshold := range []int64{1 << 40, 0} {
		db, _ := openTest(t)
		seedSmall(t, db, 4, 300)
		before := indexSQL(db)
		cutoff := history.Cutoff(t0, 30*24*time.Hour)
		var res backend.FoldStats
		err := db.HistoryUpdate(context.Background(), func(htx backend.HistoryTx) error {
			ids, err := htx.FoldAccounts(cutoff)
			if err != nil {
				return err
			}
			keep, err := history.Transitions(htx, ids, cutoff, history.Options{})
			if err != nil {
				return err
			}
			res, err = htx.(*Tx).foldChecks(cutoff, keep, threshold)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Folded == 0 {
			t.Fatal("nothing folded")
		}
		if after := indexSQL(db); after != before {
			t.Errorf("threshold %d: indexes changed:\n%s\n%s", threshold, before, after)
		}
		results, stats = append(results, dump(db)), append(stats, res)
	}
	if results[0] != results[1] || !reflect.DeepEqual(stats[0], stats[1]) {
		t.Errorf("bulk and incremental folds differ: %+v vs %+v", stats[0], stats[1])
	}
}

func TestStateEventsAndNextOKChecks(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	var ids []string
	for i := range 600 {
		ids = append(ids, fmt.Sprintf("acc_%04d", i))
	}
	es := []*backend.Event{
		{Time: at(5), AccountID: ids[599], Kind: backend.EventAccountCheckFailed, Outcome: "failed", Reason: "invalid_token"}, // 1
		{Time: at(5), AccountID: ids[599], Kind: backend.EventAccountChecked, Outcome: "ok"},                                  // 2: same time, later id
		{Time: at(1), AccountID: ids[0], Kind: backend.EventAccountImported, Outcome: "ok"},                                   // 3
		{Time: at(2), AccountID: ids[0], Kind: backend.EventAccountChecked, Outcome: "ok"},                                    // 4: routine
		{Time: at(3), AccountID: ids[0], Kind: backend.EventAccountChecked, Outcome: "failed"},                                // 5
		{Time: at(4), AccountID: ids[0], Kind: backend.EventChecksSummarized, Outcome: "ok"},                                  // 6: routine
		{Time: at(0), AccountID: ids[599], Kind: backend.EventAccountImported, Outcome: "ok"},                                 // 7: written late
		{Time: at(9), AccountID: ids[0], Kind: backend.EventAccountRenamed, Outcome: "ok"},                                    // 8: after Before
	}
	update(t, db, func(tx backend.Tx) error {
		for _, e := range es {
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	err := db.HistoryView(context.Background(), func(tx backend.HistoryTx) error {
		got, err := tx.StateEvents(backend.StateFilter{AccountIDs: ids, Before: at(8)})
		if err != nil {
			return err
		}
		if want := []int64{7, 3, 5, 1}; !reflect.DeepEqual(eventIDs(got), want) {
			t.Errorf("StateEvents over 600 accounts = %v, want %v (oldest first, no routine checks)", eventIDs(got), want)
		}
		all, err := tx.StateEvents(backend.StateFilter{All: true})
		if err != nil {
			return err
		}
		if want := []int64{7, 3, 5, 1, 8}; !reflect.DeepEqual(eventIDs(all), want) {
			t.Errorf("StateEvents(All) = %v, want %v", eventIDs(all), want)
		}
		oks, err := tx.NextOKChecks([]backend.HistoryPoint{
			{AccountID: ids[599], Time: at(5), ID: 1}, // same millisecond, higher id: found
			{AccountID: ids[599], Time: at(5), ID: 2}, // itself: not found
			{AccountID: ids[0], Time: at(0)},
			{AccountID: ids[0], Time: at(2), ID: 4},
		})
		if err != nil {
			return err
		}
		var got2 []int64
		for _, e := range oks {
			if e == nil {
				got2 = append(got2, 0)
			} else {
				got2 = append(got2, e.ID)
			}
		}
		if want := []int64{2, 0, 4, 0}; !reflect.DeepEqual(got2, want) {
			t.Errorf("NextOKChecks = %v, want %v", got2, want)
		}
		prev, err := tx.PrevOKChecks([]backend.HistoryPoint{
			{AccountID: ids[0], Time: at(2)},  // strictly before: none
			{AccountID: ids[0], Time: at(3)},  // the check at 2
			{AccountID: ids[0], Time: at(10)}, // the summary at 4 stands for a later check
			{AccountID: ids[599], Time: at(6)},
		})
		if err != nil {
			return err
		}
		var got3 []int64
		for _, e := range prev {
			if e == nil {
				got3 = append(got3, 0)
			} else {
				got3 = append(got3, e.ID)
			}
		}
		if want := []int64{0, 4, 6, 2}; !reflect.DeepEqual(got3, want) {
			t.Errorf("PrevOKChecks = %v, want %v", got3, want)
		}
		cids, err := tx.ClientAccountIDs("cli_none")
		if err != nil || len(cids) != 0 {
			t.Errorf("ClientAccountIDs of an unknown client: %v, %v", cids, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Folding needs a write transaction.
	err = db.HistoryView(context.Background(), func(tx backend.HistoryTx) error {
		_, err := tx.FoldChecks(t0, nil)
		return err
	})
	if err != errReadOnly {
		t.Errorf("FoldChecks in a read transaction: %v", err)
	}
}

func TestClientAccountIDs(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	update(t, db, func(tx backend.Tx) error {
		if err := tx.InsertClient(&backend.Client{ID: "cli_1", Name: "Acme"}); err != nil {
			return err
		}
		if err := tx.InsertAccount(&backend.Account{ID: "acc_now", ClientID: "cli_1", Provider: "google"}); err != nil {
			return err
		}
		for _, e := range []*backend.Event{
			{ClientID: "cli_1", AccountID: "acc_gone", Kind: backend.EventAccountImported},
			{ClientID: "cli_1", AccountID: "acc_page", Kind: backend.EventAccountConnected},
			{ClientID: "cli_1", AccountID: "acc_now", Kind: backend.EventAccountImported},
			{ClientID: "cli_2", AccountID: "acc_other", Kind: backend.EventAccountImported},
		} {
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	err := db.HistoryView(context.Background(), func(tx backend.HistoryTx) error {
		ids, err := tx.ClientAccountIDs("cli_1")
		if want := []string{"acc_gone", "acc_now", "acc_page"}; !reflect.DeepEqual(ids, want) {
			t.Errorf("ClientAccountIDs = %v, want %v", ids, want)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
