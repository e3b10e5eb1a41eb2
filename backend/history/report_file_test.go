package history

import (
	"strings"
	"testing"
	"time"
)

func TestReportFileName(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	tests := []struct {
		client, from, until, format, want string
	}{
		{"Bäckerei Müller", "2026-11-01", "2026-12-01", "pdf", "Bäckerei Müller - connection report - November 2026.pdf"},
		{"Acme", "2026-11-03", "2026-11-17", "html", "Acme - connection report - 3–16 Nov 2026.html"},
		{"Acme", "2026-10-28", "2026-11-04", "pdf", "Acme - connection report - 28 Oct – 3 Nov 2026.pdf"},
		{"Acme", "2025-12-30", "2026-01-03", "pdf", "Acme - connection report - 30 Dec 2025 – 2 Jan 2026.pdf"},
		{"Acme", "2026-11-05", "2026-11-06", "pdf", "Acme - connection report - 5 Nov 2026.pdf"},
		{`AC/DC: "Live" <Tour>?`, "2026-11-01", "2026-12-01", "pdf", "AC-DC- -Live- -Tour-- - connection report - November 2026.pdf"},
		{"..hidden. ", "2026-11-01", "2026-12-01", "pdf", "hidden - connection report - November 2026.pdf"},
		{"  ", "2026-11-01", "2026-12-01", "pdf", "Client - connection report - November 2026.pdf"},
		{"tab\there\nnewline", "2026-11-01", "2026-12-01", "pdf", "tab-here-newline - connection report - November 2026.pdf"},
	}
	for _, tt := range tests {
		got := ReportFileName(tt.client, Period{From: d(tt.from), To: d(tt.until)}, tt.format)
		if got != tt.want {
			t.Errorf("ReportFileName(%q, %s..%s) = %q, want %q", tt.client, tt.from, tt.until, got, tt.want)
		}
	}
	long := ReportFileName(strings.Repeat("é", 300), Period{From: d("2026-11-01"), To: d("2026-12-01")}, "pdf")
	if len(long) > 200 || !strings.HasSuffix(long, " - connection report - November 2026.pdf") || !strings.HasPrefix(long, "éé") {
		t.Errorf("long name %d bytes: %q", len(long), long)
	}
}

func TestReportFormat(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ path, asked, want string }{
		{"r.pdf", "", "pdf"}, {"r.HTML", "", "html"}, {"r.htm", "", "html"}, {"r", "", "pdf"},
		{"r.pdf", "html", "html"}, {"-", "HTML", "html"}, {"r.txt", "", "pdf"}, {"r.html", "docx", ""},
	} {
		got, err := ReportFormat(tt.path, tt.asked)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("ReportFormat(%q, %q) = %q, %v; want %q", tt.path, tt.asked, got, err, tt.want)
		}
	}
}
