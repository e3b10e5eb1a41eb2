package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestSnapshotAndFileSchemaVersion(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(filepath.Join(dir, "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(ctx, func(tx backend.Tx) error {
		if err := tx.InsertClient(&backend.Client{ID: "cli_1", Name: "Acme"}); err != nil {
			return err
		}
		return tx.SaveCredentials(&backend.Credentials{ProviderID: "google", ClientID: "app"})
	}); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "snap.db")
	if err := db.Snapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if err := db.Snapshot(ctx, snap); err == nil {
		t.Error("a second snapshot over an existing file succeeded")
	}
	v, err := FileSchemaVersion(ctx, snap)
	if err != nil || v != SchemaVersion() {
		t.Errorf("FileSchemaVersion = %d, %v; want %d", v, err, SchemaVersion())
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(snap + suffix); err == nil {
			t.Errorf("reading the version left %s behind", suffix)
		}
	}
	copyDB, err := Open(snap)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if err := copyDB.View(ctx, func(tx backend.Tx) error {
		if _, err := tx.ClientByName("Acme"); err != nil {
			return err
		}
		ids, err := tx.(*Tx).CredentialProviders()
		if len(ids) != 1 || ids[0] != "google" {
			t.Errorf("CredentialProviders = %v", ids)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	tests := map[string][]byte{
		"not sqlite": []byte("hello, this is not a database file at all, not even close to one"),
		"empty":      {},
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.db")
			os.WriteFile(p, content, 0o600)
			if v, err := FileSchemaVersion(ctx, p); err == nil && v != 0 {
				t.Errorf("FileSchemaVersion of %s = %d", name, v)
			} else if name == "not sqlite" && err == nil {
				t.Error("no error for a file that is not a database")
			}
		})
	}
}
