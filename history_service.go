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

// Export writes the export to the user's Downloads folder (else the data
// folder's exports/) and returns the file's path.
func (s *HistoryService) Export(req ExportRequest) (string, error) {
	if s.history == nil {
		return "", s.closed()
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
