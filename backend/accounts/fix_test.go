package accounts

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/providers"
)

// entryOf builds a plan input: id, client, provider, status, and optionally
// the login's user or the Page's parent.
func entryOf(id, client, provider string, st backend.Status, user, parent string) *Entry {
	a := &backend.Account{ID: id, ClientID: client, Provider: provider, Label: "L-" + id, ParentID: parent}
	if user != "" {
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		a.Identity, a.ConnectedAt = backend.Identity{ExternalID: user, Name: "User " + user}, &now
	}
	return &Entry{Account: a, ClientName: "C-" + client, ProviderName: provider, Status: st}
}

func setupsOf(ready ...string) map[string]*ProviderStatus {
	out := map[string]*ProviderStatus{}
	for _, p := range providers.Builtin().Providers() {
		ps := &ProviderStatus{Provider: p, MissingSetup: "client id"}
		if strings.Contains(" "+strings.Join(ready, " ")+" ", " "+p.ID+" ") {
			ps.Configured, ps.MissingSetup = true, ""
		}
		out[p.ID] = ps
	}
	return out
}

// stepSummary is a step as "login[+also...]:fixed,fixed|blocked".
func stepSummary(st FixStep) string {
	s := st.AccountID
	for _, a := range st.Also {
		s += "+" + a
	}
	s += ":"
	for i, f := range st.Fixes {
		if i > 0 {
			s += ","
		}
		s += f.AccountID
	}
	if st.Blocked != "" {
		s += "|blocked"
	}
	if st.Imported {
		s += "|imported"
	}
	return s
}

func TestPlanFixes(t *testing.T) {
	t.Parallel()
	const (
		bad  = backend.StatusInvalid
		old  = backend.StatusExpired
		soon = backend.StatusExpiring
		ok   = backend.StatusHealthy
		unk  = backend.StatusUnknown
	)
	for _, tc := range []struct {
		name     string
		entries  []*Entry
		scope    FixScope
		ready    []string
		want     []string
		accounts int
	}{
		{name: "nothing needs the user", entries: []*Entry{entryOf("a", "c1", "google", ok, "u1", ""), entryOf("b", "c1", "google", unk, "", "")},
			ready: []string{"google"}, want: []string{}},
		{name: "one step per broken login, most urgent first",
			entries: []*Entry{entryOf("a", "c1", "google", bad, "u1", ""), entryOf("b", "c2", "linkedin", old, "u2", ""), entryOf("c", "c1", "x", soon, "u3", "")},
			ready:   []string{"google", "linkedin", "x"}, want: []string{"a:a", "b:b", "c:c"}, accounts: 3},
		{name: "Pages are fixed by their Facebook login, once",
			entries: []*Entry{entryOf("p1", "c1", "facebook", bad, "", "fb"), entryOf("p2", "c2", "facebook", bad, "", "fb"),
				entryOf("fb", "c3", "facebook", old, "u1", ""), entryOf("p3", "c3", "facebook", ok, "", "fb")},
			ready: []string{"facebook"}, want: []string{"fb:p1,p2,fb"}, accounts: 3},
		{name: "one Google user's login fixes all its accounts",
			entries: []*Entry{entryOf("g1", "c1", "google", bad, "ann", ""), entryOf("g2", "c2", "google", old, "ann", ""),
				entryOf("g3", "c3", "google", soon, "bob", ""), entryOf("g4", "c4", "google", soon, "ann", "")},
			ready: []string{"google"}, want: []string{"g1+g2+g4:g1,g2,g4", "g3:g3"}, accounts: 4},
		{name: "rotating refresh tokens are never shared",
			entries: []*Entry{entryOf("x1", "c1", "x", bad, "ann", ""), entryOf("x2", "c2", "x", bad, "ann", "")},
			ready:   []string{"x"}, want: []string{"x1:x1", "x2:x2"}, accounts: 2},
		{name: "a Facebook login with Pages is its own step even for the same user",
			entries: []*Entry{entryOf("fb1", "c1", "facebook", bad, "ann", ""), entryOf("fb2", "c2", "facebook", bad, "ann", ""),
				entryOf("pg", "c2", "facebook", ok, "", "fb2")},
			ready: []string{"facebook"}, want: []string{"fb1:fb1", "fb2:fb2"}, accounts: 2},
		{name: "imported accounts are reconnected one by one",
			entries: []*Entry{entryOf("i1", "c1", "google", bad, "", ""), entryOf("i2", "c1", "google", bad, "", "")},
			ready:   []string{"google"}, want: []string{"i1:i1|imported", "i2:i2|imported"}, accounts: 2},
		{name: "a platform without setup blocks its step",
			entries: []*Entry{entryOf("a", "c1", "tiktok", bad, "u", "")}, want: []string{"a:a|blocked"}, accounts: 1},
		{name: "one client only, its Page's login elsewhere included",
			entries: []*Entry{entryOf("p1", "c1", "facebook", bad, "", "fb"), entryOf("fb", "c9", "facebook", ok, "u1", ""),
				entryOf("z", "c2", "google", bad, "u2", "")},
			scope: FixScope{ClientID: "c1"}, ready: []string{"facebook", "google"}, want: []string{"fb:p1"}, accounts: 1},
		{name: "a Page whose login is gone is left out",
			entries: []*Entry{entryOf("p1", "c1", "facebook", bad, "", "gone")}, ready: []string{"facebook"}, want: []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := planFixes(tc.entries, tc.scope, setupsOf(tc.ready...))
			got := []string{}
			for _, st := range plan.Steps {
				got = append(got, stepSummary(st))
			}
			if !reflect.DeepEqual(got, tc.want) || plan.Accounts != tc.accounts {
				t.Errorf("steps = %v (%d accounts), want %v (%d)", got, plan.Accounts, tc.want, tc.accounts)
			}
		})
	}
}

