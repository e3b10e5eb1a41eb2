package accounts

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// TestPagesAfterConnectAndReconnect: Pages a login brings are healthy at
// once, until the login's data-access date; a reconnect that drops one lists
// it apart from the Pages the new grant keeps.
func TestPagesAfterConnectAndReconnect(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	dataAccess := f.now.Add(90 * 24 * time.Hour)
	withDataAccess := func(g *backend.Grant) *backend.Grant { g.DataAccessExpiresAt = &dataAccess; return g }
	auth := &fakeAuthorizer{grants: []*backend.Grant{
		withDataAccess(fbGrant("Ann", "Bakery", "Florist")),
		withDataAccess(fbGrant("Ann", "Bakery", "Cafe")), // Florist not ticked, Cafe new
	}}
	f.oauth(auth, &fakePlatform{})
	if err := f.svc.SetCredentials(ctx, "facebook", "1234567890", "app-secret"); err != nil {
		t.Fatal(err)
	}
	acme := f.client(t, "Acme")
	res, err := f.svc.Connect(ctx, ConnectRequest{ClientID: acme.ID, Provider: "facebook"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Children) != 2 || len(res.Lost) != 0 {
		t.Fatalf("connect: %d kept, %d lost", len(res.Children), len(res.Lost))
	}
	for _, p := range res.Children {
		if p.Status != backend.StatusHealthy || p.ReconnectBy == nil || !p.ReconnectBy.Equal(dataAccess) || p.Account.LastCheckedAt == nil {
			t.Errorf("fresh Page %q: status %s, reconnect by %v, last checked %v", p.Account.Label, p.Status, p.ReconnectBy, p.Account.LastCheckedAt)
		}
	}

	res, err = f.svc.Reconnect(ctx, ReconnectRequest{AccountID: res.Account.ID})
	if err != nil {
		t.Fatal(err)
	}
	labels := func(es []*Entry) (out []string) {
		for _, e := range es {
			out = append(out, e.Account.Label)
		}
		slices.Sort(out)
		return out
	}
	if got := labels(res.Children); !slices.Equal(got, []string{"Bakery", "Cafe"}) {
		t.Errorf("kept alive after reconnect = %q, want only the Pages the new grant covers", got)
	}
	if got := labels(res.Lost); !slices.Equal(got, []string{"Florist"}) || res.Lost[0].Status != backend.StatusInvalid {
		t.Errorf("lost = %q", got)
	}
	ch := res.Changes
	if !slices.Equal(ch.AssetsKept, []string{"Bakery"}) || !slices.Equal(ch.AssetsGained, []string{"Cafe"}) || !slices.Equal(ch.AssetsLost, []string{"Florist"}) {
		t.Errorf("changes = %+v", ch)
	}
	for _, p := range res.Children {
		if p.Status != backend.StatusHealthy {
			t.Errorf("Page %q after reconnect: %s", p.Account.Label, p.Status)
		}
	}
}
