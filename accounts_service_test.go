package main

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// changesDesktop keeps the AccountsChanged payloads the services emit.
type changesDesktop struct {
	fakeDesktop
	mu      sync.Mutex
	changes []AccountsChanged
}

func (d *changesDesktop) Emit(name string, data ...any) {
	d.fakeDesktop.Emit(name, data...)
	if name != EventAccountsChanged || len(data) != 1 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.changes = append(d.changes, data[0].(AccountsChanged))
}

func (d *changesDesktop) take() []AccountsChanged {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.changes
	d.changes = nil
	return out
}

// Every change the window did not make itself still reaches it, naming the
// rows to fetch again; Entries then gives exactly those rows.
func TestChangesNameTheirAccounts(t *testing.T) {
	w, _, _ := newTestWindow(t)
	d := &changesDesktop{}
	w.accounts.desktop = d // one shell for every service
	one := func(ids ...string) []AccountsChanged {
		return []AccountsChanged{{IDs: append([]string{}, ids...), All: len(ids) == 0}}
	}

	c, err := w.accounts.AddClient("Acme")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.take(); !reflect.DeepEqual(got, one()) {
		t.Errorf("add client announced %+v, want all", got)
	}
	imported, err := w.accounts.ImportAccount(ImportForm{ClientID: c.ID, Provider: "x", Label: "Acme X", AccessToken: "x-token",
		ExpiresAt: time.Now().Add(48 * time.Hour).Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	a := imported.Account
	if got := d.take(); !reflect.DeepEqual(got, one(a.ID)) {
		t.Errorf("import announced %+v, want %s", got, a.ID)
	}
	if _, err := w.accounts.RenameAccount(a.ID, "Acme X main"); err != nil {
		t.Fatal(err)
	}
	if got := d.take(); !reflect.DeepEqual(got, one(a.ID)) {
		t.Errorf("rename announced %+v, want %s", got, a.ID)
	}
	if _, err := w.settings.Snooze(a.ID, 3); err != nil {
		t.Fatal(err)
	}
	if got := d.take(); !reflect.DeepEqual(got, one(a.ID)) {
		t.Errorf("snooze announced %+v, want %s", got, a.ID)
	}
	// A refused change announces nothing.
	if _, err := w.accounts.RenameAccount(a.ID, "   "); err == nil {
		t.Fatal("an empty label was accepted")
	}
	if got := d.take(); len(got) != 0 {
		t.Errorf("a refused rename announced %+v", got)
	}

	rows, err := w.accounts.Entries([]string{a.ID, "acc_nosuchaccnt"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Label != "Acme X main" || rows[0].Status != string(backend.StatusExpiring) || rows[0].SnoozedUntil == "" {
		t.Fatalf("Entries = %+v", rows)
	}
	if rows[0].StatusChangesAt != rows[0].ExpiresAt {
		t.Errorf("an expiring token's status moves on when it expires (%s), not at %q", rows[0].ExpiresAt, rows[0].StatusChangesAt)
	}

	if _, err := w.accounts.DeleteAccount(a.ID); err != nil {
		t.Fatal(err)
	}
	if got := d.take(); !reflect.DeepEqual(got, one(a.ID)) {
		t.Errorf("delete announced %+v, want %s", got, a.ID)
	}
	if rows, err := w.accounts.Entries([]string{a.ID}); err != nil || len(rows) != 0 {
		t.Errorf("Entries of a deleted account = %+v, %v", rows, err)
	}
}
