package accounts

import (
	"context"
	"strings"
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

func TestEditClient(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.client(t, "Acme Bakery")
	got, err := f.svc.EditClient(ctx, c.ID, " Jane Doe <jane@acme.test> ", "Admin: Jane.\r\nAsk before reconnecting.")
	if err != nil {
		t.Fatal(err)
	}
	if got.Contact != "Jane Doe <jane@acme.test>" || got.Notes != "Admin: Jane.\nAsk before reconnecting." {
		t.Fatalf("edited = %+v", got)
	}
	if stored, _ := f.svc.FindClient(ctx, c.ID); stored.Contact != got.Contact || stored.Notes != got.Notes {
		t.Fatalf("stored = %+v", stored)
	}
	long := make([]rune, backend.MaxNotesLength+1)
	for i := range long {
		long[i] = 'x'
	}
	for _, tc := range []struct{ name, contact, notes string }{
		{"line break in contact", "Jane\nDoe", ""},
		{"escape in notes", "", "ok\x1b[31m"},
		{"notes too long", "", string(long)},
	} {
		if _, err := f.svc.EditClient(ctx, c.ID, tc.contact, tc.notes); backend.ErrorCode(err) != backend.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", tc.name, err)
		}
	}
	if stored, _ := f.svc.FindClient(ctx, c.ID); stored.Notes != got.Notes {
		t.Errorf("a refused edit changed the notes: %q", stored.Notes)
	}
	n := 0
	for _, e := range f.events(t) {
		if e.Kind == backend.EventClientEdited {
			n++
			if e.Message != `Client "Acme Bakery": contact and notes changed.` {
				t.Errorf("event message %q", e.Message)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d edit events, want 1", n)
	}
}

func TestFindClientSuggests(t *testing.T) {
	f := newFixture(t)
	f.client(t, "Acme Bakery")
	_, err := f.svc.FindClient(context.Background(), "acme bakry")
	if backend.ErrorCode(err) != backend.ENOTFOUND || !strings.Contains(err.Error(), `Did you mean "Acme Bakery"?`) {
		t.Fatalf("err = %v", err)
	}
}
