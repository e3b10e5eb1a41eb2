package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/keychain"
	"github.com/tokenwarden/tokenwarden/backend/lock"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// Restored describes a restore that went through.
type Restored struct {
	DataDir  string   `json:"data_dir"`
	Manifest Manifest `json:"manifest"`
	// MovedAside is where the data folder that was there before now is
	// ("" when there was none or it held no data).
	MovedAside string `json:"moved_aside"`
	Clients    int    `json:"clients"`
	Accounts   int    `json:"accounts"`
	Secrets    int    `json:"secrets"`
}

// Restore puts the full backup in file into dataDir and its keychain items
// into secrets (the keychain of dataDir on this machine). A data folder that
// holds data is replaced only with force, and is then moved aside, not
// deleted. Everything is checked first: a wrong passphrase, a damaged file
// or a schema newer than this version knows changes nothing. The caller
// checks every account afterwards; the database must not be open meanwhile.
//
// keychainOf opens the keychain of a data folder: the restored folder gets
// a keychain id of its own (see keychain.Open), so the secrets are written
// under the staging folder's id, which moves with the folder into place;
// a folder moved aside keeps its own id and its own items.
func Restore(ctx context.Context, file, dataDir string, keychainOf func(dir string) (backend.Secrets, error), d Decryption, force bool) (*Restored, error) {
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	empty, err := IsEmpty(ctx, dataDir)
	if err != nil {
		return nil, err
	}
	if !empty && !force {
		return nil, backend.Errorf(backend.ECONFLICT, "%s already holds Tokenwarden data.", dataDir).
			WithHint("Nothing was changed. Restore with --force to move that folder aside and replace it, or use --data-dir to restore elsewhere.")
	}
	if err := os.MkdirAll(filepath.Dir(dataDir), 0o700); err != nil {
		return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot create %s: %v.", filepath.Dir(dataDir), err)
	}
	// The staging folder sits next to the data folder, so that putting it in
	// place is a rename on the same file system.
	staging, err := os.MkdirTemp(filepath.Dir(dataDir), "."+filepath.Base(dataDir)+".restore-*")
	if err != nil {
		return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot create a folder next to %s: %v.", dataDir, err)
	}
	defer os.RemoveAll(staging) // empty after a successful swap

	c, err := read(file, d, KindFull, staging, []string{databaseName, providersName}, []string{secretsName})
	if err != nil {
		return nil, err
	}
	res := &Restored{DataDir: dataDir, Manifest: c.manifest}
	var items []secretItem
	if err := checkFull(ctx, c, &items); err != nil {
		return nil, err
	}
	if err := countRows(ctx, c.files[databaseName], res); err != nil {
		return nil, err
	}

	secrets, err := keychainOf(staging)
	if err != nil {
		return nil, err
	}
	undo, err := writeSecrets(ctx, secrets, items)
	if err != nil {
		return nil, err
	}
	res.Secrets = len(items)
	aside, err := swap(staging, dataDir, empty)
	if err != nil {
		undo()
		return nil, err
	}
	res.MovedAside = aside
	return res, nil
}

// checkFull checks a decrypted full backup and decodes its secrets.
func checkFull(ctx context.Context, c *contents, items *[]secretItem) error {
	m := c.manifest
	db := c.files[databaseName]
	if db == "" {
		return notABackup()
	}
	v, err := sqlite.FileSchemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if v != m.SchemaVersion {
		return notABackup()
	}
	return decodeJSON(c, secretsName, items)
}

// countRows opens the staged database, which also brings an older schema up
// to date, and counts what it holds.
func countRows(ctx context.Context, path string, res *Restored) error {
	db, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.View(ctx, func(tx backend.Tx) error {
		clients, err := tx.Clients()
		if err != nil {
			return err
		}
		accounts, err := tx.Accounts(backend.AccountFilter{})
		res.Clients, res.Accounts = len(clients), len(accounts)
		return err
	})
}

// writeSecrets stores items in the keychain. On failure it puts back what it
// replaced; undo does the same after a later step fails.
func writeSecrets(ctx context.Context, secrets backend.Secrets, items []secretItem) (undo func(), err error) {
	type previous struct {
		secretItem
		existed bool
	}
	var done []previous
	undo = func() {
		// A fresh context: the caller's may be what was cancelled.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for i := len(done) - 1; i >= 0; i-- {
			p := done[i]
			if p.existed {
				_ = secrets.SetSecret(ctx, p.Owner, p.Kind, p.Value)
			} else {
				_ = secrets.DeleteSecret(ctx, p.Owner, p.Kind)
			}
		}
	}
	for _, s := range items {
		old, err := secrets.Secret(ctx, s.Owner, s.Kind)
		existed := err == nil
		if err != nil && backend.ErrorCode(err) != backend.ENOTFOUND {
			undo()
			return nil, err
		}
		if err := secrets.SetSecret(ctx, s.Owner, s.Kind, s.Value); err != nil {
			undo()
			return nil, err
		}
		done = append(done, previous{secretItem{Owner: s.Owner, Kind: s.Kind, Value: old}, existed})
	}
	return undo, nil
}

// swap puts the staged folder in place of dataDir. A folder with data is
// renamed to "<dataDir>.before-restore-<time>"; one without data (a first
// start made an empty database) is removed.
func swap(staging, dataDir string, empty bool) (aside string, err error) {
	// The staged database was opened to count its rows; its -wal and -shm
	// files are gone after Close, only the database remains.
	if _, err := os.Stat(dataDir); err == nil {
		if empty {
			if err := os.RemoveAll(dataDir); err != nil {
				return "", backend.Errorf(backend.EUNAVAILABLE, "Cannot replace the empty data folder %s: %v.", dataDir, err)
			}
		} else {
			aside = dataDir + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
			if err := os.Rename(dataDir, aside); err != nil {
				return "", backend.Errorf(backend.EUNAVAILABLE, "Cannot move %s aside: %v.", dataDir, err).WithHint("Nothing was changed.")
			}
		}
	}
	if err := os.Rename(staging, dataDir); err != nil {
		if aside != "" {
			_ = os.Rename(aside, dataDir)
		}
		return "", backend.Errorf(backend.EUNAVAILABLE, "Cannot put the restored data in %s: %v.", dataDir, err)
	}
	_ = os.Chmod(dataDir, 0o700)
	return aside, nil
}

// IsEmpty reports whether dataDir holds no Tokenwarden data: it does not
// exist, or holds nothing but a database without clients, accounts or
// history (what the first start of the window creates), lock files and its
// keychain id.
func IsEmpty(ctx context.Context, dataDir string) (bool, error) {
	entries, err := os.ReadDir(dataDir)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, backend.Errorf(backend.EUNAVAILABLE, "Cannot read %s: %v.", dataDir, err)
	}
	hasDB := false
	for _, e := range entries {
		switch e.Name() {
		case DatabaseFile:
			hasDB = true
		// The window's first start also gives the folder its keychain id.
		case DatabaseFile + "-wal", DatabaseFile + "-shm", lock.Dir, keychain.IDFile:
		default:
			return false, nil
		}
	}
	if !hasDB {
		return true, nil
	}
	db, err := sqlite.Open(filepath.Join(dataDir, DatabaseFile))
	if err != nil {
		return false, nil // a database this version cannot read is data
	}
	defer db.Close()
	empty := false
	err = db.View(ctx, func(tx backend.Tx) error {
		clients, err := tx.Clients()
		if err != nil {
			return err
		}
		events, err := tx.Events(backend.EventFilter{Limit: 1})
		empty = len(clients) == 0 && len(events) == 0
		return err
	})
	return empty, err
}
