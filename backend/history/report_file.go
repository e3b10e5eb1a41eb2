package history

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Report formats.
const (
	FormatPDF  = "pdf"
	FormatHTML = "html"
)

// Write writes the report in format (FormatPDF or FormatHTML).
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case FormatPDF:
		return r.WritePDF(w)
	case FormatHTML:
		return r.WriteHTML(w)
	}
	return backend.Errorf(backend.EINVALID, "Unknown report format %q.", format).WithHint("Use pdf or html.")
}

// ReportFormat picks the format: the one asked for ("pdf", "html"), else
// the file's extension (.pdf, .html, .htm), else PDF.
func ReportFormat(path, asked string) (string, error) {
	switch asked = strings.ToLower(strings.TrimSpace(asked)); asked {
	case FormatPDF, FormatHTML:
		return asked, nil
	case "":
	default:
		return "", backend.Errorf(backend.EINVALID, "Unknown report format %q.", asked).WithHint("Use pdf or html.")
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		return FormatHTML, nil
	}
	return FormatPDF, nil
}

// PeriodName names a period of whole UTC days the way a person would:
// "November 2026" for a calendar month, "3–16 Nov 2026", "28 Oct – 3 Nov
// 2026", "30 Dec 2025 – 2 Jan 2026". To is exclusive.
func PeriodName(p Period) string {
	from, last := p.From.UTC(), p.To.UTC().Add(-time.Nanosecond)
	if !p.To.After(p.From) {
		last = from
	}
	if from.Day() == 1 && from.Truncate(24*time.Hour).Equal(from) && p.To.UTC().Equal(from.AddDate(0, 1, 0)) {
		return from.Format("January 2006")
	}
	switch {
	case from.Year() != last.Year():
		return from.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
	case from.Month() != last.Month():
		return from.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	case from.Day() != last.Day():
		return fmt.Sprintf("%d–%s", from.Day(), last.Format("2 Jan 2006"))
	}
	return from.Format("2 Jan 2006")
}

// ReportFileName proposes "<client> - connection report - <period>.<format>",
// safe on every file system: no path separators, no characters Windows
// refuses, no control characters, no trailing dot or space, at most 200 bytes.
func ReportFileName(client string, p Period, format string) string {
	name := SafeFileName(client)
	if name == "" {
		name = "Client"
	}
	suffix := " - connection report - " + SafeFileName(PeriodName(p)) + "." + format
	for len(name)+len(suffix) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = strings.TrimRight(name[:len(name)-size], " .")
	}
	return name + suffix
}

// SafeFileName replaces what file systems refuse in a name (/ \ : * ? " < >
// |, control characters) with "-", folds runs of spaces, and trims spaces
// and dots at the ends.
func SafeFileName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r):
			return '-'
		case r == utf8.RuneError:
			return '-'
		}
		return r
	}, s)
	return strings.Trim(strings.Join(strings.Fields(s), " "), " .")
}

// SavedReport says what SaveReport wrote.
type SavedReport struct {
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name"`
	Path       string `json:"path"`
	Format     string `json:"format"`
	Accounts   int    `json:"accounts"`
	Incidents  int    `json:"incidents"`
}

// SaveReport writes a client's report over p to path (atomically: a failed
// export leaves no half file), in format, styled by b (nil: defaults).
func (s *Service) SaveReport(ctx context.Context, clientID string, p Period, format string, b *Branding, path string) (*SavedReport, error) {
	r, err := s.ClientReport(ctx, clientID, p, b)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := r.Write(&buf, format); err != nil {
		return nil, err
	}
	if err := writeBytes(path, buf.Bytes()); err != nil {
		return nil, err
	}
	return &SavedReport{ClientID: r.Health.ClientID, ClientName: r.Health.ClientName, Path: path, Format: format,
		Accounts: len(r.Health.Accounts), Incidents: len(r.Health.Incidents)}, nil
}

// SaveAllReports writes one report per client into dir, named by
// ReportFileName (two clients whose names differ only in characters a file
// name cannot hold get " (2)"). It stops at the first failure, returning
// what it wrote so far.
func (s *Service) SaveAllReports(ctx context.Context, p Period, format string, b *Branding, dir string) ([]SavedReport, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, backend.Errorf(backend.EINVALID, "%s is not a folder.", dir).WithHint("Create it first, or choose another one.")
	}
	var clients []*backend.Client
	err := s.Store.HistoryView(ctx, func(tx backend.HistoryTx) (err error) {
		clients, err = tx.Clients()
		return err
	})
	if err != nil {
		return nil, err
	}
	out := []SavedReport{}
	used := map[string]bool{}
	for _, c := range clients {
		name := ReportFileName(c.Name, p, format)
		for i := 2; used[strings.ToLower(name)]; i++ {
			base := strings.TrimSuffix(ReportFileName(c.Name, p, format), "."+format)
			name = fmt.Sprintf("%s (%d).%s", base, i, format)
		}
		used[strings.ToLower(name)] = true
		saved, err := s.SaveReport(ctx, c.ID, p, format, b, filepath.Join(dir, name))
		if err != nil {
			return out, err
		}
		out = append(out, *saved)
	}
	return out, nil
}
