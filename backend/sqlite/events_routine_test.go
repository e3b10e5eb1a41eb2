package sqlite

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestEventsHideRoutine(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	kinds := []struct{ kind, outcome string }{
		{backend.EventAccountImported, backend.OutcomeOK},
		{backend.EventAccountChecked, backend.OutcomeOK},     // routine
		{backend.EventChecksSummarized, backend.OutcomeOK},   // routine
		{backend.EventAccountChecked, backend.OutcomeFailed}, // a verdict that broke it
		{backend.EventAccountCheckFailed, backend.OutcomeFailed},
		{backend.EventAccountChecked, backend.OutcomeOK}, // routine
		{backend.EventAccountReconnected, backend.OutcomeOK},
	}
	update(t, db, func(tx backend.Tx) error {
		for i, k := range kinds {
			e := &backend.Event{Time: t0.Add(time.Duration(i) * time.Minute), ClientID: "cli_1", AccountID: "acc_1", Kind: k.kind, Outcome: k.outcome}
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx backend.Tx) error {
		all, err := tx.Events(backend.EventFilter{})
		if err != nil {
			return err
		}
		notable, err := tx.Events(backend.EventFilter{HideRoutine: true})
		if err != nil {
			return err
		}
		if len(all) != 7 || len(notable) != 4 {
			t.Fatalf("%d events, %d without routine ones; want 7 and 4", len(all), len(notable))
		}
		for _, e := range notable {
			if (e.Kind == backend.EventAccountChecked && e.Outcome == backend.OutcomeOK) || e.Kind == backend.EventChecksSummarized {
				t.Errorf("routine event %d (%s) not hidden", e.ID, e.Kind)
			}
		}
		// Paging: the filters combine.
		page, err := tx.Events(backend.EventFilter{HideRoutine: true, BeforeID: notable[1].ID, Limit: 1})
		if err != nil || len(page) != 1 || page[0].ID != notable[2].ID {
			t.Errorf("second page %v, %v", eventIDs(page), err)
		}
		return nil
	})
	// The newest-first walk goes through the partial index, not every row.
	rows, err := db.sql.Query("EXPLAIN QUERY PLAN SELECT " + eventColumns + " FROM events WHERE " + stateTerms + " ORDER BY id DESC LIMIT 50")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "events_notable") {
		t.Errorf("plan %q does not use events_notable", p)
	}
}
