package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/providers"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// DatabaseFile is the name of the database in a data folder.
const DatabaseFile = "tokenwarden.db"

// Created describes a backup just written.
type Created struct {
	File     string   `json:"file"`
	Manifest Manifest `json:"manifest"`
	Clients  int      `json:"clients"`
	Accounts int      `json:"accounts"`
	// Secrets counts the keychain items in the file.
	Secrets int `json:"secrets"`
}

// Create writes a full backup of the data folder to the new file out: a
// consistent snapshot of the database (settings included), providers.yaml,
// and every keychain item the data refers to, read through secrets (the
// keychain of dataDir). It refuses to replace an existing file.
func Create(ctx context.Context, dataDir string, secrets backend.Secrets, out string, enc Encryption, appVersion string) (*Created, error) {
	dbPath := filepath.Join(dataDir, DatabaseFile)
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return nil, backend.Errorf(backend.ENOTFOUND, "There is nothing to back up in %s.", dataDir)
	}
	if _, err := enc.recipients(); err != nil {
		return nil, err // before the slow part
	}
	tmp, err := os.MkdirTemp("", "tokenwarden-backup-*")
	if err != nil {
		return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot create a temporary folder: %v.", err)
	}
	defer os.RemoveAll(tmp)

	live, err := sqlite.Open(dbPath)
	if err != nil {
		return nil, err
	}
	snapshot := filepath.Join(tmp, DatabaseFile)
	err = live.Snapshot(ctx, snapshot)
	live.Close()
	if err != nil {
		return nil, err
	}
	res := &Created{File: out}
	wanted, err := referencedSecrets(ctx, snapshot, res)
	if err != nil {
		return nil, err
	}
	items, err := readSecrets(ctx, secrets, wanted)
	if err != nil {
		return nil, err
	}
	res.Secrets = len(items)
	res.Manifest = Manifest{Kind: KindFull, SchemaVersion: sqlite.SchemaVersion(), AppVersion: appVersion, CreatedAt: time.Now().UTC().Truncate(time.Second)}

	w, err := newWriter(out, enc, res.Manifest)
	if err != nil {
		return nil, err
	}
	defer w.abort()
	if err := w.addFile(databaseName, snapshot); err != nil {
		return nil, err
	}
	if p := filepath.Join(dataDir, providers.FileName); fileExists(p) {
		if err := w.addFile(providersName, p); err != nil {
			return nil, err
		}
	}
	if err := w.addJSON(secretsName, items); err != nil {
		return nil, err
	}
	if err := w.commit(); err != nil {
		return nil, err
	}
	res.Manifest.Format, res.Manifest.FormatVersion = formatName, formatVersion
	return res, nil
}

// referencedSecrets lists the keychain items the snapshot's rows refer to:
// every account's access and refresh token (Pages included) and every
// provider's client secret. It counts clients and accounts into res.
func referencedSecrets(ctx context.Context, snapshot string, res *Created) ([]secretItem, error) {
	db, err := sqlite.Open(snapshot)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var wanted []secretItem
	err = db.View(ctx, func(tx backend.Tx) error {
		clients, err := tx.Clients()
		if err != nil {
			return err
		}
		accounts, err := tx.Accounts(backend.AccountFilter{})
		if err != nil {
			return err
		}
		res.Clients, res.Accounts = len(clients), len(accounts)
		wanted = accountSecrets(accounts)
		ids, err := tx.(*sqlite.Tx).CredentialProviders()
		if err != nil {
			return err
		}
		for _, id := range ids {
			wanted = append(wanted, secretItem{Owner: backend.CredentialsOwner(id), Kind: backend.SecretClientSecret})
		}
		return nil
	})
	return wanted, err
}

func accountSecrets(accounts []*backend.Account) []secretItem {
	var wanted []secretItem
	for _, a := range accounts {
		wanted = append(wanted, secretItem{Owner: a.ID, Kind: backend.SecretAccessToken}, secretItem{Owner: a.ID, Kind: backend.SecretRefreshToken})
	}
	return wanted
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
