package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
)

// TestRepairBindings: an import that matches an account offers it instead
// of adding a duplicate; its token can be replaced; it can move to another
// client; the client's contact and notes are saved; the fix plan lists it.
func TestRepairBindings(t *testing.T) {
	w, _, svc := newTestWindow(t)
	ctx := context.Background()
	s := w.accounts
	acme, err := s.AddClient("Acme")
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	form := ImportForm{ClientID: acme.ID, Provider: "google", Label: "Acme YouTube", AccessToken: "ya29-first", ExpiresAt: past}
	first, err := s.ImportAccount(form)
	if err != nil || first.Account == nil || first.Duplicate != nil {
		t.Fatalf("first import = %+v, %v", first, err)
	}
	a := first.Account
	if !a.NeedsAttention || !slices.Equal(a.Fixes, []string{accounts.FixReconnect, accounts.FixReplaceToken}) {
		t.Errorf("an expired imported account: needs attention %v, fixes %v", a.NeedsAttention, a.Fixes)
	}

	form.AccessToken, form.Label = "ya29-second", "acme youtube"
	again, err := s.ImportAccount(form)
	if err != nil || again.Account != nil || again.Duplicate == nil || again.Duplicate.ID != a.ID {
		t.Fatalf("duplicate import = %+v, %v", again, err)
	}
	if n := len(mustOverview(t, s).Groups[0].Accounts); n != 1 {
		t.Fatalf("the duplicate was stored: %d accounts", n)
	}
	form.Replace = true
	replaced, err := s.ImportAccount(form)
	if err != nil || replaced.Account == nil || replaced.Account.ID != a.ID {
		t.Fatalf("import with replace = %+v, %v", replaced, err)
	}
	if tok, _ := svc.Secrets.Secret(ctx, a.ID, backend.SecretAccessToken); tok != "ya29-second" {
		t.Errorf("token after replace-by-import = %q", tok)
	}

	future := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	v, err := s.ReplaceToken(a.ID, TokenForm{AccessToken: "ya29-third", ExpiresAt: future})
	if err != nil || v.ID != a.ID || v.Status != string(backend.StatusHealthy) || v.NeedsAttention {
		t.Fatalf("replace token = %+v, %v", v, err)
	}
	if _, err := s.ReplaceToken(a.ID, TokenForm{AccessToken: "ya29-x", ExpiresAt: "tomorrow"}); err == nil || !strings.Contains(err.Error(), "not a valid date") {
		t.Errorf("bad expiry: %v", err)
	}
	if tok, _ := svc.Secrets.Secret(ctx, a.ID, backend.SecretAccessToken); tok != "ya29-third" {
		t.Errorf("a refused replace changed the token to %q", tok)
	}

	beta, _ := s.AddClient("Beta")
	moved, err := s.MoveAccount(a.ID, beta.ID)
	if err != nil || moved.ClientID != beta.ID || moved.ClientName != "Beta" {
		t.Fatalf("move = %+v, %v", moved, err)
	}
	if _, err := s.MoveAccount(a.ID, "cli_nosuchclient"); err == nil {
		t.Error("moving to an unknown client succeeded")
	}

	c, err := s.EditClient(beta.ID, "Dana <dana@beta.example>", "Call before noon.")
	if err != nil || c.Contact != "Dana <dana@beta.example>" || c.Notes != "Call before noon." {
		t.Fatalf("edit client = %+v, %v", c, err)
	}
	for _, g := range mustOverview(t, s).Groups {
		if g.ID == beta.ID && (g.Contact != c.Contact || g.Notes != c.Notes) {
			t.Errorf("overview group = %+v", g)
		}
	}

	// Broken again: the plan has one login for it, under Beta.
	if _, err := s.ReplaceToken(a.ID, TokenForm{AccessToken: "ya29-fourth", ExpiresAt: past}); err != nil {
		t.Fatal(err)
	}
	plan, err := s.FixPlan(beta.ID)
	if err != nil || plan.Accounts != 1 || len(plan.Steps) != 1 || plan.Steps[0].AccountID != a.ID || !plan.Steps[0].Imported {
		t.Fatalf("plan = %+v, %v", plan, err)
	}
	if !strings.Contains(plan.Steps[0].Blocked, "Set up Google / YouTube first") {
		t.Errorf("a platform without setup should block the step: %q", plan.Steps[0].Blocked)
	}
	if plan, err := s.FixPlan(acme.ID); err != nil || len(plan.Steps) != 0 {
		t.Errorf("Acme's plan = %+v, %v", plan, err)
	}
}

func mustOverview(t *testing.T, s *AccountsService) *Overview {
	t.Helper()
	ov, err := s.Overview()
	if err != nil {
		t.Fatal(err)
	}
	return ov
}

func TestProviderSetupsReadyFirst(t *testing.T) {
	w, _, _ := newTestWindow(t)
	before, err := w.accounts.ProviderSetups()
	if err != nil || len(before) < 3 || before[0].Configured {
		t.Fatalf("setups = %v, %v", before, err)
	}
	last := before[len(before)-1]
	if err := w.accounts.SetProviderCredentials(last.ID, "my-app-id", "my-app-SECRET"); err != nil {
		t.Fatal(err)
	}
	after, _ := w.accounts.ProviderSetups()
	if after[0].ID != last.ID || !after[0].Configured || after[1].ID != before[0].ID {
		t.Errorf("order after setting up %s: %s, %s, ...", last.ID, after[0].ID, after[1].ID)
	}
	for _, p := range after {
		if (p.ID == "facebook") != (p.ChildAssets == "Pages") {
			t.Errorf("%s child assets = %q", p.ID, p.ChildAssets)
		}
	}
}

func TestSetWindowTheme(t *testing.T) {
	w, _, _ := newTestWindow(t)
	for _, theme := range []string{"light", "dark"} {
		if err := w.settings.SetWindowTheme(theme); err != nil {
			t.Errorf("%s: %v", theme, err)
		}
	}
	if err := w.settings.SetWindowTheme("purple"); err == nil || !strings.Contains(err.Error(), "not a theme") {
		t.Errorf("bad theme: %v", err)
	}
}
