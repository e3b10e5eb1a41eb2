package history_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"html/template"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

func TestCSVEscaping(t *testing.T) {
	t.Parallel()
	es := []*backend.Event{
		{ID: 1, Time: now, ClientName: "Acme, Inc.", AccountLabel: `The "Main" Page`, Kind: "account.renamed", Message: "line one\nline two, with comma"},
		{ID: 2, Time: now, ClientName: "=HYPERLINK(\"http://evil\",\"x\")", AccountLabel: "+1 555", Kind: "account.imported", Message: "-2+3", Reason: "@SUM(A1)"},
		{ID: 3, Time: now, ClientName: "\tTabbed", AccountLabel: "ok", Kind: "account.checked", Message: "a;b", Details: map[string]any{"k": "=x"}},
	}
	var buf bytes.Buffer
	if err := history.WriteCSV(&buf, history.Slice(es)); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.HasSuffix(raw, "\r\n") || strings.Count(raw, "\r\n") < 4 {
		t.Errorf("rows do not end in CRLF: %q", raw)
	}
	for _, want := range []string{`"Acme, Inc."`, `"The ""Main"" Page"`, "\"line one\r\nline two, with comma\"", `"'=HYPERLINK(""http://evil"",""x"")"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("CSV lacks %s:\n%s", want, raw)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows[0], history.CSVHeader) || len(rows) != 4 {
		t.Fatalf("rows %q", rows)
	}
	col := func(row int, name string) string { return rows[row][slices.Index(history.CSVHeader, name)] }
	for _, tc := range []struct {
		row       int
		col, want string
	}{
		{1, "client", "Acme, Inc."}, {1, "account", `The "Main" Page`}, {1, "message", "line one\nline two, with comma"},
		{2, "client", `'=HYPERLINK("http://evil","x")`}, {2, "account", "'+1 555"}, {2, "message", "'-2+3"}, {2, "reason", "'@SUM(A1)"},
		{3, "client", "'\tTabbed"}, {3, "message", "a;b"}, {3, "details", `{"k":"=x"}`}, {1, "details", "{}"},
		{1, "time", now.Format(time.RFC3339Nano)}, {2, "id", "2"},
	} {
		if got := col(tc.row, tc.col); got != tc.want {
			t.Errorf("row %d %s = %q, want %q", tc.row, tc.col, got, tc.want)
		}
	}
	for in, want := range map[string]string{"": "", "=": "'=", "a=b": "a=b", "-": "'-", "@x": "'@x", "\rx": "'\rx", "plain": "plain"} {
		if got := history.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJSONShape(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := history.WriteJSON(&buf, history.Slice(nil)); err != nil || strings.TrimSpace(buf.String()) != "[]" {
		t.Fatalf("empty export %q, %v", buf.String(), err)
	}
	buf.Reset()
	es := []*backend.Event{
		{ID: 7, Time: now, ClientID: "cli_1", ClientName: "Acme", AccountID: "acc_1", AccountLabel: "Page", Provider: "facebook",
			Kind: backend.EventAccountCheckFailed, Outcome: "failed", Reason: "invalid_token", Message: "Check failed.", Details: map[string]any{"n": 1}},
		{ID: 6, Time: now.Add(-time.Hour), Kind: backend.EventClientCreated},
	}
	if err := history.WriteJSON(&buf, history.Slice(es)); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.String())
	}
	want := []string{"account_id", "account_label", "client_id", "client_name", "details", "id", "kind", "message", "outcome", "provider", "reason", "time"}
	for _, r := range rows {
		var keys []string
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !reflect.DeepEqual(keys, want) {
			t.Errorf("keys %v, want %v", keys, want)
		}
		if _, ok := r["details"].(map[string]any); !ok {
			t.Errorf("details is %T, want an object", r["details"])
		}
	}
	if rows[0]["id"] != 7.0 || rows[0]["time"] != now.Format(time.RFC3339) || rows[0]["reason"] != "invalid_token" {
		t.Errorf("first row %v", rows[0])
	}
}

// icsDeadlines are awkward on purpose: separators to escape, and text long
// and non-ASCII enough to fold inside a multi-byte character.
var icsDeadlines = []history.Deadline{
	{AccountID: "acc_aaaaaaaaaaaa", ClientName: "Müller, Söhne; Bäckerei \\ Konditorei", ProviderName: "Instagram",
		Label: "Hauptseite – Frühstück, Brötchen & Kuchen 🥐🥐🥐 für alle Filialen in Köln", By: now.Add(5 * 24 * time.Hour)},
	{AccountID: "acc_bbbbbbbbbbbb", ClientName: "Acme", ProviderName: "Google", Label: "Ads\nsecond line", By: now.Add(40*24*time.Hour + 90*time.Minute)},
}

