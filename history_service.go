package main

import (
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

// HistoryService answers the activity, health and deadline views and
// writes their exports.
type HistoryService struct {
	*shell
	history *history.Service
}

// History returns one page of the activity log matching the filter.
func (s *HistoryService) History(f HistoryFilter) (*HistoryPage, error) {
	if s.history == nil {
		return nil, s.closed()
	}
	ef, err := f.filter()
	if err != nil {
		return nil, s.userError(err)
	}
	page, err := s.history.Page(s.ctx, ef)
	if err != nil {
		return nil, s.userError(err)
	}
	now := s.now()
	out := &HistoryPage{Events: make([]EventView, 0, len(page.Events)), NextBeforeID: page.NextBeforeID}
	for _, e := range page.Events {
		out.Events = append(out.Events, eventView(e, now))
	}
	return out, nil
}

// ClientHealth returns a client's health over the last days (30 or 90 are
// what the window offers): uptime, incidents, mean time to reconnect.
func (s *HistoryService) ClientHealth(clientID string, days int) (*history.ClientHealth, error) {
	if s.history == nil {
		return nil, s.closed()
	}
	h, err := s.history.ClientHealth(s.ctx, clientID, history.LastDays(history.ClampDays(days), s.now()))
	return h, s.userError(err)
}

// AccountTimeline returns an account's status over the last days, as
// intervals with the events on them.
func (s *HistoryService) AccountTimeline(accountID string, days int) (*history.AccountHealth, error) {
	if s.history == nil {
		return nil, s.closed()
	}
	h, err := s.history.AccountTimeline(s.ctx, accountID, history.LastDays(history.ClampDays(days), s.now()))
	return h, s.userError(err)
}

// Deadlines lists every reconnect-by date within the next days, soonest first.
func (s *HistoryService) Deadlines(days int) ([]history.Deadline, error) {
	if s.history == nil {
		return nil, s.closed()
	}
	ds, err := s.history.Deadlines(s.ctx, time.Duration(history.ClampDays(days))*24*time.Hour)
	if ds == nil {
		ds = []history.Deadline{}
	}
	return ds, s.userError(err)
}

// Export writes the activity (CSV, JSON) or the deadlines (ICS) to the
// user's Downloads folder (else the data folder's exports/) and returns the
// file's path. Client reports go through ReportService, which asks where.
func (s *HistoryService) Export(req ExportRequest) (string, error) {
	if s.history == nil {
		return "", s.closed()
	}
	if req.Format == history.FormatReport {
		return "", s.userError(backend.Errorf(backend.EINVALID, "Client reports are saved with Export report, which asks where."))
	}
	var ef backend.EventFilter // the activity log's only
	if req.Format == history.FormatCSV || req.Format == history.FormatJSON {
		var err error
		if ef, err = req.Filter.filter(); err != nil {
			return "", s.userError(err)
		}
	}
	path, err := s.history.ExportFile(s.ctx, history.ExportRequest{Format: req.Format, Filter: ef, ClientID: req.ClientID, Days: req.Days}, history.ExportDir(s.dataDir))
	return path, s.userError(err)
}

// ActivityPage is one page of the activity view, newest first, grouped by
// the viewer's calendar day.
type ActivityPage struct {
	Days          []ActivityDay `json:"days"`
	NextBeforeID  int64         `json:"next_before_id"`
	RoutineHidden bool          `json:"routine_hidden"`
}

// ActivityDay is one day's events; Day is YYYY-MM-DD in local time.
type ActivityDay struct {
	Day    string      `json:"day"`
	Events []EventView `json:"events"`
}

// Activity returns a page of the activity log matching the filter, routine
// successful checks left out unless includeRoutine.
func (s *HistoryService) Activity(f HistoryFilter, includeRoutine bool) (*ActivityPage, error) {
	if s.history == nil {
		return nil, s.closed()
	}
	ef, err := f.filter()
	if err != nil {
		return nil, s.userError(err)
	}
	page, err := s.history.Activity(s.ctx, ef, includeRoutine, time.Local)
	if err != nil {
		return nil, s.userError(err)
	}
	now := s.now()
	out := &ActivityPage{Days: make([]ActivityDay, 0, len(page.Days)), NextBeforeID: page.NextBeforeID, RoutineHidden: page.RoutineHidden}
	for _, d := range page.Days {
		day := ActivityDay{Day: d.Day, Events: make([]EventView, 0, len(d.Events))}
		for _, e := range d.Events {
			day.Events = append(day.Events, eventView(e, now))
		}
		out.Days = append(out.Days, day)
	}
	return out, nil
}

// HealthOverview returns one row per client over the last days, worst first.
func (s *HistoryService) HealthOverview(days int) ([]history.ClientOverview, error) {
	if s.history == nil {
		return nil, s.closed()
	}
	rows, err := s.history.HealthOverview(s.ctx, history.LastDays(history.ClampDays(days), s.now()))
	if rows == nil {
		rows = []history.ClientOverview{}
	}
	return rows, s.userError(err)
}

// IncidentChart is each client's incidents per week, the clients with most
// incidents first. Weeks are the Mondays (YYYY-MM-DD, UTC) that start them,
// WeekLabels the same as the window shows them ("30 Nov").
type IncidentChart struct {
	Weeks      []string                      `json:"weeks"`
	WeekLabels []string                      `json:"week_labels"`
	Clients    []history.ClientIncidentWeeks `json:"clients"`
}

// IncidentsPerWeek counts each client's incidents per week over the last days.
func (s *HistoryService) IncidentsPerWeek(days int) (*IncidentChart, error) {
	if s.history == nil {
		return nil, s.closed()
	}
	c, err := s.history.IncidentsPerWeek(s.ctx, history.LastDays(history.ClampDays(days), s.now()))
	if err != nil {
		return nil, s.userError(err)
	}
	out := &IncidentChart{Weeks: []string{}, WeekLabels: []string{}, Clients: c.Clients}
	for _, w := range c.Weeks {
		out.Weeks = append(out.Weeks, w.UTC().Format(time.DateOnly))
		out.WeekLabels = append(out.WeekLabels, w.UTC().Format("2 Jan"))
	}
	return out, nil
}
