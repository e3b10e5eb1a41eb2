package backup

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/keychain/keychaintest"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

func TestClientHandOver(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	colleague := newIdentity(t)
	out := filepath.Join(t.TempDir(), "acme.age")
	sent, err := ExportClient(ctx, openStore(t, f.dir), f.secrets, "acme bakery", out, Encryption{Recipients: colleague.Recipient().String()}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if sent.Client != "Acme Bakery" || sent.Accounts != 2 || sent.Events != 3 || sent.Secrets != 2 {
		t.Errorf("exported %+v, want Acme Bakery with 2 accounts, 3 events, 2 secrets", sent)
	}
	raw, _ := os.ReadFile(out)
	for _, s := range append(f.tokens, "Acme") {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("hand-over file contains %q in the clear", s)
		}
	}

	// The colleague's own data folder, with a client of their own.
	theirs := filepath.Join(t.TempDir(), "colleague")
	os.MkdirAll(theirs, 0o700)
	db := openStore(t, theirs)
	if err := db.Update(ctx, func(tx backend.Tx) error {
		return tx.InsertClient(&backend.Client{ID: backend.NewID("cli"), Name: "Their Own"})
	}); err != nil {
		t.Fatal(err)
	}
	keys := keychaintest.New()
	wrong := Decryption{Identities: newIdentity(t).String()}
	if _, err := ImportClient(ctx, db, keys, out, wrong); err == nil || !strings.Contains(err.Error(), "not encrypted to this key") {
		t.Fatalf("import with the wrong key: err = %v", err)
	}
	got, err := ImportClient(ctx, db, keys, out, Decryption{Identities: "# created: today\n" + colleague.String() + "\n"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Accounts != 2 || got.Events != 3 || len(keys.Items) != 2 {
		t.Errorf("imported %+v, keychain %v", got, keys.Items)
	}
	for k, v := range keys.Items {
		if f.secrets.Items[k] != v {
			t.Errorf("token %s = %q, want %q", k, v, f.secrets.Items[k])
		}
	}
	err = db.View(ctx, func(tx backend.Tx) error {
		c, err := tx.ClientByName("Acme Bakery")
		if err != nil {
			return err
		}
		accounts, err := tx.Accounts(backend.AccountFilter{ClientID: c.ID})
		if err != nil {
			return err
		}
		events, err := tx.Events(backend.EventFilter{ClientID: c.ID})
		if err != nil {
			return err
		}
		if len(accounts) != 2 || len(events) != 3 || events[0].Message != "check 3" || events[2].Message != "check 0" {
			t.Errorf("colleague has %d accounts and events %v", len(accounts), events)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A second import changes nothing.
	before := len(keys.Items)
	if _, err := ImportClient(ctx, db, keys, out, Decryption{Identities: colleague.String()}); backend.ErrorCode(err) != backend.ECONFLICT {
		t.Errorf("second import: err = %v, want ECONFLICT", err)
	}
	if len(keys.Items) != before {
		t.Error("second import wrote to the keychain")
	}
}

func TestImportClientRefusesAFullBackup(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	out := filepath.Join(t.TempDir(), "full.age")
	if _, err := Create(ctx, f.dir, f.secrets, out, Encryption{Passphrase: passphrase}, "test"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := ImportClient(ctx, db, keychaintest.New(), out, Decryption{Passphrase: passphrase}); err == nil || !strings.Contains(err.Error(), "full backup") {
		t.Errorf("err = %v, want one saying it is a full backup", err)
	}
}

func TestExportUnknownClient(t *testing.T) {
	f := newFixture(t)
	out := filepath.Join(t.TempDir(), "x.age")
	_, err := ExportClient(context.Background(), openStore(t, f.dir), f.secrets, "Nobody", out, Encryption{Recipients: newIdentity(t).Recipient().String()}, "test")
	if backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Errorf("err = %v, want ENOTFOUND", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("file written for an unknown client")
	}
}
