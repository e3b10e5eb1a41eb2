package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// fakeAuthorizer plays the browser step: it returns the next grant queued.
type fakeAuthorizer struct {
	grants []*backend.Grant
	err    error
	seen   []backend.AuthRequest
}

func (f *fakeAuthorizer) Authorize(_ context.Context, req backend.AuthRequest) (*backend.Grant, error) {
	f.seen = append(f.seen, req)
	if f.err != nil {
		return nil, f.err
	}
	g := f.grants[0]
	f.grants = f.grants[1:]
	return g, nil
}

type fakePlatform struct {
	revokeErr error
	revoked   []string
}

func (p *fakePlatform) Complete(context.Context, *backend.Provider, backend.Credentials, *backend.Grant) error {
	return nil
}

func (p *fakePlatform) Revoke(_ context.Context, _ *backend.Provider, _ backend.Credentials, access, _ string) error {
	p.revoked = append(p.revoked, access)
	return p.revokeErr
}

func (f *fixture) oauth(auth *fakeAuthorizer, plat *fakePlatform) {
	f.svc.Authorizer = auth
	f.svc.Platforms = func(*backend.Provider) backend.Platform { return plat }
}

func fbGrant(user string, pages ...string) *backend.Grant {
	exp := time.Date(2027, 1, 20, 0, 0, 0, 0, time.UTC)
	g := &backend.Grant{AccessToken: "EAA-user-" + user, ExpiresAt: &exp, Scopes: []string{"pages_show_list", "pages_read_engagement"},
		Identity: backend.Identity{ExternalID: "id-" + user, Name: user}}
	for _, p := range pages {
		g.Assets = append(g.Assets, backend.Asset{ExternalID: "page-" + p, Name: p, Kind: "page", AccessToken: "EAA-page-" + p})
	}
	return g
}

func TestConnectNeedsCredentials(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	auth := &fakeAuthorizer{}
	f.oauth(auth, &fakePlatform{})
	acme := f.client(t, "Acme")
	_, err := f.svc.Connect(context.Background(), ConnectRequest{ClientID: acme.ID, Provider: "facebook"})
	if backend.ErrorCode(err) != backend.EINVALID || !strings.Contains(err.Error(), "no client id for Facebook") {
		t.Fatalf("err = %v", err)
	}
	if len(auth.seen) != 0 {
		t.Error("the browser flow started without credentials")
	}
}

