package history

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// ClientOverview is one client's row in the all-clients health overview.
type ClientOverview struct {
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name"`
	// UptimePct is over the accounts' monitored time; nil when nothing was
	// monitored in the period.
	UptimePct *float64 `json:"uptime_pct"`
	Incidents int      `json:"incidents"`
	// Ongoing counts the incidents still going on.
	Ongoing int `json:"ongoing"`
	// NeedsAttention counts the accounts broken or expiring now; Accounts
	// those in the period.
	NeedsAttention int `json:"needs_attention"`
	Accounts       int `json:"accounts"`
}

// HealthOverview returns one row per client over p, worst first: most
// accounts needing attention, then lowest uptime (none counts as best: no
// data is no trouble), then most incidents, then by name. One read
// transaction, so the rows agree with each other.
func (s *Service) HealthOverview(ctx context.Context, p Period) ([]ClientOverview, error) {
	now := s.now()
	out := []ClientOverview{}
	opt, err := s.Options(ctx)
	if err != nil {
		return out, err
	}
	err = s.Store.HistoryView(ctx, func(tx backend.HistoryTx) error {
		clients, err := tx.Clients()
		if err != nil {
			return err
		}
		for _, c := range clients {
			h, err := s.clientHealth(tx, c.ID, p, now, opt)
			if err != nil {
				return err
			}
			row := ClientOverview{ClientID: c.ID, ClientName: c.Name, UptimePct: h.UptimePct, Incidents: len(h.Incidents),
				NeedsAttention: len(h.NeedsAttention), Accounts: len(h.Accounts)}
			for _, in := range h.Incidents {
				if in.Ongoing {
					row.Ongoing++
				}
			}
			out = append(out, row)
		}
		return nil
	})
	slices.SortStableFunc(out, compareWorstFirst)
	return out, err
}

func compareWorstFirst(a, b ClientOverview) int {
	uptime := func(p *float64) float64 {
		if p == nil {
			return 101
		}
		return *p
	}
	return cmp.Or(
		cmp.Compare(b.NeedsAttention, a.NeedsAttention),
		cmp.Compare(uptime(a.UptimePct), uptime(b.UptimePct)),
		cmp.Compare(b.Incidents, a.Incidents),
		strings.Compare(strings.ToLower(a.ClientName), strings.ToLower(b.ClientName)),
		strings.Compare(a.ClientID, b.ClientID))
}

// IncidentChart counts incidents per week and client, for a chart: Weeks
// are the Mondays (00:00 UTC) starting each week that overlaps the period;
// each client's Counts[i] is the number of its incidents that began in week
// i (an incident begun before the period counts in the first week).
type IncidentChart struct {
	Weeks   []time.Time           `json:"weeks"`
	Clients []ClientIncidentWeeks `json:"clients"`
}

// ClientIncidentWeeks is one client's series in an IncidentChart.
type ClientIncidentWeeks struct {
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name"`
	Counts     []int  `json:"counts"`
	Total      int    `json:"total"`
}

// IncidentsPerWeek counts every client's incidents per week over p, the
// clients with most incidents first.
func (s *Service) IncidentsPerWeek(ctx context.Context, p Period) (*IncidentChart, error) {
	now := s.now()
	if p.To.After(now) {
		p.To = now
	}
	chart := &IncidentChart{Weeks: Weeks(p), Clients: []ClientIncidentWeeks{}}
	opt, err := s.Options(ctx)
	if err != nil {
		return nil, err
	}
	err = s.Store.HistoryView(ctx, func(tx backend.HistoryTx) error {
		clients, err := tx.Clients()
		if err != nil {
			return err
		}
		for _, c := range clients {
			h, err := s.clientHealth(tx, c.ID, p, now, opt)
			if err != nil {
				return err
			}
			series := ClientIncidentWeeks{ClientID: c.ID, ClientName: c.Name, Counts: make([]int, len(chart.Weeks))}
			for _, in := range h.Incidents {
				if i := weekIndex(chart.Weeks, in.Start); i >= 0 {
					series.Counts[i]++
					series.Total++
				}
			}
			chart.Clients = append(chart.Clients, series)
		}
		return nil
	})
	slices.SortStableFunc(chart.Clients, func(a, b ClientIncidentWeeks) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), strings.Compare(strings.ToLower(a.ClientName), strings.ToLower(b.ClientName)))
	})
	return chart, err
}

// Weeks returns the Mondays 00:00 UTC that start the weeks overlapping p.
func Weeks(p Period) []time.Time {
	out := []time.Time{}
	if !p.To.After(p.From) {
		return out
	}
	d := p.From.UTC().Truncate(24 * time.Hour)
	monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	for w := monday; w.Before(p.To); w = w.AddDate(0, 0, 7) {
		out = append(out, w)
	}
	return out
}

// weekIndex returns the index of the week holding t; a time before the
// first week counts in it, one after the last is -1.
func weekIndex(weeks []time.Time, t time.Time) int {
	if len(weeks) == 0 {
		return -1
	}
	if t.Before(weeks[0]) {
		return 0
	}
	i := int(t.Sub(weeks[0]) / (7 * 24 * time.Hour))
	if i >= len(weeks) {
		return -1
	}
	return i
}
