package providers

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/keychain/keychaintest"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// browserStep plays the login page: it hands back the short-lived user
// token Facebook's dialog gives, as the loopback redirect would.
type browserStep struct{}

func (browserStep) Authorize(_ context.Context, req backend.AuthRequest) (*backend.Grant, error) {
	return &backend.Grant{AccessToken: tokShort, Scopes: req.Scopes}, nil
}

type oneProvider struct{ p *backend.Provider }

func (o oneProvider) Provider(string) (*backend.Provider, error) { return o.p, nil }
func (o oneProvider) Providers() []*backend.Provider             { return []*backend.Provider{o.p} }

// TestPagesThroughGraph runs connect and a reconnect that loses a Page
// through the real Facebook platform code against a Graph API stand-in
// with Meta's documented bodies: fresh Pages are healthy until the login's
// data-access date, and the reconnect lists the lost Page apart.
func TestPagesThroughGraph(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, facebookRoutes(t))
	p := fakeProvider(t, "facebook", f)
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := accounts.New(db, keychaintest.New(), oneProvider{p}, db)
	svc.Now = func() time.Time { return fixedNow }
	svc.Authorizer = browserStep{}
	svc.Platforms = func(p *backend.Provider) backend.Platform { return facebookPlatform(p, f) }
	if err := svc.SetCredentials(ctx, "facebook", appID, appSecret); err != nil {
		t.Fatal(err)
	}
	client, err := svc.AddClient(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}

	res, err := svc.Connect(ctx, accounts.ConnectRequest{ClientID: client.ID, Provider: "facebook"})
	if err != nil {
		t.Fatal(err)
	}
	dataAccess := time.Unix(fbDataAccessAt, 0).UTC()
	if len(res.Children) != 3 {
		t.Fatalf("connect brought %d Pages, want 3", len(res.Children))
	}
	for _, pg := range res.Children {
		if pg.Status != backend.StatusHealthy || pg.ReconnectBy == nil || !pg.ReconnectBy.Equal(dataAccess) {
			t.Errorf("fresh Page %q: %s, reconnect by %v; want healthy until %v", pg.Account.Label, pg.Status, pg.ReconnectBy, dataAccess)
		}
	}

	// The person unticks Acme Shop in the dialog: Graph lists two Pages.
	f.mu.Lock()
	f.routes["GET /v25.0/me/accounts"] = reply(200, `{"data":[
		{"access_token":"`+tokPage1+`","name":"Acme Bakery","id":"111","tasks":["MANAGE"]},
		{"access_token":"`+tokPage2+`","name":"Acme Cafe","id":"222","tasks":["CREATE_CONTENT"]}],
		"paging":{"cursors":{"before":"QVFIUkFB","after":"QVFIUmxtX0"}}}`)
	f.mu.Unlock()
	res, err = svc.Reconnect(ctx, accounts.ReconnectRequest{AccountID: res.Account.ID})
	if err != nil {
		t.Fatal(err)
	}
	var kept, lost []string
	for _, pg := range res.Children {
		kept = append(kept, pg.Account.Label)
		if pg.Status != backend.StatusHealthy {
			t.Errorf("kept Page %q is %s", pg.Account.Label, pg.Status)
		}
	}
	for _, pg := range res.Lost {
		lost = append(lost, pg.Account.Label)
		if pg.Status != backend.StatusInvalid || pg.Account.Reason != backend.ReasonPermissionLost {
			t.Errorf("lost Page %q: %s / %s", pg.Account.Label, pg.Status, pg.Account.Reason)
		}
	}
	slices.Sort(kept)
	if !slices.Equal(kept, []string{"Acme Bakery", "Acme Cafe"}) || !slices.Equal(lost, []string{"Acme Shop"}) {
		t.Errorf("reconnect kept %q and lost %q", kept, lost)
	}
	if !slices.Equal(res.Changes.AssetsLost, []string{"Acme Shop"}) || len(res.Changes.AssetsKept) != 2 {
		t.Errorf("changes = %+v", res.Changes)
	}
}
