package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// SchemaVersion is the newest schema this binary knows.
func SchemaVersion() int { return len(migrations) }

// Snapshot writes a consistent copy of the whole database to path, which
// must not exist, with VACUUM INTO: one read transaction, so a write landing
// meanwhile is either wholly in the copy or not at all.
func (db *DB) Snapshot(ctx context.Context, path string) error {
	if _, err := db.sql.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("snapshot database: %w", err)
	}
	return nil
}

// FileSchemaVersion reads the schema version of the database file at path
// without migrating or otherwise changing it, after checking that the file
// is an intact SQLite database.
func FileSchemaVersion(ctx context.Context, path string) (int, error) {
	if strings.Contains(path, "?") {
		return 0, backend.Errorf(backend.EINVALID, "The path %q contains a \"?\", which Tokenwarden cannot use.", path)
	}
	// mode=ro needs the URI form; immutable=1 keeps SQLite from creating a
	// -wal or -shm file next to it.
	u := url.URL{Scheme: "file", Path: path, RawQuery: "mode=ro&immutable=1"}
	sdb, err := sql.Open("sqlite", u.String())
	if err != nil {
		return 0, fmt.Errorf("open database %s: %w", path, err)
	}
	defer sdb.Close()
	var check string
	if err := sdb.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil || check != "ok" {
		return 0, backend.Errorf(backend.EINVALID, "The database in it is damaged.")
	}
	return userVersion(ctx, sdb)
}

// CredentialProviders lists the providers that have developer app
// credentials; each one's client secret is in the keychain.
func (t *Tx) CredentialProviders() ([]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, "SELECT provider_id FROM provider_credentials ORDER BY provider_id")
	if err != nil {
		return nil, fmt.Errorf("list provider credentials: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list provider credentials: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
