package history

import (
	"context"
	"errors"
	"io"
	"io/fs"
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

// WriteFile writes path through a temporary file moved into place, so a
// failed export leaves no half file. Exports hold client data, so the file
// is readable by the user only (0600). It never writes through a symbolic
// link nor onto a device, pipe, socket or folder: such a target is an
// EINVALID error and is left as it was.
func WriteFile(path string, write func(io.Writer) error) error {
	exists, err := checkExportTarget(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // 0600, O_EXCL
	if err != nil {
		return backend.Errorf(backend.EINVALID, "Cannot write to %s: %v.", dir, errors.Unwrap(err))
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once moved
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", path, err)
	}
	if !exists {
		// A new file is linked into place, which fails if anything (a
		// link planted since the check) took the name meanwhile.
		err := os.Link(tmp.Name(), path)
		if err == nil {
			return nil
		}
		if errors.Is(err, fs.ErrExist) {
			return backend.Errorf(backend.EINVALID, "Cannot write %s: a file of that name appeared while exporting.", path).
				WithHint("Export again, or choose another file name.")
		}
		// The file system has no hard links (FAT, some network shares):
		// check again and rename.
		if _, err := checkExportTarget(path); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", path, errors.Unwrap(err))
	}
	return nil
}

// checkExportTarget reports whether path exists as a regular file, and
// refuses a symbolic link or any other kind of file there.
func checkExportTarget(path string) (exists bool, err error) {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", path, errors.Unwrap(err))
	case st.Mode()&fs.ModeSymlink != 0:
		return false, backend.Errorf(backend.EINVALID, "Cannot write %s: it is a symbolic link, and Tokenwarden does not write exports through links.", path).
			WithHint("Choose another file name, or remove the link first.")
	case st.IsDir():
		return false, backend.Errorf(backend.EINVALID, "Cannot write %s: it is a folder.", path).
			WithHint("Add a file name to the folder's path.")
	case !st.Mode().IsRegular():
		return false, backend.Errorf(backend.EINVALID, "Cannot write %s: it is not a regular file (a device, pipe or socket).", path).
			WithHint("Choose an ordinary file name.")
	}
	return true, nil
}

// writeBytes writes data to path by WriteFile.
func writeBytes(path string, data []byte) error {
	return WriteFile(path, func(w io.Writer) error {
		if _, err := w.Write(data); err != nil {
			return backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", path, err)
		}
		return nil
	})
}
