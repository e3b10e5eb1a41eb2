package accounts

import (
	"context"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestMoveAccount(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	from, to := f.client(t, "Acme Bakery"), f.client(t, "Blue Dental")
	a := f.importToken(t, from.ID, "acme-fb", 30*24*time.Hour)

	moved, err := f.svc.MoveAccount(ctx, a.ID, to.ID)
	if err != nil {
		t.Fatal(err)
	}
	if moved.ClientID != to.ID || moved.ID != a.ID || moved.Label != a.Label {
		t.Fatalf("moved = %+v", moved)
	}
	e, err := f.svc.Entry(ctx, a.ID)
	if err != nil || e.Account.ClientID != to.ID {
		t.Fatalf("stored account: %+v, %v", e, err)
	}
	if tok, err := f.secrets.Secret(ctx, a.ID, backend.SecretAccessToken); err != nil || tok == "" {
		t.Fatalf("the token did not stay with the account: %q, %v", tok, err)
	}
	var got *backend.Event
	for _, ev := range f.events(t) {
		if ev.Kind == backend.EventAccountMoved {
			got = ev
		}
	}
	if got == nil || got.ClientID != to.ID || got.AccountID != a.ID || got.Details["from_client"] != "Acme Bakery" {
		t.Fatalf("move event = %+v", got)
	}
	// The emptied client can now be deleted.
	if err := f.svc.DeleteClient(ctx, from.ID); err != nil {
		t.Fatalf("delete the emptied client: %v", err)
	}

	for _, tc := range []struct {
		name, account, client, code string
	}{
		{"unknown client", a.ID, "cli_aaaaaaaaaaaa", backend.ENOTFOUND},
		{"unknown account", "acc_aaaaaaaaaaaa", to.ID, backend.ENOTFOUND},
	} {
		if _, err := f.svc.MoveAccount(ctx, tc.account, tc.client); backend.ErrorCode(err) != tc.code {
			t.Errorf("%s: err = %v, want code %s", tc.name, err, tc.code)
		}
	}
	if e, _ := f.svc.Entry(ctx, a.ID); e.Account.ClientID != to.ID {
		t.Errorf("a failed move changed the account")
	}
}