func TestConnectAndReconnectKeepTheRecord(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	auth := &fakeAuthorizer{grants: []*backend.Grant{
		fbGrant("Ann", "Bakery", "Florist", "Gym"),
		fbGrant("Ann", "Bakery", "Gym", "Cafe"), // Florist lost, Cafe gained
		fbGrant("Bob", "Bakery"),                // someone else logs in
	}}
	plat := &fakePlatform{}
	f.oauth(auth, plat)
	if err := f.svc.SetCredentials(ctx, "facebook", "1234567890", "app-secret-SECRET"); err != nil {
		t.Fatal(err)
	}
	acme := f.client(t, "Acme")

	res, err := f.svc.Connect(ctx, ConnectRequest{ClientID: acme.ID, Provider: "facebook"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Account.Label != "Ann" || len(res.Children) != 3 || auth.seen[0].Credentials.ClientSecret != "app-secret-SECRET" {
		t.Fatalf("connect result = %+v children=%d", res.Account, len(res.Children))
	}
	id := res.Account.ID
	if _, err := f.svc.RenameAccount(ctx, id, "Ann (agency login)"); err != nil {
		t.Fatal(err)
	}
	pageTok := f.secrets.Items[res.Children[0].ID+"/access_token"]
	if !strings.HasPrefix(pageTok, "EAA-page-") {
		t.Errorf("page token not stored: %q", pageTok)
	}

	res, err = f.svc.Reconnect(ctx, ReconnectRequest{AccountID: id})
	if err != nil {
		t.Fatal(err)
	}
	if res.Account.ID != id || res.Account.Label != "Ann (agency login)" || res.Account.ClientID != acme.ID {
		t.Errorf("reconnect changed the record: %+v", res.Account)
	}
	if got := res.Changes; len(got.AssetsLost) != 1 || got.AssetsLost[0] != "Florist" || len(got.AssetsGained) != 1 || got.AssetsGained[0] != "Cafe" {
		t.Errorf("changes = %+v", got)
	}
	if auth.seen[1].Prompt != "consent" {
		t.Errorf("reconnect prompt = %q", auth.seen[1].Prompt)
	}
	kids, _ := f.svc.Entries(ctx, backend.AccountFilter{ParentID: id})
	status := map[string]backend.Status{}
	for _, k := range kids {
		status[k.Label] = k.Status
	}
	if len(kids) != 4 || status["Florist"] != backend.StatusInvalid || status["Cafe"] == backend.StatusInvalid || status["Bakery"] == backend.StatusInvalid {
		t.Errorf("pages after reconnect = %v", status)
	}
	hist, _ := f.svc.History(ctx, backend.EventFilter{AccountID: id, Kind: backend.EventAccountReconnected})
	if len(hist) != 1 || hist[0].Outcome != backend.OutcomeFailed || !strings.Contains(hist[0].Message, "Lost access to 1 Page(s): Florist") {
		t.Errorf("reconnect history = %+v", hist)
	}

	// A different user: declining keeps everything as it was.
	var asked bool
	_, err = f.svc.Reconnect(ctx, ReconnectRequest{AccountID: id, ConfirmIdentity: func(old, new backend.Identity) bool {
		asked = old.Name == "Ann" && new.Name == "Bob"
		return false
	}})
	if !errors.Is(err, ErrIdentityDeclined) || !asked {
		t.Fatalf("declined identity change: err=%v asked=%v", err, asked)
	}
	if tok := f.secrets.Items[id+"/access_token"]; tok != "EAA-user-Ann" {
		t.Errorf("declined reconnect replaced the token with %q", tok)
	}

	// Deleting the login revokes it and removes its Pages; history stays.
	del, err := f.svc.DeleteAccount(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !del.Revoked || del.Deleted != 5 || len(plat.revoked) != 1 || plat.revoked[0] != "EAA-user-Ann" {
		t.Errorf("delete = %+v, revoked %v", del, plat.revoked)
	}
	if left, _ := f.svc.Entries(ctx, backend.AccountFilter{}); len(left) != 0 {
		t.Errorf("%d accounts left after deleting the login", len(left))
	}
	for k := range f.secrets.Items {
		if strings.HasPrefix(k, "acc_") {
			t.Errorf("keychain item %s left", k)
		}
	}
	if hist, _ := f.svc.History(ctx, backend.EventFilter{AccountID: id}); len(hist) < 4 {
		t.Errorf("history of the deleted login has %d events", len(hist))
	}
}

func TestConnectFailureIsRecordedAndChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.oauth(&fakeAuthorizer{err: backend.Errorf(backend.EINVALID, "You declined the request in the browser.")}, &fakePlatform{})
	if err := f.svc.SetCredentials(ctx, "google", "cid.apps.googleusercontent.com", "GOCSPX-secret"); err != nil {
		t.Fatal(err)
	}
	acme := f.client(t, "Acme")
	if _, err := f.svc.Connect(ctx, ConnectRequest{ClientID: acme.ID, Provider: "google"}); err == nil {
		t.Fatal("connect succeeded")
	}
	if entries, _ := f.svc.Entries(ctx, backend.AccountFilter{}); len(entries) != 0 {
		t.Errorf("failed connect left %d accounts", len(entries))
	}
	hist, _ := f.svc.History(ctx, backend.EventFilter{Kind: backend.EventConnectFailed})
	if len(hist) != 1 || hist[0].ClientID != acme.ID || !strings.Contains(hist[0].Message, "declined") {
		t.Errorf("failure history = %+v", hist)
	}
}

func TestDeleteWithoutRevocationTellsWhereToGo(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	plat := &fakePlatform{revokeErr: backend.ErrNoRevocation}
	f.oauth(&fakeAuthorizer{}, plat)
	a := f.importToken(t, f.client(t, "Acme").ID, "Page", 0)
	res, err := f.svc.DeleteAccount(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Revoked || !strings.Contains(res.Note, "does not let apps revoke") {
		t.Errorf("result = %+v", res)
	}
}
