package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
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

type histRegistry []*backend.Provider

func (r histRegistry) Provider(id string) (*backend.Provider, error) {
	for _, p := range r {
		if p.ID == id {
			return p, nil
		}
	}
	return nil, backend.Errorf(backend.EINVALID, "Unknown provider %q.", id)
}

func (r histRegistry) Providers() []*backend.Provider { return r }

var histProviders = histRegistry{
	{ID: "instagram", Name: "Instagram", Refresh: backend.RefreshInstagram},
	{ID: "google", Name: "Google", Refresh: backend.RefreshToken},
}

// histTokens must never appear in command output or files.
var histTokens = []string{"IGQVJtest-cli-history-SECRET-0001", "ya29.test-cli-history-SECRET-0002"}

type histFixture struct {
	// now is the service's clock: 4 hours ahead of the wall clock, so that
	// events the service stamps with the wall clock are in its past, with
	// room for monitoring events after them.
	now        time.Time
	dir        string
	db         *sqlite.DB
	svc        *accounts.Service
	transcript strings.Builder
	client     *backend.Client
	ig, yt     *backend.Account
}

func newHistFixture(t *testing.T, populate bool) *histFixture {
	t.Helper()
	f := &histFixture{dir: t.TempDir(), now: time.Now().UTC().Add(4 * time.Hour).Truncate(time.Second)}
	db, err := sqlite.Open(filepath.Join(f.dir, "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	f.svc = accounts.New(db, keychaintest.New(), histProviders, db)
	f.svc.Now = func() time.Time { return f.now }
	if !populate {
		return f
	}
	ctx := context.Background()
	if f.client, err = f.svc.AddClient(ctx, "Acme Bakery"); err != nil {
		t.Fatal(err)
	}
	exp := func(d time.Duration) *time.Time { x := f.now.Add(d); return &x }
	if f.ig, err = f.svc.ImportAccount(ctx, accounts.ImportRequest{ClientID: f.client.ID, Provider: "instagram", Label: "Acme IG",
		Token: backend.Token{AccessToken: histTokens[0], ExpiresAt: exp(50 * 24 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if f.yt, err = f.svc.ImportAccount(ctx, accounts.ImportRequest{ClientID: f.client.ID, Provider: "google", Label: "Acme, YouTube",
		Token: backend.Token{AccessToken: histTokens[1], ExpiresAt: exp(20 * 24 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	// Monitoring's events: a broken stretch of Instagram two hours long,
	// and routine checks from 40 days ago.
	now := f.now
	err = db.Update(ctx, func(tx backend.Tx) error {
		for _, e := range []*backend.Event{
			{Time: now.Add(-3 * time.Hour), Kind: backend.EventAccountChecked, Outcome: backend.OutcomeFailed, Reason: "password_changed", Message: "Check failed:\nthe password changed."},
			{Time: now.Add(-1 * time.Hour), Kind: backend.EventAccountChecked, Outcome: backend.OutcomeOK, Message: "The token works."},
			{Time: now.AddDate(0, 0, -40), Kind: backend.EventAccountChecked, Outcome: backend.OutcomeOK, Message: "The token works."},
			{Time: now.AddDate(0, 0, -40).Add(time.Hour), Kind: backend.EventAccountChecked, Outcome: backend.OutcomeOK, Message: "The token works."},
		} {
			e.ClientID, e.ClientName, e.AccountID, e.AccountLabel, e.Provider = f.client.ID, f.client.Name, f.ig.ID, f.ig.Label, "instagram"
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// run runs a command line in process and checks its exit code.
func (f *histFixture) run(t *testing.T, wantCode int, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Version: "test",
		Service: func() (*accounts.Service, error) { return f.svc, nil }}
	code := Run(context.Background(), env, args)
	f.transcript.WriteString(out.String() + errb.String())
	if code != wantCode {
		t.Fatalf("tokenwarden %q: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, wantCode, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func (f *histFixture) noSecrets(t *testing.T, files ...string) {
	t.Helper()
	all := f.transcript.String()
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		all += string(b)
	}
	for _, tok := range histTokens {
		if strings.Contains(all, tok) {
			t.Errorf("a test token shows in the output or an export")
		}
	}
}

func TestHistoryCommand(t *testing.T) {
	t.Parallel()
	f := newHistFixture(t, true)
	out, _ := f.run(t, ExitOK, "history")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 7 { // client created, 2 imports, 4 monitoring events
		t.Fatalf("history printed %d lines:\n%s", len(lines), out)
	}
	first := strings.Split(lines[0], "\t")
	if len(first) != 6 || first[1] != "Acme Bakery" || !strings.Contains(first[2], f.ig.ID) || first[3] != backend.EventAccountChecked || first[4] != "ok" {
		t.Errorf("newest line %q", lines[0])
	}
	if !strings.Contains(out, "Check failed: the password changed.") {
		t.Errorf("a message's line break was kept:\n%s", out)
	}

	out, _ = f.run(t, ExitOK, "history", "--client", "acme bakery", "--kind", backend.EventAccountChecked, "--outcome", "failed")
	if n := strings.Count(out, "\n"); n != 1 || !strings.Contains(out, "password") {
		t.Errorf("--kind printed %q", out)
	}
	out, _ = f.run(t, ExitOK, "history", "--account", f.yt.ID)
	if n := strings.Count(out, "\n"); n != 1 || !strings.Contains(out, "Acme, YouTube") {
		t.Errorf("--account printed %q", out)
	}
	today := f.now.Format(time.DateOnly)
	out, _ = f.run(t, ExitOK, "history", "--since", f.now.AddDate(0, 0, -41).Format(time.DateOnly), "--until", f.now.AddDate(0, 0, -39).Format(time.DateOnly))
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("date range printed %q", out)
	}
	out, _ = f.run(t, ExitOK, "history", "--until", today, "--limit", "2")
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("--until today --limit 2 printed %q", out)
	}
	out, _ = f.run(t, ExitOK, "history", "--since", f.now.Add(-2*time.Hour).Format(time.RFC3339))
	if n := strings.Count(out, "\n"); n != 1 {
		t.Errorf("RFC 3339 --since printed %q", out)
	}
	out, _ = f.run(t, ExitOK, "history", "--search", "youtube")
	if n := strings.Count(out, "\n"); n != 1 {
		t.Errorf("--search printed %q", out)
	}
	if out, _ = f.run(t, ExitOK, "history", "--kind", "nothing.like.this"); !strings.Contains(out, "No history matches.") {
		t.Errorf("empty result printed %q", out)
	}

	out, _ = f.run(t, ExitOK, "history", "--json", "--limit", "0")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 7 {
		t.Fatalf("--json: %v, %d rows\n%s", err, len(rows), out)
	}
	if rows[0]["kind"] != backend.EventAccountChecked || rows[0]["client_name"] != "Acme Bakery" || rows[6]["kind"] != backend.EventClientCreated {
		t.Errorf("--json rows %v ... %v", rows[0], rows[6])
	}
	out, _ = f.run(t, ExitOK, "history", "--csv", "--client", f.client.ID)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 8 || recs[0][0] != "id" {
		t.Fatalf("--csv: %v\n%s", err, out)
	}

	// Bad usage: exit 2, nothing on stdout.
	for _, args := range [][]string{
		{"history", "--json", "--csv"},
		{"history", "--since", "yesterday"},
		{"history", "--since", "2026-02-01", "--until", "2026-01-01"},
		{"history", "--limit", "-1"},
		{"history", "--client", "Nobody"},
		{"history", "extra"},
	} {
		if out, _ := f.run(t, ExitError, args...); out != "" {
			t.Errorf("%q printed %q", args, out)
		}
	}
	// A deleted client's history is still reachable by its id.
	if _, err := f.svc.DeleteAccount(context.Background(), f.ig.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DeleteAccount(context.Background(), f.yt.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteClient(context.Background(), f.client.ID); err != nil {
		t.Fatal(err)
	}
	if out, _ := f.run(t, ExitOK, "history", "--client", f.client.ID, "--kind", backend.EventClientDeleted); strings.Count(out, "\n") != 1 {
		t.Errorf("deleted client's history: %q", out)
	}
	f.noSecrets(t)
}

func TestHistoryHealthAndPruneCommands(t *testing.T) {
	t.Parallel()
	f := newHistFixture(t, true)
	out, _ := f.run(t, ExitOK, "history", "health", "--client", "Acme Bakery")
	if !strings.Contains(out, "1 incident(s)") || !strings.Contains(out, "Acme IG") || !strings.Contains(out, "mean time to reconnect 2 hours") {
		t.Errorf("health printed:\n%s", out)
	}
	out, _ = f.run(t, ExitOK, "history", "health", "--client", "Acme Bakery", "--json")
	var h history.ClientHealth
	if err := json.Unmarshal([]byte(out), &h); err != nil || len(h.Accounts) != 2 || len(h.Incidents) != 1 || h.Incidents[0].Reason != "password_changed" {
		t.Errorf("health --json: %v\n%s", err, out)
	}
	// Without --client: every client, worst first.
	if _, err := f.svc.AddClient(context.Background(), "Zed Empty"); err != nil {
		t.Fatal(err)
	}
	out, _ = f.run(t, ExitOK, "history", "health")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 || !strings.Contains(lines[1], "Acme Bakery: uptime ") ||
		!strings.Contains(lines[1], "1 incident(s), 0 of 2 account(s)") || !strings.Contains(lines[2], "Zed Empty: uptime n/a") {
		t.Errorf("health overview printed:\n%s", out)
	}
	f.run(t, ExitError, "history", "health", "--since", "yesterday")
	// An ongoing incident needs attention: exit 1.
	err := f.db.Update(context.Background(), func(tx backend.Tx) error {
		return tx.AppendEvent(&backend.Event{Time: f.now.Add(-time.Minute), ClientID: f.client.ID, AccountID: f.yt.ID, Kind: backend.EventAccountChecked, Outcome: "failed", Reason: "revoked"})
	})
	if err != nil {
		t.Fatal(err)
	}
	f.run(t, ExitAttention, "history", "health", "--client", "Acme Bakery")
	out, _ = f.run(t, ExitAttention, "history", "health", "--json")
	var rows []history.ClientOverview
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 2 || rows[0].ClientName != "Acme Bakery" || rows[0].NeedsAttention != 1 || rows[0].Ongoing != 1 {
		t.Errorf("health overview --json: %v\n%s", err, out)
	}

	out, _ = f.run(t, ExitOK, "history", "prune")
	if !strings.HasPrefix(out, "Folded 2 routine check(s) from before ") || !strings.Contains(out, "into 1 daily summary;") {
		t.Errorf("prune printed %q", out)
	}
	out, _ = f.run(t, ExitOK, "history", "prune", "--older-than", "30d", "--json")
	var res history.PruneResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Folded != 0 {
		t.Errorf("second prune: %v %s", err, out)
	}
	f.run(t, ExitError, "history", "prune", "--older-than", "5h")
	f.run(t, ExitError, "history", "prune", "--older-than", "soon")
	out, _ = f.run(t, ExitOK, "history", "--kind", backend.EventChecksSummarized)
	if !strings.Contains(out, "2 routine checks passed on") {
		t.Errorf("summary event: %q", out)
	}
	f.noSecrets(t)
}

func TestExportCommands(t *testing.T) {
	t.Parallel()
	f := newHistFixture(t, true)
	ics := filepath.Join(f.dir, "deadlines.ics")
	out, _ := f.run(t, ExitOK, "export", "deadlines", "--ics", ics)
	if out != "Wrote 2 reconnect deadline(s) of the next 90 days to "+ics+".\n" {
		t.Errorf("export deadlines printed %q", out)
	}
	b, err := os.ReadFile(ics)
	if err != nil {
		t.Fatal(err)
	}
	unfolded := strings.ReplaceAll(string(b), "\r\n ", "")
	if !strings.HasPrefix(unfolded, "BEGIN:VCALENDAR\r\n") || !strings.Contains(unfolded, `SUMMARY:Reconnect Google for Acme Bakery: Acme\, YouTube`) {
		t.Errorf("ics:\n%s", b)
	}
	if fi, err := os.Stat(ics); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("ics file mode %v, %v", fi.Mode(), err)
	}
	out, _ = f.run(t, ExitOK, "export", "deadlines", "--ics", "-", "--days", "10", "--all-day")
	if !strings.Contains(out, "BEGIN:VCALENDAR") || strings.Contains(out, "BEGIN:VEVENT") {
		t.Errorf("no deadline within 10 days, got:\n%s", out)
	}
	f.run(t, ExitError, "export", "deadlines")
	f.run(t, ExitError, "export", "deadlines", "--ics", ics, "--days", "0")
	f.run(t, ExitError, "export", "deadlines", "--ics", filepath.Join(f.dir, "no", "such", "dir", "x.ics"))

	report := filepath.Join(f.dir, "report.html")
	day := func(d int) string { return f.now.AddDate(0, 0, d).Format(time.DateOnly) }
	out, _ = f.run(t, ExitOK, "export", "report", "--client", "Acme Bakery", "--since", day(-30), "--until", day(0), "--out", report)
	if !strings.HasPrefix(out, "Wrote the report of Acme Bakery (2 account(s), 1 incident(s)) to ") {
		t.Errorf("export report printed %q", out)
	}
	html, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", "Connection report: Acme Bakery", "Acme IG", "@media print"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, args := range [][]string{
		{"export", "report", "--client", "Acme Bakery", "--since", day(-30), "--until", day(0)},
		{"export", "report", "--client", "Acme Bakery", "--since", "last month", "--until", day(0), "--out", report},
		{"export", "report", "--client", "Acme Bakery", "--since", day(0), "--until", day(-3), "--out", report},
		{"export", "report", "--client", "Nobody", "--since", day(-3), "--until", day(0), "--out", report},
		{"export"},
	} {
		f.run(t, ExitError, args...)
	}
	f.noSecrets(t, ics, report)
}

func TestDevSeedCommand(t *testing.T) {
	t.Parallel()
	f := newHistFixture(t, false)
	out, _ := f.run(t, ExitOK, "dev", "seed", "--accounts", "20", "--events", "600", "--days", "60")
	if !strings.HasPrefix(out, "Seeded 2 client(s), 20 account(s)") || !strings.Contains(out, "no token was written to the keychain") {
		t.Errorf("dev seed printed %q", out)
	}
	out, _ = f.run(t, ExitOK, "history", "--limit", "0")
	if n := strings.Count(out, "\n"); n != 600 {
		t.Errorf("%d events after seeding 600", n)
	}
	out, _ = f.run(t, ExitOK, "client", "list", "--json")
	var clients []map[string]any
	if err := json.Unmarshal([]byte(out), &clients); err != nil || len(clients) != 2 {
		t.Errorf("clients after seeding: %v %s", err, out)
	}
	_, stderr := f.run(t, ExitError, "dev", "seed", "--accounts", "1", "--events", "2")
	if !strings.Contains(stderr, "not empty") {
		t.Errorf("second seed: %q", stderr)
	}
	f.run(t, ExitError, "dev", "seed")
	f.run(t, ExitError, "dev", "seed", "--accounts", "10", "--events", "5")
}

func TestParseHistoryDate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in       string
		endOfDay bool
		want     string
		bad      bool
	}{
		{"2026-11-30", false, "2026-11-30T00:00:00Z", false},
		{"2026-11-30", true, "2026-12-01T00:00:00Z", false},
		{"2026-11-30T18:00:00+02:00", true, "2026-11-30T16:00:00Z", false},
		{" 2026-01-02 ", false, "2026-01-02T00:00:00Z", false},
		{"30/11/2026", false, "", true},
		{"2026-13-01", false, "", true},
	} {
		got, err := parseHistoryDate("--since", tc.in, tc.endOfDay)
		if tc.bad {
			if err == nil {
				t.Errorf("%q parsed as %v", tc.in, got)
			}
			continue
		}
		if err != nil || got.Format(time.RFC3339) != tc.want {
			t.Errorf("%q (end of day %v) = %v, %v; want %s", tc.in, tc.endOfDay, got, err, tc.want)
		}
	}
}
