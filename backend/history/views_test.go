package history_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// viewsFixture: Alpha works all along (with routine checks), Beta is broken
// now, Gamma had two incidents in two weeks, Delta has no account.
func viewsFixture(t *testing.T) (*sqlite.DB, *history.Service) {
	t.Helper()
	db := openDB(t)
	day := func(d float64) time.Time { return now.Add(time.Duration(d * 24 * float64(time.Hour))) }
	err := db.Update(context.Background(), func(tx backend.Tx) error {
		for _, c := range []*backend.Client{{ID: "cli_a", Name: "Alpha"}, {ID: "cli_b", Name: "Beta"}, {ID: "cli_g", Name: "Gamma"}, {ID: "cli_d", Name: "Delta"}} {
			if err := tx.InsertClient(c); err != nil {
				return err
			}
		}
		for _, a := range []*backend.Account{
			{ID: "acc_a", ClientID: "cli_a", Provider: "google", Label: "A", HasRefreshToken: true, CreatedAt: day(-60)},
			{ID: "acc_b", ClientID: "cli_b", Provider: "google", Label: "B", HasRefreshToken: true, Invalid: true, Reason: "revoked", CreatedAt: day(-60)},
			{ID: "acc_g", ClientID: "cli_g", Provider: "google", Label: "G", HasRefreshToken: true, CreatedAt: day(-60)},
		} {
			if err := tx.InsertAccount(a); err != nil {
				return err
			}
		}
		ev := func(acc, client string, at time.Time, kind, outcome, reason string) *backend.Event {
			return &backend.Event{Time: at, ClientID: client, AccountID: acc, AccountLabel: acc, Provider: "google", Kind: kind, Outcome: outcome, Reason: reason,
				Details: map[string]any{"has_refresh_token": true}}
		}
		es := []*backend.Event{
			ev("acc_a", "cli_a", day(-60), backend.EventAccountImported, "ok", ""),
			ev("acc_b", "cli_b", day(-60), backend.EventAccountImported, "ok", ""),
			ev("acc_g", "cli_g", day(-60), backend.EventAccountImported, "ok", ""),
			ev("acc_b", "cli_b", day(-2), backend.EventAccountChecked, "failed", "revoked"),
			// Gamma: Tuesday 10 Nov and Wednesday 18 Nov, each fixed in a day.
			ev("acc_g", "cli_g", time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC), backend.EventAccountChecked, "failed", "password_changed"),
			ev("acc_g", "cli_g", time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC), backend.EventAccountReconnected, "ok", ""),
			ev("acc_g", "cli_g", time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC), backend.EventAccountChecked, "failed", "revoked"),
			ev("acc_g", "cli_g", time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC), backend.EventAccountReconnected, "ok", ""),
		}
		for h := 30; h >= 1; h-- { // oldest first, as monitoring writes them
			es = append(es, ev("acc_a", "cli_a", now.Add(-time.Duration(h)*time.Hour), backend.EventAccountChecked, "ok", ""))
		}
		for _, e := range es {
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, newService(db)
}

func TestHealthOverviewWorstFirst(t *testing.T) {
	t.Parallel()
	_, s := viewsFixture(t)
	rows, err := s.HealthOverview(context.Background(), history.LastDays(30, now))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range rows {
		order = append(order, r.ClientName)
	}
	if want := []string{"Beta", "Gamma", "Alpha", "Delta"}; !reflect.DeepEqual(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	b, g, a, d := rows[0], rows[1], rows[2], rows[3]
	if b.NeedsAttention != 1 || b.Incidents != 1 || b.Ongoing != 1 || b.Accounts != 1 {
		t.Errorf("Beta %+v", b)
	}
	if g.NeedsAttention != 0 || g.Incidents != 2 || g.Ongoing != 0 || g.UptimePct == nil || *g.UptimePct >= 100 {
		t.Errorf("Gamma %+v", g)
	}
	if a.UptimePct == nil || *a.UptimePct != 100 || a.Incidents != 0 {
		t.Errorf("Alpha %+v", a)
	}
	if d.UptimePct != nil || d.Accounts != 0 {
		t.Errorf("Delta %+v", d)
	}
}

func TestIncidentsPerWeek(t *testing.T) {
	t.Parallel()
	_, s := viewsFixture(t)
	// 28 days to Monday 23 Nov noon: the weeks of 26 Oct, 2, 9, 16 and 23 Nov.
	c, err := s.IncidentsPerWeek(context.Background(), history.LastDays(28, now))
	if err != nil {
		t.Fatal(err)
	}
	var weeks []string
	for _, w := range c.Weeks {
		weeks = append(weeks, w.Format(time.DateOnly))
	}
	if want := []string{"2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"}; !reflect.DeepEqual(weeks, want) {
		t.Fatalf("weeks %v, want %v", weeks, want)
	}
	got := map[string][]int{}
	var order []string
	for _, cl := range c.Clients {
		got[cl.ClientName] = cl.Counts
		order = append(order, cl.ClientName)
	}
	want := map[string][]int{"Gamma": {0, 0, 1, 1, 0}, "Beta": {0, 0, 0, 1, 0}, "Alpha": {0, 0, 0, 0, 0}, "Delta": {0, 0, 0, 0, 0}}
	if !reflect.DeepEqual(got, want) || order[0] != "Gamma" || order[1] != "Beta" {
		t.Errorf("counts %v (order %v), want %v", got, order, want)
	}
}

func TestActivityHidesRoutineChecks(t *testing.T) {
	t.Parallel()
	_, s := viewsFixture(t)
	ctx := context.Background()
	page, err := s.Activity(ctx, backend.EventFilter{ClientID: "cli_a"}, false, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if !page.RoutineHidden || len(page.Days) != 1 || len(page.Days[0].Events) != 1 || page.Days[0].Events[0].Kind != backend.EventAccountImported {
		t.Errorf("without routine checks: %+v", page)
	}
	page, err = s.Activity(ctx, backend.EventFilter{ClientID: "cli_a"}, true, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	// 30 hourly checks up to noon: 12 on the 23rd, 18 on the 22nd; then the import.
	var days []string
	n := 0
	for _, d := range page.Days {
		days = append(days, d.Day)
		n += len(d.Events)
	}
	if want := []string{"2026-11-23", "2026-11-22", "2026-09-24"}; !reflect.DeepEqual(days, want) || n != 31 || len(page.Days[0].Events) != 12 {
		t.Errorf("with routine checks: days %v, %d events (%d on the first day)", days, n, len(page.Days[0].Events))
	}
	// Another time zone moves the day boundary: from 15:00 UTC it is the
	// next day in Tokyo.
	var checks []*backend.Event
	for _, d := range page.Days[:2] {
		checks = append(checks, d.Events...)
	}
	tokyo := time.FixedZone("JST", 9*3600)
	if g := history.GroupByDay(checks, tokyo); len(g) != 2 || g[0].Day != "2026-11-23" || len(g[0].Events) != 21 || len(g[1].Events) != 9 {
		t.Errorf("in JST: %d groups", len(g))
	}
}
