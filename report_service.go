package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

// ReportService writes the reports a freelancer sends to clients, through
// the system's save dialogs, and keeps their look (the report settings).
type ReportService struct {
	*shell
	history  *history.Service
	settings *history.ReportSettingsService

	mu sync.Mutex
	// saved holds the files and folders written this session: the only
	// paths OpenReport and ShowReportInFolder open, so the window cannot be
	// made to open anything else.
	saved map[string]bool
	// lastDir is where the last report went; the next dialog starts there.
	lastDir string
}

// Report period choices, from the newest back.
const (
	PeriodThisMonth  = "this_month"
	PeriodLastMonth  = "last_month"
	PeriodLast30Days = "last_30_days"
)

// ReportPeriod is one period the report dialog offers.
type ReportPeriod struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// ReportRequest asks for a report of one client (ClientID) or of every
// client (ClientID ""), over a ReportPeriod's ID, as "pdf" or "html".
type ReportRequest struct {
	ClientID string `json:"client_id"`
	Period   string `json:"period"`
	Format   string `json:"format"`
}

// ReportsSaved says what an export wrote. Folder is where the files are;
// "" (and no reports) when the user cancelled the dialog.
type ReportsSaved struct {
	Folder  string                `json:"folder"`
	Reports []history.SavedReport `json:"reports"`
}

// reportPeriod turns a period choice into whole UTC days: the calendar
// month before now's, now's month up to today included, or the 30 days up
// to today included.
func reportPeriod(id string, now time.Time) (history.Period, error) {
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	switch id {
	case PeriodLastMonth:
		return history.Period{From: month.AddDate(0, -1, 0), To: month}, nil
	case PeriodThisMonth:
		return history.Period{From: month, To: today.AddDate(0, 0, 1)}, nil
	case PeriodLast30Days, "":
		return history.Period{From: today.AddDate(0, 0, -29), To: today.AddDate(0, 0, 1)}, nil
	}
	return history.Period{}, backend.Errorf(backend.EINVALID, "Unknown report period %q.", id)
}

// ReportPeriods lists the periods the report dialog offers, named as the
// report names them ("November 2026").
func (s *ReportService) ReportPeriods() []ReportPeriod {
	out := []ReportPeriod{}
	for _, id := range []string{PeriodLastMonth, PeriodThisMonth, PeriodLast30Days} {
		p, _ := reportPeriod(id, s.now())
		label := history.PeriodName(p)
		switch id {
		case PeriodThisMonth:
			label += " (so far)"
		case PeriodLast30Days:
			label = "Last 30 days (" + label + ")"
		}
		out = append(out, ReportPeriod{ID: id, Label: label})
	}
	return out
}

// ReportSettings returns the report settings (the defaults until saved).
func (s *ReportService) ReportSettings() (backend.ReportSettings, error) {
	if s.settings == nil {
		return backend.ReportSettings{}, s.closed()
	}
	st, err := s.settings.Settings(s.ctx)
	return st, s.userError(err)
}

// SaveReportSettings checks and saves the settings (not the logo: ChooseLogo
// and RemoveLogo change it) and returns them as saved.
func (s *ReportService) SaveReportSettings(in backend.ReportSettings) (backend.ReportSettings, error) {
	if s.settings == nil {
		return backend.ReportSettings{}, s.closed()
	}
	st, err := s.settings.Save(s.ctx, in)
	return st, s.userError(err)
}

// ChooseLogo asks for a PNG or SVG file and makes it the reports' logo.
// It returns the settings, unchanged when the user cancels.
func (s *ReportService) ChooseLogo() (backend.ReportSettings, error) {
	if s.settings == nil {
		return backend.ReportSettings{}, s.closed()
	}
	path, err := s.desktop.OpenFile("Choose a logo for your reports", []fileFilter{{Name: "Logo (PNG or SVG)", Pattern: "*.png;*.svg"}})
	if err != nil {
		return backend.ReportSettings{}, s.userError(err)
	}
	if path == "" {
		return s.ReportSettings()
	}
	st, err := s.settings.SetLogo(s.ctx, path)
	return st, s.userError(err)
}

// RemoveLogo takes the logo off the reports.
func (s *ReportService) RemoveLogo() (backend.ReportSettings, error) {
	if s.settings == nil {
		return backend.ReportSettings{}, s.closed()
	}
	st, err := s.settings.RemoveLogo(s.ctx)
	return st, s.userError(err)
}

