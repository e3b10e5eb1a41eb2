package cli

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestExportReportFormatsAndAllClients(t *testing.T) {
	t.Parallel()
	f := newHistFixture(t, true)
	f.svc.DataDir = f.dir
	if _, err := f.svc.AddClient(t.Context(), "Zoë & Co: Paris/Lyon"); err != nil {
		t.Fatal(err)
	}
	day := func(d int) string { return f.now.AddDate(0, 0, d).Format(time.DateOnly) }
	pdfFile := filepath.Join(f.dir, "acme.pdf")
	f.run(t, ExitOK, "export", "report", "--client", "Acme Bakery", "--since", day(-30), "--until", day(0), "--out", pdfFile)
	if b, _ := os.ReadFile(pdfFile); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("%s is not a PDF", pdfFile)
	}
	// --format wins over the extension; standard output works too.
	out, _ := f.run(t, ExitOK, "export", "report", "--client", "Acme Bakery", "--since", day(-30), "--until", day(0), "--out", "-", "--format", "html")
	if !strings.HasPrefix(out, "<!DOCTYPE html>") {
		t.Errorf("--format html wrote %.40q", out)
	}
	htmlFile := filepath.Join(f.dir, "acme.html")
	f.run(t, ExitOK, "export", "report", "--client", "Acme Bakery", "--since", day(-30), "--until", day(0), "--out", htmlFile)
	if b, _ := os.ReadFile(htmlFile); !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) {
		t.Errorf("%s is not HTML", htmlFile)
	}

	dir := filepath.Join(f.dir, "reports")
	os.Mkdir(dir, 0o700)
	out, _ = f.run(t, ExitOK, "export", "report", "--all-clients", "--since", day(-30), "--until", day(-1), "--out", dir, "--paper", "letter")
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	period := strings.TrimSuffix(filepath.Base(names[0]), ".pdf")
	period = period[strings.LastIndex(period, " - ")+3:]
	want := []string{"Acme Bakery - connection report - " + period + ".pdf", "Zoë & Co- Paris-Lyon - connection report - " + period + ".pdf"}
	if len(names) != 2 || filepath.Base(names[0]) != want[0] || filepath.Base(names[1]) != want[1] {
		t.Fatalf("wrote %q, want %q", names, want)
	}
	if strings.Count(out, "Wrote the report of") != 2 {
		t.Errorf("printed %q", out)
	}
	if pdfinfo, err := exec.LookPath("pdfinfo"); err == nil {
		info, _ := exec.Command(pdfinfo, names[1]).CombinedOutput()
		if !strings.Contains(string(info), "(letter)") || !strings.Contains(string(info), "Zoë & Co: Paris/Lyon") {
			t.Errorf("pdfinfo of %s:\n%s", names[1], info)
		}
	}

	for _, args := range [][]string{
		{"export", "report", "--client", "Acme Bakery", "--all-clients", "--since", day(-3), "--until", day(0), "--out", dir},
		{"export", "report", "--all-clients", "--since", day(-3), "--until", day(0), "--out", "-"},
		{"export", "report", "--all-clients", "--since", day(-3), "--until", day(0), "--out", filepath.Join(f.dir, "missing")},
		{"export", "report", "--client", "Acme Bakery", "--since", day(-3), "--until", day(0), "--out", pdfFile, "--format", "docx"},
		{"export", "report", "--client", "Acme Bakery", "--since", day(-3), "--until", day(0), "--out", pdfFile, "--paper", "a5"},
	} {
		f.run(t, ExitError, args...)
	}
	f.noSecrets(t, append(names, pdfFile, htmlFile)...)
}

func TestReportSettingsCommand(t *testing.T) {
	t.Parallel()
	f := newHistFixture(t, false)
	f.svc.DataDir = f.dir
	out, _ := f.run(t, ExitOK, "report", "settings", "--json")
	var got backend.ReportSettings
	if err := json.Unmarshal([]byte(out), &got); err != nil || got != backend.DefaultReportSettings() {
		t.Fatalf("defaults: %+v, %v", got, err)
	}
	logo := filepath.Join(f.dir, "logo.png")
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 30, 10)))
	os.WriteFile(logo, buf.Bytes(), 0o600)
	out, _ = f.run(t, ExitOK, "report", "settings", "--sender", "  Zoë Studio ", "--accent", "#AA0033", "--client-view=false", "--paper", "letter", "--logo", logo, "--json")
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.SenderName != "Zoë Studio" || got.Accent != "#aa0033" || got.ClientView || got.Paper != "letter" || !strings.HasSuffix(got.Logo, ".png") {
		t.Errorf("saved %+v", got)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "report", got.Logo)); err != nil {
		t.Errorf("the logo was not copied into the data folder: %v", err)
	}
	// Bad input changes nothing, the logo included.
	bad := filepath.Join(f.dir, "bad.svg")
	os.WriteFile(bad, []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`), 0o600)
	for _, args := range [][]string{
		{"report", "settings", "--accent", "red"},
		{"report", "settings", "--paper", "a5"},
		{"report", "settings", "--sender", "X", "--logo", bad},
		{"report", "settings", "--logo", filepath.Join(f.dir, "nope.png")},
		{"report", "settings", "--logo", logo, "--no-logo"},
	} {
		f.run(t, ExitError, args...)
	}
	out, _ = f.run(t, ExitOK, "report", "settings", "--json")
	var after backend.ReportSettings
	json.Unmarshal([]byte(out), &after)
	if after != got {
		t.Errorf("bad input changed the settings: %+v, want %+v", after, got)
	}
	out, _ = f.run(t, ExitOK, "report", "settings", "--no-logo", "--json")
	json.Unmarshal([]byte(out), &after)
	if after.Logo != "" {
		t.Errorf("--no-logo left %q", after.Logo)
	}
	if left, _ := filepath.Glob(filepath.Join(f.dir, "report", "*")); len(left) != 0 {
		t.Errorf("logo files left: %q", left)
	}
}
