package history_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

// pdfTools returns the paths of qpdf, pdftotext and pdfinfo (Debian: qpdf,
// poppler-utils). Without them the test skips, unless
// TOKENWARDEN_REQUIRE_PDFTOOLS=1 makes that a failure.
func pdfTools(t *testing.T) (qpdf, pdftotext, pdfinfo string) {
	t.Helper()
	var missing []string
	look := func(name string) string {
		p, err := exec.LookPath(name)
		if err != nil {
			missing = append(missing, name)
		}
		return p
	}
	qpdf, pdftotext, pdfinfo = look("qpdf"), look("pdftotext"), look("pdfinfo")
	if len(missing) > 0 {
		if os.Getenv("TOKENWARDEN_REQUIRE_PDFTOOLS") == "1" {
			t.Fatalf("%s missing: apt-get install qpdf poppler-utils", strings.Join(missing, ", "))
		}
		t.Skipf("%s not installed (apt-get install qpdf poppler-utils); set TOKENWARDEN_REQUIRE_PDFTOOLS=1 to make this a failure", strings.Join(missing, ", "))
	}
	return qpdf, pdftotext, pdfinfo
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

func testLogo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for x := range 120 {
		for y := range 40 {
			img.Set(x, y, color.RGBA{uint8(x * 2), 0x40, 0xa0, 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sampleReport is a month of a client with accents in its name: an account
// working all along, one broken now with many incidents (enough rows for a
// second page), one added during the period and one removed.
func sampleReport(t *testing.T, b *history.Branding) *history.Report {
	t.Helper()
	from := now.AddDate(0, 0, -30)
	id := int64(0)
	e := func(acc, label, provider string, at time.Time, kind, outcome, reason, msg string) *backend.Event {
		id++
		return &backend.Event{ID: id, Time: at, ClientID: "cli_1", ClientName: "Bäckerei Müller", AccountID: acc, AccountLabel: label,
			Provider: provider, Kind: kind, Outcome: outcome, Reason: reason, Message: msg}
	}
	steady := []*backend.Event{e("acc_steady", "Café Crème Instagram", "instagram", from.AddDate(0, 0, -40), backend.EventAccountImported, "ok", "", "")}
	flaky := []*backend.Event{e("acc_flaky", "Żółć Ads", "google", from.AddDate(0, 0, -10), backend.EventAccountImported, "ok", "", "")}
	for i := range 14 {
		at := from.Add(time.Duration(i) * 48 * time.Hour)
		flaky = append(flaky, e("acc_flaky", "Żółć Ads", "google", at.Add(2*time.Hour), backend.EventAccountChecked, "failed", []string{"password_changed", "revoked", "weird_platform_code"}[i%3], ""),
			e("acc_flaky", "Żółć Ads", "google", at.Add(9*time.Hour), backend.EventAccountReconnected, "ok", "", "Reconnected as Łukasz."))
	}
	flaky = append(flaky, e("acc_flaky", "Żółć Ads", "google", now.Add(-30*time.Hour), backend.EventAccountChecked, "failed", "app_removed", ""))
	added := []*backend.Event{e("acc_new", "Nouveau Page", "instagram", now.Add(-5*24*time.Hour), backend.EventAccountConnected, "ok", "", "Connected as Émile.")}
	removed := []*backend.Event{e("acc_gone", "Old YouTube", "google", from.AddDate(0, 0, -3), backend.EventAccountImported, "ok", "", ""),
		e("acc_gone", "Old YouTube", "google", from.AddDate(0, 0, 12), backend.EventAccountDeleted, "ok", "", "")}
	var list []*history.AccountTimeline
	for _, es := range [][]*backend.Event{steady, flaky, added, removed} {
		list = append(list, history.Timeline(es, now, history.Options{}))
	}
	h := history.ComputeHealth("cli_1", "Bäckerei Müller", list, history.Period{From: from, To: now}, now)
	return &history.Report{Health: h, Branding: b, Checks: map[string]int{"acc_steady": 720},
		ProviderName: func(id string) string { return map[string]string{"instagram": "Instagram", "google": "Google"}[id] }}
}

func TestReportPDF(t *testing.T) {
	t.Parallel()
	qpdf, pdftotext, pdfinfo := pdfTools(t)
	dir := t.TempDir()
	pngLogo, err := history.ParseLogo(testLogo(t))
	if err != nil {
		t.Fatal(err)
	}
	svgLogo, err := history.ParseLogo([]byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60"><circle cx="30" cy="30" r="25" fill="#8a2be2"/></svg>`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		logo       *history.Logo
		settings   backend.ReportSettings
		pageSize   string // as pdfinfo prints it
		want, lack []string
	}{
		{"client view on A4", pngLogo, backend.ReportSettings{SenderName: "Zoë Dupré Studio", Accent: "#8a2be2", ClientView: true, Paper: backend.PaperA4},
			"595.28 x 841.89 pts (A4)",
			[]string{"Connection report: Bäckerei Müller", "Prepared by Zoë Dupré Studio", "uptime in this period", "Café Crème Instagram",
				"Żółć Ads", "Reconnected as Łukasz.", "Monitored since", "Removed", "still broken", "not yet monitored",
				history.Explain("app_removed"), history.Explain(backend.ReasonUnknown), "Page 2 of"},
			[]string{"acc_flaky", "code:", "weird", "checks"}},
		{"internal view on Letter", svgLogo, backend.ReportSettings{Accent: "#1f6feb", ClientView: false, Paper: backend.PaperLetter},
			"612 x 792 pts (letter)",
			[]string{"acc_flaky", "code: app_removed", "720 checks", "weird platform code"},
			[]string{"Prepared by"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleReport(t, &history.Branding{Settings: tt.settings, Logo: tt.logo})
			var buf bytes.Buffer
			if err := r.WritePDF(&buf); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".pdf")
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			run(t, qpdf, "--check", path)
			info := run(t, pdfinfo, path)
			if !regexp.MustCompile(`Page size:\s+`+regexp.QuoteMeta(tt.pageSize)).MatchString(info) || !regexp.MustCompile(`Pages:\s+[2-9]`).MatchString(info) {
				t.Errorf("pdfinfo: want %s and at least 2 pages:\n%s", tt.pageSize, info)
			}
			// Fonts embedded (as subsets), so the text shows and selects as typed.
			fonts := strings.Split(strings.TrimSpace(run(t, "pdffonts", path)), "\n")
			if len(fonts) != 4 { // header, rule, regular, bold
				t.Errorf("want two fonts:\n%s", strings.Join(fonts, "\n"))
			}
			for _, line := range fonts[min(2, len(fonts)):] {
				if f := strings.Fields(line); len(f) < 5 || f[len(f)-5] != "yes" {
					t.Errorf("font not embedded: %s", line)
				}
			}
			// The logo is drawn once, PNG or SVG alike.
			if images := strings.Split(strings.TrimSpace(run(t, "pdfimages", "-list", path)), "\n"); len(images) < 3 || !strings.Contains(images[2], "image") {
				t.Errorf("no logo in the PDF:\n%s", strings.Join(images, "\n"))
			}
			text := strings.Join(strings.Fields(run(t, pdftotext, path, "-")), " ")
			for _, w := range tt.want {
				if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			for _, l := range tt.lack {
				if strings.Contains(text, l) {
					t.Errorf("PDF text has %q", l)
				}
			}
		})
	}
}

// TestReportPDFMatchesHTML: the PDF says what the HTML says.
func TestReportPDFMatchesHTML(t *testing.T) {
	t.Parallel()
	_, pdftotext, _ := pdfTools(t)
	r := sampleReport(t, nil)
	var html, pdf bytes.Buffer
	if err := r.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if err := r.WritePDF(&pdf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	os.WriteFile(path, pdf.Bytes(), 0o600)
	text := strings.Join(strings.Fields(run(t, pdftotext, path, "-")), " ")
	h := r.Health
	for _, in := range h.Incidents {
		start := in.Start.UTC().Format("2 Jan 2006 15:04 UTC")
		if !strings.Contains(html.String(), start) || !strings.Contains(text, start) {
			t.Errorf("incident of %s not in both reports", start)
		}
	}
	for _, a := range h.Accounts {
		if !strings.Contains(text, a.Label) {
			t.Errorf("PDF lacks account %s", a.Label)
		}
	}
}

func TestReportHTMLBranding(t *testing.T) {
	t.Parallel()
	logo, err := history.ParseLogo([]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10"><rect width="40" height="10" fill="#c00"/></svg>`))
	if err != nil {
		t.Fatal(err)
	}
	for _, clientView := range []bool{true, false} {
		r := sampleReport(t, &history.Branding{Settings: backend.ReportSettings{SenderName: "Zoë <Studio>", Accent: "#8a2be2", ClientView: clientView}, Logo: logo})
		var buf bytes.Buffer
		if err := r.WriteHTML(&buf); err != nil {
			t.Fatal(err)
		}
		html := buf.String()
		want := []string{"Prepared by Zoë &lt;Studio&gt;", "--accent: #8a2be2;", `<img src="data:image/svg&#43;xml;base64,`, "Monitored since", `class="unmonitored"`}
		internal := []string{"acc_flaky", "code: app_removed", "720 checks", "code: password_changed"}
		if clientView {
			want = append(want, history.Explain(backend.ReasonUnknown))
		} else {
			want = append(want, internal...)
		}
		for _, w := range want {
			if !strings.Contains(html, w) {
				t.Errorf("client view %v: HTML lacks %q", clientView, w)
			}
		}
		if clientView {
			for _, l := range append(internal, "weird_platform_code", "weird platform code") {
				if strings.Contains(html, l) {
					t.Errorf("client view: HTML shows %q", l)
				}
			}
		}
		for _, bad := range []string{"<script", "http://example", "https://", "@import"} {
			if strings.Contains(html, bad) {
				t.Errorf("HTML contains %q", bad)
			}
		}
	}
}