func TestICSFormat(t *testing.T) {
	t.Parallel()
	for _, allDay := range []bool{false, true} {
		var buf bytes.Buffer
		if err := history.WriteICS(&buf, icsDeadlines, now, history.ICSOptions{AllDay: allDay}); err != nil {
			t.Fatal(err)
		}
		raw := buf.String()
		if strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") || !strings.HasSuffix(raw, "END:VCALENDAR\r\n") {
			t.Fatal("a line does not end in CRLF")
		}
		lines := strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n")
		folded := 0
		for _, l := range lines {
			if len(l) > 75 {
				t.Errorf("line of %d octets: %q", len(l), l)
			}
			if !utf8.ValidString(l) {
				t.Errorf("fold split a character: %q", l)
			}
			if strings.HasPrefix(l, " ") {
				folded++
			}
		}
		if folded == 0 {
			t.Error("no line was folded")
		}
		unfolded := strings.ReplaceAll(raw, "\r\n ", "")
		for _, want := range []string{
			`SUMMARY:Reconnect Instagram for Müller\, Söhne\; Bäckerei \\ Konditorei: Hauptseite – Frühstück\, Brötchen & Kuchen 🥐🥐🥐 für alle Filialen in Köln`,
			`SUMMARY:Reconnect Google for Acme: Ads\nsecond line`,
			"UID:acc_aaaaaaaaaaaa-" + icsDeadlines[0].By.Format("20060102") + "@tokenwarden",
			"DTSTAMP:20261123T120000Z", "TRIGGER:-P3D", "ACTION:DISPLAY", "VERSION:2.0", "PRODID:",
		} {
			if !strings.Contains(unfolded, want) {
				t.Errorf("allDay=%v: no %q in\n%s", allDay, want, unfolded)
			}
		}
		start := "DTSTART:" + icsDeadlines[0].By.Format("20060102T150405Z")
		if allDay {
			start = "DTSTART;VALUE=DATE:" + icsDeadlines[0].By.Format("20060102")
		}
		if !strings.Contains(unfolded, start) {
			t.Errorf("no %s", start)
		}
	}
}

// TestICSParses feeds the file to a real iCalendar parser: Python's
// icalendar (Debian package python3-icalendar). Without it the test skips,
// unless TOKENWARDEN_REQUIRE_ICAL=1.
func TestICSParses(t *testing.T) {
	t.Parallel()
	python := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import icalendar").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		if os.Getenv("TOKENWARDEN_REQUIRE_ICAL") == "1" {
			t.Fatal("python3-icalendar is missing: apt-get install python3-icalendar")
		}
		t.Skip("python3-icalendar is not installed (apt-get install python3-icalendar); set TOKENWARDEN_REQUIRE_ICAL=1 to make this a failure")
	}
	const script = `
import sys, json, datetime
from icalendar import Calendar
cal = Calendar.from_ical(sys.stdin.buffer.read())
assert cal.name == "VCALENDAR", cal.name
assert str(cal["VERSION"]) == "2.0"
out = []
for ev in cal.walk("VEVENT"):
    start = ev.decoded("DTSTART")
    if isinstance(start, datetime.datetime):
        assert start.utcoffset() == datetime.timedelta(0), start
        start = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        start = start.isoformat()
    alarms = [a for a in ev.walk("VALARM")]
    assert len(alarms) == 1
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert str(alarms[0]["DESCRIPTION"]) == str(ev["SUMMARY"])
    ev.decoded("DTSTAMP")
    out.append({"uid": str(ev["UID"]), "summary": str(ev["SUMMARY"]), "start": start,
                "trigger": alarms[0].decoded("TRIGGER").total_seconds(), "description": str(ev["DESCRIPTION"])})
print(json.dumps(out))
`
	for _, allDay := range []bool{false, true} {
		var buf bytes.Buffer
		if err := history.WriteICS(&buf, icsDeadlines, now, history.ICSOptions{AllDay: allDay}); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(python, "-c", script)
		cmd.Stdin = &buf
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("icalendar rejected the file: %v\n%s", err, out)
		}
		var got []struct {
			UID, Summary, Start, Description string
			Trigger                          float64
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if len(got) != len(icsDeadlines) {
			t.Fatalf("%d events parsed, want %d", len(got), len(icsDeadlines))
		}
		for i, d := range icsDeadlines {
			wantSummary := "Reconnect " + d.ProviderName + " for " + d.ClientName + ": " + d.Label
			wantStart := d.By.UTC().Format("2006-01-02T15:04:05Z")
			if allDay {
				wantStart = d.By.UTC().Format("2006-01-02")
			}
			if got[i].Summary != wantSummary || got[i].Start != wantStart || got[i].Trigger != -3*24*3600 ||
				got[i].UID != d.AccountID+"-"+d.By.UTC().Format("20060102")+"@tokenwarden" || !strings.Contains(got[i].Description, d.AccountID) {
				t.Errorf("event %d parsed as %+v", i, got[i])
			}
		}
	}
}

