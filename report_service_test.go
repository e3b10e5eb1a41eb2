package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

func TestReportPeriod(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 40, 0, 0, time.UTC)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		id       string
		from, to time.Time
		name     string
	}{
		{PeriodLastMonth, day(11, 1), day(12, 1), "November 2026"},
		{PeriodThisMonth, day(12, 1), day(12, 3), "1–2 Dec 2026"},
		{PeriodLast30Days, day(11, 3), day(12, 3), "3 Nov – 2 Dec 2026"},
	} {
		p, err := reportPeriod(tc.id, now)
		if err != nil || !p.From.Equal(tc.from) || !p.To.Equal(tc.to) || history.PeriodName(p) != tc.name {
			t.Errorf("%s: %v–%v %q, %v; want %v–%v %q", tc.id, p.From, p.To, history.PeriodName(p), err, tc.from, tc.to, tc.name)
		}
	}
	if _, err := reportPeriod("last_year", now); err == nil {
		t.Error("an unknown period was accepted")
	}
}

// TestExportReportThroughSaveDialog proposes the client's file name, writes
// the file the dialog answered, and opens only what it wrote.
func TestExportReportThroughSaveDialog(t *testing.T) {
	w, d, svc := newTestWindow(t)
	ctx := context.Background()
	c, err := svc.AddClient(ctx, "Acme Bakery")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportAccount(ctx, accounts.ImportRequest{ClientID: c.ID, Provider: "x", Label: "Acme X",
		Token: backend.Token{AccessToken: "secret-access-token"}}); err != nil {
		t.Fatal(err)
	}
	p, _ := reportPeriod(PeriodLast30Days, time.Now())
	wantName := "Acme Bakery - connection report - " + history.PeriodName(p) + ".pdf"

	// Cancelled: nothing written, nothing opened.
	got, err := w.reports.ExportReport(ReportRequest{ClientID: c.ID, Period: PeriodLast30Days, Format: "pdf"})
	if err != nil || got.Folder != "" || len(got.Reports) != 0 {
		t.Fatalf("cancelled export: %+v, %v", got, err)
	}
	if len(d.asked) != 1 || !strings.HasSuffix(d.asked[0], ": "+wantName) {
		t.Fatalf("the save dialog was asked %q; want the name %q", d.asked, wantName)
	}

	dir := t.TempDir()
	for _, tc := range []struct{ answer, format, path, magic string }{
		{filepath.Join(dir, "november.pdf"), "pdf", filepath.Join(dir, "november.pdf"), "%PDF-"},
		{filepath.Join(dir, "november"), "html", filepath.Join(dir, "november.html"), "<!DOCTYPE html>"},
		{filepath.Join(dir, "asked pdf.html"), "pdf", filepath.Join(dir, "asked pdf.html"), "<!DOCTYPE html>"},
	} {
		d.saveAs = tc.answer
		got, err := w.reports.ExportReport(ReportRequest{ClientID: c.ID, Period: PeriodLast30Days, Format: tc.format})
		if err != nil || len(got.Reports) != 1 || got.Reports[0].Path != tc.path || got.Folder != dir {
			t.Fatalf("export to %s: %+v, %v; want %s", tc.answer, got, err, tc.path)
		}
		data, err := os.ReadFile(tc.path)
		if err != nil || !bytes.HasPrefix(bytes.TrimSpace(data), []byte(tc.magic)) {
			t.Fatalf("%s starts %.20q, %v; want %q", tc.path, data, err, tc.magic)
		}
		if bytes.Contains(data, []byte("secret-access-token")) {
			t.Fatalf("%s holds the token", tc.path)
		}
	}

	if err := w.reports.OpenReport(filepath.Join(dir, "november.pdf")); err != nil {
		t.Fatal(err)
	}
	if err := w.reports.ShowReportInFolder(filepath.Join(dir, "november.pdf")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/etc/passwd", dir, filepath.Join(dir, "other.pdf")} {
		if err := w.reports.OpenReport(p); err == nil {
			t.Errorf("OpenReport(%s) opened a file the app did not write", p)
		}
	}
	if want := []string{filepath.Join(dir, "november.pdf"), dir}; strings.Join(d.openedPaths, "|") != strings.Join(want, "|") {
		t.Errorf("opened %q; want %q", d.openedPaths, want)
	}

	if _, err := w.reports.ExportReport(ReportRequest{ClientID: c.ID, Period: "last_year"}); err == nil {
		t.Error("an unknown period was accepted")
	}
	if _, err := w.reports.ExportReport(ReportRequest{ClientID: c.ID, Format: "docx"}); err == nil {
		t.Error("an unknown format was accepted")
	}
	// The one way to a report is the dialog: the old save-without-asking is gone.
	if path, err := w.history.Export(ExportRequest{Format: history.FormatReport, ClientID: c.ID}); err == nil {
		t.Errorf("Export wrote a report to %s without asking", path)
	}
}

