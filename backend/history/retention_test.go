package history_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

// dump is every event as stored, in id order, for comparing whole histories.
func dump(t *testing.T, s *history.Service) string {
	t.Helper()
	out := ""
	for _, e := range allEvents(t, s) {
		out += fmt.Sprintln(e.ID, e.Time.UnixMilli(), e.AccountID, e.Kind, e.Outcome, e.Reason, e.Message, e.Details)
	}
	return out
}

// A prune with nothing new does nothing; days later it folds only the checks
// of those days; a check written late, before the watermark, is folded next.
func TestPruneWatermark(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	s := newService(db)
	ids := randomHistory(t, db, 7)
	ctx := context.Background()

	s.Now = func() time.Time { return now.AddDate(0, 0, -10) }
	first, err := s.Prune(ctx, 0)
	if err != nil || !first.Due || first.Folded == 0 {
		t.Fatalf("first prune %+v, %v", first, err)
	}
	folded := dump(t, s)
	again, err := s.Prune(ctx, 0)
	if err != nil || again.Due || again.Folded != 0 || again.Summaries != 0 || again.Space != (backend.CompactStats{}) {
		t.Fatalf("second prune %+v, %v", again, err)
	}
	if dump(t, s) != folded {
		t.Fatal("a prune with nothing due changed the history")
	}

	// Ten days on: only checks from the first cutoff to the new one go.
	before := allEvents(t, s)
	s.Now = func() time.Time { return now }
	later, err := s.Prune(ctx, 0)
	if err != nil || !later.Due || later.Folded == 0 {
		t.Fatalf("later prune %+v, %v", later, err)
	}
	left := map[string]bool{} // by id and kind: a new summary takes the id of the last check it replaces
	for _, e := range allEvents(t, s) {
		left[fmt.Sprint(e.ID, e.Kind)] = true
	}
	gone := 0
	for _, e := range before {
		if left[fmt.Sprint(e.ID, e.Kind)] || e.Kind == backend.EventChecksSummarized {
			continue
		}
		gone++
		if !history.IsRoutine(e) || e.Time.Before(first.Cutoff) || !e.Time.Before(later.Cutoff) {
			t.Errorf("later prune removed event %d (%s at %s), outside [%s, %s)", e.ID, e.Kind, e.Time, first.Cutoff, later.Cutoff)
		}
	}
	if gone != later.Folded {
		t.Errorf("%d events gone, prune says %d folded", gone, later.Folded)
	}

	// A check written now for a day before the watermark.
	late := &backend.Event{Time: first.Cutoff.Add(-36 * time.Hour), ClientID: "cli_1", ClientName: "Acme", AccountID: ids[0],
		AccountLabel: "Account a", Provider: "facebook", Kind: backend.EventAccountChecked, Outcome: backend.OutcomeOK}
	if err := db.Update(ctx, func(tx backend.Tx) error { return tx.AppendEvent(late) }); err != nil {
		t.Fatal(err)
	}
	res, err := s.Prune(ctx, 0)
	if err != nil || !res.Due || res.Folded != 1 || res.Summaries != 1 {
		t.Fatalf("prune after a late check %+v, %v", res, err)
	}
	if res, err := s.Prune(ctx, 0); err != nil || res.Due {
		t.Fatalf("prune after folding the late check %+v, %v", res, err)
	}
}

// Pruning every day keeps the same timelines as the unpruned history, every
// event but routine checks as it was, and the same number of routine checks
// per account and day (one by one or in summaries) as pruning once at the
// end. (Which checks stay one by one may differ: a check whose deadlines a
// later moment reads is kept by a prune that sees that moment, while a
// daily prune folds it into a summary that carries the same deadlines.)
func TestPruneDailyEqualsOnce(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			var results []string
			for _, daily := range []bool{false, true} {
				db := openDB(t)
				s := newService(db)
				ids := randomHistory(t, db, seed)
				want := fingerprint(t, history.Timelines(allEvents(t, s), now, options(t, s)))
				if daily {
					for d := 60; d > 0; d-- {
						s.Now = func() time.Time { return now.AddDate(0, 0, -d) }
						if _, err := s.Prune(context.Background(), 0); err != nil {
							t.Fatal(err)
						}
					}
				}
				s.Now = func() time.Time { return now }
				if _, err := s.Prune(context.Background(), 0); err != nil {
					t.Fatal(err)
				}
				if got := fingerprint(t, loadTimelines(t, db, s, ids)); got != want {
					t.Fatalf("daily=%v: pruning changed the timelines\n got %s\nwant %s", daily, got, want)
				}
				results = append(results, routineCounts(t, s))
			}
			if results[0] != results[1] {
				t.Errorf("daily pruning differs from one prune:\nonce:\n%s\ndaily:\n%s", results[0], results[1])
			}
		})
	}
}

// routineCounts lists every event but routine checks as stored, then the
// number of routine checks per account and UTC day, counting summaries by
// the checks they replaced.
func routineCounts(t *testing.T, s *history.Service) string {
	t.Helper()
	out, days := "", map[string]int{}
	for _, e := range allEvents(t, s) {
		day := e.AccountID + " " + e.Time.UTC().Format(time.DateOnly)
		switch {
		case e.Kind == backend.EventChecksSummarized:
			days[day] += int(e.Details["count"].(float64))
		case history.IsRoutine(e):
			days[day]++
		default:
			out += fmt.Sprintln(e.ID, e.Time.UnixMilli(), e.AccountID, e.Kind, e.Outcome, e.Reason, e.Message, e.Details)
		}
	}
	return out + fmt.Sprint(days)
}

// The fold and the watermark commit together: a fold that dies before its
// transaction commits leaves both as they were, and the next prune folds
// every check once, as if the failed one had never run.
func TestPruneInterruptedFoldsOnce(t *testing.T) {
	t.Parallel()
	var dumps []string
	for _, interrupted := range []bool{false, true} {
		db := openDB(t)
		s := newService(db)
		ids := randomHistory(t, db, 3)
		ctx := context.Background()
		if interrupted {
			before := dump(t, s)
			crash := errors.New("crash after the fold")
			err := db.HistoryUpdate(ctx, func(tx backend.HistoryTx) error {
				cutoff := history.Cutoff(now, history.DefaultRetention)
				keep, err := history.Transitions(tx, ids, cutoff, options(t, s))
				if err != nil {
					return err
				}
				if st, err := tx.FoldChecks(cutoff, keep); err != nil || st.Folded == 0 {
					return fmt.Errorf("fold %+v: %w", st, err)
				}
				return crash
			})
			if !errors.Is(err, crash) {
				t.Fatal(err)
			}
			if dump(t, s) != before {
				t.Fatal("an interrupted fold changed the history")
			}
		}
		res, err := s.Prune(ctx, 0)
		if err != nil || !res.Due || res.Folded == 0 {
			t.Fatalf("interrupted=%v: prune %+v, %v", interrupted, res, err)
		}
		dumps = append(dumps, fmt.Sprint(res.FoldStats)+"\n"+dump(t, s))
	}
	if dumps[0] != dumps[1] {
		t.Errorf("after an interrupted fold the prune differs:\n%s\n%s", dumps[0], dumps[1])
	}
}