func TestReportHTML(t *testing.T) {
	t.Parallel()
	tls := history.Timelines([]*backend.Event{
		{ID: 1, Time: now.AddDate(0, 0, -60), ClientID: "cli_1", AccountID: "acc_1", AccountLabel: "<script>alert(1)</script>", Provider: "instagram", Kind: backend.EventAccountImported, Outcome: "ok"},
		{ID: 2, Time: now.AddDate(0, 0, -20), AccountID: "acc_1", Kind: backend.EventAccountChecked, Outcome: "failed", Reason: "password_changed"},
		{ID: 3, Time: now.AddDate(0, 0, -19), AccountID: "acc_1", Kind: backend.EventAccountReconnected, Outcome: "ok", Message: "Reconnected as Ann."},
		{ID: 4, Time: now.AddDate(0, 0, -50), ClientID: "cli_1", AccountID: "acc_2", AccountLabel: "Ads", Provider: "google", Kind: backend.EventAccountImported, Outcome: "ok"},
		{ID: 5, Time: now.AddDate(0, 0, -2), AccountID: "acc_2", Kind: backend.EventAccountChecked, Outcome: "failed", Reason: "app_removed"},
	}, now, history.Options{})
	list := []*history.AccountTimeline{tls["acc_1"], tls["acc_2"]}
	h := history.ComputeHealth("cli_1", `Bäckerei "Süß" & Co`, list, history.LastDays(30, now), now)
	var buf bytes.Buffer
	r := &history.Report{Health: h, ProviderName: func(id string) string { return map[string]string{"instagram": "Instagram", "google": "Google"}[id] }}
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, bad := range []string{"<script", "src=", "href=", "http://", "https://", "<link", "@import", "url("} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("report contains %q: it must be self-contained and script-free", bad)
		}
	}
	for _, want := range []string{"@media print", "&lt;script&gt;alert(1)&lt;/script&gt;", "Bäckerei &#34;Süß&#34; &amp; Co",
		template.HTMLEscapeString(history.Explain("password_changed")), template.HTMLEscapeString(history.Explain("app_removed")), "still broken", "Reconnected", "Reconnected as Ann.",
		"Instagram", "Generated by Tokenwarden on 23 Nov 2026 12:00 UTC", "mean time to reconnect", "1 day", "Needs attention now"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		30 * time.Second: "less than a minute", time.Minute: "1 minute", 90 * time.Minute: "1 hour 30 minutes",
		26 * time.Hour: "1 day 2 hours", 72*time.Hour + 5*time.Minute: "3 days",
	} {
		if got := history.Words(d); got != want {
			t.Errorf("Words(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestDeadlinesFromMetadata(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	s := newService(db)
	in := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	err := db.Update(context.Background(), func(tx backend.Tx) error {
		if err := tx.InsertClient(&backend.Client{ID: "cli_1", Name: "Acme"}); err != nil {
			return err
		}
		for _, a := range []*backend.Account{
			{ID: "acc_soon", ClientID: "cli_1", Provider: "google", Label: "Soon", ExpiresAt: in(48 * time.Hour)},
			{ID: "acc_renews", ClientID: "cli_1", Provider: "google", Label: "Renews", ExpiresAt: in(time.Hour), HasRefreshToken: true},
			{ID: "acc_refend", ClientID: "cli_1", Provider: "linkedin", Label: "Refresh end", ExpiresAt: in(time.Hour), HasRefreshToken: true, RefreshExpiresAt: in(30 * 24 * time.Hour)},
			{ID: "acc_far", ClientID: "cli_1", Provider: "google", Label: "Far", ExpiresAt: in(200 * 24 * time.Hour)},
			{ID: "acc_past", ClientID: "cli_1", Provider: "google", Label: "Past", ExpiresAt: in(-time.Hour)},
			{ID: "acc_none", ClientID: "cli_1", Provider: "google", Label: "Unknown"},
			// Broken with a date still to come: listed as broken now, not "in 28 days".
			{ID: "acc_invalid", ClientID: "cli_1", Provider: "google", Label: "Revoked", ExpiresAt: in(28 * 24 * time.Hour), Invalid: true, Reason: "revoked"},
		} {
			if err := tx.InsertAccount(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.Deadlines(context.Background(), 90*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.AccountID)
		if d.ClientName != "Acme" || d.ProviderName == "" {
			t.Errorf("deadline %+v", d)
		}
	}
	if want := []string{"acc_past", "acc_invalid", "acc_soon", "acc_refend"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("deadlines %v, want %v", got, want)
	}
	for i, d := range ds {
		if broken := i < 2; d.BrokenNow != broken || (broken && (d.By.After(now) || d.Problem == "")) {
			t.Errorf("deadline %+v: want broken now %v, never a date to come", d, broken)
		}
	}
	if ds[0].Reason != backend.ReasonExpired || !ds[0].By.Equal(now.Add(-time.Hour)) || ds[1].Reason != "revoked" || !ds[1].By.Equal(now) {
		t.Errorf("broken entries %+v", ds[:2])
	}
	var ics bytes.Buffer
	if n, err := s.ExportICS(context.Background(), &ics, 90*24*time.Hour, history.ICSOptions{}); err != nil || n != 2 {
		t.Errorf("ICS has %d deadlines (%v), want the 2 dates to come", n, err)
	}
}
