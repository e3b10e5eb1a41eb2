package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/wire"
)

// browsingDesktop follows every login page the app opens, as a user who
// clicks "Allow" in the browser would.
type browsingDesktop struct {
	fakeDesktop
}

func (d *browsingDesktop) OpenURL(u string) error {
	_ = d.fakeDesktop.OpenURL(u)
	go func() {
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(u)
		if err == nil {
			resp.Body.Close()
		}
	}()
	return nil
}

// TestBulkFixThroughRealOpenIDProvider: three accounts imported by hand
// have expired; the plan lists their logins and each login, through a real
// OpenID provider, makes the account a connected, healthy one that keeps
// its id, client and label.
func TestBulkFixThroughRealOpenIDProvider(t *testing.T) {
	requireKeychain(t)
	issuer := startMockOAuth(t)
	dir := t.TempDir()
	svc, db, _, err := wire.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := newWindow(dir, svc, db, nil, nil)
	d := &browsingDesktop{}
	w.app.startup(context.Background(), d)
	defer w.app.shutdown()

	s := w.accounts
	globex, err := s.AddClient("Globex")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddCustomProvider(CustomProviderForm{ID: "mock", Name: "Mock SSO", Issuer: issuer,
		Scopes: "openid profile email offline_access", ClientID: "tokenwarden-test", ClientSecret: "mock-client-SECRET-0010"}); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
	ids := map[string]string{}
	for _, label := range []string{"One", "Two", "Three"} {
		r, err := s.ImportAccount(ImportForm{ClientID: globex.ID, Provider: "mock", Label: label, AccessToken: "imported-" + label, ExpiresAt: past})
		if err != nil || r.Account == nil {
			t.Fatalf("import %s: %+v, %v", label, r, err)
		}
		ids[r.Account.ID] = label
	}

	plan, err := s.FixPlan(globex.ID)
	if err != nil || plan.Accounts != 3 || len(plan.Steps) != 3 {
		t.Fatalf("plan = %+v, %v", plan, err)
	}
	for i, st := range plan.Steps {
		if st.Blocked != "" || !st.Imported {
			t.Fatalf("step %d = %+v", i, st)
		}
		res, err := w.connect.FixLogin(st.AccountID, st.Also)
		if err != nil {
			t.Fatalf("login %d of 3: %v", i+1, err)
		}
		a := res.Account
		if a.ID != st.AccountID || a.Label != ids[a.ID] || a.ClientID != globex.ID || !a.Connected || a.IdentityName != "John Doe" ||
			a.Status != string(backend.StatusHealthy) || a.NeedsAttention {
			t.Errorf("login %d of 3 left %+v", i+1, a)
		}
	}
	if len(d.opened) != 3 || !strings.HasPrefix(d.opened[0], issuer) {
		t.Errorf("the browser opened %v", d.opened)
	}
	if plan, err := s.FixPlan(globex.ID); err != nil || len(plan.Steps) != 0 {
		t.Errorf("plan after the fix = %+v, %v", plan, err)
	}
}
