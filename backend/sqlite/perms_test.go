//go:build !windows

package sqlite

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

func mode(t *testing.T, p string) fs.FileMode {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestDatabaseFilesArePrivate(t *testing.T) {
	for _, tc := range []struct {
		name string
		old  bool // files left 0644 in a 0755 folder by an older version
	}{{"new", false}, {"tightened on open", true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "tokenwarden.db")
			if tc.old {
				db, err := Open(path)
				if err != nil {
					t.Fatal(err)
				}
				db.Close()
				for _, p := range []string{path, path + "-wal", path + "-shm"} {
					os.Chmod(p, 0o644)
				}
				os.Chmod(dir, 0o755)
			}
			db, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// A write makes SQLite create the -wal and -shm files.
			if err := db.Update(context.Background(), func(tx backend.Tx) error {
				return tx.InsertClient(&backend.Client{ID: backend.NewID("cli"), Name: "Acme"})
			}); err != nil {
				t.Fatal(err)
			}
			if m := mode(t, dir); m != 0o700 {
				t.Errorf("data folder mode %o, want 700", m)
			}
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				if m := mode(t, p); m != 0o600 {
					t.Errorf("%s mode %o, want 600", filepath.Base(p), m)
				}
			}
		})
	}
}
