package history_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func openDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newService(db *sqlite.DB) *history.Service {
	s := history.New(db, nil, nil)
	s.Now = func() time.Time { return now }
	return s
}

// randomHistory writes a messy history: 6 accounts over 120 days, with
// routine checks, failures (lasting and transient), reconnects, renewals
// with deadlines that pass, deletions, and a tenth of the events written
// out of time order.
func randomHistory(t *testing.T, db *sqlite.DB, seed uint64) []string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 99))
	var ids []string
	var events []*backend.Event
	start := now.AddDate(0, 0, -120)
	for a := range 6 {
		id := "acc_" + string(rune('a'+a)) + "xxxxxxxxxxx"
		ids = append(ids, id)
		tm := start.Add(time.Duration(rng.IntN(240)) * time.Hour)
		step := 45 * 60 // minutes at most between events: the history spans months
		mk := func(kind, outcome, reason string, details map[string]any) {
			events = append(events, &backend.Event{Time: tm, ClientID: "cli_1", ClientName: "Acme", AccountID: id,
				AccountLabel: "Account " + id[4:5], Provider: "facebook", Kind: kind, Outcome: outcome, Reason: reason, Details: details})
		}
		expiry := func(days int) map[string]any {
			return map[string]any{"expires_at": tm.AddDate(0, 0, days), "has_refresh_token": false}
		}
		mk(backend.EventAccountImported, backend.OutcomeOK, "", expiry(20+rng.IntN(40)))
		for range 60 + rng.IntN(40) {
			tm = tm.Add(time.Duration(rng.IntN(step)) * time.Minute)
			if tm.After(now) {
				break
			}
			switch r := rng.IntN(100); {
			case r < 66:
				mk(backend.EventAccountChecked, backend.OutcomeOK, "", nil)
			case r < 70: // a check that reports the platform's current expiry
				mk(backend.EventAccountChecked, backend.OutcomeOK, "", map[string]any{"expires_at": tm.AddDate(0, 0, rng.IntN(40)-5)})
			case r < 78:
				mk(backend.EventAccountChecked, backend.OutcomeFailed, []string{"revoked", "checkpoint", "password_changed"}[rng.IntN(3)], nil)
			case r < 85:
				mk(backend.EventAccountCheckFailed, backend.OutcomeFailed, []string{"network", "rate_limited"}[rng.IntN(2)], nil)
			case r < 89:
				mk(backend.EventAccountReconnected, backend.OutcomeOK, "", expiry(10+rng.IntN(50)))
			case r < 93:
				mk(backend.EventAccountRefreshed, backend.OutcomeOK, "", expiry(5+rng.IntN(30)))
			case r < 95:
				mk(backend.EventAccountRefreshed, backend.OutcomeFailed, "revoked", nil)
			case r < 97:
				mk(backend.EventAccountRenamed, backend.OutcomeOK, "", nil)
			default:
				mk(backend.EventConnectFailed, backend.OutcomeFailed, "access_denied", nil)
			}
		}
		if a == 5 {
			mk(backend.EventAccountDeleted, backend.OutcomeOK, "", nil)
		}
	}
	// Written in time order, except a tenth moved somewhere else.
	slices.SortStableFunc(events, func(x, y *backend.Event) int { return x.Time.Compare(y.Time) })
	for i := range events {
		if rng.IntN(10) == 0 {
			j := rng.IntN(len(events))
			events[i], events[j] = events[j], events[i]
		}
	}
	err := db.Update(context.Background(), func(tx backend.Tx) error {
		for _, e := range events {
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func allEvents(t *testing.T, s *history.Service) []*backend.Event {
	t.Helper()
	var es []*backend.Event
	if err := s.EachEvent(context.Background(), backend.EventFilter{}, func(e *backend.Event) error { es = append(es, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return es
}

// fingerprint is what must not change: states, times, reasons, deadlines.
func fingerprint(t *testing.T, tls map[string]*history.AccountTimeline) string {
	t.Helper()
	type view struct {
		Intervals        []history.Interval
		Created, Deleted *time.Time
		Deadline         *time.Time
		Reconnects       []int64
	}
	out := map[string]view{}
	for id, tl := range tls {
		v := view{Intervals: tl.Intervals, Created: tl.Created, Deleted: tl.Deleted, Deadline: tl.Deadline}
		for _, e := range tl.Reconnects {
			v.Reconnects = append(v.Reconnects, e.ID)
		}
		out[id] = v
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func loadTimelines(t *testing.T, db *sqlite.DB, s *history.Service, ids []string) map[string]*history.AccountTimeline {
	t.Helper()
	var tls map[string]*history.AccountTimeline
	err := db.HistoryView(context.Background(), func(tx backend.HistoryTx) (err error) {
		tls, err = history.LoadTimelines(tx, backend.StateFilter{AccountIDs: ids}, now, options(t, s))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tls
}

func TestLoadEqualsFullTimelineAndSurvivesRetention(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			testLoadAndRetention(t, seed)
		})
	}
}

func testLoadAndRetention(t *testing.T, seed uint64) {
	{
		db := openDB(t)
		s := newService(db)
		ids := randomHistory(t, db, seed)
		all := allEvents(t, s)
		want := fingerprint(t, history.Timelines(all, now, options(t, s)))
		if got := fingerprint(t, loadTimelines(t, db, s, ids)); got != want {
			t.Fatalf("seed %d: loaded timelines differ from the full ones\n got %s\nwant %s", seed, got, want)
		}

		res, err := s.Prune(context.Background(), 30*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if res.Folded == 0 || res.Summaries == 0 || res.Kept == 0 {
			t.Fatalf("seed %d: prune did little: %+v", seed, res)
		}
		after := allEvents(t, s)
		if len(after) != len(all)-res.Folded+countNew(after, backend.EventChecksSummarized) {
			t.Errorf("seed %d: %d events after folding %d of %d", seed, len(after), res.Folded, len(all))
		}
		// Every non-routine event is still there, unchanged.
		kept := map[int64]bool{}
		for _, e := range after {
			kept[e.ID] = true
		}
		for _, e := range all {
			if !history.IsRoutine(e) && !kept[e.ID] {
				t.Fatalf("seed %d: event %d (%s) was removed", seed, e.ID, e.Kind)
			}
			if history.IsRoutine(e) && !e.Time.Before(res.Cutoff) && !kept[e.ID] {
				t.Fatalf("seed %d: recent check %d was folded", seed, e.ID)
			}
		}
		if got := fingerprint(t, history.Timelines(after, now, options(t, s))); got != want {
			t.Fatalf("seed %d: folding changed the timelines\n got %s\nwant %s", seed, got, want)
		}
		if got := fingerprint(t, loadTimelines(t, db, s, ids)); got != want {
			t.Fatalf("seed %d: folding changed the loaded timelines\n got %s\nwant %s", seed, got, want)
		}
		// Summaries count what they replaced.
		folded := 0
		for _, e := range after {
			if e.Kind == backend.EventChecksSummarized {
				folded += int(e.Details["count"].(float64))
				first, err1 := time.Parse(time.RFC3339, e.Details["first"].(string))
				last, err2 := time.Parse(time.RFC3339, e.Details["last"].(string))
				if err1 != nil || err2 != nil || last.Before(first) || !e.Time.Equal(last) || first.Truncate(24*time.Hour) != last.Truncate(24*time.Hour) {
					t.Fatalf("summary %+v", e)
				}
			}
		}
		if folded != res.Folded {
			t.Errorf("seed %d: summaries count %d checks, %d were folded", seed, folded, res.Folded)
		}
		// Idempotent.
		again, err := s.Prune(context.Background(), 30*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if again.Folded != 0 || again.Summaries != 0 || len(allEvents(t, s)) != len(after) {
			t.Errorf("seed %d: second prune changed things: %+v", seed, again)
		}
		// Health figures are the same through the service.
		if _, err := s.ClientHealth(context.Background(), "cli_1", history.LastDays(90, now)); backend.ErrorCode(err) != backend.ENOTFOUND {
			t.Errorf("health of a client that was never created: %v", err)
		}
	}
}

func countNew(es []*backend.Event, kind string) int {
	n := 0
	for _, e := range es {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// Late checks for a day that was already folded merge into its summary.
func TestPruneMergesLateChecks(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	s := newService(db)
	d := now.AddDate(0, 0, -40).Truncate(24 * time.Hour)
	write := func(hours ...int) {
		err := db.Update(context.Background(), func(tx backend.Tx) error {
			for _, h := range hours {
				if err := tx.AppendEvent(&backend.Event{Time: d.Add(time.Duration(h) * time.Hour), ClientID: "cli_1", AccountID: "acc_1",
					Kind: backend.EventAccountChecked, Outcome: backend.OutcomeOK, Message: "The token works."}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write(5, 6, 7)
	if res, err := s.Prune(context.Background(), 0); err != nil || res.Folded != 3 || res.Summaries != 1 {
		t.Fatalf("first prune %+v, %v", res, err)
	}
	write(2, 9)
	if res, err := s.Prune(context.Background(), 0); err != nil || res.Folded != 2 || res.Summaries != 1 {
		t.Fatalf("second prune %+v, %v", res, err)
	}
	es := allEvents(t, s)
	if len(es) != 1 {
		t.Fatalf("%d events, want one summary: %+v", len(es), es)
	}
	e := es[0]
	if e.Details["count"] != 5.0 || e.Details["first"] != d.Add(2*time.Hour).Format("2006-01-02T15:04:05.000Z") ||
		e.Details["last"] != d.Add(9*time.Hour).Format("2006-01-02T15:04:05.000Z") || !e.Time.Equal(d.Add(9*time.Hour)) ||
		e.Message != "5 routine checks passed on "+d.Format(time.DateOnly)+"." {
		t.Errorf("merged summary %+v %v", e, e.Details)
	}
}

func TestPagePaging(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	s := newService(db)
	err := db.Update(context.Background(), func(tx backend.Tx) error {
		for i := range 7 {
			if err := tx.AppendEvent(&backend.Event{Time: now.Add(time.Duration(i) * time.Minute), ClientID: "cli_1", Kind: backend.EventAccountChecked, Outcome: "ok"}); err != nil {
				return err
			}
		}
		return tx.AppendEvent(&backend.Event{Time: now, ClientID: "cli_2", Kind: backend.EventAccountChecked, Outcome: "ok"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var pages [][]int64
	f := backend.EventFilter{ClientID: "cli_1", Kind: backend.EventAccountChecked, Limit: 3}
	for {
		p, err := s.Page(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, e := range p.Events {
			ids = append(ids, e.ID)
		}
		pages = append(pages, ids)
		if p.NextBeforeID == 0 {
			break
		}
		f.BeforeID = p.NextBeforeID
	}
	if want := [][]int64{{7, 6, 5}, {4, 3, 2}, {1}}; !reflect.DeepEqual(pages, want) {
		t.Errorf("pages %v, want %v", pages, want)
	}
	p, err := s.Page(context.Background(), backend.EventFilter{})
	if err != nil || len(p.Events) != 8 || p.NextBeforeID != 0 {
		t.Errorf("default page: %d events, next %d, %v", len(p.Events), p.NextBeforeID, err)
	}
}

func options(t *testing.T, s *history.Service) history.Options {
	t.Helper()
	opt, err := s.Options(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return opt
}
