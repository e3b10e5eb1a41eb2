package history

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// explainFor puts a reason code in plain words. The client view never shows
// a raw code: a code without words of its own reads as the generic sentence.
func explainFor(reason string, clientView bool) string {
	if clientView && !explained(reason) {
		return Explain(backend.ReasonUnknown)
	}
	return Explain(reason)
}

// explained reports whether Explain has words of its own for the code.
func explained(reason string) bool {
	if d := backend.Diagnose(reason); d.Reason == reason {
		return true
	}
	_, ok := explanations[reason]
	return ok
}

// accountBars draws an account's period as segments in percent of it: the
// time before monitoring began (or before the account existed) as
// "unmonitored", then its states. A segment too short to see gets a
// sliver's width.
func accountBars(a *AccountHealth, p Period) []reportBar {
	span := p.To.Sub(p.From)
	if span <= 0 {
		return nil
	}
	pctOf := func(d time.Duration) float64 { return float64(d) / float64(span) * 100 }
	var bars []reportBar
	if a.MonitoredSince != nil {
		bars = append(bars, reportBar{Class: "unmonitored", Left: 0, Width: pctOf(a.MonitoredSince.Sub(p.From)),
			Title: "not monitored before " + a.MonitoredSince.UTC().Format(reportTimeFormat)})
	}
	for _, iv := range a.Intervals {
		bars = append(bars, reportBar{Class: string(iv.State), Left: pctOf(iv.Start.Sub(p.From)),
			Width: math.Max(pctOf(iv.End.Sub(iv.Start)), 0.2),
			Title: fmt.Sprintf("%s from %s to %s", iv.State, iv.Start.UTC().Format(reportTimeFormat), iv.End.UTC().Format(reportTimeFormat))})
	}
	return bars
}

// checkCounts counts each account's checks with a verdict in p, the daily
// summaries' counts included, for the internal view of a report.
func (s *Service) checkCounts(ctx context.Context, clientID string, p Period) (map[string]int, error) {
	counts := map[string]int{}
	from, to := p.From, p.To
	for _, kind := range []string{backend.EventAccountChecked, backend.EventChecksSummarized} {
		err := s.EachEvent(ctx, backend.EventFilter{ClientID: clientID, Kind: kind, Since: &from, Until: &to}, func(e *backend.Event) error {
			n := 1
			if kind == backend.EventChecksSummarized {
				switch c := e.Details["count"].(type) {
				case float64:
					n = int(c)
				case int:
					n = c
				}
			}
			counts[e.AccountID] += n
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return counts, nil
}
