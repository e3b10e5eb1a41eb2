package accounts

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/keychain/keychaintest"
	"github.com/tokenwarden/tokenwarden/backend/notify"
	"github.com/tokenwarden/tokenwarden/backend/providers"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

var errLocked = backend.Errorf(backend.EUNAVAILABLE, "The keychain is locked.")

type fixture struct {
	svc     *Service
	secrets *keychaintest.Memory
	now     time.Time
	dir     string // the data folder: tokenwarden.db and its -wal, -shm
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{secrets: keychaintest.New(), now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), dir: dir}
	f.svc = New(db, f.secrets, providers.Builtin(), db)
	f.svc.Now = func() time.Time { return f.now }
	return f
}

func (f *fixture) events(t *testing.T) []*backend.Event {
	t.Helper()
	ev, err := f.svc.History(context.Background(), backend.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (f *fixture) client(t *testing.T, name string) *backend.Client {
	t.Helper()
	c, err := f.svc.AddClient(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) importToken(t *testing.T, clientID, label string, expiresIn time.Duration) *backend.Account {
	t.Helper()
	var exp *time.Time
	if expiresIn != 0 {
		e := f.now.Add(expiresIn)
		exp = &e
	}
	a, err := f.svc.ImportAccount(context.Background(), ImportRequest{
		ClientID: clientID, Provider: "facebook", Label: label,
		Token: backend.Token{AccessToken: "EAAtest-" + label, ExpiresAt: exp},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestClients(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	acme := f.client(t, " Acme Bakery ")
	if acme.Name != "Acme Bakery" {
		t.Errorf("name not trimmed: %q", acme.Name)
	}
	for _, tc := range []struct{ name, code string }{
		{"", backend.EINVALID}, {"acme bakery", backend.ECONFLICT}, {"a\x01b", backend.EINVALID},
	} {
		if _, err := f.svc.AddClient(ctx, tc.name); backend.ErrorCode(err) != tc.code {
			t.Errorf("AddClient(%q) = %v, want code %s", tc.name, err, tc.code)
		}
	}
	if n := len(f.events(t)); n != 1 {
		t.Errorf("%d events after one good and three bad adds, want 1", n)
	}
	if _, err := f.svc.RenameClient(ctx, acme.ID, "Acme Bakery Ltd"); err != nil {
		t.Fatal(err)
	}
	found, err := f.svc.FindClient(ctx, "ACME BAKERY LTD")
	if err != nil || found.ID != acme.ID {
		t.Fatalf("FindClient by name = %v, %v", found, err)
	}
	if _, err := f.svc.FindClient(ctx, "Nobody"); backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Errorf("FindClient(Nobody) = %v", err)
	}
	f.importToken(t, acme.ID, "Page", 0)
	if err := f.svc.DeleteClient(ctx, acme.ID); backend.ErrorCode(err) != backend.ECONFLICT {
		t.Errorf("deleting a client with accounts = %v, want conflict", err)
	}
	kinds := []string{}
	for _, e := range f.events(t) {
		kinds = append(kinds, e.Kind)
	}
	want := []string{backend.EventAccountImported, backend.EventClientRenamed, backend.EventClientCreated}
	if len(kinds) != len(want) {
		t.Fatalf("events = %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Errorf("event %d = %s, want %s", i, kinds[i], want[i])
		}
	}
}

func TestImportRejectsBadInputAndChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acme := f.client(t, "Acme")
	past := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		req  ImportRequest
	}{
		{"unknown provider", ImportRequest{ClientID: acme.ID, Provider: "myspace", Label: "x", Token: backend.Token{AccessToken: "tok"}}},
		{"empty label", ImportRequest{ClientID: acme.ID, Provider: "x", Label: " ", Token: backend.Token{AccessToken: "tok"}}},
		{"empty token", ImportRequest{ClientID: acme.ID, Provider: "x", Label: "l", Token: backend.Token{AccessToken: ""}}},
		{"control chars", ImportRequest{ClientID: acme.ID, Provider: "x", Label: "l", Token: backend.Token{AccessToken: "to\x1bk"}}},
		{"bad refresh", ImportRequest{ClientID: acme.ID, Provider: "x", Label: "l", Token: backend.Token{AccessToken: "tok", RefreshToken: "a b"}}},
		{"absurd date", ImportRequest{ClientID: acme.ID, Provider: "x", Label: "l", Token: backend.Token{AccessToken: "tok", ExpiresAt: &past}}},
		{"unknown client", ImportRequest{ClientID: "cli_nosuchclient", Provider: "x", Label: "l", Token: backend.Token{AccessToken: "tok"}}},
	} {
		_, err := f.svc.ImportAccount(context.Background(), tc.req)
		if code := backend.ErrorCode(err); code != backend.EINVALID && code != backend.ENOTFOUND {
			t.Errorf("%s: err = %v, want invalid or not found", tc.name, err)
		}
	}
	entries, _ := f.svc.Entries(context.Background(), backend.AccountFilter{})
	if len(entries) != 0 || len(f.secrets.Items) != 0 || len(f.events(t)) != 1 {
		t.Errorf("bad input left %d accounts, %d secrets, %d events", len(entries), len(f.secrets.Items), len(f.events(t)))
	}
}

func TestImportWithLockedKeychainChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acme := f.client(t, "Acme")
	f.secrets.Fail = errLocked
	_, err := f.svc.ImportAccount(context.Background(), ImportRequest{ClientID: acme.ID, Provider: "google", Label: "YT",
		Token: backend.Token{AccessToken: "ya29.secret", RefreshToken: "1//refresh"}})
	if !errors.Is(err, errLocked) {
		t.Fatalf("err = %v, want the keychain error", err)
	}
	entries, _ := f.svc.Entries(context.Background(), backend.AccountFilter{})
	if len(entries) != 0 || len(f.events(t)) != 1 {
		t.Errorf("locked keychain left %d accounts and %d events", len(entries), len(f.events(t)))
	}
}

func TestImportStoresSecretsOnlyInKeychain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acme := f.client(t, "Acme")
	exp := f.now.Add(3 * 24 * time.Hour)
	a, err := f.svc.ImportAccount(context.Background(), ImportRequest{ClientID: acme.ID, Provider: "google", Label: "YT",
		Token: backend.Token{AccessToken: "ya29.secret", RefreshToken: "1//refresh", ExpiresAt: &exp}})
	if err != nil {
		t.Fatal(err)
	}
	if f.secrets.Items[a.ID+"/access_token"] != "ya29.secret" || f.secrets.Items[a.ID+"/refresh_token"] != "1//refresh" {
		t.Errorf("keychain items = %v", f.secrets.Items)
	}
	e, err := f.svc.Entry(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != backend.StatusHealthy || !e.Renews || !e.HasRefreshToken || e.ClientName != "Acme" || e.ProviderName != "Google / YouTube" {
		t.Errorf("entry = %+v", e)
	}
	// And nowhere in the database files, the WAL included.
	files, _ := filepath.Glob(filepath.Join(f.dir, "tokenwarden.db*"))
	if len(files) == 0 {
		t.Fatal("no database files to scan")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{"ya29.secret", "1//refresh"} {
			if bytes.Contains(b, []byte(tok)) {
				t.Errorf("%s contains the token %q", filepath.Base(p), tok)
			}
		}
	}
}

func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	acme := f.client(t, "Acme")
	a := f.importToken(t, acme.ID, "Page", 30*24*time.Hour)

	f.secrets.Fail = errLocked
	if _, err := f.svc.DeleteAccount(ctx, a.ID); !errors.Is(err, errLocked) {
		t.Fatalf("delete with locked keychain = %v", err)
	}
	if _, err := f.svc.Entry(ctx, a.ID); err != nil {
		t.Fatalf("account gone after a failed delete: %v", err)
	}
	f.secrets.Fail = nil
	if _, err := f.svc.DeleteAccount(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if len(f.secrets.Items) != 0 {
		t.Errorf("keychain items left: %v", f.secrets.Items)
	}
	if _, err := f.svc.Entry(ctx, a.ID); backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Errorf("Entry after delete = %v", err)
	}
	hist, err := f.svc.History(ctx, backend.EventFilter{AccountID: a.ID})
	if err != nil || len(hist) != 2 || hist[0].Kind != backend.EventAccountDeleted || hist[0].AccountLabel != "Page" {
		t.Errorf("history after delete = %v, %v", hist, err)
	}
	if _, err := f.svc.DeleteAccount(ctx, a.ID); backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Errorf("second delete = %v", err)
	}
}

func TestGroupsMostUrgentFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	calm := f.client(t, "Calm Co")
	busy := f.client(t, "Busy Ltd")
	empty := f.client(t, "Aardvark (no accounts)")
	f.importToken(t, calm.ID, "Fine", 60*24*time.Hour)
	f.importToken(t, busy.ID, "Later", 5*24*time.Hour)
	f.importToken(t, busy.ID, "Unknown", 0)
	f.importToken(t, busy.ID, "Sooner", 2*24*time.Hour)
	f.importToken(t, busy.ID, "Gone", -time.Hour)
	f.secrets.Reads = 0

	groups, err := f.svc.Groups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	order := []string{}
	for _, g := range groups {
		order = append(order, g.Client.Name)
	}
	if want := []string{"Busy Ltd", "Calm Co", "Aardvark (no accounts)"}; !equal(order, want) {
		t.Errorf("client order = %v, want %v", order, want)
	}
	labels := []string{}
	for _, e := range groups[0].Accounts {
		labels = append(labels, e.Label+":"+string(e.Status))
	}
	if want := []string{"Gone:expired", "Sooner:expiring", "Later:expiring", "Unknown:unknown"}; !equal(labels, want) {
		t.Errorf("account order = %v, want %v", labels, want)
	}
	if groups[2].Client.ID != empty.ID || len(groups[2].Accounts) != 0 {
		t.Errorf("empty client group = %+v", groups[2])
	}
	if f.secrets.Reads != 0 {
		t.Errorf("listing read %d secrets from the keychain", f.secrets.Reads)
	}
}

func TestRenameAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.importToken(t, f.client(t, "Acme").ID, "Page", 0)
	if _, err := f.svc.RenameAccount(ctx, a.ID, ""); backend.ErrorCode(err) != backend.EINVALID {
		t.Errorf("empty label = %v", err)
	}
	if _, err := f.svc.RenameAccount(ctx, "acc_nosuchaccnt", "x"); backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Errorf("unknown account = %v", err)
	}
	got, err := f.svc.RenameAccount(ctx, a.ID, "Acme Page")
	if err != nil || got.Label != "Acme Page" {
		t.Fatalf("rename = %v, %v", got, err)
	}
	hist, _ := f.svc.History(ctx, backend.EventFilter{AccountID: a.ID, Kind: backend.EventAccountRenamed})
	if len(hist) != 1 || hist[0].Details["old_label"] != "Page" {
		t.Errorf("rename history = %+v", hist)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestNotifyCandidates(t *testing.T) {
	by := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	a := &backend.Account{ID: "acc_abcdefghjkmn", ClientID: "cli_a", Provider: "facebook", Label: "Acme Page", Invalid: true, Reason: backend.ReasonRevoked,
		DataAccessExpiresAt: &by}
	// An invalid entry's reconnect-by is "now"; the candidate keeps the
	// account's own deadline, which keys the notifications sent.
	now := by.Add(-48 * time.Hour)
	got := notifyCandidates([]*Entry{
		{Account: a, ClientName: "Acme Bakery", ProviderName: "Facebook", Status: backend.StatusInvalid, Renews: true, ReconnectBy: &now},
		nil, {},
	})
	want := []notify.Candidate{{AccountID: a.ID, ClientID: "cli_a", ClientName: "Acme Bakery", Provider: "facebook", ProviderName: "Facebook",
		Label: "Acme Page", Status: backend.StatusInvalid, ReconnectBy: &by, Invalid: true, Reason: backend.ReasonRevoked, Renews: true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("notifyCandidates = %+v, want %+v", got, want)
	}
}

// An invalid account must be reconnected now: status --json, the window and
// the deadlines agree; the other dates stay the account's.
func TestInvalidReconnectByIsNow(t *testing.T) {
	f := newFixture(t)
	c := f.client(t, "Acme")
	a := f.importToken(t, c.ID, "acme-page", 30*24*time.Hour)
	e, err := f.svc.Entry(context.Background(), a.ID)
	if err != nil || e.ReconnectBy == nil || !e.ReconnectBy.After(f.now.Add(29*24*time.Hour)) {
		t.Fatalf("healthy entry: reconnect by %v (%v), want its expiry", e.ReconnectBy, err)
	}
	a.Invalid, a.Reason = true, backend.ReasonRevoked
	if err := f.svc.Store.Update(context.Background(), func(tx backend.Tx) error { return tx.UpdateAccount(a) }); err != nil {
		t.Fatal(err)
	}
	e, err = f.svc.Entry(context.Background(), a.ID)
	if err != nil || e.ReconnectBy == nil || !e.ReconnectBy.Equal(f.now) {
		t.Fatalf("invalid entry: reconnect by %v (%v), want now %v", e.ReconnectBy, err, f.now)
	}
	if e.ExpiresAt == nil || !e.ExpiresAt.After(f.now) {
		t.Errorf("the expiry changed: %v", e.ExpiresAt)
	}
}
