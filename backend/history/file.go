package history

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Export formats of ExportFile.
const (
	FormatCSV    = "csv"    // the activity log
	FormatJSON   = "json"   // the activity log
	FormatICS    = "ics"    // the reconnect-by deadlines, for a calendar
	FormatReport = "report" // a client's health report, printable HTML
)

// ExportRequest says what ExportFile writes: the activity log matching
// Filter (csv, json; Filter.Limit is ignored), the deadlines within Days
// (ics) or ClientID's health report over the last Days (report).
type ExportRequest struct {
	Format   string
	Filter   backend.EventFilter
	ClientID string
	Days     int
}

// ClampDays is the number of days a view or an export covers: 30 when none
// is given, at most ten years.
func ClampDays(d int) int {
	switch {
	case d <= 0:
		return 30
	case d > 3650:
		return 3650
	}
	return d
}

// ExportFile writes the export into dir (made if missing) under a name that
// says when and what, "tokenwarden-2026-12-01-150405-history.csv", and
// returns the file's path. Bad input is an EINVALID error and writes nothing.
func (s *Service) ExportFile(ctx context.Context, req ExportRequest, dir string) (string, error) {
	now := s.now()
	var write func(io.Writer) error
	var what string
	switch req.Format {
	case FormatCSV, FormatJSON:
		f := req.Filter
		f.Limit = 0
		what = "history." + req.Format
		write = func(w io.Writer) error {
			if req.Format == FormatCSV {
				return s.ExportCSV(ctx, w, f)
			}
			return s.ExportJSON(ctx, w, f)
		}
	case FormatICS:
		what = "deadlines.ics"
		write = func(w io.Writer) error {
			_, err := s.ExportICS(ctx, w, time.Duration(ClampDays(req.Days))*24*time.Hour, ICSOptions{})
			return err
		}
	case FormatReport:
		if req.ClientID == "" {
			return "", backend.Errorf(backend.EINVALID, "Choose a client for the report.")
		}
		what = "report.html"
		write = func(w io.Writer) error {
			return s.ExportReport(ctx, w, req.ClientID, LastDays(ClampDays(req.Days), now))
		}
	default:
		return "", backend.Errorf(backend.EINVALID, "Unknown export format %q.", backend.Clip(req.Format))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", backend.Errorf(backend.EUNAVAILABLE, "Cannot create %s: %v.", dir, err)
	}
	path := filepath.Join(dir, "tokenwarden-"+now.Local().Format("2006-01-02-150405")+"-"+what)
	return path, WriteFile(path, write)
}

// ExportDir is where the window saves exports: ~/Downloads when it exists,
// else the data folder's exports/.
func ExportDir(dataDir string) string {
	if home, err := os.UserHomeDir(); err == nil {
		if st, err := os.Stat(filepath.Join(home, "Downloads")); err == nil && st.IsDir() {
			return filepath.Join(home, "Downloads")
		}
	}
	return filepath.Join(dataDir, "exports")
}

// WriteFile writes path through a temporary file renamed into place, so a
// failed export leaves no half file. Exports hold client data, so the file
// is readable by the user only.
func WriteFile(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return backend.Errorf(backend.EINVALID, "Cannot write to %s: %v.", dir, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", path, err)
	}
	return nil
}
