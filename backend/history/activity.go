package history

import (
	"context"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// ActivityPage is one page of the activity view: events newest first,
// grouped by day.
type ActivityPage struct {
	Days []ActivityDay `json:"days"`
	// NextBeforeID is the BeforeID of the next (older) page; 0 when this
	// page is the last. A day can go on on the next page: its first group
	// then has the same Day as this page's last.
	NextBeforeID int64 `json:"next_before_id"`
	// RoutineHidden says whether routine successful checks were left out.
	RoutineHidden bool `json:"routine_hidden"`
}

// ActivityDay is the events of one calendar day, newest first.
type ActivityDay struct {
	Day    string           `json:"day"` // YYYY-MM-DD in the viewer's time zone
	Events []*backend.Event `json:"events"`
}

// Activity returns a page of the activity log matching f, leaving out the
// routine successful checks (and their daily summaries) unless
// includeRoutine, grouped by day in loc (nil: UTC).
func (s *Service) Activity(ctx context.Context, f backend.EventFilter, includeRoutine bool, loc *time.Location) (*ActivityPage, error) {
	f.HideRoutine = !includeRoutine
	p, err := s.Page(ctx, f)
	if err != nil {
		return nil, err
	}
	return &ActivityPage{Days: GroupByDay(p.Events, loc), NextBeforeID: p.NextBeforeID, RoutineHidden: f.HideRoutine}, nil
}

// GroupByDay groups events (newest first) into consecutive runs of the same
// calendar day in loc (nil: UTC).
func GroupByDay(es []*backend.Event, loc *time.Location) []ActivityDay {
	if loc == nil {
		loc = time.UTC
	}
	out := []ActivityDay{}
	for _, e := range es {
		day := e.Time.In(loc).Format(time.DateOnly)
		if n := len(out); n > 0 && out[n-1].Day == day {
			out[n-1].Events = append(out[n-1].Events, e)
			continue
		}
		out = append(out, ActivityDay{Day: day, Events: []*backend.Event{e}})
	}
	return out
}
