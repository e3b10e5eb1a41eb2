package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

// HistoryFilter is the activity view's filter. Dates are YYYY-MM-DD (Until
// includes its whole day) or RFC 3339; empty fields match everything.
type HistoryFilter struct {
	ClientID  string `json:"client_id"`
	AccountID string `json:"account_id"`
	Provider  string `json:"provider"`
	Kind      string `json:"kind"`
	Outcome   string `json:"outcome"`
	Since     string `json:"since"`
	Until     string `json:"until"`
	Query     string `json:"query"`
	BeforeID  int64  `json:"before_id"`
	Limit     int    `json:"limit"`
}

// HistoryPage is one page of events, newest first; NextBeforeID fetches the
// next (older) page, 0 when there is none.
type HistoryPage struct {
	Events       []EventView `json:"events"`
	NextBeforeID int64       `json:"next_before_id"`
}

func (f HistoryFilter) filter() (backend.EventFilter, error) {
	out := backend.EventFilter{ClientID: f.ClientID, AccountID: f.AccountID, Provider: f.Provider, Kind: f.Kind,
		Outcome: f.Outcome, Query: strings.TrimSpace(f.Query), BeforeID: f.BeforeID, Limit: f.Limit}
	var err error
	if out.Since, err = parseDay(f.Since, false); err != nil {
		return out, err
	}
	if out.Until, err = parseDay(f.Until, true); err != nil {
		return out, err
	}
	if out.Since != nil && out.Until != nil && !out.Since.Before(*out.Until) {
		return out, backend.Errorf(backend.EINVALID, "The start date is after the end date.")
	}
	return out, nil
}

// parseDay reads YYYY-MM-DD (local day; as an end it includes the whole day)
// or RFC 3339.
func parseDay(s string, end bool) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, time.Local)
	if err != nil {
		return nil, backend.Errorf(backend.EINVALID, "%q is not a date.", s).WithHint("Use YYYY-MM-DD.")
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return &t, nil
}

func eventView(e *backend.Event, now time.Time) EventView {
	return EventView{
		ID: e.ID, Time: e.Time.Format(time.RFC3339), TimePhrase: backend.Relative(e.Time, now),
		ClientName: e.ClientName, AccountID: e.AccountID, AccountLabel: e.AccountLabel, Provider: e.Provider,
		Kind: e.Kind, Outcome: e.Outcome, Reason: e.Reason, Message: e.Message,
	}
}

func (a *App) historyService() (*history.Service, error) {
	if a.history == nil {
		return nil, a.userError(a.openErr)
	}
	return a.history, nil
}

// History returns one page of the activity log matching the filter.
func (a *App) History(f HistoryFilter) (*HistoryPage, error) {
	hs, err := a.historyService()
	if err != nil {
		return nil, err
	}
	ef, err := f.filter()
	if err != nil {
		return nil, a.userError(err)
	}
	page, err := hs.Page(context.Background(), ef)
	if err != nil {
		return nil, a.userError(err)
	}
	now := time.Now()
	out := &HistoryPage{Events: make([]EventView, 0, len(page.Events)), NextBeforeID: page.NextBeforeID}
	for _, e := range page.Events {
		out.Events = append(out.Events, eventView(e, now))
	}
	return out, nil
}

// ClientHealth returns a client's health over the last days (30 or 90 are
// what the window offers): uptime, incidents, mean time to reconnect.
func (a *App) ClientHealth(clientID string, days int) (*history.ClientHealth, error) {
	hs, err := a.historyService()
	if err != nil {
		return nil, err
	}
	h, err := hs.ClientHealth(context.Background(), clientID, history.LastDays(clampDays(days), time.Now()))
	return h, a.userError(err)
}