func TestExportAllReportsIntoChosenFolder(t *testing.T) {
	w, d, svc := newTestWindow(t)
	ctx := context.Background()
	for _, name := range []string{"Acme Bakery", "Zoë & Co"} {
		if _, err := svc.AddClient(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	got, err := w.reports.ExportAllReports(ReportRequest{Period: PeriodLastMonth, Format: "html"})
	if err != nil || got.Folder != "" || len(got.Reports) != 0 {
		t.Fatalf("cancelled: %+v, %v", got, err)
	}
	d.folder = t.TempDir()
	got, err = w.reports.ExportAllReports(ReportRequest{Period: PeriodLastMonth, Format: "html"})
	if err != nil || got.Folder != d.folder || len(got.Reports) != 2 {
		t.Fatalf("export: %+v, %v", got, err)
	}
	files, _ := filepath.Glob(filepath.Join(d.folder, "*.html"))
	if len(files) != 2 {
		t.Fatalf("the folder holds %q; want one report per client", files)
	}
	if err := w.reports.OpenReport(d.folder); err != nil {
		t.Errorf("the folder of the reports did not open: %v", err)
	}
	d.folder = filepath.Join(d.folder, "missing")
	if _, err := w.reports.ExportAllReports(ReportRequest{Period: PeriodLastMonth}); err == nil {
		t.Error("a missing folder was accepted")
	}
}

func TestReportSettingsAndLogo(t *testing.T) {
	w, d, _ := newTestWindow(t)
	st, err := w.reports.ReportSettings()
	if err != nil || !st.ClientView || st.Paper != backend.PaperA4 {
		t.Fatalf("defaults %+v, %v", st, err)
	}
	st.SenderName, st.Accent, st.Paper, st.ClientView = "  Jo Freelance ", "#AA3300", backend.PaperLetter, false
	if st, err = w.reports.SaveReportSettings(st); err != nil || st.SenderName != "Jo Freelance" || st.Accent != "#aa3300" {
		t.Fatalf("saved %+v, %v", st, err)
	}
	bad := st
	bad.Accent = "red"
	if _, err := w.reports.SaveReportSettings(bad); err == nil {
		t.Error("a colour that is not #rrggbb was accepted")
	}
	if again, _ := w.reports.ReportSettings(); again != st {
		t.Errorf("after a refused save: %+v; want %+v", again, st)
	}

	// Cancelled: the settings unchanged.
	if got, err := w.reports.ChooseLogo(); err != nil || got != st {
		t.Fatalf("cancelled logo: %+v, %v", got, err)
	}
	logo := filepath.Join(t.TempDir(), "logo.svg")
	os.WriteFile(logo, []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#a30"/></svg>`), 0o600)
	d.openFile = logo
	got, err := w.reports.ChooseLogo()
	if err != nil || got.Logo == "" {
		t.Fatalf("logo: %+v, %v", got, err)
	}
	notLogo := filepath.Join(t.TempDir(), "notes.svg")
	os.WriteFile(notLogo, []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><script>alert(1)</script></svg>`), 0o600)
	d.openFile = notLogo
	if _, err := w.reports.ChooseLogo(); err == nil {
		t.Error("an SVG with a script was accepted as a logo")
	}
	if got, _ := w.reports.ReportSettings(); got.Logo == "" {
		t.Error("a refused logo removed the one before")
	}
	if got, err := w.reports.RemoveLogo(); err != nil || got.Logo != "" {
		t.Fatalf("remove logo: %+v, %v", got, err)
	}
}
