package history

import (
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestCoverAtPeriodEdges(t *testing.T) {
	t.Parallel()
	p := Period{From: day(0), To: day(30)}
	ptr := func(t time.Time) *time.Time { return &t }
	tests := []struct {
		name                   string
		created, monitored     time.Time
		deleted                *time.Time
		existedDays, monitDays float64
		since                  *time.Time
	}{
		{"existed and monitored all along", day(-10), day(-10), nil, 30, 30, nil},
		{"created mid-period", day(12), day(12), nil, 18, 18, ptr(day(12))},
		{"deleted mid-period", day(-10), day(-10), ptr(day(20)), 20, 20, nil},
		{"created and deleted inside", day(5), day(5), ptr(day(25)), 20, 20, ptr(day(5))},
		{"monitoring started after creation", day(-10), day(10), nil, 30, 20, ptr(day(10))},
		{"monitoring started after creation, both inside", day(4), day(10), nil, 26, 20, ptr(day(10))},
		{"creation after monitoring start is taken as the start", day(10), day(4), nil, 26, 26, ptr(day(4))},
		{"monitoring starts at the period's end: zero monitored time", day(-10), day(30), nil, 30, 0, nil},
		{"created at the very start", day(0), day(0), nil, 30, 30, nil},
		{"period fully before creation", day(40), day(40), nil, 0, 0, nil},
		{"period fully after deletion", day(-20), day(-20), ptr(day(-5)), 0, 0, nil},
		{"deleted before monitoring would start", day(-20), day(10), ptr(day(5)), 5, 0, nil},
		{"deleted at the moment it was added", day(10), day(10), ptr(day(10)), 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Cover(p, tt.created, tt.monitored, tt.deleted)
			if want := time.Duration(tt.existedDays * 24 * float64(time.Hour)); c.Existed != want {
				t.Errorf("existed %v, want %v", c.Existed, want)
			}
			if want := time.Duration(tt.monitDays * 24 * float64(time.Hour)); c.Monitored != want {
				t.Errorf("monitored %v, want %v", c.Monitored, want)
			}
			switch {
			case tt.since == nil && c.MonitoredSince != nil:
				t.Errorf("monitored since %v, want none", *c.MonitoredSince)
			case tt.since != nil && (c.MonitoredSince == nil || !c.MonitoredSince.Equal(*tt.since)):
				t.Errorf("monitored since %v, want %v", c.MonitoredSince, *tt.since)
			}
		})
	}
}

// TestUptimeOverMonitoredTime checks the figures a report and the window
// show: uptime over the monitored part of the period only.
func TestUptimeOverMonitoredTime(t *testing.T) {
	t.Parallel()
	now := day(30)
	p := Period{From: day(0), To: day(30)}
	ptr := func(t time.Time) *time.Time { return &t }
	tests := []struct {
		name        string
		events      []*backend.Event
		existedFrom *time.Time // the store's creation time, when before the history
		period      Period
		uptime      float64 // percent; -1: none
		monitored   float64 // days
		existed     float64 // days
		since       *time.Time
	}{
		{"added an hour ago, working", acct("a", imported(now.Add(-time.Hour))), nil, p, 100, 1.0 / 24, 1.0 / 24, ptr(now.Add(-time.Hour))},
		{"added two hours ago, broken for the last one", acct("a", imported(now.Add(-2*time.Hour)), failed(now.Add(-time.Hour), "invalid_token")),
			nil, p, 50, 2.0 / 24, 2.0 / 24, ptr(now.Add(-2 * time.Hour))},
		{"added mid-period, one day broken of ten", acct("a", imported(day(20)), failed(day(22), "invalid_token"), reconnected(day(23))),
			nil, p, 90, 10, 10, ptr(day(20))},
		{"deleted mid-period", acct("a", imported(day(-5)), failed(day(5), "invalid_token"), deleted(day(10))), nil, p, 50, 10, 10, nil},
		{"monitoring began after creation", acct("a", imported(day(10)), failed(day(25), "invalid_token")), ptr(day(-40)),
			p, 75, 20, 30, ptr(day(10))},
		{"zero monitored time", acct("a", imported(now)), nil, p, -1, 0, 0, nil},
		{"period fully before creation", acct("a", imported(day(-5))), nil, Period{From: day(-20), To: day(-10)}, -1, 0, 0, nil},
		{"period fully after deletion", acct("a", imported(day(-20)), deleted(day(-10))), nil, Period{From: day(-5), To: day(5)}, -1, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := Timeline(tt.events, now, Options{})
			tl.ExistedFrom = tt.existedFrom
			ah := AccountFigures(tl, tt.period, now)
			wantPct(t, "uptime", ah.UptimePct, tt.uptime)
			days := func(d Duration) float64 { return d.Std().Hours() / 24 }
			if !near(days(ah.Monitored), tt.monitored) || !near(days(ah.Existed), tt.existed) {
				t.Errorf("monitored %v days, existed %v days; want %v and %v", days(ah.Monitored), days(ah.Existed), tt.monitored, tt.existed)
			}
			if ah.Monitored.Std() != ah.Healthy.Std()+ah.Broken.Std() {
				t.Errorf("monitored %v != healthy %v + broken %v", ah.Monitored.Std(), ah.Healthy.Std(), ah.Broken.Std())
			}
			if (tt.since == nil) != (ah.MonitoredSince == nil) || (tt.since != nil && !tt.since.Equal(*ah.MonitoredSince)) {
				t.Errorf("monitored since %v, want %v", ah.MonitoredSince, tt.since)
			}
			// The 90-day figure, which the window shows for a new account,
			// never counts the days before it was added.
			if tt.uptime >= 0 && tt.since != nil {
				wantPct(t, "90-day uptime", ah.Uptime90Pct, tt.uptime)
			}
		})
	}
	// A client with a new account and an old one: the new one weighs by its
	// monitored hours, not by the whole period.
	h := ComputeHealth("cli_1", "Acme", timelines(now,
		acct("old", imported(day(-40))),
		acct("new", imported(now.Add(-2*time.Hour)), failed(now.Add(-time.Hour), "invalid_token"))), p, now)
	wantPct(t, "client uptime", h.UptimePct, (30*24+1)/(30*24+2.0)*100)
}
