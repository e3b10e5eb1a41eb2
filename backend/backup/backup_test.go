package backup

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/keychain"
	"github.com/tokenwarden/tokenwarden/backend/keychain/keychaintest"
	"github.com/tokenwarden/tokenwarden/backend/providers"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

const passphrase = "correct horse battery staple"

func init() { scryptWorkFactor = 10 } // fast tests; the format is the same

// fixture is a data folder with two clients, three accounts (one a Page
// with only an access token), history, a provider's credentials and a
// providers.yaml, and its keychain.
type fixture struct {
	dir      string
	secrets  *keychaintest.Memory
	tokens   []string // every secret value
	clientID string   // the client "Acme"
	events   int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{dir: filepath.Join(t.TempDir(), "data"), secrets: keychaintest.New()}
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(filepath.Join(f.dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acme := &backend.Client{ID: backend.NewID("cli"), Name: "Acme Bakery"}
	other := &backend.Client{ID: backend.NewID("cli"), Name: "Other Co"}
	f.clientID = acme.ID
	login := &backend.Account{ID: backend.NewID("acc"), ClientID: acme.ID, Provider: "facebook", Label: "Acme login", HasRefreshToken: false}
	page := &backend.Account{ID: backend.NewID("acc"), ClientID: acme.ID, Provider: "facebook", Label: "Acme Page", Kind: "page", ParentID: login.ID}
	google := &backend.Account{ID: backend.NewID("acc"), ClientID: other.ID, Provider: "google", Label: "Other Google", HasRefreshToken: true}
	err = db.Update(ctx, func(tx backend.Tx) error {
		for _, c := range []*backend.Client{acme, other} {
			if err := tx.InsertClient(c); err != nil {
				return err
			}
		}
		for _, a := range []*backend.Account{login, page, google} {
			if err := tx.InsertAccount(a); err != nil {
				return err
			}
		}
		if err := tx.SaveCredentials(&backend.Credentials{ProviderID: "google", ClientID: "app-client-id"}); err != nil {
			return err
		}
		for i, a := range []*backend.Account{login, page, google, login} {
			c := acme
			if a == google {
				c = other
			}
			e := &backend.Event{Time: time.Date(2026, 11, 1+i, 9, 0, 0, 0, time.UTC), ClientID: c.ID, ClientName: c.Name,
				AccountID: a.ID, AccountLabel: a.Label, Provider: a.Provider, Kind: backend.EventAccountChecked, Outcome: backend.OutcomeOK,
				Message: fmt.Sprintf("check %d", i), Details: map[string]any{"n": float64(i)}}
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
			f.events++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	set := func(owner string, kind backend.SecretKind, v string) {
		if err := f.secrets.SetSecret(ctx, owner, kind, v); err != nil {
			t.Fatal(err)
		}
		f.tokens = append(f.tokens, v)
	}
	set(login.ID, backend.SecretAccessToken, "EAAtestLoginAccessToken0001")
	set(page.ID, backend.SecretAccessToken, "EAAtestPageAccessToken0002")
	set(google.ID, backend.SecretAccessToken, "ya29.testGoogleAccess0003")
	set(google.ID, backend.SecretRefreshToken, "1//testGoogleRefresh0004")
	set(backend.CredentialsOwner("google"), backend.SecretClientSecret, "GOCSPX-testClientSecret0005")
	yaml := "providers:\n  - id: acme-idp\n    name: Acme IdP\n"
	if err := os.WriteFile(filepath.Join(f.dir, providers.FileName), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestBackupFileRevealsNothing(t *testing.T) {
	f := newFixture(t)
	for _, enc := range []Encryption{{Passphrase: passphrase}, {Recipients: newIdentity(t).Recipient().String()}} {
		out := filepath.Join(t.TempDir(), "backup.age")
		res, err := Create(context.Background(), f.dir, f.secrets, out, enc, "v1.2.3")
		if err != nil {
			t.Fatal(err)
		}
		if res.Clients != 2 || res.Accounts != 3 || res.Secrets != 5 {
			t.Errorf("created %+v, want 2 clients, 3 accounts, 5 secrets", res)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(raw, []byte("age-encryption.org/v1\n")) {
			t.Errorf("not an age file: %q", raw[:min(40, len(raw))])
		}
		for _, s := range append(f.tokens, "Acme Bakery", "Other Co", "SQLite format 3", "acme-idp", "app-client-id", "v1.2.3") {
			for _, form := range []string{s, strings.ToLower(s)} {
				if bytes.Contains(raw, []byte(form)) {
					t.Errorf("backup file contains %q in the clear", form)
				}
			}
		}
		if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
			t.Errorf("backup file mode %v, want 0600", st.Mode().Perm())
		}
	}
}

func TestRestoreRoundTrip(t *testing.T) {
	f := newFixture(t)
	out := filepath.Join(t.TempDir(), "backup.age")
	if _, err := Create(context.Background(), f.dir, f.secrets, out, Encryption{Passphrase: passphrase}, "test"); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "new-laptop", "tokenwarden")
	fresh := keychaintest.New()
	res, err := Restore(context.Background(), out, target, fixedKeychain(fresh), Decryption{Passphrase: passphrase}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Clients != 2 || res.Accounts != 3 || res.Secrets != 5 || res.MovedAside != "" {
		t.Errorf("restored %+v", res)
	}
	if !equalMaps(fresh.Items, f.secrets.Items) {
		t.Errorf("keychain after restore %v, want %v", fresh.Items, f.secrets.Items)
	}
	if got, want := dump(t, target), dump(t, f.dir); got != want {
		t.Errorf("restored data differs:\n got %s\nwant %s", got, want)
	}
	yaml, err := os.ReadFile(filepath.Join(target, providers.FileName))
	if err != nil || !bytes.Contains(yaml, []byte("acme-idp")) {
		t.Errorf("providers.yaml not restored: %q, %v", yaml, err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".*restore*")); len(leftovers) > 0 {
		t.Errorf("staging left behind: %v", leftovers)
	}
}

func TestRestoreRefusesWithoutChanging(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "backup.age")
	if _, err := Create(ctx, f.dir, f.secrets, out, Encryption{Passphrase: passphrase}, "test"); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(out)
	write := func(name string, b []byte) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tampered := bytes.Clone(raw)
	tampered[len(tampered)/2] ^= 0x01
	newer := newerSchemaBackup(t)
	client := filepath.Join(t.TempDir(), "client.age")
	if _, err := ExportClient(ctx, openStore(t, f.dir), f.secrets, "Acme Bakery", client, Encryption{Passphrase: passphrase}, "test"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, pass string
		want             string // in the error message
	}{
		{"wrong passphrase", out, "wrong horse battery staple", "passphrase is wrong"},
		{"truncated", write("cut.age", raw[:len(raw)*2/3]), passphrase, "damaged or incomplete"},
		{"tampered", write("flip.age", tampered), passphrase, "damaged or incomplete"},
		{"not age", write("plain.age", []byte("hello")), passphrase, "damaged or incomplete"},
		{"newer schema", newer, passphrase, "newer version"},
		{"client file", client, passphrase, "not a full backup"},
		{"missing file", filepath.Join(t.TempDir(), "nope.age"), passphrase, "no file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "data")
			secrets := keychaintest.New()
			_, err := Restore(ctx, tc.file, target, fixedKeychain(secrets), Decryption{Passphrase: tc.pass}, false)
			if err == nil || !strings.Contains(backend.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
			if _, serr := os.Stat(target); !os.IsNotExist(serr) {
				t.Errorf("data folder created")
			}
			if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
			if len(secrets.Items) != 0 {
				t.Errorf("keychain written: %v", secrets.Items)
			}
		})
	}
}

func TestRestoreOverExistingData(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "backup.age")
	if _, err := Create(ctx, f.dir, f.secrets, out, Encryption{Passphrase: passphrase}, "test"); err != nil {
		t.Fatal(err)
	}
	other := newFixture(t) // a different data set in the target folder
	before := dump(t, other.dir)
	if _, err := Restore(ctx, out, other.dir, fixedKeychain(other.secrets), Decryption{Passphrase: passphrase}, false); backend.ErrorCode(err) != backend.ECONFLICT {
		t.Fatalf("without force: err = %v, want ECONFLICT", err)
	}
	if dump(t, other.dir) != before {
		t.Fatal("refused restore changed the data")
	}
	res, err := Restore(ctx, out, other.dir, fixedKeychain(other.secrets), Decryption{Passphrase: passphrase}, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.MovedAside == "" || dump(t, res.MovedAside) != before {
		t.Errorf("old folder not kept aside intact: %q", res.MovedAside)
	}
	if dump(t, other.dir) != dump(t, f.dir) {
		t.Error("restored data differs from the backup")
	}
}

func TestRestoreIntoFirstRunFolder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "backup.age")
	if _, err := Create(ctx, f.dir, f.secrets, out, Encryption{Passphrase: passphrase}, "test"); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "data")
	os.MkdirAll(target, 0o700)
	db, err := sqlite.Open(filepath.Join(target, DatabaseFile)) // what the window's first start leaves
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.WriteFile(filepath.Join(target, keychain.IDFile), []byte("0123456789abcdef\n"), 0o600)
	if empty, err := IsEmpty(ctx, target); !empty || err != nil {
		t.Fatalf("IsEmpty = %v, %v on a first-run folder", empty, err)
	}
	res, err := Restore(ctx, out, target, fixedKeychain(keychaintest.New()), Decryption{Passphrase: passphrase}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.MovedAside != "" || res.Accounts != 3 {
		t.Errorf("restored %+v", res)
	}
}

func TestRestoreUndoesSecretsWhenTheKeychainFails(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "backup.age")
	if _, err := Create(ctx, f.dir, f.secrets, out, Encryption{Passphrase: passphrase}, "test"); err != nil {
		t.Fatal(err)
	}
	secrets := &failAfter{Memory: keychaintest.New(), n: 2}
	secrets.Items["keep/access_token"] = "untouched"
	target := filepath.Join(t.TempDir(), "data")
	if _, err := Restore(ctx, out, target, fixedKeychain(secrets), Decryption{Passphrase: passphrase}, false); err == nil {
		t.Fatal("restore succeeded with a failing keychain")
	}
	if len(secrets.Items) != 1 || secrets.Items["keep/access_token"] != "untouched" {
		t.Errorf("keychain after failed restore: %v", secrets.Items)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Error("data folder created")
	}
}

// failAfter fails every SetSecret after the first n.
type failAfter struct {
	*keychaintest.Memory
	n int
}

func (f *failAfter) SetSecret(ctx context.Context, owner string, kind backend.SecretKind, v string) error {
	if f.n == 0 {
		return backend.Errorf(backend.EUNAVAILABLE, "The keychain is locked.")
	}
	f.n--
	return f.Memory.SetSecret(ctx, owner, kind, v)
}

func TestEncryptionChoices(t *testing.T) {
	id := newIdentity(t)
	tests := []struct {
		name string
		enc  Encryption
		ok   bool
	}{
		{"passphrase", Encryption{Passphrase: passphrase}, true},
		{"short passphrase", Encryption{Passphrase: "short"}, false},
		{"recipient", Encryption{Recipients: id.Recipient().String()}, true},
		{"two recipients", Encryption{Recipients: id.Recipient().String() + "\n" + newIdentity(t).Recipient().String()}, true},
		{"bad recipient", Encryption{Recipients: "age1notakey"}, false},
		{"both", Encryption{Passphrase: passphrase, Recipients: id.Recipient().String()}, false},
		{"neither", Encryption{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.enc.recipients()
			if (err == nil) != tc.ok {
				t.Errorf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// newerSchemaBackup writes a backup that claims a schema this version does
// not know, as a future version would.
func newerSchemaBackup(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "newer.age")
	m := Manifest{Kind: KindFull, SchemaVersion: sqlite.SchemaVersion() + 1, AppVersion: "v99.0.0", CreatedAt: time.Now()}
	w, err := newWriter(out, Encryption{Passphrase: passphrase}, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.add(databaseName, 5, strings.NewReader("later")); err != nil {
		t.Fatal(err)
	}
	if err := w.addJSON(secretsName, []secretItem{{Owner: "acc_x", Kind: backend.SecretAccessToken, Value: "v"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.commit(); err != nil {
		t.Fatal(err)
	}
	return out
}

func newIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func openStore(t *testing.T, dir string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dump renders a data folder's clients, accounts, credentials and events.
func dump(t *testing.T, dir string) string {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []any
	err = db.View(context.Background(), func(tx backend.Tx) error {
		clients, err := tx.Clients()
		if err != nil {
			return err
		}
		accounts, err := tx.Accounts(backend.AccountFilter{})
		if err != nil {
			return err
		}
		events, err := tx.Events(backend.EventFilter{Limit: 1000})
		if err != nil {
			return err
		}
		creds, err := tx.Credentials("google")
		if err != nil && backend.ErrorCode(err) != backend.ENOTFOUND {
			return err
		}
		out = append(out, clients, accounts, events, creds)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// fixedKeychain hands Restore the same keychain whatever folder it asks for.
func fixedKeychain(s backend.Secrets) func(string) (backend.Secrets, error) {
	return func(string) (backend.Secrets, error) { return s, nil }
}