func TestPlanFixesUnknownClient(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.PlanFixes(context.Background(), FixScope{ClientID: "cli_abcdefghjkmn"}); backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Fatalf("err = %v", err)
	}
}

func googleGrant(user, refresh string, scopes ...string) *backend.Grant {
	exp := time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC)
	return &backend.Grant{AccessToken: "ya29-" + user, RefreshToken: refresh, ExpiresAt: &exp, Scopes: scopes,
		Identity: backend.Identity{ExternalID: "sub-" + user, Name: user, Email: strings.ToLower(user) + "@example.com"}}
}

// TestReconnectImportedAccount: an account imported by hand becomes a
// connected one, keeping its id, client, label and history, and the
// imported refresh token does not outlive the login it came from.
func TestReconnectImportedAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	auth := &fakeAuthorizer{grants: []*backend.Grant{googleGrant("Ann", "", "openid", "email")}}
	f.oauth(auth, &fakePlatform{})
	if err := f.svc.SetCredentials(ctx, "google", "cid.apps.googleusercontent.com", "GOCSPX-secret"); err != nil {
		t.Fatal(err)
	}
	c := f.client(t, "Acme")
	a, err := f.svc.ImportAccount(ctx, ImportRequest{ClientID: c.ID, Provider: "google", Label: "Acme YouTube",
		Token: backend.Token{AccessToken: "ya29-imported", RefreshToken: "1//imported-refresh"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.Reconnect(ctx, ReconnectRequest{AccountID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Account
	if got.ID != a.ID || got.ClientID != c.ID || got.Label != "Acme YouTube" || !got.Connected() || got.Identity.Email != "ann@example.com" {
		t.Fatalf("reconnected = %+v", got.Account)
	}
	if got.HasRefreshToken {
		t.Error("the imported refresh token is still counted")
	}
	if _, err := f.secrets.Secret(ctx, a.ID, backend.SecretRefreshToken); backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Errorf("the imported refresh token stayed in the keychain: %v", err)
	}
	if tok, _ := f.secrets.Secret(ctx, a.ID, backend.SecretAccessToken); tok != "ya29-Ann" {
		t.Errorf("access token = %q", tok)
	}
	// The provider's default scopes were asked for: the import knew none.
	if n := len(auth.seen[0].Scopes); n < 5 {
		t.Errorf("requested %d scopes, want the provider's defaults", n)
	}
	hist, _ := f.svc.History(ctx, backend.EventFilter{AccountID: a.ID})
	if len(hist) != 2 || hist[0].Kind != backend.EventAccountReconnected || !strings.Contains(hist[0].Message, "imported by hand, is now connected as Ann <ann@example.com>") {
		t.Errorf("history = %+v", hist)
	}
}

// TestReconnectSharedLogin: one login fixes every account of its user that
// the plan put in the step; an account of another user is named, not touched.
func TestReconnectSharedLogin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	auth := &fakeAuthorizer{grants: []*backend.Grant{
		googleGrant("Ann", "1//a", "openid"), googleGrant("Ann", "1//b", "openid", "youtube"), googleGrant("Bob", "1//c", "openid"),
		googleGrant("Ann", "1//fixed", "openid", "youtube"),
	}}
	f.oauth(auth, &fakePlatform{})
	if err := f.svc.SetCredentials(ctx, "google", "cid.apps.googleusercontent.com", "GOCSPX-secret"); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, name := range []string{"One", "Two", "Three"} {
		r, err := f.svc.Connect(ctx, ConnectRequest{ClientID: f.client(t, name).ID, Provider: "google"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.Account.ID)
	}
	res, err := f.svc.Reconnect(ctx, ReconnectRequest{AccountID: ids[0], Also: []string{ids[1], ids[2]}})
	if err != nil {
		t.Fatal(err)
	}
	// One login asking for the provider's scopes and the union of what the
	// accounts were granted (issue 10: a reconnect asks for what they need).
	p, _ := f.svc.Providers.Provider("google")
	want := scopeUnion(providerScopes(p), []string{"openid", "youtube"})
	if len(auth.seen) != 4 || !reflect.DeepEqual(auth.seen[3].Scopes, want) {
		t.Errorf("one login with %v expected; seen %d, scopes %v", want, len(auth.seen), auth.seen[len(auth.seen)-1].Scopes)
	}
	if len(res.Also) != 1 || res.Also[0].ID != ids[1] || len(res.NotFixed) != 1 || !strings.Contains(res.NotFixed[0], "belongs to Bob") {
		t.Fatalf("also = %v, not fixed = %v", res.Also, res.NotFixed)
	}
	for i, want := range []string{"1//fixed", "1//fixed", "1//c"} {
		if tok, _ := f.secrets.Secret(ctx, ids[i], backend.SecretRefreshToken); tok != want {
			t.Errorf("account %d refresh token = %q, want %q", i, tok, want)
		}
	}
	hist, _ := f.svc.History(ctx, backend.EventFilter{AccountID: ids[1], Kind: backend.EventAccountReconnected})
	if len(hist) != 1 || !strings.Contains(hist[0].Message, "through the login of") {
		t.Errorf("history of the shared account = %+v", hist)
	}
	// An account on another platform, or a Page, cannot share a login.
	fb := f.importToken(t, f.client(t, "Four").ID, "fb", 0)
	if _, err := f.svc.Reconnect(ctx, ReconnectRequest{AccountID: ids[0], Also: []string{fb.ID}}); backend.ErrorCode(err) != backend.EINVALID {
		t.Errorf("sharing with another platform: %v", err)
	}
}

// TestIdentityChangeHistoryNamesBoth: the history says who replaced whom
// by name and email, not by the platform's ids.
func TestIdentityChangeHistoryNamesBoth(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.oauth(&fakeAuthorizer{grants: []*backend.Grant{googleGrant("Ann", "1//a"), googleGrant("Bob", "1//b")}}, &fakePlatform{})
	if err := f.svc.SetCredentials(ctx, "google", "cid.apps.googleusercontent.com", "GOCSPX-secret"); err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.Connect(ctx, ConnectRequest{ClientID: f.client(t, "Acme").ID, Provider: "google"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Reconnect(ctx, ReconnectRequest{AccountID: r.Account.ID, ConfirmIdentity: func(_, _ backend.Identity) bool { return true }}); err != nil {
		t.Fatal(err)
	}
	hist, _ := f.svc.History(ctx, backend.EventFilter{AccountID: r.Account.ID, Kind: backend.EventAccountReconnected})
	want := "reconnected as Bob <bob@example.com>, replacing the login of Ann <ann@example.com>."
	if len(hist) != 1 || !strings.Contains(hist[0].Message, want) || strings.Contains(hist[0].Message, "sub-") {
		t.Errorf("history = %+v", hist)
	}
}