// AccountTimeline returns an account's status over the last days, as
// intervals with the events on them.
func (a *App) AccountTimeline(accountID string, days int) (*history.AccountHealth, error) {
	hs, err := a.historyService()
	if err != nil {
		return nil, err
	}
	h, err := hs.AccountTimeline(context.Background(), accountID, history.LastDays(clampDays(days), time.Now()))
	return h, a.userError(err)
}

// Deadlines lists every reconnect-by date within the next days, soonest first.
func (a *App) Deadlines(days int) ([]history.Deadline, error) {
	hs, err := a.historyService()
	if err != nil {
		return nil, err
	}
	ds, err := hs.Deadlines(context.Background(), time.Duration(clampDays(days))*24*time.Hour)
	if ds == nil {
		ds = []history.Deadline{}
	}
	return ds, a.userError(err)
}

func clampDays(d int) int {
	switch {
	case d <= 0:
		return 30
	case d > 3650:
		return 3650
	}
	return d
}

// ExportRequest says what to export: "csv" or "json" (the activity log with
// Filter), "ics" (deadlines within Days) or "report" (ClientID's health
// report over the last Days, as printable HTML).
type ExportRequest struct {
	Format   string        `json:"format"`
	Filter   HistoryFilter `json:"filter"`
	ClientID string        `json:"client_id"`
	Days     int           `json:"days"`
}

// Export writes the export to the user's Downloads folder (else the data
// folder's exports/) and returns the file's path.
func (a *App) Export(req ExportRequest) (string, error) {
	hs, err := a.historyService()
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	var buf bytes.Buffer
	name := "tokenwarden-" + time.Now().Format("2006-01-02-150405")
	switch req.Format {
	case "csv", "json":
		ef, err := req.Filter.filter()
		if err != nil {
			return "", a.userError(err)
		}
		ef.Limit = 0
		if req.Format == "csv" {
			err = hs.ExportCSV(ctx, &buf, ef)
		} else {
			err = hs.ExportJSON(ctx, &buf, ef)
		}
		if err != nil {
			return "", a.userError(err)
		}
		name += "-history." + req.Format
	case "ics":
		if _, err := hs.ExportICS(ctx, &buf, time.Duration(clampDays(req.Days))*24*time.Hour, history.ICSOptions{}); err != nil {
			return "", a.userError(err)
		}
		name += "-deadlines.ics"
	case "report":
		if req.ClientID == "" {
			return "", a.userError(backend.Errorf(backend.EINVALID, "Choose a client for the report."))
		}
		if err := hs.ExportReport(ctx, &buf, req.ClientID, history.LastDays(clampDays(req.Days), time.Now())); err != nil {
			return "", a.userError(err)
		}
		name += "-report.html"
	default:
		return "", a.userError(backend.Errorf(backend.EINVALID, "Unknown export format %q.", req.Format))
	}
	dir := a.exportDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", a.userError(backend.Errorf(backend.EUNAVAILABLE, "Cannot create %s: %v.", dir, err))
	}
	path := filepath.Join(dir, name)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o600); err != nil {
		return "", a.userError(backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", path, err))
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", a.userError(backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", path, err))
	}
	return path, nil
}

// exportDir is ~/Downloads when it exists, else the data folder's exports/.
func (a *App) exportDir() string {
	if home, err := os.UserHomeDir(); err == nil {
		if st, err := os.Stat(filepath.Join(home, "Downloads")); err == nil && st.IsDir() {
			return filepath.Join(home, "Downloads")
		}
	}
	return filepath.Join(a.dataDir, "exports")
}

// pruneHistory folds routine successful checks into daily summaries a few
// minutes after start and then daily, so the database stays small.
func (a *App) pruneHistory(ctx context.Context) {
	if a.history == nil {
		return
	}
	timer := time.NewTimer(3 * time.Minute)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
			if _, err := a.history.Prune(ctx, history.DefaultRetention); err != nil {
				fmt.Fprintf(os.Stderr, "history: %v\n", err)
			}
			timer.Reset(24 * time.Hour)
		}
	}
}