// ExportReport asks where to save the report of one client, proposing
// "<client> - connection report - <period>.pdf", and writes it there. The
// file's extension, when it is .pdf or .html, decides the format.
func (s *ReportService) ExportReport(req ReportRequest) (*ReportsSaved, error) {
	if s.history == nil {
		return nil, s.closed()
	}
	p, format, b, err := s.prepare(req)
	if err != nil {
		return nil, s.userError(err)
	}
	h, err := s.history.ClientHealth(s.ctx, req.ClientID, p)
	if err != nil {
		return nil, s.userError(err)
	}
	filter := fileFilter{Name: "PDF document", Pattern: "*.pdf"}
	if format == history.FormatHTML {
		filter = fileFilter{Name: "Web page", Pattern: "*.html;*.htm"}
	}
	path, err := s.desktop.SaveFile("Save the report of "+h.ClientName, s.startDir(), history.ReportFileName(h.ClientName, p, format), []fileFilter{filter})
	if err != nil || path == "" {
		return &ReportsSaved{Reports: []history.SavedReport{}}, s.userError(err)
	}
	if !filepath.IsAbs(path) {
		return nil, s.userError(backend.Errorf(backend.EINVALID, "%s is not a full path.", path))
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pdf", ".html", ".htm":
		format, _ = history.ReportFormat(path, "")
	default:
		path += "." + format
	}
	saved, err := s.history.SaveReport(s.ctx, req.ClientID, p, format, b, path)
	if err != nil {
		return nil, s.userError(err)
	}
	s.remember(filepath.Dir(path), path)
	return &ReportsSaved{Folder: filepath.Dir(path), Reports: []history.SavedReport{*saved}}, nil
}

// ExportAllReports asks for a folder and writes one report per client into
// it. On a failure it returns the error; the files written before it stay.
func (s *ReportService) ExportAllReports(req ReportRequest) (*ReportsSaved, error) {
	if s.history == nil {
		return nil, s.closed()
	}
	p, format, b, err := s.prepare(req)
	if err != nil {
		return nil, s.userError(err)
	}
	dir, err := s.desktop.ChooseFolder("Choose a folder for the reports", s.startDir())
	if err != nil || dir == "" {
		return &ReportsSaved{Reports: []history.SavedReport{}}, s.userError(err)
	}
	saved, err := s.history.SaveAllReports(s.ctx, p, format, b, dir)
	paths := []string{dir}
	for _, r := range saved {
		paths = append(paths, r.Path)
	}
	s.remember(dir, paths...)
	if err != nil {
		return nil, s.userError(err)
	}
	return &ReportsSaved{Folder: dir, Reports: saved}, nil
}

// OpenReport opens a report written this session in the system's viewer
// (a folder of reports in the file manager).
func (s *ReportService) OpenReport(path string) error {
	return s.open(path, path)
}

// ShowReportInFolder opens the folder of a report written this session.
func (s *ReportService) ShowReportInFolder(path string) error {
	return s.open(path, filepath.Dir(path))
}

// open opens target when Tokenwarden wrote path this session.
func (s *ReportService) open(path, target string) error {
	s.mu.Lock()
	known := s.saved[path]
	s.mu.Unlock()
	if !known {
		return s.userError(backend.Errorf(backend.EINVALID, "Tokenwarden did not write %s.", path))
	}
	if err := s.desktop.OpenPath(target); err != nil {
		return s.userError(backend.Errorf(backend.EUNAVAILABLE, "Could not open %s: %v", target, err))
	}
	return nil
}

func (s *ReportService) prepare(req ReportRequest) (history.Period, string, *history.Branding, error) {
	p, err := reportPeriod(req.Period, s.now())
	if err != nil {
		return p, "", nil, err
	}
	format, err := history.ReportFormat("", req.Format)
	if err != nil {
		return p, "", nil, err
	}
	b, err := s.settings.Branding(s.ctx)
	return p, format, b, err
}

// startDir is where a save dialog opens: the last report's folder, else
// Downloads, else the home folder.
func (s *ReportService) startDir() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastDir != "" {
		return s.lastDir
	}
	if dir := history.ExportDir(s.dataDir); isDir(dir) {
		return dir
	}
	home, _ := os.UserHomeDir()
	return home
}

func (s *ReportService) remember(dir string, paths ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saved == nil {
		s.saved = map[string]bool{}
	}
	s.lastDir = dir
	for _, p := range paths {
		s.saved[p] = true
	}
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
