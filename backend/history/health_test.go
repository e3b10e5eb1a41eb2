package history

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// acct builds events of one account, named id.
func acct(id string, es ...*backend.Event) []*backend.Event {
	for _, e := range es {
		e.AccountID, e.AccountLabel = id, "Label "+id
	}
	return es
}

func timelines(now time.Time, accounts ...[]*backend.Event) []*AccountTimeline {
	var out []*AccountTimeline
	for _, es := range accounts {
		out = append(out, Timeline(es, now, Options{}))
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func wantPct(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if want < 0 {
		if got != nil {
			t.Errorf("%s = %v, want none", what, *got)
		}
		return
	}
	if got == nil || !near(*got, want) {
		t.Errorf("%s = %v, want %v", what, deref(got), want)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestHealthArithmetic(t *testing.T) {
	t.Parallel()
	now := day(10)
	p := Period{From: day(0), To: day(10)}
	tests := []struct {
		name      string
		accounts  [][]*backend.Event
		period    Period
		uptime    float64   // client, percent; -1: none
		perAcc    []float64 // per account, in the order of the accounts' labels
		allOK     float64
		incidents int
		mttr      time.Duration // -1: none
		resolved  int
		attention int
	}{
		{"always healthy", [][]*backend.Event{acct("a", imported(day(-5)))}, p, 100, []float64{100}, 100, 0, -1, 0, 0},
		{"one incident of 2.5 days", [][]*backend.Event{acct("a", imported(day(-5)), failed(day(2), "invalid_token"), reconnected(day(4.5)))},
			p, 75, []float64{75}, 75, 1, 60 * time.Hour, 1, 0},
		{"two accounts weigh by time", [][]*backend.Event{
			acct("a", imported(day(-5))),
			acct("b", imported(day(-5)), failed(day(2), "invalid_token"), reconnected(day(4.5)))},
			p, 87.5, []float64{100, 75}, 75, 1, 60 * time.Hour, 1, 0},
		{"created mid-period counts from creation", [][]*backend.Event{
			acct("a", imported(day(-5))),
			acct("b", imported(day(5)), failed(day(6), "invalid_token"), reconnected(day(7)))},
			// a: 10 days up; b: 5 days, 4 up. (10+4)/15.
			p, 14.0 / 15 * 100, []float64{100, 80}, 90, 1, 24 * time.Hour, 1, 0},
		{"deleted counts until deletion", [][]*backend.Event{
			acct("a", imported(day(-5)), failed(day(2), "invalid_token"), deleted(day(4)))},
			// 4 days existed, 2 working; the incident ended with the deletion: no MTTR.
			p, 50, []float64{50}, 50, 1, -1, 0, 0},
		{"ongoing incident", [][]*backend.Event{
			acct("a", imported(day(-5)), failed(day(8), "app_removed"))},
			p, 80, []float64{80}, 80, 1, -1, 0, 1},
		{"out of order events", [][]*backend.Event{
			acct("a", reconnected(day(4.5)), failed(day(3), "network"), failed(day(2), "invalid_token"), imported(day(-5)))},
			p, 75, []float64{75}, 75, 1, 60 * time.Hour, 1, 0},
		{"overlapping incidents on two accounts merge for all-working", [][]*backend.Event{
			acct("a", imported(day(-5)), failed(day(2), "invalid_token"), reconnected(day(5))),
			acct("b", imported(day(-5)), failed(day(4), "checkpoint"), checkOK(day(6)))},
			// a down 3 days, b down 2; together down from day 2 to 6: 4 days of 10.
			p, 75, []float64{70, 80}, 60, 2, 60 * time.Hour, 2, 0},
		{"overlapping failures on one account are one incident", [][]*backend.Event{
			acct("a", imported(day(-5)), failed(day(2), "invalid_token"), failed(day(3), "password_changed"), reconnected(day(4)))},
			p, 80, []float64{80}, 80, 1, 48 * time.Hour, 1, 0},
		{"incident from before the period is clipped, full duration kept", [][]*backend.Event{
			acct("a", imported(day(-5)), failed(day(-2), "invalid_token"), reconnected(day(1)))},
			p, 90, []float64{90}, 90, 1, 72 * time.Hour, 1, 0},
		{"future part of the period is cut at now", [][]*backend.Event{
			acct("a", imported(day(-5)), failed(day(9), "invalid_token"), reconnected(day(9.5)))},
			Period{From: day(0), To: day(20)}, 95, []float64{95}, 95, 1, 12 * time.Hour, 1, 0},
		{"account created after the period is left out", [][]*backend.Event{
			acct("a", imported(day(-5))), acct("b", imported(day(11)))},
			Period{From: day(0), To: day(5)}, 100, []float64{100}, 100, 0, -1, 0, 0},
		{"no accounts", nil, p, -1, nil, -1, 0, -1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ComputeHealth("cli_1", "Acme", timelines(now, tt.accounts...), tt.period, now)
			wantPct(t, "client uptime", h.UptimePct, tt.uptime)
			wantPct(t, "all working", h.AllWorkingPct, tt.allOK)
			if len(h.Accounts) != len(tt.perAcc) {
				t.Fatalf("%d accounts, want %d", len(h.Accounts), len(tt.perAcc))
			}
			for i, a := range h.Accounts {
				wantPct(t, "uptime of "+a.Label, a.UptimePct, tt.perAcc[i])
				if a.Monitored.Std() != a.Healthy.Std()+a.Broken.Std() {
					t.Errorf("%s: monitored %v != healthy %v + broken %v", a.Label, a.Monitored.Std(), a.Healthy.Std(), a.Broken.Std())
				}
			}
			if len(h.Incidents) != tt.incidents {
				t.Errorf("%d incidents, want %d: %+v", len(h.Incidents), tt.incidents, h.Incidents)
			}
			if tt.mttr < 0 {
				if h.MeanTimeToReconnect != nil {
					t.Errorf("MTTR %v, want none", h.MeanTimeToReconnect.Std())
				}
			} else if h.MeanTimeToReconnect == nil || h.MeanTimeToReconnect.Std() != tt.mttr {
				t.Errorf("MTTR %v, want %v", h.MeanTimeToReconnect, tt.mttr)
			}
			if h.ResolvedIncidents != tt.resolved {
				t.Errorf("%d resolved, want %d", h.ResolvedIncidents, tt.resolved)
			}
			if len(h.NeedsAttention) != tt.attention {
				t.Errorf("needs attention %v, want %d", h.NeedsAttention, tt.attention)
			}
		})
	}
}

func TestHealthIncidentFields(t *testing.T) {
	t.Parallel()
	now := day(10)
	tls := timelines(now,
		acct("a", imported(day(-5)), failed(day(8), "app_removed")),
		acct("b", imported(day(-5)), failed(day(1), "invalid_token"), failed(day(1.5), "checkpoint"), reconnected(day(2)), deleted(day(3))))
	h := ComputeHealth("cli_1", "Acme", tls, Period{From: day(0), To: now}, now)
	if len(h.Incidents) != 2 {
		t.Fatalf("incidents %+v", h.Incidents)
	}
	ongoing, done := h.Incidents[0], h.Incidents[1] // newest first
	if !ongoing.Ongoing || ongoing.End != nil || ongoing.Duration.Std() != 48*time.Hour || ongoing.Explanation != Explain("app_removed") || ongoing.EndedBy != "" {
		t.Errorf("ongoing incident %+v", ongoing)
	}
	if done.Ongoing || done.End == nil || !done.End.Equal(day(2)) || done.Duration.Std() != 24*time.Hour ||
		done.EndedBy != backend.EventAccountReconnected || len(done.Reasons) != 2 || !done.Resolved() {
		t.Errorf("resolved incident %+v", done)
	}
	if len(h.Actions) != 1 { // the reconnect; the imports were before the period
		t.Errorf("actions %+v", h.Actions)
	}
	if h.Accounts[1].Deleted == nil || h.Accounts[1].State != "" || h.Accounts[1].NeedsAttention {
		t.Errorf("deleted account %+v", h.Accounts[1])
	}
	// 30-day uptime: a existed 15 of the last 30 days and was down 2 of them.
	wantPct(t, "a 30 days", h.Accounts[0].Uptime30Pct, 13.0/15*100)
}

// Uptime never leaves 0..100 and existed = healthy + broken, whatever the events.
func TestHealthInvariants(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	kinds := []func(time.Time) *backend.Event{
		imported, checkOK, reconnected, deleted,
		func(t time.Time) *backend.Event { return failed(t, "invalid_token") },
		func(t time.Time) *backend.Event { return failed(t, "network") },
		func(t time.Time) *backend.Event { return noVerdict(t, "unknown") },
	}
	now := day(30)
	for range 200 {
		var accounts [][]*backend.Event
		for a := range 1 + rng.IntN(4) {
			var es []*backend.Event
			for range rng.IntN(20) {
				es = append(es, kinds[rng.IntN(len(kinds))](day(rng.Float64()*40-5)))
			}
			accounts = append(accounts, acct(string(rune('a'+a)), es...))
		}
		from := day(rng.Float64() * 20)
		h := ComputeHealth("c", "C", timelines(now, accounts...), Period{From: from, To: from.Add(time.Duration(rng.IntN(30)) * 24 * time.Hour)}, now)
		for _, p := range []*float64{h.UptimePct, h.Uptime30Pct, h.Uptime90Pct, h.AllWorkingPct} {
			if p != nil && (*p < 0 || *p > 100+1e-9) {
				t.Fatalf("percentage %v out of range", *p)
			}
		}
		for _, a := range h.Accounts {
			if a.Existed.Std() != a.Healthy.Std()+a.Broken.Std() || a.Broken < 0 {
				t.Fatalf("account %+v", a)
			}
		}
	}
}
