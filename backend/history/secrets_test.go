package history_test

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
	"github.com/tokenwarden/tokenwarden/backend/keychain/keychaintest"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// registry is a small provider catalogue for tests.
type registry []*backend.Provider

func (r registry) Provider(id string) (*backend.Provider, error) {
	for _, p := range r {
		if p.ID == id {
			return p, nil
		}
	}
	return nil, backend.Errorf(backend.EINVALID, "Unknown provider %q.", id)
}

func (r registry) Providers() []*backend.Provider { return r }

var testProviders = registry{
	{ID: "instagram", Name: "Instagram", Refresh: backend.RefreshInstagram},
	{ID: "google", Name: "Google", Refresh: backend.RefreshToken},
}

// Known test tokens: none may show up in any export.
var testTokens = []string{
	"IGQVJtest-history-SECRET-access-0001",
	"ya29.test-history-SECRET-access-0002",
	"1//test-history-SECRET-refresh-0003",
	"ya29.test-history-SECRET-access-0004",
}

func TestExportsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	secrets := keychaintest.New()
	svc := accounts.New(db, secrets, testProviders, db)
	c, err := svc.AddClient(ctx, "Acme, Bakery")
	if err != nil {
		t.Fatal(err)
	}
	exp := func(d time.Duration) *time.Time { x := time.Now().Add(d); return &x }
	ig, err := svc.ImportAccount(ctx, accounts.ImportRequest{ClientID: c.ID, Provider: "instagram", Label: "=Acme IG",
		Token: backend.Token{AccessToken: testTokens[0], ExpiresAt: exp(50 * 24 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	ads, err := svc.ImportAccount(ctx, accounts.ImportRequest{ClientID: c.ID, Provider: "google", Label: "Acme Ads",
		Token: backend.Token{AccessToken: testTokens[1], RefreshToken: testTokens[2], ExpiresAt: exp(time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	yt, err := svc.ImportAccount(ctx, accounts.ImportRequest{ClientID: c.ID, Provider: "google", Label: "Acme YouTube",
		Token: backend.Token{AccessToken: testTokens[3], ExpiresAt: exp(20 * 24 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RenameAccount(ctx, ads.ID, "Acme Google Ads"); err != nil {
		t.Fatal(err)
	}
	// What monitoring will write: a failed check and a recovery.
	err = db.Update(ctx, func(tx backend.Tx) error {
		for _, e := range []*backend.Event{
			{ClientID: c.ID, ClientName: c.Name, AccountID: ig.ID, AccountLabel: ig.Label, Provider: "instagram",
				Kind: backend.EventAccountChecked, Outcome: backend.OutcomeFailed, Reason: "password_changed", Message: "Check failed."},
			{ClientID: c.ID, ClientName: c.Name, AccountID: ig.ID, AccountLabel: ig.Label, Provider: "instagram",
				Kind: backend.EventAccountChecked, Outcome: backend.OutcomeOK, Message: "The token works."},
		} {
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeleteAccount(ctx, ads.ID); err != nil {
		t.Fatal(err)
	}

	hs := history.New(db, testProviders, nil)
	var csvOut, jsonOut, icsOut, htmlOut bytes.Buffer
	if err := hs.ExportCSV(ctx, &csvOut, backend.EventFilter{}); err != nil {
		t.Fatal(err)
	}
	if err := hs.ExportJSON(ctx, &jsonOut, backend.EventFilter{}); err != nil {
		t.Fatal(err)
	}
	n, err := hs.ExportICS(ctx, &icsOut, 90*24*time.Hour, history.ICSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.ExportReport(ctx, &htmlOut, c.ID, history.LastDays(30, time.Now().Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	// The exports are not empty: they would find a secret if one were there.
	// Acme YouTube has no refresh token; Instagram imported by hand cannot
	// be renewed by exchange (backend.Account.Renews): both have a date.
	if n != 2 || !strings.Contains(icsOut.String(), yt.ID) || !strings.Contains(icsOut.String(), ig.ID) {
		t.Errorf("%d deadlines; want Acme YouTube's and Acme IG's:\n%s", n, icsOut.String())
	}
	for name, out := range map[string]string{"CSV": csvOut.String(), "JSON": jsonOut.String(), "report": htmlOut.String()} {
		for _, want := range []string{"Acme YouTube", "Acme Google Ads"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s export lacks %q", name, want)
			}
		}
	}
	if !strings.Contains(csvOut.String(), "'=Acme IG") {
		t.Error("the CSV export does not defuse a label that starts with =")
	}
	exports := map[string]string{"CSV": csvOut.String(), "JSON": jsonOut.String(), "ICS": icsOut.String(), "report": htmlOut.String()}
	for name, out := range exports {
		for _, tok := range testTokens {
			if strings.Contains(out, tok) {
				t.Errorf("the %s export contains a test token", name)
			}
		}
	}
	// Nor the PDF and HTML report files, in either view: the text a reader
	// sees (pdftotext) and every byte, with the PDF's streams decompressed.
	qpdf, pdftotext, _ := pdfTools(t)
	for _, clientView := range []bool{true, false} {
		b := &history.Branding{Settings: backend.ReportSettings{SenderName: "Zoë", Accent: "#123456", ClientView: clientView, Paper: backend.PaperA4}}
		for _, format := range []string{history.FormatPDF, history.FormatHTML} {
			path := filepath.Join(t.TempDir(), history.ReportFileName(c.Name, history.LastDays(30, time.Now()), format))
			if _, err := hs.SaveReport(ctx, c.ID, history.LastDays(30, time.Now().Add(time.Minute)), format, b, path); err != nil {
				t.Fatal(err)
			}
			texts := map[string]string{}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			texts["file"] = string(raw)
			if format == history.FormatPDF {
				texts["text"] = run(t, pdftotext, path, "-")
				plain := path + ".qdf"
				run(t, qpdf, "--qdf", "--object-streams=disable", "--stream-data=uncompress", path, plain)
				b, err := os.ReadFile(plain)
				if err != nil {
					t.Fatal(err)
				}
				texts["uncompressed"] = string(b)
			} else {
				texts["text"] = texts["file"]
			}
			// Not empty: the scan would see a token if one were there.
			if !strings.Contains(texts["text"], "Acme YouTube") || !strings.Contains(texts["text"], "Acme IG") {
				t.Errorf("%s report (client view %v) lacks the accounts", format, clientView)
			}
			for what, text := range texts {
				for _, tok := range testTokens {
					if strings.Contains(text, tok) {
						t.Errorf("the %s report's %s (client view %v) contains a test token", format, what, clientView)
					}
				}
			}
		}
	}
	// Nor the database files.
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range testTokens {
			if bytes.Contains(b, []byte(tok)) {
				t.Errorf("%s contains a test token", filepath.Base(f))
			}
		}
	}
}
